// worker_pool_test.cpp — the WorkerPool's thread accounting with and without busy polling.
#include "riffq/server/worker_pool.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace riffq::server {
namespace {

using namespace std::chrono_literals;

WorkerPool::Options options(std::chrono::microseconds busy_poll, size_t concurrency = 0) {
  WorkerPool::Options o;
  o.max_threads = 8;
  o.busy_poll = busy_poll;
  o.concurrency = concurrency;
  return o;
}

// Posts a task and waits until it ran.
void run_one(WorkerPool& pool, std::atomic<int>& ran) {
  std::promise<void> done;
  auto f = done.get_future();
  pool.post([&] {
    ++ran;
    done.set_value();
  });
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
}

TEST(WorkerPool, RunsEveryTaskBeforeShutdownReturns) {
  std::atomic<int> ran{0};
  {
    WorkerPool pool(options(100us));
    for (int i = 0; i < 100; ++i) pool.post([&] { ++ran; });
    pool.shutdown();
  }
  EXPECT_EQ(ran.load(), 100);
}

// A task posted while the previous task's thread busy-polls goes to that thread: the pool must
// not start a second thread because none was asleep on the condition variable.
TEST(WorkerPool, PollingThreadTakesTheNextTask) {
  WorkerPool pool(options(std::chrono::microseconds(5000000)));
  std::atomic<int> ran{0};
  for (int i = 0; i < 50; ++i) {
    run_one(pool, ran);
    // Post once the thread polls (not while it is still finishing the task).
    for (int w = 0; w < 5000 && pool.polling_count() == 0; ++w) std::this_thread::sleep_for(1ms);
    ASSERT_EQ(pool.polling_count(), 1u);
  }
  EXPECT_EQ(ran.load(), 50);
  EXPECT_EQ(pool.thread_count(), 1u);
}

// Without polling a sleeping thread is woken for each task: still one thread.
TEST(WorkerPool, SleepingThreadIsWokenWithoutPolling) {
  WorkerPool pool(options(0us));
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    run_one(pool, ran);
    std::this_thread::sleep_for(1ms);  // let the thread go to sleep
  }
  EXPECT_EQ(ran.load(), 20);
  EXPECT_EQ(pool.thread_count(), 1u);
}

// Posts n tasks that block until released; returns how many started within `wait`, then
// releases them and shuts the pool down.
int blocking_tasks_started(WorkerPool& pool, int n, std::chrono::milliseconds wait) {
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> started{0};
  for (int i = 0; i < n; ++i)
    pool.post([&started, gate] {
      ++started;
      gate.wait();
    });
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (started.load() < n && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(1ms);
  const int seen = started.load();
  release.set_value();
  pool.shutdown();
  return seen;
}

// Tasks that block each get their own thread: polling threads never leave a task waiting.
TEST(WorkerPool, BlockedTasksGetTheirOwnThreads) {
  WorkerPool pool(options(100us));
  EXPECT_EQ(blocking_tasks_started(pool, 4, 1s), 4);
}

// A polling thread gives up after busy_poll and sleeps: a task posted later still runs.
TEST(WorkerPool, TaskAfterPollingEndedRuns) {
  WorkerPool pool(options(50us));
  std::atomic<int> ran{0};
  run_one(pool, ran);
  std::this_thread::sleep_for(20ms);
  run_one(pool, ran);
  EXPECT_EQ(ran.load(), 2);
}

// Runs n tasks of about 200 µs each, posted in a burst; returns the most that ran at once.
int most_at_once(WorkerPool& pool, int n) {
  std::atomic<int> ran{0}, running{0}, most{0};
  for (int i = 0; i < n; ++i)
    pool.post([&] {
      int now = ++running;
      int seen = most.load();
      while (now > seen && !most.compare_exchange_weak(seen, now)) {
      }
      std::this_thread::sleep_for(200us);
      --running;
      ++ran;
    });
  // Not shutdown() at once: it runs what is still queued without the limit.
  for (int i = 0; i < 10000 && ran.load() < n; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(ran.load(), n);
  pool.shutdown();
  return most.load();
}

// Tasks posted in a burst run at most `concurrency` at a time (none counts as blocked here).
TEST(WorkerPool, BurstRunsAtMostConcurrencyAtOnce) {
  for (size_t concurrency : {1u, 2u}) {
    WorkerPool::Options o = options(0us, concurrency);
    o.patience = 60s;
    WorkerPool pool(o);
    EXPECT_LE(most_at_once(pool, 100), int(concurrency));
  }
}

// Without a limit the same burst spreads over many threads.
TEST(WorkerPool, BurstWithoutLimitUsesManyThreads) {
  WorkerPool pool(options(0us, 0));
  EXPECT_GT(most_at_once(pool, 100), 2);
}

// Tasks beyond the concurrency start once the running ones count as blocked (after
// `patience`): a task never waits for another to end.
TEST(WorkerPool, BlockedTasksDoNotHoldBackTheQueue) {
  WorkerPool::Options o = options(0us, 1);
  o.patience = 2ms;
  WorkerPool pool(o);
  EXPECT_EQ(blocking_tasks_started(pool, 3, 5s), 3);
}

}  // namespace
}  // namespace riffq::server
