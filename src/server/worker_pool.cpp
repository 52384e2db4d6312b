// worker_pool.cpp — elastic thread pool for blocking work (application calls, producers).
#include "riffq/server/worker_pool.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>

namespace riffq::server {

WorkerPool::WorkerPool(size_t max_threads, std::chrono::seconds idle_timeout, ThreadHooks hooks)
    : max_threads_(max_threads), idle_timeout_(idle_timeout), hooks_(std::move(hooks)) {}

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
  if (idle_ >= tasks_.size() || live_ >= max_threads_) {
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
      ++idle_;
      bool woke = cv_.wait_for(lock, idle_timeout_, [&] { return !tasks_.empty() || stopping_; });
      --idle_;
      if (!woke) break;  // idle too long
      continue;
    }
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
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

}  // namespace riffq::server
