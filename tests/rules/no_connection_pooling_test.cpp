#include "loaders/logs/reader.hpp"
#include "rule_test_support.hpp"
#include "workload_test_support.hpp"

#include <gtest/gtest.h>

namespace no_connection_pooling_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "no-connection-pooling";

// `sessions` connections over `seconds`, each lasting `session_ms`.
model::Workload connections(std::uint64_t sessions, double seconds, double session_ms) {
  model::Workload workload;
  workload.ordered = true;
  workload.connections.connections_received = sessions;
  workload.connections.connections_authorized = sessions;
  workload.connections.sessions_seen = sessions;
  workload.connections.first_connect_us = 1'000'000'000;
  workload.connections.last_connect_us =
      workload.connections.first_connect_us + static_cast<std::int64_t>(seconds * 1e6);
  for (std::uint64_t i = 0; i < sessions; ++i) {
    workload.add_session_duration(session_ms);
    if (i < 5) {
      model::SessionRecord record;
      record.session = "pid " + std::to_string(100 + i);
      record.user = "app";
      record.database = "shop";
      record.application = "api";
      record.duration_ms = session_ms;
      record.location = log_line(static_cast<int>(10 + i));
      workload.add_session(record);
    }
  }
  workload.connections.disconnections = sessions;
  return workload;
}

TEST(NoConnectionPooling, ManyShortSessionsAreReported) {
  const auto findings = run_workload_rule(k_rule, connections(200, 20, 15));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings.front().severity, core::Severity::high);
  EXPECT_EQ(findings.front().location, log_line(10));
  ASSERT_TRUE(findings.front().fix);
  EXPECT_FALSE(findings.front().fix->safety_note.empty());
}

TEST(NoConnectionPooling, FewSlowOrLongSessionsAreNot) {
  EXPECT_TRUE(run_workload_rule(k_rule, connections(10, 1, 15)).empty());      // too few
  EXPECT_TRUE(run_workload_rule(k_rule, connections(200, 3600, 15)).empty());  // rare: one a minute
  EXPECT_TRUE(run_workload_rule(k_rule, connections(200, 20, 60000)).empty()); // long sessions
  EXPECT_TRUE(run_workload_rule(k_rule, model::Workload{}).empty());
}

TEST(NoConnectionPooling, ThresholdsAreOptions) {
  const model::Workload workload = connections(200, 20, 2000);
  EXPECT_TRUE(run_workload_rule(k_rule, workload).empty());
  EXPECT_EQ(run_workload_rule(k_rule, workload, nullptr, {{"max-median-session-ms", "5000"}}).size(), 1U);
  EXPECT_TRUE(run_workload_rule(k_rule, workload, nullptr,
                                {{"max-median-session-ms", "5000"}, {"min-connections-per-second", "50"}})
                  .empty());
}

// A real PgBouncer 1.18 log (fixtures/logs/real/regenerate.sh) read with the
// server's log: the application pools, so many short server sessions are not
// blamed on it.
TEST(NoConnectionPooling, APgBouncerLogIsEvidenceOfPooling) {
  model::Workload workload = connections(200, 20, 15);
  ASSERT_EQ(run_workload_rule(k_rule, workload).size(), 1U);
  loaders::LogReadResult read =
      loaders::read_logs({std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/real/pgbouncer.log"});
  EXPECT_TRUE(read.usable);
  EXPECT_TRUE(read.diagnostics.empty());
  ASSERT_EQ(read.workload.sources.size(), 1U);
  EXPECT_EQ(read.workload.sources.front().description,
            "PgBouncer log (4 client logins, 2 server connections)");
  EXPECT_EQ(read.workload.sources.front().kind, model::WorkloadSourceKind::pgbouncer_log);
  // The kind, not the description's words, tells the rule a pooler is there.
  model::Workload renamed = connections(200, 20, 15);
  renamed.sources.push_back({"a pooler's log", "pool.log", model::WorkloadSourceKind::pgbouncer_log});
  EXPECT_TRUE(run_workload_rule(k_rule, renamed).empty());
  workload.merge(std::move(read.workload));
  EXPECT_TRUE(run_workload_rule(k_rule, workload).empty());
}

} // namespace no_connection_pooling_test
