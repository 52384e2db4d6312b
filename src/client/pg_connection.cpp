// src/client/pg_connection.cpp
// libpq connection: exclusive use, Describe + type resolution, liveness check, keep-alive.
#include "riffq/client/pg_connection.hpp"

#include <libpq-fe.h>
#include <poll.h>

#include <cctype>
#include <chrono>
#include <cstdlib>

namespace riffq::client {

namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::string result_error(PGconn* conn, const PGresult* res) {
  std::string msg = res ? PQresultErrorMessage(res) : "";
  if (msg.empty() && conn) msg = PQerrorMessage(conn);
  while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
  return msg.empty() ? "unknown libpq error" : msg;
}

}  // namespace

std::string leading_keyword(const std::string& sql) {
  size_t i = 0;
  const size_t n = sql.size();
  while (i < n) {
    const char c = sql[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == '(') {
      ++i;
    } else if (c == '-' && i + 1 < n && sql[i + 1] == '-') {
      while (i < n && sql[i] != '\n') ++i;
    } else if (c == '/' && i + 1 < n && sql[i + 1] == '*') {
      const size_t e = sql.find("*/", i + 2);
      i = e == std::string::npos ? n : e + 2;
    } else {
      break;
    }
  }
  std::string word;
  while (i < n && (std::isalpha(static_cast<unsigned char>(sql[i])) || sql[i] == '_'))
    word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(sql[i++]))));
  return word;
}

std::string strip_statement(const std::string& sql) {
  size_t e = sql.size();
  while (e > 0 && (std::isspace(static_cast<unsigned char>(sql[e - 1])) || sql[e - 1] == ';')) --e;
  return sql.substr(0, e);
}

std::shared_ptr<PgConnection> PgConnection::open(const std::string& dsn, double keepalive_secs,
                                                 std::string* error) {
  PGconn* conn = PQconnectdb(dsn.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    *error = conn ? result_error(conn, nullptr) : "out of memory";
    if (conn) PQfinish(conn);
    return nullptr;
  }
  if (PQsetClientEncoding(conn, "UTF8") != 0) {
    *error = "cannot set client_encoding to UTF8: " + result_error(conn, nullptr);
    PQfinish(conn);
    return nullptr;
  }
  std::shared_ptr<PgConnection> c(new PgConnection());
  c->conn_ = conn;
  c->cancel_ = PQgetCancel(conn);
  c->keepalive_secs_ = keepalive_secs;
  c->touch();
  if (keepalive_secs > 0) c->keepalive_ = std::thread([p = c.get()] { p->keepalive_loop(); });
  return c;
}

PgConnection::~PgConnection() { close(); }

void PgConnection::close() {
  {
    std::unique_lock lk(mutex_);
    closing_ = true;
    cv_.notify_all();
  }
  if (keepalive_.joinable()) keepalive_.join();
  std::unique_lock lk(mutex_);
  if (busy_ && abort_) abort_();  // a scan nobody consumes would otherwise hold us forever
  cv_.wait(lk, [&] { return !busy_; });
  if (cancel_) PQfreeCancel(cancel_);
  cancel_ = nullptr;
  if (conn_) PQfinish(conn_);
  conn_ = nullptr;
}

void PgConnection::set_abort(std::function<void()> abort) {
  std::unique_lock lk(mutex_);
  abort_ = std::move(abort);
}

void PgConnection::cancel_running() {
  std::unique_lock lk(mutex_);
  if (!busy_ || cancel_ == nullptr) return;
  char err[256];
  PQcancel(cancel_, err, sizeof err);
}

void PgConnection::acquire() {
  std::unique_lock lk(mutex_);
  cv_.wait(lk, [&] { return !busy_; });
  busy_ = true;
}

bool PgConnection::try_acquire() {
  std::unique_lock lk(mutex_);
  if (busy_) return false;
  busy_ = true;
  return true;
}

bool PgConnection::busy() {
  std::unique_lock lk(mutex_);
  return busy_;
}

void PgConnection::release() {
  touch();
  std::unique_lock lk(mutex_);
  busy_ = false;
  cv_.notify_all();
}

void PgConnection::touch() { last_activity_ms_.store(now_ms()); }

bool PgConnection::check(int timeout_ms) {
  if (conn_ == nullptr) return false;
  if (!try_acquire()) {
    // A scan is streaming on it: alive unless something already found it broken.
    return !broken_;
  }
  const bool ok = check_locked(timeout_ms);
  release();
  return ok;
}

bool PgConnection::check_locked(int timeout_ms) {
  if (conn_ == nullptr || broken_ || PQstatus(conn_) != CONNECTION_OK) return false;
  if (!PQsendQuery(conn_, "SELECT 1")) return false;
  const int64_t deadline = now_ms() + timeout_ms;
  bool ok = true;
  for (;;) {
    if (PQflush(conn_) < 0 || !PQconsumeInput(conn_)) {
      ok = false;
      break;
    }
    while (!PQisBusy(conn_)) {
      PGresult* r = PQgetResult(conn_);
      if (r == nullptr) return ok;
      if (PQresultStatus(r) != PGRES_TUPLES_OK) ok = false;
      PQclear(r);
    }
    const int64_t left = deadline - now_ms();
    if (left <= 0) {
      ok = false;
      break;
    }
    pollfd pfd{PQsocket(conn_), POLLIN, 0};
    if (::poll(&pfd, 1, static_cast<int>(left)) < 0) {
      ok = false;
      break;
    }
  }
  // Timed out or failed mid-query: the connection cannot be trusted any more.
  broken_ = true;
  return false;
}

void PgConnection::keepalive_loop() {
  const auto interval = std::chrono::milliseconds(static_cast<int64_t>(keepalive_secs_ * 1000));
  std::unique_lock lk(mutex_);
  while (!closing_) {
    cv_.wait_for(lk, interval / 4 + std::chrono::milliseconds(1));
    if (closing_) break;
    if (busy_ || now_ms() - last_activity_ms_.load() < interval.count()) continue;
    busy_ = true;
    lk.unlock();
    check_locked(1000);
    touch();
    lk.lock();
    busy_ = false;
    cv_.notify_all();
  }
}

bool PgConnection::exec_command(const std::string& sql, std::string* error) {
  if (conn_ == nullptr || broken_) return *error = "connection is closed or broken", false;
  PGresult* r = PQexec(conn_, sql.c_str());
  const auto st = PQresultStatus(r);
  const bool ok = st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK || st == PGRES_EMPTY_QUERY;
  if (!ok) *error = result_error(conn_, r);
  PQclear(r);
  return ok;
}

bool PgConnection::load_types(std::vector<uint32_t> oids, std::string* error) {
  for (int round = 0; round < 4 && !oids.empty(); ++round) {
    std::string arr = "{";
    for (size_t i = 0; i < oids.size(); ++i) arr += (i ? "," : "") + std::to_string(oids[i]);
    arr += "}";
    const char* values[1] = {arr.c_str()};
    PGresult* r = PQexecParams(
        conn_,
        "SELECT oid, typtype, typcategory, typelem, typbasetype FROM pg_catalog.pg_type "
        "WHERE oid = ANY($1::pg_catalog.oid[])",
        1, nullptr, values, nullptr, nullptr, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
      *error = result_error(conn_, r);
      PQclear(r);
      return false;
    }
    std::vector<uint32_t> next;
    for (int i = 0; i < PQntuples(r); ++i) {
      TypeInfo t;
      const auto oid = static_cast<uint32_t>(std::strtoul(PQgetvalue(r, i, 0), nullptr, 10));
      t.typtype = PQgetvalue(r, i, 1)[0];
      t.typcategory = PQgetvalue(r, i, 2)[0];
      t.typelem = static_cast<uint32_t>(std::strtoul(PQgetvalue(r, i, 3), nullptr, 10));
      t.typbasetype = static_cast<uint32_t>(std::strtoul(PQgetvalue(r, i, 4), nullptr, 10));
      types_[oid] = t;
      for (uint32_t dep : {t.typelem, t.typbasetype}) {
        ColumnSpec probe;
        map_builtin_scalar(dep, -1, TypeOptions{}, &probe);
        if (dep != 0 && probe.kind == ColumnKind::Unknown && !probe.cast_to_text &&
            !types_.count(dep))
          next.push_back(dep);
      }
    }
    PQclear(r);
    for (uint32_t o : oids) types_.try_emplace(o);  // unknown OIDs: plain base type → bytes
    oids = std::move(next);
  }
  return true;
}

void PgConnection::resolve(uint32_t oid, int32_t typmod, const TypeOptions& opts, int guard,
                           ColumnSpec* spec) {
  spec->oid = oid;
  spec->typmod = typmod;
  map_builtin_scalar(oid, typmod, opts, spec);
  if (spec->kind != ColumnKind::Unknown || spec->cast_to_text || guard > 4) return;
  uint32_t elem = builtin_array_element(oid);
  const auto it = types_.find(oid);
  if (elem == 0 && it != types_.end()) {
    const TypeInfo& t = it->second;
    if (t.typtype == 'e') {
      spec->kind = ColumnKind::Text;
      return;
    }
    if (t.typtype == 'd' && t.typbasetype != 0) {
      resolve(t.typbasetype, typmod, opts, guard + 1, spec);
      spec->oid = oid;
      return;
    }
    if (t.typtype == 'r' || t.typtype == 'm' || t.typtype == 'c') {
      spec->kind = ColumnKind::Text;
      spec->cast_to_text = true;
      return;
    }
    if (t.typcategory == 'A' && t.typelem != 0) elem = t.typelem;
  }
  if (elem != 0) {
    auto element = std::make_shared<ColumnSpec>();
    resolve(elem, typmod, opts, guard + 1, element.get());
    if (element->kind == ColumnKind::List) element->kind = ColumnKind::Unknown;
    spec->kind = ColumnKind::List;
    spec->list_depth = 1;
    spec->cast_to_text = element->cast_to_text;
    spec->element = std::move(element);
    return;
  }
  if (opts.unknown_as_text) {
    spec->kind = ColumnKind::Text;
    spec->cast_to_text = true;
  }
}

bool PgConnection::describe(const std::string& sql, int nparams, const TypeOptions& opts,
                            std::vector<ColumnSpec>* columns, std::string* error) {
  if (conn_ == nullptr || broken_) return *error = "connection is closed or broken", false;
  PGresult* r = PQprepare(conn_, "", sql.c_str(), nparams, nullptr);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    *error = result_error(conn_, r);
    PQclear(r);
    return false;
  }
  PQclear(r);
  r = PQdescribePrepared(conn_, "");
  if (PQresultStatus(r) != PGRES_COMMAND_OK) {
    *error = result_error(conn_, r);
    PQclear(r);
    return false;
  }
  const int n = PQnfields(r);
  std::vector<uint32_t> unknown;
  for (int i = 0; i < n; ++i) {
    const uint32_t oid = PQftype(r, i);
    ColumnSpec probe;
    map_builtin_scalar(oid, -1, opts, &probe);
    if (probe.kind == ColumnKind::Unknown && !probe.cast_to_text && !types_.count(oid)) {
      const uint32_t elem = builtin_array_element(oid);
      if (elem == 0) unknown.push_back(oid);
    }
  }
  if (!unknown.empty() && !load_types(unknown, error)) {
    PQclear(r);
    return false;
  }
  columns->clear();
  for (int i = 0; i < n; ++i) {
    ColumnSpec spec;
    spec.name = PQfname(r, i);
    resolve(PQftype(r, i), PQfmod(r, i), opts, 0, &spec);
    const uint32_t table = PQftable(r, i);
    const int tablecol = PQftablecol(r, i);
    if (spec.kind == ColumnKind::List && table != 0 && tablecol > 0) {
      const std::string q = "SELECT attndims FROM pg_catalog.pg_attribute WHERE attrelid = " +
                            std::to_string(table) + " AND attnum = " + std::to_string(tablecol);
      PGresult* a = PQexec(conn_, q.c_str());
      if (PQresultStatus(a) == PGRES_TUPLES_OK && PQntuples(a) == 1) {
        const int dims = std::atoi(PQgetvalue(a, 0, 0));
        if (dims > 1 && dims <= 6) spec.list_depth = dims;
      }
      PQclear(a);
    }
    columns->push_back(std::move(spec));
  }
  PQclear(r);
  return true;
}

}  // namespace riffq::client
