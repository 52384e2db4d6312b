// riffq/client/pg_connection.hpp
// One libpq connection shared by scans, fetches, the liveness check and the keep-alive:
// exclusive use is handed out with acquire()/release() (a scan holds it while it streams),
// result columns are described and their types resolved (catalog lookups cached per OID).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "riffq/client/column_spec.hpp"

struct pg_conn;
struct pg_result;
struct pg_cancel;

namespace riffq::client {

using Params = std::vector<std::optional<std::string>>;  // text-format parameters; nullopt = NULL

class PgConnection {
 public:
  // Connects (libpq connection string or URI); keepalive_secs > 0 starts the keep-alive.
  static std::shared_ptr<PgConnection> open(const std::string& dsn, double keepalive_secs,
                                            std::string* error);
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  pg_conn* raw() { return conn_; }
  // Exclusive use of the connection.
  void acquire();
  bool try_acquire();
  void release();
  // Records activity (the keep-alive waits for an idle interval).
  void touch();
  bool closed() const { return conn_ == nullptr; }
  // True while a scan, fetch, check or keep-alive uses the connection.
  bool busy();

  // True when the server answers `SELECT 1` within timeout_ms (or a scan is streaming on a
  // healthy connection). Never blocks longer than timeout_ms.
  bool check(int timeout_ms);
  // Simple-query execution of a command without a result (the caller holds the connection).
  bool exec_command(const std::string& sql, std::string* error);
  // Describes sql (unnamed prepared statement) into columns (caller holds the connection).
  bool describe(const std::string& sql, int nparams, const TypeOptions& opts,
                std::vector<ColumnSpec>* columns, std::string* error);
  // Asks the server to cancel whatever this connection runs now (the reader then fails
  // with SQLSTATE 57014). Safe from any thread; a no-op when idle.
  void cancel_running();
  // The running scan registers how to abort it, so close() never waits on an unconsumed scan.
  void set_abort(std::function<void()> abort);
  void close();

 private:
  PgConnection() = default;
  struct TypeInfo {
    char typtype = 'b';
    char typcategory = 'U';
    uint32_t typelem = 0;
    uint32_t typbasetype = 0;
  };
  bool load_types(std::vector<uint32_t> oids, std::string* error);
  void resolve(uint32_t oid, int32_t typmod, const TypeOptions& opts, int guard, ColumnSpec* spec);
  void keepalive_loop();
  bool check_locked(int timeout_ms);

  pg_conn* conn_ = nullptr;
  pg_cancel* cancel_ = nullptr;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool busy_ = false;
  bool closing_ = false;
  std::atomic<bool> broken_{false};
  std::function<void()> abort_;  // guarded by mutex_
  double keepalive_secs_ = 0;
  std::atomic<int64_t> last_activity_ms_{0};
  std::thread keepalive_;
  std::unordered_map<uint32_t, TypeInfo> types_;
};

// First word of a statement, lower-cased (skips blanks, comments and parentheses).
std::string leading_keyword(const std::string& sql);
// The statement with trailing blanks and semicolons removed.
std::string strip_statement(const std::string& sql);

}  // namespace riffq::client
