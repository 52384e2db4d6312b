// riffq/server/worker_pool.hpp
// WorkerPool: an elastic thread pool for work that may block — calling the application and
// pulling rows from Arrow producers — so that the I/O threads never do. A task never waits
// for a free thread: when every thread is busy a new one starts (up to max_threads); idle
// threads beyond min_threads exit after idle_timeout. No thread exists before the first post.
// A thread that finishes a task first busy-polls for the next one (busy_poll, yielding the CPU
// to anything runnable): on a VM a futex wake-up of a sleeping thread costs tens of
// microseconds, more than a small query's whole work.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace riffq::server {

class WorkerPool {
 public:
  // Run on each pool thread when it starts and before it exits (e.g. to keep one Python
  // thread state per thread instead of creating one per task).
  struct ThreadHooks {
    std::function<void()> started;
    std::function<void()> exiting;
  };

  explicit WorkerPool(size_t max_threads = 1024,
                      std::chrono::seconds idle_timeout = std::chrono::seconds(30),
                      ThreadHooks hooks = {},
                      std::chrono::microseconds busy_poll = std::chrono::microseconds(0));
  ~WorkerPool();  // finishes queued tasks, joins every thread
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void post(std::function<void()> task);
  // Runs queued tasks to completion and joins the threads; later posts run inline.
  void shutdown();
  size_t thread_count() const;
  size_t polling_count() const;  // threads busy-polling for a task right now

 private:
  void worker_main();
  // Polls for a task for busy_poll_ (lock held on entry and exit); true if one arrived.
  bool poll_for_task(std::unique_lock<std::mutex>& lock);

  const size_t max_threads_;
  const std::chrono::seconds idle_timeout_;
  const ThreadHooks hooks_;
  const std::chrono::microseconds busy_poll_;
  const size_t max_pollers_;  // threads polling at once: the rest sleep
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> tasks_;
  std::vector<std::thread> threads_;
  std::vector<std::thread::id> exited_;
  std::atomic<size_t> queued_{0};  // tasks_.size(), for pollers that do not hold mu_
  size_t polling_ = 0;             // threads in poll_for_task
  size_t idle_ = 0;
  size_t live_ = 0;
  bool stopping_ = false;
};

}  // namespace riffq::server
