#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace redundant_index_predicate_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "redundant-index-predicate";

TEST(RedundantIndexPredicate, ReportsIsNotNullOfNotNullColumns) {
  const auto findings = run_rule(k_rule, replay_migrations({{"0000_init.sql", R"sql(
CREATE TABLE "tickets" ("id" bigint PRIMARY KEY, "opened_at" timestamptz NOT NULL, "queue" text);
CREATE INDEX "tickets_opened_idx" ON "tickets" ("opened_at") WHERE "opened_at" IS NOT NULL;
CREATE INDEX "tickets_key_idx" ON "tickets" ("id", "opened_at") WHERE id IS NOT NULL AND opened_at IS NOT NULL;
CREATE INDEX "tickets_queue_idx" ON "tickets" ("queue") WHERE "queue" IS NOT NULL;
)sql"}}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
  EXPECT_EQ(findings[0].object.constraint, "tickets_opened_idx");
  EXPECT_EQ(findings[0].location.line, 3);
  EXPECT_NE(findings[0].fix->statements().find(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS tickets_opened_idx_whole ON tickets "
                "(opened_at);"),
            std::string::npos)
      << findings[0].fix->statements();
  EXPECT_EQ(findings[1].object.constraint, "tickets_key_idx");
}

TEST(RedundantIndexPredicateGood, NullableColumnsAndOtherPredicatesAreClean) {
  EXPECT_TRUE(run_rule(k_rule, replay_migrations({{"0000_init.sql", R"sql(
CREATE TABLE "tickets" ("id" bigint PRIMARY KEY, "opened_at" timestamptz NOT NULL, "queue" text);
CREATE INDEX "tickets_queue_idx" ON "tickets" ("queue") WHERE "queue" IS NOT NULL;
CREATE INDEX "tickets_recent_idx" ON "tickets" ("opened_at") WHERE "opened_at" > '2024-01-01';
CREATE INDEX "tickets_mixed_idx" ON "tickets" ("opened_at") WHERE "opened_at" IS NOT NULL AND "queue" IS NOT NULL;
)sql"}})).empty());
}

} // namespace redundant_index_predicate_test
