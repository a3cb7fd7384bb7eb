#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace unique_constraint_added_without_index_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "unique-constraint-added-without-index";

const std::string k_tables = R"sql(
CREATE TABLE "orders" ("id" bigint PRIMARY KEY, "reference" text NOT NULL, "email" text);
CREATE TABLE "legacy_events" ("event_id" bigint NOT NULL, "payload" text);
)sql";

TEST(UniqueConstraintAddedWithoutIndex, ReportsKeysThatBuildTheirIndex) {
  const auto findings = run_on_change(k_rule, k_tables, R"sql(
ALTER TABLE "orders" ADD CONSTRAINT "orders_reference_key" UNIQUE ("reference");
ALTER TABLE "legacy_events" ADD PRIMARY KEY ("event_id");
)sql");
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders(reference) orders_reference_key");
  EXPECT_EQ(findings[1].object.constraint, "legacy_events_pkey");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find(
                "CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_reference_key ON orders (reference);"),
            std::string::npos)
      << findings[0].fix->statements();
  EXPECT_NE(findings[0].fix->statements().find("UNIQUE USING INDEX orders_reference_key;"),
            std::string::npos);
}

TEST(UniqueConstraintAddedWithoutIndex, UsingAConcurrentlyBuiltIndexIsSafe) {
  // The look-alike: the index built CONCURRENTLY (a psql-run folder, no
  // transaction), then adopted.
  EXPECT_TRUE(run_on_change(k_rule, k_tables, R"sql(
CREATE UNIQUE INDEX CONCURRENTLY "orders_reference_key" ON "orders" ("reference");
ALTER TABLE "orders" ADD CONSTRAINT "orders_reference_key" UNIQUE USING INDEX "orders_reference_key";
)sql")
                  .empty());
}

TEST(UniqueConstraintAddedWithoutIndex, APrimaryKeyOnNullableColumnsStillScans) {
  const auto findings = run_on_change(k_rule, k_tables, R"sql(
CREATE UNIQUE INDEX CONCURRENTLY "orders_email_key" ON "orders" ("email");
ALTER TABLE "orders" DROP CONSTRAINT "orders_pkey";
ALTER TABLE "orders" ADD CONSTRAINT "orders_pkey" PRIMARY KEY USING INDEX "orders_email_key";
)sql");
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].message.find("makes nullable columns NOT NULL"), std::string::npos)
      << findings[0].message;
}

TEST(UniqueConstraintAddedWithoutIndex, NewTablesAreExempt) {
  EXPECT_TRUE(run_on_change(k_rule, k_tables, R"sql(
CREATE TABLE "coupons" ("code" text NOT NULL);
ALTER TABLE "coupons" ADD CONSTRAINT "coupons_code_key" UNIQUE ("code");
)sql")
                  .empty());
}

} // namespace unique_constraint_added_without_index_test
