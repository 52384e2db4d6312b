// tests/cpp/support/pg_cluster.cpp
// PgCluster implementation: fork/exec of initdb and pg_ctl (demoted to postgres when root),
// libpq for queries.
#include "support/pg_cluster.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <libpq-fe.h>
#include <netinet/in.h>
#include <pwd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace riffq::test {
namespace {

std::string g_reason;

int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  int port = 0;
  socklen_t len = sizeof addr;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

// The differential tests compare with PostgreSQL 15 (SPEC), never with whatever is newest.
std::string find_bindir() {
  const char* fixed = "/usr/lib/postgresql/15/bin";
  if (::access((std::string(fixed) + "/initdb").c_str(), X_OK) == 0) return fixed;
  return "";
}

void stop_shared();

PgCluster* g_shared = nullptr;
bool g_tried = false;

void stop_shared() {
  delete g_shared;
  g_shared = nullptr;
}

}  // namespace

PgCluster* PgCluster::shared() {
  if (!g_tried) {
    g_tried = true;
    auto* c = new PgCluster();
    if (c->start(&g_reason)) {
      g_shared = c;
      std::atexit(stop_shared);
    } else {
      delete c;
    }
  }
  return g_shared;
}

const std::string& PgCluster::reason() { return g_reason; }

PgCluster::~PgCluster() { stop(); }

bool PgCluster::run_as_postgres(const std::vector<std::string>& argv, std::string* error) {
  uid_t uid = 0;
  gid_t gid = 0;
  const bool demote = ::geteuid() == 0;
  if (demote) {
    passwd* pw = ::getpwnam("postgres");
    if (pw == nullptr) {
      *error = "running as root and there is no postgres user";
      return false;
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  const std::string log = tmp_ + "/cmd.log";
  pid_t pid = ::fork();
  if (pid < 0) {
    *error = "fork failed";
    return false;
  }
  if (pid == 0) {
    if (demote && (::setgid(gid) != 0 || ::setuid(uid) != 0)) ::_exit(126);
    if (::chdir(tmp_.c_str()) != 0) ::_exit(126);
    int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
      ::close(fd);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    *error = argv[0] + " failed (see " + log + ")";
    return false;
  }
  return true;
}

bool PgCluster::start(std::string* error) {
  bindir_ = find_bindir();
  if (bindir_.empty()) {
    *error = "/usr/lib/postgresql/15/bin/initdb not found (apt-get install postgresql-15)";
    return false;
  }
  char tmpl[] = "/tmp/riffq-pg-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) {
    *error = "mkdtemp failed";
    return false;
  }
  tmp_ = tmpl;
  datadir_ = tmp_ + "/data";
  if (::geteuid() == 0) {
    if (passwd* pw = ::getpwnam("postgres")) {
      if (::chown(tmp_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        *error = "chown of the temporary directory failed";
        return false;
      }
    }
  }
  port_ = free_port();
  if (!run_as_postgres({bindir_ + "/initdb", "-D", datadir_, "-U", "postgres", "-A", "trust", "-E",
                        "UTF8", "--locale=C", "--no-sync"},
                       error)) {
    return false;
  }
  const std::string opts = "-p " + std::to_string(port_) + " -k " + tmp_ +
                           " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                           " -c full_page_writes=off";
  if (!run_as_postgres({bindir_ + "/pg_ctl", "-D", datadir_, "-o", opts, "-l", tmp_ + "/log", "-w",
                        "start"},
                       error)) {
    return false;
  }
  started_ = true;
  for (int attempt = 0; attempt < 100; ++attempt) {
    conn_ = PQconnectdb(dsn().c_str());
    if (PQstatus(conn_) == CONNECTION_OK) return true;
    PQfinish(conn_);
    conn_ = nullptr;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  *error = "could not connect to the test cluster";
  return false;
}

void PgCluster::stop() {
  if (conn_) {
    PQfinish(conn_);
    conn_ = nullptr;
  }
  if (started_) {
    std::string ignored;
    run_as_postgres({bindir_ + "/pg_ctl", "-D", datadir_, "-m", "immediate", "-w", "stop"}, &ignored);
    started_ = false;
  }
  if (!tmp_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tmp_, ec);
    tmp_.clear();
  }
}

std::string PgCluster::dsn() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) + " user=postgres dbname=postgres";
}

namespace {

PgRows collect(PGresult* res, const std::string& sql) {
  PgRows rows;
  const ExecStatusType st = PQresultStatus(res);
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) {
    ADD_FAILURE() << "query failed: " << sql << "\n" << PQresultErrorMessage(res);
    PQclear(res);
    return rows;
  }
  for (int r = 0; r < PQntuples(res); ++r) {
    PgRow row;
    for (int c = 0; c < PQnfields(res); ++c) {
      if (PQgetisnull(res, r, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(std::string(PQgetvalue(res, r, c), static_cast<size_t>(PQgetlength(res, r, c))));
      }
    }
    rows.push_back(std::move(row));
  }
  PQclear(res);
  return rows;
}

}  // namespace

PgRows PgCluster::query_text(const std::string& sql) { return collect(PQexec(conn_, sql.c_str()), sql); }

PgRows PgCluster::query_binary(const std::string& sql) {
  return collect(PQexecParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1), sql);
}

}  // namespace riffq::test
