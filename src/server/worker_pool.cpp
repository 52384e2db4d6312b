// worker_pool.cpp — elastic thread pool for blocking work (application calls, producers).
#include "riffq/server/worker_pool.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

#include <sched.h>

namespace riffq::server {

WorkerPool::WorkerPool(size_t max_threads, std::chrono::seconds idle_timeout, ThreadHooks hooks,
                       std::chrono::microseconds busy_poll)
    : max_threads_(max_threads),
      idle_timeout_(idle_timeout),
      hooks_(std::move(hooks)),
      busy_poll_(busy_poll),
      // As Go's scheduler: at most half the cores poll, so pollers never crowd out the
      // threads doing work.
      max_pollers_(std::max(1u, std::thread::hardware_concurrency() / 2)) {}

WorkerPool::~WorkerPool() {
  shutdown();
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
  // Reap threads that exited on idle timeout.
  if (!exited_.empty()) {
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
  // A polling thread takes the task without being woken; a sleeping one needs a wake-up.
  if (polling_ >= tasks_.size()) return;
  if (polling_ + idle_ >= tasks_.size() || live_ >= max_threads_) {
    cv_.notify_one();
    return;
  }
  ++live_;
  threads_.emplace_back([this] { worker_main(); });
}

void WorkerPool::worker_main() {
  if (hooks_.started) hooks_.started();
  std::unique_lock lock(mu_);
  while (true) {
    if (tasks_.empty()) {
      if (stopping_) break;
      if (poll_for_task(lock)) continue;
      ++idle_;
      bool woke = cv_.wait_for(lock, idle_timeout_, [&] { return !tasks_.empty() || stopping_; });
      --idle_;
      if (!woke) break;  // idle too long
      continue;
    }
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    queued_.store(tasks_.size(), std::memory_order_release);
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
  }
  --live_;
  if (!stopping_) exited_.push_back(std::this_thread::get_id());
  lock.unlock();
  if (hooks_.exiting) hooks_.exiting();
}

bool WorkerPool::poll_for_task(std::unique_lock<std::mutex>& lock) {
  if (busy_poll_.count() <= 0 || polling_ >= max_pollers_) return false;
  ++polling_;
  lock.unlock();
  const auto deadline = std::chrono::steady_clock::now() + busy_poll_;
  bool found = false;
  while (!(found = queued_.load(std::memory_order_acquire) > 0) &&
         std::chrono::steady_clock::now() < deadline)
    sched_yield();  // runnable threads (the I/O thread, the client) go first
  lock.lock();
  --polling_;
  // A post that counted on this poller must not be lost: the caller re-checks tasks_ under
  // the lock before it sleeps.
  return found;
}

void WorkerPool::shutdown() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    threads.swap(threads_);
    exited_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads)
    if (t.joinable()) t.join();
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
