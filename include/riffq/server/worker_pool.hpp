// riffq/server/worker_pool.hpp
// WorkerPool: an elastic thread pool for work that may block — calling the application and
// pulling rows from Arrow producers — so that the I/O threads never do. No thread exists before
// the first post; threads idle for idle_timeout exit.
//
// How many threads run at once. Python handlers take turns on one GIL: every thread beyond
// the cores only waits for it, and each hand-over of the GIL wakes a sleeping thread (tens of
// microseconds on a VM), so many threads serve small queries far slower than two. At most
// `concurrency` tasks run at once, not counting tasks running for longer than `patience`
// (blocked in a long query, waiting on a slow client): a waiting task gets a thread within
// about `patience` however long the others block, and a thread that finishes takes the next
// task itself. A thread that finishes first busy-polls for the next task (`busy_poll`,
// yielding the CPU to anything runnable) before it sleeps.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

namespace riffq::server {

// Outside the class: a nested struct's member initializers cannot serve a default argument of
// its enclosing class.
struct WorkerPoolOptions {
  size_t max_threads = 1024;
  std::chrono::seconds idle_timeout{30};
  std::chrono::microseconds busy_poll{0};
  size_t concurrency = 0;  // 0: unlimited
  std::chrono::microseconds patience{500};
};

class WorkerPool {
 public:
  using Options = WorkerPoolOptions;
  // Run on each pool thread when it starts and before it exits (e.g. to keep one Python
  // thread state per thread instead of creating one per task).
  struct ThreadHooks {
    std::function<void()> started;
    std::function<void()> exiting;
  };
  explicit WorkerPool(Options options = {}, ThreadHooks hooks = {});
  ~WorkerPool();  // finishes queued tasks, joins every thread
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> task);
  // Runs queued tasks to completion and joins the threads; later posts run inline.
  void shutdown();
  size_t thread_count() const;
  size_t polling_count() const;  // threads busy-polling for a task right now

 private:
  using Clock = std::chrono::steady_clock;
  void worker_main();
  void monitor_main();
  // Polls for a task for busy_poll (lock held on entry and exit); true if one arrived.
  bool poll_for_task(std::unique_lock<std::mutex>& lock);
  // Whether one more task may start now (mu_ held).
  bool may_start(Clock::time_point now) const;
  // A sleeping thread, or a new one, for a queued task (mu_ held).
  void wake_worker();
  void reap_exited();
  // Starts (or wakes) the thread that finds running tasks blocked while others wait (mu_ held).
  void arm_monitor();

  const Options options_;
  const ThreadHooks hooks_;
  const size_t max_pollers_;  // threads polling at once: the rest sleep
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable monitor_cv_;
  std::deque<std::function<void()>> tasks_;
  std::multiset<Clock::time_point> running_;  // start times of the tasks running now
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> exited_;
  std::thread monitor_;
  std::atomic<size_t> queued_{0};  // tasks_.size(), for pollers that do not hold mu_
  size_t polling_ = 0;             // threads in poll_for_task
  size_t idle_ = 0;
  size_t live_ = 0;
  bool stopping_ = false;
};

}  // namespace riffq::server
