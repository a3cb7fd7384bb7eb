#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace partition_detached_non_concurrently_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "partition-detached-non-concurrently";

const std::string k_events = R"sql(
CREATE TABLE "events" ("id" bigint NOT NULL, "at" timestamptz NOT NULL) PARTITION BY RANGE ("at");
CREATE TABLE "events_2025" PARTITION OF "events" FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE "events_2026" PARTITION OF "events" FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
)sql";

TEST(PartitionDetachedNonConcurrently, ReportsAPlainDetach) {
  const auto findings =
      run_on_change(k_rule, k_events, "ALTER TABLE \"events\" DETACH PARTITION \"events_2025\";");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.events events_2025");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("DETACH PARTITION events_2025 CONCURRENTLY;"),
            std::string::npos);
}

TEST(PartitionDetachedNonConcurrently, ConcurrentlyIsSafe) {
  EXPECT_TRUE(
      run_on_change(k_rule, k_events, "ALTER TABLE \"events\" DETACH PARTITION \"events_2025\" CONCURRENTLY;")
          .empty());
}

} // namespace partition_detached_non_concurrently_test
