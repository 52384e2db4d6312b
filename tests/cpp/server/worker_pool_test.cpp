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
    WorkerPool pool(4, std::chrono::seconds(30), {}, 100us);
    for (int i = 0; i < 100; ++i) pool.post([&] { ++ran; });
    pool.shutdown();
  }
  EXPECT_EQ(ran.load(), 100);
}

// A task posted while the previous task's thread busy-polls goes to that thread: the pool must
// not start a second thread because none was asleep on the condition variable.
TEST(WorkerPool, PollingThreadTakesTheNextTask) {
  WorkerPool pool(8, std::chrono::seconds(30), {}, std::chrono::microseconds(5000000));
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
  WorkerPool pool(8, std::chrono::seconds(30), {}, 0us);
  std::atomic<int> ran{0};
  for (int i = 0; i < 20; ++i) {
    run_one(pool, ran);
    std::this_thread::sleep_for(1ms);  // let the thread go to sleep
  }
  EXPECT_EQ(ran.load(), 20);
  EXPECT_EQ(pool.thread_count(), 1u);
}

// Tasks that block each get their own thread: polling threads never leave a task waiting.
TEST(WorkerPool, BlockedTasksGetTheirOwnThreads) {
  WorkerPool pool(8, std::chrono::seconds(30), {}, 100us);
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  std::atomic<int> started{0};
  for (int i = 0; i < 4; ++i)
    pool.post([&, gate] {
      ++started;
      gate.wait();
    });
  for (int i = 0; i < 1000 && started.load() < 4; ++i) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(started.load(), 4);
  release.set_value();
  pool.shutdown();
}

// A polling thread gives up after busy_poll and sleeps: a task posted later still runs.
TEST(WorkerPool, TaskAfterPollingEndedRuns) {
  WorkerPool pool(8, std::chrono::seconds(30), {}, 50us);
  std::atomic<int> ran{0};
  run_one(pool, ran);
  std::this_thread::sleep_for(20ms);
  run_one(pool, ran);
  EXPECT_EQ(ran.load(), 2);
}

}  // namespace
}  // namespace riffq::server
