// src/client/scan_stream.cpp
// The scan: Describe, SQL wrapping (projection, casts, pushed predicate, limit), the binary
// COPY producer thread with its bounded queue, the single-row fallback, cancel, export.
#include "riffq/client/scan_stream.hpp"

#include <libpq-fe.h>

#include <cerrno>
#include <set>

#include "riffq/client/copy_decoder.hpp"

namespace riffq::client {

namespace {

std::string result_message(PGconn* conn, const PGresult* r) {
  std::string msg = r ? PQresultErrorMessage(r) : "";
  if (msg.empty()) msg = PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg.empty() ? "unknown libpq error" : msg;
}

// Makes column names unique (polars needs that): a, a_1, a_2, …
void dedupe_names(std::vector<ColumnSpec>* columns) {
  std::set<std::string> seen;
  for (ColumnSpec& c : *columns) {
    if (seen.insert(c.name).second) continue;
    for (int k = 1;; ++k) {
      std::string candidate = c.name + "_" + std::to_string(k);
      if (seen.insert(candidate).second) {
        c.name = std::move(candidate);
        break;
      }
    }
  }
}

void drop_text_cast(ColumnSpec* c) {
  if (!c->cast_to_text) return;
  c->cast_to_text = false;
  if (c->kind == ColumnKind::List && c->element) {
    auto e = std::make_shared<ColumnSpec>(*c->element);
    e->kind = ColumnKind::Unknown;
    e->cast_to_text = false;
    c->element = std::move(e);
  } else {
    c->kind = ColumnKind::Unknown;
  }
}

}  // namespace

std::unique_ptr<ScanStream> ScanStream::start(std::shared_ptr<PgConnection> conn, std::string sql,
                                              ScanOptions opts, std::string* error) {
  std::unique_ptr<ScanStream> s(new ScanStream());
  s->conn_ = std::move(conn);
  s->opts_ = std::move(opts);
  const ScanOptions& o = s->opts_;
  s->conn_->acquire();
  sql = strip_statement(sql);
  std::vector<ColumnSpec> all;
  const int nparams = o.has_params ? static_cast<int>(o.params.size()) : 0;
  if (!s->conn_->describe(sql, nparams, o.types, &all, error)) {
    s->conn_->release();
    return nullptr;
  }
  const std::string kw = leading_keyword(sql);
  s->wrappable_ = !all.empty() && (kw == "select" || kw == "with" || kw == "values" || kw == "table");
  std::vector<int> proj = o.columns;
  bool identity = proj.empty();
  if (proj.empty()) {
    for (size_t i = 0; i < all.size(); ++i) proj.push_back(static_cast<int>(i));
  } else {
    for (size_t k = 0; k < proj.size(); ++k) {
      if (proj[k] < 0 || static_cast<size_t>(proj[k]) >= all.size()) {
        *error = "projected column index out of range";
        s->conn_->release();
        return nullptr;
      }
    }
    identity = proj.size() == all.size();
    for (size_t k = 0; identity && k < proj.size(); ++k) identity = proj[k] == static_cast<int>(k);
  }
  bool any_cast = false;
  for (int i : proj) {
    ColumnSpec c = all[static_cast<size_t>(i)];
    if (!s->wrappable_) drop_text_cast(&c);
    any_cast = any_cast || c.cast_to_text;
    s->columns_.push_back(std::move(c));
  }
  dedupe_names(&s->columns_);
  for (const ColumnSpec& c : s->columns_) s->builders_.emplace_back(c);

  const bool wrap = s->wrappable_ && (any_cast || !identity || !o.where.empty() || o.limit >= 0);
  std::string body = sql;
  if (wrap) {
    std::string items;
    for (size_t k = 0; k < proj.size(); ++k) {
      const ColumnSpec& c = s->columns_[k];
      items += (k ? ", " : " ") + std::string("_c") + std::to_string(proj[k] + 1);
      if (c.cast_to_text) items += c.kind == ColumnKind::List ? "::pg_catalog.text[]" : "::pg_catalog.text";
    }
    std::string aliases;
    for (size_t i = 0; i < all.size(); ++i) aliases += (i ? ",_c" : "_c") + std::to_string(i + 1);
    body = "SELECT" + items + " FROM (" + sql + "\n) AS _rq(" + aliases + ")";
    if (!o.where.empty()) body += " WHERE " + o.where;
    if (o.limit >= 0) body += " LIMIT " + std::to_string(o.limit);
    for (size_t k = 0; k < proj.size(); ++k) s->decode_columns_.push_back(static_cast<int>(k));
  } else {
    s->decode_columns_ = proj;
  }
  if (s->wrappable_ && !o.has_params) s->copy_sql_ = "COPY (" + body + "\n) TO STDOUT (FORMAT binary)";
  s->row_sql_ = body;
  if (o.describe_only) {
    s->conn_->release();
    s->done_ = true;
    return s;
  }
  s->cancel_obj_ = PQgetCancel(s->conn_->raw());
  s->conn_->set_abort([p = s.get()] { p->abort("connection closed while the scan was running"); });
  s->producer_ = std::thread([p = s.get()] { p->run(); });
  return s;
}

ScanStream::~ScanStream() {
  cancel();
  if (producer_.joinable()) producer_.join();
  for (ArrowArray& a : queue_)
    if (a.release) a.release(&a);
}

void ScanStream::cancel() {
  std::unique_lock lk(mutex_);
  if (cancelled_.exchange(true)) return;
  if (!done_ && cancel_obj_ != nullptr) {
    char err[256];
    PQcancel(cancel_obj_, err, sizeof err);
  }
  cv_.notify_all();
}

void ScanStream::cancel_server() {
  std::unique_lock lk(mutex_);
  if (cancel_obj_ != nullptr) {
    char err[256];
    PQcancel(cancel_obj_, err, sizeof err);
  }
}

void ScanStream::abort(const std::string& msg) {
  {
    std::unique_lock lk(mutex_);
    if (!failed_) {
      failed_ = true;
      error_ = msg;
    }
    aborted_ = true;
  }
  cancel();
}

void ScanStream::fail(std::string msg) {
  std::unique_lock lk(mutex_);
  if (!failed_) {
    failed_ = true;
    error_ = std::move(msg);
  }
}

bool ScanStream::next(ArrowArray* out) {
  std::unique_lock lk(mutex_);
  cv_.wait(lk, [&] { return !queue_.empty() || done_ || cancelled_; });
  if (aborted_) {
    out->release = nullptr;
    return false;
  }
  if (!queue_.empty() && !cancelled_) {
    *out = queue_.front();
    queue_.pop_front();
    cv_.notify_all();
    return true;
  }
  out->release = nullptr;
  if (cancelled_) return true;
  return !failed_;
}

bool ScanStream::push_batch() {
  int64_t len = batch_len_;
  batch_len_ = 0;
  std::vector<ArrowArray> cols(builders_.size());
  for (size_t i = 0; i < builders_.size(); ++i) builders_[i].finish(&cols[i]);
  ArrowArray batch{};
  export_struct_array(cols, len, &batch);
  std::unique_lock lk(mutex_);
  cv_.wait(lk, [&] {
    return static_cast<int>(queue_.size()) < opts_.queue_depth || cancelled_.load();
  });
  if (cancelled_) {
    batch.release(&batch);
    return false;
  }
  queue_.push_back(batch);
  ++batches_pushed_;
  cv_.notify_all();
  return true;
}

bool ScanStream::batch_full() {
  if (batch_len_ >= opts_.batch_rows) return true;
  if ((batch_len_ & 1023) != 0) return false;
  size_t bytes = 0;
  for (const ColumnBuilder& b : builders_) bytes += b.byte_size();
  return static_cast<int64_t>(bytes) >= opts_.batch_bytes;
}

void ScanStream::run() {
  bool ok = false;
  try {
    bool fallback = copy_sql_.empty();
    if (!fallback) ok = run_copy(&fallback);
    if (fallback) ok = run_rows();
    // Always at least one batch: an empty result still reaches the consumer with its schema.
    if (ok && !cancelled_ && (batch_len_ > 0 || batches_pushed_ == 0)) push_batch();
  } catch (const std::exception& e) {
    fail(std::string("scan failed: ") + e.what());
    PGconn* c = conn_->raw();
    while (PGresult* r = PQgetResult(c)) PQclear(r);
  }
  {
    std::unique_lock lk(mutex_);
    PQfreeCancel(cancel_obj_);
    cancel_obj_ = nullptr;
  }
  conn_->set_abort(nullptr);
  conn_->release();
  std::unique_lock lk(mutex_);
  done_ = true;
  cv_.notify_all();
}

bool ScanStream::run_copy(bool* fallback) {
  PGconn* c = conn_->raw();
  *fallback = false;
  if (!PQsendQuery(c, copy_sql_.c_str())) {
    fail(result_message(c, nullptr));
    return false;
  }
  PGresult* r = PQgetResult(c);
  if (PQresultStatus(r) != PGRES_COPY_OUT) {
    const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    const std::string sqlstate = state ? state : "";
    const std::string msg = result_message(c, r);
    PQclear(r);
    while (PGresult* x = PQgetResult(c)) PQclear(x);
    if (sqlstate == "0A000" || sqlstate == "42601") {
      *fallback = true;  // a statement COPY cannot run: read it row by row
      return true;
    }
    fail(msg);
    return false;
  }
  PQclear(r);
  used_copy_ = true;
  sent_sql_ = copy_sql_;
  CopyBinaryDecoder decoder(&builders_);
  bool stop = false;
  bool finished = false;
  int64_t rows_seen = 0;
  for (;;) {
    char* buf = nullptr;
    const int n = PQgetCopyData(c, &buf, 0);
    if (n > 0) {
      if (!stop) {
        const DecodeStatus st = decoder.feed(reinterpret_cast<const uint8_t*>(buf), static_cast<size_t>(n));
        batch_len_ += decoder.rows() - rows_seen;
        rows_seen = decoder.rows();
        if (st == DecodeStatus::Failed) {
          fail(decoder.error());
          stop = true;
          cancel_server();  // the consumer still gets the error, not a quiet end
        } else if (st == DecodeStatus::Finished) {
          finished = true;
        } else if (batch_full() && !push_batch()) {
          stop = true;
        }
        if (cancelled_) stop = true;
      }
      PQfreemem(buf);
    } else if (n == -1) {
      break;
    } else {
      if (!stop) fail(result_message(c, nullptr));
      stop = true;
      break;
    }
  }
  while (PGresult* x = PQgetResult(c)) {
    if (PQresultStatus(x) != PGRES_COMMAND_OK && !stop) {
      fail(result_message(c, x));
      stop = true;
    }
    PQclear(x);
  }
  if (!stop && !finished) {
    fail("binary COPY ended without its trailer");
    stop = true;
  }
  return !stop;
}

bool ScanStream::run_rows() {
  PGconn* c = conn_->raw();
  sent_sql_ = row_sql_;
  std::vector<const char*> values;
  for (const auto& p : opts_.params) values.push_back(p ? p->c_str() : nullptr);
  const int nparams = opts_.has_params ? static_cast<int>(values.size()) : 0;
  if (!PQsendQueryParams(c, row_sql_.c_str(), nparams, nullptr, nparams ? values.data() : nullptr,
                         nullptr, nullptr, 1)) {
    fail(result_message(c, nullptr));
    return false;
  }
  PQsetSingleRowMode(c);
  bool stop = false;
  std::string err;
  while (PGresult* r = PQgetResult(c)) {
    const auto st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      if (!stop) {
        const int nf = PQnfields(r);
        for (size_t j = 0; j < builders_.size() && !stop; ++j) {
          const int src = decode_columns_[j];
          if (src >= nf) {
            fail("result has fewer columns than described");
            stop = true;
            break;
          }
          const int32_t len = PQgetisnull(r, 0, src) ? -1 : PQgetlength(r, 0, src);
          const auto* p = reinterpret_cast<const uint8_t*>(PQgetvalue(r, 0, src));
          if (!builders_[j].append(p, len, &err)) {
            fail("column " + std::to_string(j + 1) + ": " + err);
            stop = true;
            cancel_server();
          }
        }
        if (!stop) {
          ++batch_len_;
          if (batch_full() && !push_batch()) stop = true;
        }
        if (cancelled_) stop = true;
      }
    } else if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK && st != PGRES_EMPTY_QUERY) {
      if (!stop) fail(result_message(c, r));
      stop = true;
    }
    PQclear(r);
  }
  return !stop;
}

namespace {

ScanStream* stream_of(ArrowArrayStream* s) { return static_cast<ScanStream*>(s->private_data); }

int stream_get_schema(ArrowArrayStream* s, ArrowSchema* out) {
  stream_of(s)->schema(out);
  return 0;
}

int stream_get_next(ArrowArrayStream* s, ArrowArray* out) {
  return stream_of(s)->next(out) ? 0 : EIO;
}

const char* stream_get_last_error(ArrowArrayStream* s) {
  const std::string& e = stream_of(s)->error();
  return e.empty() ? nullptr : e.c_str();
}

void stream_release(ArrowArrayStream* s) {
  if (s->release == nullptr) return;
  delete stream_of(s);
  s->release = nullptr;
}

}  // namespace

void ScanStream::export_stream(std::unique_ptr<ScanStream> scan, ArrowArrayStream* out) {
  out->get_schema = stream_get_schema;
  out->get_next = stream_get_next;
  out->get_last_error = stream_get_last_error;
  out->release = stream_release;
  out->private_data = scan.release();
}

}  // namespace riffq::client
