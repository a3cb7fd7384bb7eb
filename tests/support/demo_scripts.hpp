#pragma once

// The demo's step scripts (scripts/demo-*.sh) run against the test cluster.

#include "cli/process.hpp"
#include "support/pg_cluster.hpp"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::test {

// scripts/SCRIPT ARGS with `cluster` as its PG* environment (the superuser,
// the postgres database) and the PostgreSQL binaries the tests use.
inline ProcessResult run_demo_script(const test_support::PgCluster& cluster, const std::string& script,
                                     const std::vector<std::string>& args) {
  ProcessOptions options;
  options.env["PGHOST"] = cluster.directory().string();
  options.env["PGPORT"] = std::to_string(cluster.port());
  options.env["PGUSER"] = std::string(test_support::PgCluster::k_superuser);
  options.env["PGDATABASE"] = "postgres";
  options.env["PGOPTIONS"] = std::nullopt;
  if (const char* bindir = std::getenv("PGADVISE_PG_BINDIR"); bindir != nullptr && *bindir != '\0') {
    options.env["PG_BINDIR"] = bindir;
  }
  options.timeout = std::chrono::seconds(300);
  std::vector<std::string> argv{(std::filesystem::path(PGADVISE_SOURCE_DIR) / "scripts" / script).string()};
  argv.insert(argv.end(), args.begin(), args.end());
  ProcessResult result = run_process("/bin/bash", argv, options);
  EXPECT_FALSE(result.timed_out) << script << " hung";
  return result;
}

// The demo's data and workload steps at a reduced size (scale 0.1, 8
// clients) into the new database `database`; the lines the workload added
// to the cluster's server log (shared by the whole run) are copied to `log`.
// A failed step fails the test.
inline void run_demo_database(const test_support::PgCluster& cluster, const std::string& database,
                              const std::filesystem::path& log) {
  const ProcessResult setup = run_demo_script(cluster, "demo-setup.sh", {database, "0.1"});
  EXPECT_EQ(setup.exit_code, 0) << setup.out << setup.err;
  const std::filesystem::path server_log = cluster.directory() / "server.log";
  const auto offset = std::filesystem::exists(server_log) ? std::filesystem::file_size(server_log) : 0;
  const ProcessResult workload = run_demo_script(cluster, "demo-workload.sh", {database, "0.1", "8"});
  EXPECT_EQ(workload.exit_code, 0) << workload.out << workload.err;
  std::ifstream in(server_log, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset));
  std::ofstream(log, std::ios::binary) << in.rdbuf();
}

} // namespace pgadvise::test
