#pragma once

#include "model/workload.hpp"
#include "pg/connection.hpp"
#include "pg/parser.hpp"
#include "pg/query_analysis.hpp"
#include "rules/registry.hpp"
#include "support/pg_cluster.hpp"

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

// Builds workloads for advisor tests the way the log readers fill them:
// fingerprint, normalized text, shape, an example with its parameters,
// calls and total time.
namespace pgadvise::test_support {

// The rules plan confirmation takes, as the lint run asks the registry.
inline bool confirmed_by_plan(std::string_view rule) {
  const engine::Rule* found = rules::find_rule(rule);
  return found != nullptr && found->meta().confirmed_by_plan;
}

inline model::QueryStats& add_query(model::Workload& workload, std::string_view sql, std::uint64_t calls,
                                    double total_ms, std::string_view params = {}) {
  const std::uint64_t fingerprint = pg::fingerprint(sql).value_or(0);
  model::QueryStats& query = workload.upsert(fingerprint);
  query.fingerprint = fingerprint;
  query.normalized = pg::normalize(sql).value_or(std::string(sql));
  bool parsed = false;
  query.shape = pg::analyze_query_text(sql, &parsed);
  query.parsed = parsed;
  query.calls = calls;
  query.timed_calls = total_ms > 0 ? calls : 0;
  query.total_ms = total_ms;
  query.example = std::string(sql);
  query.example_params = std::string(params);
  workload.statements += calls;
  workload.has_durations = workload.has_durations || total_ms > 0;
  return query;
}

// A database of the harness's cluster made from `script` (the suite's
// schema and data); empty with `error` set when it could not be made.
inline std::string database_from_script(std::string_view prefix, std::string_view script,
                                        std::string& error) {
  auto& pg = PgCluster::instance();
  if (!pg.ok()) {
    return {}; // the fixture's SetUp fails the test with the cluster's error
  }
  std::string database = pg.create_database(prefix, &error);
  if (database.empty()) {
    return {};
  }
  auto admin = pg.admin(database);
  if (!admin.ok()) {
    error = admin.error().to_string();
    return {};
  }
  if (auto applied = admin->run_script(script, std::string(prefix)); !applied.ok()) {
    error = applied.error().to_string();
    return {};
  }
  return database;
}

// A session on `database` as pgadvise opens one: read-only unless asked.
inline pg::ConnectOptions session_options(const std::string& database, bool read_only = true) {
  pg::ConnectOptions connect;
  connect.conninfo = PgCluster::instance().admin_conninfo(database);
  connect.read_only = read_only;
  connect.statement_timeout = std::chrono::milliseconds(20'000);
  return connect;
}

} // namespace pgadvise::test_support
