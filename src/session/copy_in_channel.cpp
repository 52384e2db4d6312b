// copy_in_channel.cpp — the bounded queue between the session and the application's COPY
// reader, and the ArrowArrayStream the application pulls from. Decoding happens in the
// consumer's get_next (on its thread, never an I/O thread; pyarrow and DuckDB call it without
// the GIL), one chunk at a time, so memory is the queue bound plus one batch.
#include <cerrno>

#include "riffq/session/copy_in.hpp"

namespace riffq::session {

struct CopyInChannel::Stream {
  std::shared_ptr<CopyInChannel> channel;
};

CopyInChannel::CopyInChannel(CopyInPlan plan, size_t max_bytes, int64_t batch_rows,
                             size_t batch_bytes)
    : plan_(plan),
      max_bytes_(max_bytes),
      batch_rows_(batch_rows),
      batch_bytes_(batch_bytes),
      decoder_(std::move(plan)) {
  if (decoder_.failed()) decode_error_ = decoder_.error();  // FORCE_NULL of a column not copied
}

bool CopyInChannel::push(std::string&& data) {
  std::lock_guard lock(mu_);
  if (closed_ || aborted_ || decode_error_ || finished_) return true;  // dropped: draining
  if (queued_bytes_ >= max_bytes_) {
    producer_waiting_ = true;
    return false;
  }
  queued_bytes_ += data.size();
  queue_.push_back(std::move(data));
  cv_.notify_all();
  return true;
}

void CopyInChannel::finish() {
  std::lock_guard lock(mu_);
  finished_ = true;
  cv_.notify_all();
}

void CopyInChannel::fail(const PgError& why) {
  std::lock_guard lock(mu_);
  if (!aborted_) aborted_ = why;
  queue_.clear();
  queued_bytes_ = 0;
  cv_.notify_all();
}

void CopyInChannel::close() {
  std::lock_guard lock(mu_);
  closed_ = true;
  queue_.clear();
  queued_bytes_ = 0;
  cv_.notify_all();
}

void CopyInChannel::set_room_callback(std::function<void()> room) {
  std::lock_guard lock(mu_);
  room_ = std::move(room);
}

int64_t CopyInChannel::rows() const {
  std::lock_guard lock(mu_);
  return rows_;
}

std::optional<PgError> CopyInChannel::error() const {
  std::lock_guard lock(mu_);
  return decode_error_;
}

bool CopyInChannel::take_chunk(std::string& chunk) {
  std::function<void()> wake;
  {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !queue_.empty() || finished_ || closed_ || aborted_.has_value(); });
    if (aborted_ || closed_ || queue_.empty()) return false;
    chunk = std::move(queue_.front());
    queue_.pop_front();
    queued_bytes_ -= chunk.size();
    if (producer_waiting_ && queued_bytes_ < max_bytes_) {
      producer_waiting_ = false;
      wake = room_;
    }
  }
  if (wake) wake();  // outside the lock: it posts to the session's strand
  return true;
}

// Decodes chunks until the columns are known (an untyped copy names them from its first
// row) or the data ends.
bool CopyInChannel::decode_until_columns() {
  std::string chunk;
  while (!decoder_.columns_known() && !decoder_done_) {
    if (!take_chunk(chunk)) {
      decoder_done_ = true;
      std::lock_guard lock(mu_);
      if (aborted_ || closed_) return false;
      break;
    }
    if (!decoder_.feed(chunk)) return false;
  }
  // The data ended before any row: finish (a last line without newline may name them).
  if (!decoder_.columns_known() && decoder_done_ && !decoder_.finish()) return false;
  return !decoder_.failed();
}

int CopyInChannel::end_or_error() {
  std::lock_guard lock(mu_);
  if (!decode_error_ && decoder_.failed()) decode_error_ = decoder_.error();
  if (!decode_error_ && !aborted_) return 0;  // closed: the end of the stream
  const PgError& e = decode_error_ ? *decode_error_ : *aborted_;
  last_error_ = e.context.empty() ? e.message : e.message + " (CONTEXT: " + e.context + ")";
  return EIO;
}

int CopyInChannel::get_schema(ArrowSchema* out) {
  if (!decode_until_columns() || !decoder_.columns_known()) {
    if (int rc = end_or_error(); rc != 0) return rc;
    // No rows and no columns known (an untyped, empty upload): a schema without fields.
  }
  decoder_.export_schema(out);
  return 0;
}

int CopyInChannel::next_batch(ArrowArray* out) {
  out->release = nullptr;
  if (!decode_until_columns()) return end_or_error();
  std::string chunk;
  while (!decoder_done_ && decoder_.batch_rows() < batch_rows_ &&
         decoder_.batch_bytes() < batch_bytes_) {
    if (!take_chunk(chunk)) {
      decoder_done_ = true;
      if (int rc = end_or_error(); rc != 0) return rc;
      if (!decoder_.finish()) return end_or_error();
      break;
    }
    if (!decoder_.feed(chunk)) return end_or_error();
  }
  {
    std::lock_guard lock(mu_);
    rows_ = decoder_.rows();
    if (closed_) return 0;
  }
  if (decoder_.batch_rows() == 0 || !decoder_.columns_known()) return 0;  // end of stream
  decoder_.take_batch(out);
  return 0;
}

void CopyInChannel::export_stream(ArrowArrayStream* out) {
  auto* stream = new Stream{shared_from_this()};
  out->private_data = stream;
  out->get_schema = [](ArrowArrayStream* s, ArrowSchema* schema) {
    return static_cast<Stream*>(s->private_data)->channel->get_schema(schema);
  };
  out->get_next = [](ArrowArrayStream* s, ArrowArray* array) {
    return static_cast<Stream*>(s->private_data)->channel->next_batch(array);
  };
  out->get_last_error = [](ArrowArrayStream* s) -> const char* {
    const std::string& e = static_cast<Stream*>(s->private_data)->channel->last_error_;
    return e.empty() ? nullptr : e.c_str();
  };
  out->release = [](ArrowArrayStream* s) {
    auto* st = static_cast<Stream*>(s->private_data);
    st->channel->close();  // nobody reads any more: the session drains what is left
    delete st;
    s->release = nullptr;
  };
}

}  // namespace riffq::session
