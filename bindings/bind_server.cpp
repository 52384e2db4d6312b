// bind_server.cpp — riffq._riffq.Server: the Python face of server::Server (riffq 0.1.11 API).
#include <nanobind/nanobind.h>
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <openssl/ssl.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <mutex>
#include <system_error>

#include "catalog_registration.hpp"
#include "copy_in_reader.hpp"
#include "hba_config.hpp"
#include "python_backend.hpp"
#include "riffq/server/server.hpp"

namespace nb = nanobind;
using namespace nb::literals;

namespace riffq::bindings {
namespace {

// PostgreSQL version whose catalog is emulated; drivers parse MAJOR.MINOR from it.
constexpr const char* DEFAULT_SERVER_VERSION = "15.8";

bool valid_server_version(const std::string& v) {
  size_t i = 0;
  while (i < v.size() && std::isdigit(static_cast<unsigned char>(v[i]))) ++i;
  if (i == 0 || i >= v.size() || v[i] != '.') return false;
  return i + 1 < v.size() && std::isdigit(static_cast<unsigned char>(v[i + 1]));
}

class PyServer {
 public:
  explicit PyServer(std::string addr)
      : addr_(std::move(addr)), callbacks_(std::make_shared<PythonCallbacks>()) {
    callbacks_->on_query = nb::none();
    callbacks_->on_connect = nb::none();
    callbacks_->on_disconnect = nb::none();
    callbacks_->on_authentication = nb::none();
    callbacks_->on_cancel = nb::none();
    callbacks_->on_copy_in = nb::none();
    callbacks_->lazy_catalog = nb::none();
  }

  void on_query(nb::object cb) { callbacks_->on_query = std::move(cb); }
  void on_connect(nb::object cb) { callbacks_->on_connect = std::move(cb); }
  void on_disconnect(nb::object cb) { callbacks_->on_disconnect = std::move(cb); }
  void on_authentication(nb::object cb) { callbacks_->on_authentication = std::move(cb); }
  void on_cancel(nb::object cb) { callbacks_->on_cancel = std::move(cb); }
  void on_copy_in(nb::object cb) { callbacks_->on_copy_in = std::move(cb); }
  void handle_shutdown(nb::object cb) { shutdown_cb_ = std::move(cb); }
  const std::string& listen_address() const { return addr_; }
  void set_listen_address(const std::string& address) {
    std::lock_guard lock(mu_);
    if (server_) throw nb::value_error("the listen address cannot change while serving");
    std::string host;
    uint16_t port = 0;
    server::parse_listen_address(address, host, port);  // invalid_argument → ValueError
    addr_ = address;
  }

  void set_tls(const std::string& cert, const std::string& key) {
    // Validate now so that a bad path or key fails here, as the original does (OSError).
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    bool ok = ctx && SSL_CTX_use_certificate_chain_file(ctx, cert.c_str()) == 1 &&
              SSL_CTX_use_PrivateKey_file(ctx, key.c_str(), SSL_FILETYPE_PEM) == 1 &&
              SSL_CTX_check_private_key(ctx) == 1;
    if (ctx) SSL_CTX_free(ctx);
    if (!ok) {
      PyErr_SetString(PyExc_OSError,
                      ("could not load TLS certificate/key: " + cert + ", " + key).c_str());
      throw nb::python_error();
    }
    tls_cert_ = cert;
    tls_key_ = key;
  }

  void set_scram_users(nb::dict users) {
    auto map = std::make_shared<session::ScramUsers>();
    for (auto [k, v] : users) {
      std::string user = nb::cast<std::string>(k);
      std::string secret = nb::cast<std::string>(v);
      if (auto verifier = session::ScramVerifier::parse(secret)) {
        (*map)[user] = *verifier;
      } else if (secret.rfind("SCRAM-SHA-256$", 0) == 0) {
        throw nb::value_error(("malformed SCRAM verifier for user " + user).c_str());
      } else {
        nb::gil_scoped_release release;  // PBKDF2 once per user, here rather than per login
        (*map)[user] = session::ScramVerifier::from_password(secret);
      }
    }
    scram_users_ = std::move(map);
  }

  void set_md5_users(nb::dict users) {
    auto map = std::make_shared<session::Md5Users>();
    for (auto [k, v] : users) {
      std::string user = nb::cast<std::string>(k);
      std::string secret = nb::cast<std::string>(v);
      (*map)[user] =
          session::is_md5_verifier(secret) ? secret : session::md5_verifier(user, secret);
    }
    md5_users_ = std::move(map);
  }

  void set_hba_rules(nb::handle rules) {
    hba_ = rules.is_none() ? nullptr : hba_rules_from_python(rules);
  }
  void load_hba_file(const std::string& path) { hba_ = hba_rules_from_file(path); }

  void register_database(const std::string& db) { catalog_.register_database(db); }
  void register_schema(const std::string& db, const std::string& schema) {
    catalog_.register_schema(db, schema);
  }
  void register_table(const std::string& db, const std::string& schema, const std::string& table,
                      nb::handle columns, nb::handle primary_key, nb::handle unique,
                      nb::handle foreign_keys, nb::handle indexes, nb::handle comment,
                      const std::string& kind, nb::handle view_sql, nb::handle checks) {
    catalog_.register_table(db, schema, table, columns, primary_key, unique, foreign_keys, indexes,
                            comment, kind, view_sql, checks);
  }
  void set_lazy_catalog(nb::object source) {
    for (const char* method : {"databases", "schemas", "relations", "columns"})
      if (!nb::hasattr(source, method))
        throw nb::type_error(
            (std::string("a lazy catalog source needs a ") + method + "(…, callback) method")
                .c_str());
    callbacks_->lazy_catalog = std::move(source);
  }

  void start(bool tls, bool catalog_emulation, std::optional<std::string> server_version,
             bool require_tls, size_t max_connections, uint32_t max_message_size,
             double startup_timeout, double idle_timeout, double shutdown_grace, bool reuse_port,
             uint32_t worker_index, uint32_t worker_count, std::optional<std::string> cancel_dir,
             double busy_poll_us) {
    if (callbacks_->on_query.is_none())
      throw nb::value_error("No callback set. Use on_query() before starting the server.");
    if (tls && tls_cert_.empty()) throw nb::value_error("start(tls=True) requires set_tls() first");
    if (require_tls && !tls) throw nb::value_error("require_tls=True needs tls=True");
    if (max_connections == 0) throw nb::value_error("max_connections must be at least 1");
    if (max_message_size < 1024)
      throw nb::value_error("max_message_size must be at least 1024 bytes");
    if (!(startup_timeout > 0)) throw nb::value_error("startup_timeout must be positive");
    if (!(idle_timeout >= 0)) throw nb::value_error("idle_timeout must be 0 (off) or positive");
    if (!(shutdown_grace >= 0)) throw nb::value_error("shutdown_grace must be 0 or positive");
    if (!(busy_poll_us >= 0 && busy_poll_us <= 100000))
      throw nb::value_error("busy_poll_us must be between 0 (off) and 100000");
    if (worker_count == 0 || worker_index >= worker_count)
      throw nb::value_error("worker_index must be below worker_count (at least 1)");
    std::string version = server_version.value_or(DEFAULT_SERVER_VERSION);
    if (!valid_server_version(version))
      throw nb::value_error("server_version must begin with a numeric MAJOR.MINOR, e.g. \"15.8\"");

    server::ServerConfig cfg;
    cfg.listen_address = addr_;
    cfg.server_version = version;
    cfg.io_threads = 2;
    if (tls) {
      cfg.tls_cert_path = tls_cert_;
      cfg.tls_key_path = tls_key_;
      cfg.tls_required = require_tls;
    }
    cfg.scram_users = scram_users_;
    cfg.md5_users = md5_users_;
    cfg.hba = hba_;
    cfg.catalog = catalog_.engine();
    cfg.catalog_emulation = catalog_emulation;
    cfg.max_connections = max_connections;
    cfg.large_message_limit = max_message_size;
    cfg.startup_timeout = std::chrono::duration_cast<std::chrono::seconds>(
        std::chrono::duration<double>(std::max(1.0, startup_timeout)));
    cfg.idle_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(idle_timeout));
    cfg.shutdown_grace = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(shutdown_grace));
    cfg.reuse_port = reuse_port;
    cfg.worker_index = worker_index;
    cfg.worker_count = worker_count;
    cfg.cancel_dir = cancel_dir.value_or("");
    cfg.busy_poll = std::chrono::microseconds(static_cast<int64_t>(busy_poll_us));
    bool main_thread =
        PyGILState_Check() && nb::module_::import_("threading")
                                  .attr("current_thread")()
                                  .is(nb::module_::import_("threading").attr("main_thread")());
    cfg.handle_signals = main_thread;
    auto app = std::make_shared<PythonApplication>(callbacks_);
    {
      std::lock_guard lock(mu_);
      if (server_) throw nb::value_error("server is already running");
      server_ = std::make_shared<server::Server>(cfg, app);
      stop_requested_early_ = false;
    }
    std::string bind_error;
    struct sigaction old_int {
    }, old_term{};
    {
      nb::gil_scoped_release release;
      try {
        server_->bind();
      } catch (const std::exception& e) {
        bind_error = e.what();
      }
      if (bind_error.empty()) {
        {
          std::lock_guard lock(mu_);
          serving_ = true;
          if (stop_requested_early_) server_->stop();
        }
        cv_.notify_all();
        if (main_thread) {
          sigaction(SIGINT, nullptr, &old_int);
          sigaction(SIGTERM, nullptr, &old_term);
        }
        server_->run();
        if (main_thread) {
          sigaction(SIGINT, &old_int, nullptr);
          sigaction(SIGTERM, &old_term, nullptr);
        }
      }
    }
    std::shared_ptr<server::Server> done;
    {
      std::lock_guard lock(mu_);
      done.swap(server_);
      serving_ = false;
    }
    cv_.notify_all();
    {
      nb::gil_scoped_release release;
      done.reset();
    }
    if (!bind_error.empty()) {
      PyErr_SetString(PyExc_OSError, bind_error.c_str());
      throw nb::python_error();
    }
    if (!shutdown_cb_.is_none()) {
      try {
        shutdown_cb_();
      } catch (nb::python_error& e) {
        log_exception("shutdown callback raised", e);
      }
    }
  }

  void stop() {
    std::lock_guard lock(mu_);
    if (server_)
      server_->stop();
    else
      stop_requested_early_ = true;
  }

  bool wait_until_serving(double timeout) {
    nb::gil_scoped_release release;
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::duration<double>(timeout), [&] { return serving_; });
  }

  void notify(const std::string& channel, const std::string& payload) {
    std::lock_guard lock(mu_);
    if (server_) server_->notify(channel, payload);
  }

  nb::dict stats() {
    server::StatsSnapshot s;
    {
      std::lock_guard lock(mu_);
      if (server_) s = server_->stats();
    }
    nb::dict d;
    d["connections_total"] = s.connections_total;
    d["connections_active"] = s.connections_active;
    d["queries"] = s.queries;
    d["errors"] = s.errors;
    d["rows"] = s.rows;
    d["bytes_sent"] = s.bytes_sent;
    d["latency_p50_ms"] = s.latency_p50_ms;
    d["latency_p95_ms"] = s.latency_p95_ms;
    d["latency_p99_ms"] = s.latency_p99_ms;
    return d;
  }

  int port() {
    std::lock_guard lock(mu_);
    return server_ && serving_ ? server_->port() : 0;
  }

 private:
  std::string addr_;
  std::shared_ptr<PythonCallbacks> callbacks_;
  nb::object shutdown_cb_ = nb::none();
  std::string tls_cert_, tls_key_;
  std::shared_ptr<const session::ScramUsers> scram_users_;
  std::shared_ptr<const session::Md5Users> md5_users_;
  std::shared_ptr<const session::HbaRules> hba_;
  bindings::CatalogRegistry catalog_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::shared_ptr<server::Server> server_;
  bool serving_ = false;
  bool stop_requested_early_ = false;
};

}  // namespace

void bind_server(nb::module_& m) {
  bind_callbacks(m);
  bind_copy_in_reader(m);
  nb::class_<PyServer>(m, "Server",
                       "A PostgreSQL wire-protocol server. addr is \"IP:port\", \"[v6]:port\" "
                       "or \"host:port\".")
      .def(nb::init<std::string>(), "addr"_a)
      .def("on_query", &PyServer::on_query, "callback"_a,
           "Sets the query handler: cb(sql, callback, *, do_describe, connection_id[, "
           "query_args]). Required before start().")
      .def("on_connect", &PyServer::on_connect, "callback"_a,
           "Sets the connect handler: cb(connection_id, ip, port, *, callback, server_name).")
      .def("on_disconnect", &PyServer::on_disconnect, "callback"_a,
           "Sets the disconnect handler: cb(connection_id, ip, port).")
      .def("on_cancel", &PyServer::on_cancel, "callback"_a,
           "Sets the cancel handler: cb(connection_id), called on a worker thread when that "
           "connection's running statement is cancelled (CancelRequest, statement_timeout, or "
           "the client gone mid-statement). The query callback's `cancelled` is then True.")
      .def("on_copy_in", &PyServer::on_copy_in, "callback"_a,
           "Sets the COPY … FROM STDIN hook: cb(sql, reader, callback, *, connection_id, schema, "
           "table, columns, format). reader is a riffq.CopyInReader (Arrow record batches of the "
           "uploaded rows, typed from the registered table); answer with callback(None) or a "
           "tag (\"COPY n\" is sent with the rows received) or an error tuple with "
           "is_error=True. Without it, COPY FROM STDIN is refused with 0A000. Set before start().")
      .def("on_authentication", &PyServer::on_authentication, "callback"_a,
           "Sets the authentication handler and turns on password authentication: "
           "cb(connection_id, user, password, host, *, callback[, database]).")
      .def("handle_shutdown", &PyServer::handle_shutdown, "callback"_a,
           "Sets a zero-argument callable run after the server stopped, before start() returns.")
      .def("set_tls", &PyServer::set_tls, "cert_path"_a, "key_path"_a,
           "Loads a PEM certificate chain and private key; raises OSError on failure.")
      .def("set_md5_users", &PyServer::set_md5_users, "users"_a,
           "Turns on MD5 password authentication (for old clients; off unless called) for these "
           "users: a password or a stored \"md5…\" verifier (as in pg_authid). Checked before "
           "SCRAM users; on_connect still runs. Wrong passwords get 28P01.")
      .def("set_scram_users", &PyServer::set_scram_users, "users"_a,
           "Turns on SCRAM-SHA-256 authentication (SCRAM-SHA-256-PLUS with channel binding over "
           "TLS): users maps a user name to a password (SASLprep'ed and hashed once, here) or to "
           "a stored verifier \"SCRAM-SHA-256$iter:salt$StoredKey:ServerKey\" "
           "(as in pg_authid). Takes precedence over on_authentication's cleartext passwords; "
           "on_connect still runs. Unknown users and wrong passwords get 28P01.")
      .def("set_hba_rules", &PyServer::set_hba_rules, "rules"_a.none(),
           "Sets host-based rules, as pg_hba.conf: a list of lines (\"hostssl all all "
           "127.0.0.1/32 scram-sha-256\") or dicts {\"type\", \"database\", \"user\", "
           "\"address\", \"method\"} (database/user: a name or a list of names). Types local, "
           "host, hostssl, hostnossl, hostgssenc, hostnogssenc; databases all, sameuser, names; "
           "users all, names; addresses all, samehost, samenet, CIDR (IPv4/IPv6); methods trust, "
           "reject, password, md5, scram-sha-256. The first matching rule decides; none matching "
           "is FATAL 28000. None removes the rules. ValueError \"hba rule N: …\" for a bad rule.")
      .def("load_hba_file", &PyServer::load_hba_file, "path"_a,
           "Sets host-based rules from a file in pg_hba.conf syntax (see set_hba_rules); OSError "
           "if unreadable, ValueError \"PATH: line N: …\" for a bad line.")
      .def("register_database", &PyServer::register_database, "database_name"_a,
           "Registers a database for catalog emulation (with its public schema). With "
           "start(catalog_emulation=True) clients must connect to a registered database, "
           "postgres, template0 or template1 (others get 3D000).")
      .def("register_schema", &PyServer::register_schema, "database_name"_a, "schema_name"_a,
           "Registers a schema under a database (the database is registered if needed).")
      .def("register_table", &PyServer::register_table, "database_name"_a, "schema_name"_a,
           "table_name"_a, "columns"_a, nb::kw_only(), "primary_key"_a = nb::none(),
           "unique"_a = nb::none(), "foreign_keys"_a = nb::none(), "indexes"_a = nb::none(),
           "comment"_a = nb::none(), "kind"_a = "table", "view_sql"_a = nb::none(),
           "checks"_a = nb::none(),
           "Registers a table (or view) for catalog emulation; registering it again replaces it. "
           "columns is a list of single-key dicts {name: {\"type\": str, \"nullable\": bool, "
           "\"default\"?: str, \"comment\"?: str}} where type is any PostgreSQL type name "
           "(\"int\", \"bigint\", \"numeric(12,2)\", \"varchar(40)\", \"timestamptz\", \"text[]\", "
           "…) "
           "or a riffq.helpers.to_arrow short name (str, float, datetime, …). Keyword-only: "
           "primary_key (column names), unique (list of column-name lists), foreign_keys (dicts "
           "{\"columns\", \"references\": \"[schema.]table\", \"ref_columns\"?, \"name\"?}), "
           "indexes "
           "(dicts {\"name\", \"columns\", \"unique\"?}), comment, kind (\"table\", \"view\", "
           "\"materialized_view\"), view_sql (a view's query, for pg_get_viewdef), checks "
           "(dicts {\"expr\", \"name\"?}: CHECK constraints, expr written as PostgreSQL's "
           "pg_get_constraintdef prints it, e.g. \"(price > (0)::numeric)\"). Raises "
           "ValueError for an unknown type or a key naming a missing column.")
      .def("set_lazy_catalog", &PyServer::set_lazy_catalog, "source"_a)
      .def("start", &PyServer::start, "tls"_a = false, "catalog_emulation"_a = false,
           "server_version"_a = nb::none(), nb::kw_only(), "require_tls"_a = false,
           "max_connections"_a = 1000, "max_message_size"_a = 64u * 1024 * 1024,
           "startup_timeout"_a = 60.0, "idle_timeout"_a = 0.0, "shutdown_grace"_a = 3.0,
           "reuse_port"_a = false, "worker_index"_a = 0, "worker_count"_a = 1,
           "cancel_dir"_a = nb::none(), "busy_poll_us"_a = 100.0,
           "Serves until SIGINT/SIGTERM (main thread) or stop(); releases the GIL. Raises OSError "
           "if the address cannot be bound. Keyword-only limits: require_tls refuses plaintext "
           "sessions; max_connections (beyond it clients get 53300); max_message_size caps "
           "Query/Parse/Bind/CopyData messages; startup_timeout (seconds) drops clients that do "
           "not finish startup and authentication; idle_timeout (seconds, 0 = off) closes sessions "
           "idle outside a transaction with FATAL 57P05; shutdown_grace (seconds) is how long "
           "stop() / SIGTERM lets running statements finish (idle sessions get 57P01 at once; "
           "statements still running then end with 57P01 at a message boundary). Multi-process "
           "serving (riffq.RiffqServer.start(workers=N) sets these): reuse_port shares the port "
           "with other processes (SO_REUSEPORT); worker_index / worker_count number this "
           "process in the group (backend pids carry the index) and cancel_dir is the directory "
           "of the Unix sockets that relay CancelRequests to the process owning the session. "
           "busy_poll_us (microseconds, 0 = off): after work, I/O and query threads poll for "
           "more this long before they sleep, so that small queries pay no thread wake-ups; "
           "an idle server sleeps.")
      .def("stop", &PyServer::stop, "Stops a running server (thread-safe); start() then returns.")
      .def("wait_until_serving", &PyServer::wait_until_serving, "timeout"_a = 10.0,
           "Blocks until start() is accepting connections; False on timeout.")
      .def("notify", &PyServer::notify, "channel"_a, "payload"_a = "",
           "Sends a notification: every session that ran LISTEN channel gets it (as from NOTIFY "
           "channel, 'payload'), when idle outside a transaction block. No-op when not running.")
      .def("stats", &PyServer::stats,
           "Counters of the running server: connections_total, connections_active, queries, "
           "errors, rows, bytes_sent, and statement latency percentiles latency_p50_ms / "
           "latency_p95_ms / latency_p99_ms (log2 buckets, within a factor of 1.4). Empty "
           "counts when not running.")
      .def_prop_ro("port", &PyServer::port, "The bound port while serving, else 0.")
      .def_prop_rw(
          "listen_address", [](PyServer& s) { return s.listen_address(); },
          [](PyServer& s, const std::string& a) { s.set_listen_address(a); },
          "The address start() binds (host:port); settable while the server is not running.");
}

}  // namespace riffq::bindings
