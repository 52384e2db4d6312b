// worker_pool.cpp — elastic thread pool for blocking work (application calls, producers).
#include "riffq/server/worker_pool.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

#include <sched.h>

namespace riffq::server {

WorkerPool::WorkerPool(Options options, ThreadHooks hooks)
    : options_(options),
      hooks_(std::move(hooks)),
      // As Go's scheduler: at most half the cores poll, so pollers never crowd out the
      // threads doing work.
      max_pollers_(std::max(1u, std::thread::hardware_concurrency() / 2)) {}

WorkerPool::~WorkerPool() {
  shutdown();
}

bool WorkerPool::may_start(Clock::time_point now) const {
  if (options_.concurrency == 0 || stopping_) return true;
  // Tasks started within `patience` count; older ones are taken to be blocked.
  auto active = std::distance(running_.lower_bound(now - options_.patience), running_.end());
  return static_cast<size_t>(active) < options_.concurrency;
}

void WorkerPool::wake_worker() {
  if (idle_ > 0) {
    cv_.notify_one();
  } else if (live_ < options_.max_threads) {
    ++live_;
    threads_.emplace_back([this] { worker_main(); });
  } else {
    cv_.notify_one();
  }
}

void WorkerPool::arm_monitor() {
  if (!monitor_.joinable()) monitor_ = std::thread([this] { monitor_main(); });
  monitor_cv_.notify_one();
}

void WorkerPool::reap_exited() {
  for (auto id : exited_) {
    auto it = std::find_if(threads_.begin(), threads_.end(),
                           [&](const std::thread& t) { return t.get_id() == id; });
    if (it != threads_.end()) {
      it->join();
      threads_.erase(it);
    }
  }
  exited_.clear();
}

void WorkerPool::post(std::function<void()> task) {
  std::unique_lock lock(mu_);
  if (stopping_) {
    lock.unlock();
    task();
    return;
  }
  tasks_.push_back(std::move(task));
  queued_.store(tasks_.size(), std::memory_order_release);
  if (!exited_.empty()) reap_exited();
  if (!may_start(Clock::now())) {
    // Enough tasks run: one of them takes this one when it ends, or the monitor finds them
    // blocked and starts another thread.
    arm_monitor();
    return;
  }
  // A polling thread takes the task without being woken; a sleeping one needs a wake-up.
  if (polling_ >= tasks_.size()) return;
  if (polling_ + idle_ >= tasks_.size()) {
    cv_.notify_one();
    return;
  }
  wake_worker();
}

void WorkerPool::worker_main() {
  if (hooks_.started) hooks_.started();
  std::unique_lock lock(mu_);
  while (true) {
    if (!tasks_.empty() && may_start(Clock::now())) {
      auto task = std::move(tasks_.front());
      tasks_.pop_front();
      queued_.store(tasks_.size(), std::memory_order_release);
      auto started = running_.insert(Clock::now());
      lock.unlock();
      try {
        task();
      } catch (const std::exception& e) {
        // A task must report its own errors; one that escapes must not take the process down.
        std::fprintf(stderr, "riffq: worker task failed: %s\n", e.what());
      } catch (...) {
        std::fprintf(stderr, "riffq: worker task failed\n");
      }
      task = nullptr;  // destroy captured state outside the lock
      lock.lock();
      running_.erase(started);
      continue;
    }
    if (tasks_.empty()) {
      if (stopping_) break;
      if (poll_for_task(lock)) continue;
    } else {
      arm_monitor();  // tasks wait for the running ones: someone must watch them
    }
    ++idle_;
    bool woke = cv_.wait_for(lock, options_.idle_timeout, [&] {
      return stopping_ || (!tasks_.empty() && may_start(Clock::now()));
    });
    --idle_;
    if (!woke && tasks_.empty()) break;  // idle too long
  }
  --live_;
  if (!stopping_) exited_.push_back(std::this_thread::get_id());
  lock.unlock();
  if (hooks_.exiting) hooks_.exiting();
}

void WorkerPool::monitor_main() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    const auto now = Clock::now();
    if (tasks_.empty() || running_.empty()) {
      monitor_cv_.wait(lock);
      continue;
    }
    if (may_start(now)) {
      wake_worker();  // a running task became blocked: the queue gets a thread
      monitor_cv_.wait_for(lock, options_.patience);
      continue;
    }
    // Sleep until the oldest of the tasks counted becomes "blocked" by age.
    auto counted = running_.lower_bound(now - options_.patience);
    monitor_cv_.wait_until(lock, *counted + options_.patience);
  }
}

bool WorkerPool::poll_for_task(std::unique_lock<std::mutex>& lock) {
  if (options_.busy_poll.count() <= 0 || polling_ >= max_pollers_) return false;
  ++polling_;
  lock.unlock();
  const auto deadline = Clock::now() + options_.busy_poll;
  bool found = false;
  while (!(found = queued_.load(std::memory_order_acquire) > 0) && Clock::now() < deadline)
    sched_yield();  // runnable threads (the I/O thread, the client) go first
  lock.lock();
  --polling_;
  // A post that counted on this poller must not be lost: the caller re-checks tasks_ under
  // the lock before it sleeps.
  return found;
}

void WorkerPool::shutdown() {
  std::vector<std::thread> threads;
  std::thread monitor;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
    monitor.swap(monitor_);
    exited_.clear();
  }
  cv_.notify_all();
  monitor_cv_.notify_all();
  for (auto& t : threads)
    if (t.joinable()) t.join();
  if (monitor.joinable()) monitor.join();
}

size_t WorkerPool::thread_count() const {
  std::lock_guard lock(mu_);
  return live_;
}

size_t WorkerPool::polling_count() const {
  std::lock_guard lock(mu_);
  return polling_;
}

}  // namespace riffq::server
