#pragma once

#include "pg/connection.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <string_view>

// A throwaway PostgreSQL 15 cluster for tests: one per test binary run,
// started on first use, stopped when the run ends (the gtest environment's
// TearDown), and also when the process dies any other way (a watchdog
// process stops it and removes its directory once our end of a pipe closes).
//
// Layout: a mkdtemp directory under /tmp owned by the server's user, holding
// the data directory, the unix socket, the logs and a password file. The
// server listens on that socket (trust) and on 127.0.0.1 at a free port with
// scram-sha-256, so password tests go over TCP. As root, initdb and pg_ctl
// run as the `postgres` user (the server refuses root).
//
// Set PGADVISE_PG_BINDIR to use another server build than
// /usr/lib/postgresql/15/bin.
namespace pgadvise::test_support {

class PgCluster {
public:
  // The shared cluster, started on first call. Check ok() before use: when
  // the server is missing or does not start, error() says why (tests fail
  // with that message; they never skip).
  static PgCluster& instance();
  // Stops the cluster if it was started. Called by the gtest environment.
  static void shutdown();

  [[nodiscard]] bool ok() const { return m_error.empty() && m_port != 0; }
  [[nodiscard]] const std::string& error() const { return m_error; }
  [[nodiscard]] int port() const { return m_port; }
  [[nodiscard]] const std::filesystem::path& directory() const { return m_dir; }

  static constexpr std::string_view k_superuser = "postgres";

  // The superuser over the unix socket (trust authentication).
  [[nodiscard]] std::string admin_conninfo(std::string_view database = "postgres") const;
  // Any role over TCP on the loopback address (scram-sha-256).
  [[nodiscard]] std::string tcp_conninfo(std::string_view database, std::string_view user,
                                         std::string_view password) const;
  // A read-write superuser session for set-up; pgadvise's own sessions stay
  // read-only.
  [[nodiscard]] pg::DbResult<pg::Connection> admin(std::string_view database = "postgres") const;
  // A new, empty database with a unique name starting with `prefix`, or an
  // empty string and a message in `why`.
  std::string create_database(std::string_view prefix, std::string* why = nullptr);
  // A loopback TCP port nothing listens on (for connection-refused tests).
  static int unused_port();

  PgCluster(const PgCluster&) = delete;
  PgCluster& operator=(const PgCluster&) = delete;
  PgCluster(PgCluster&&) = delete;
  PgCluster& operator=(PgCluster&&) = delete;
  ~PgCluster();

private:
  PgCluster() = default;
  static PgCluster& storage(); // the one instance, not started
  void start();
  void stop();

  std::string m_error;
  std::filesystem::path m_dir;
  std::filesystem::path m_bin_dir;
  int m_port = 0;
  int m_watchdog_fd = -1; // our end of the watchdog's pipe
  int m_watchdog_pid = 0;
  int m_databases = 0;
};

// Base fixture for tests that need the server: fails (never skips) with the
// cluster's error when it is not there.
class ClusterTest : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_TRUE(cluster().ok()) << "PostgreSQL test cluster unavailable: " << cluster().error();
  }
  static PgCluster& cluster() { return PgCluster::instance(); }
};

} // namespace pgadvise::test_support
