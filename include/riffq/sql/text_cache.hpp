// riffq/sql/text_cache.hpp
// TextCache<V>: a thread-safe LRU of values computed from a statement's text (its parse tree,
// the catalog router's findings). Clients repeat the same texts; long texts are not kept, so a
// client inlining ever-new literals costs little memory.
#pragma once

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

namespace riffq::sql {

template <typename V>
class TextCache {
 public:
  explicit TextCache(size_t entries = 256, size_t text_limit = 8 * 1024)
      : entries_(entries), text_limit_(text_limit) {}

  // The value for text: kept, or made by make(text) (outside the lock, so that different texts
  // are computed in parallel) and kept.
  template <typename Make>
  std::shared_ptr<const V> get(std::string_view text, Make&& make) {
    if (text.size() > text_limit_) return make(text);
    {
      std::lock_guard lock(mu_);
      auto it = index_.find(text);
      if (it != index_.end()) {
        lru_.splice(lru_.begin(), lru_, it->second);  // most recent first
        return it->second->second;
      }
    }
    std::shared_ptr<const V> value = make(text);
    std::lock_guard lock(mu_);
    if (index_.count(text) == 0) {
      lru_.emplace_front(std::string(text), value);
      index_.emplace(lru_.front().first, lru_.begin());
      if (lru_.size() > entries_) {
        index_.erase(lru_.back().first);
        lru_.pop_back();
      }
    }
    return value;
  }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const V>>;
  const size_t entries_;
  const size_t text_limit_;
  std::mutex mu_;
  std::list<Entry> lru_;
  std::unordered_map<std::string_view, typename std::list<Entry>::iterator> index_;  // lru_ keys
};

}  // namespace riffq::sql
