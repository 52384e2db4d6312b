// tests/cpp/support/pg_cluster.hpp
// PgCluster: a throwaway PostgreSQL 15 server for differential tests (Debian's initdb and
// pg_ctl, run as the postgres user when the tests run as root; temporary directory, free
// loopback port, trust auth, fsync off), queried through libpq. One cluster per test process,
// started on first use and stopped at exit. PgClusterTest skips when the binaries are missing.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

struct pg_conn;

namespace riffq::test {

using PgRow = std::vector<std::optional<std::string>>;
using PgRows = std::vector<PgRow>;

class PgCluster {
 public:
  // The process-wide cluster, started on first call; nullptr when it cannot run (see reason()).
  static PgCluster* shared();
  static const std::string& reason();

  PgCluster() = default;
  ~PgCluster();
  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;

  bool start(std::string* error);
  void stop();
  std::string dsn() const;
  int port() const { return port_; }

  // Runs one or more statements; returns the rows of the last result in text format.
  // Adds a test failure (and returns no rows) on error.
  PgRows query_text(const std::string& sql);
  // Runs one statement with binary result format; values are the raw bytes.
  PgRows query_binary(const std::string& sql);

 private:
  bool run_as_postgres(const std::vector<std::string>& argv, std::string* error);

  std::string bindir_;
  std::string tmp_;
  std::string datadir_;
  int port_ = 0;
  bool started_ = false;
  pg_conn* conn_ = nullptr;
};

// Base fixture: pg() is the shared cluster. A cluster that cannot start fails the test: these
// tests are differential, and a skip would let a broken set-up pass as green.
class PgClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    pg_ = PgCluster::shared();
    if (pg_ == nullptr) FAIL() << "PostgreSQL 15 cluster did not start: " << PgCluster::reason();
  }
  PgCluster& pg() { return *pg_; }

 private:
  PgCluster* pg_ = nullptr;
};

}  // namespace riffq::test
