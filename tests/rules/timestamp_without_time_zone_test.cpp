#include "rule_test_support.hpp"
#include "support/cli.hpp"
#include "support/reports.hpp"

#include <gtest/gtest.h>

namespace timestamp_without_time_zone_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "timestamp-without-time-zone";

TEST(TimestampWithoutTimeZone, ReportsEachTimestampColumn) {
  model::Table events = table("events", {column("id"), column("created_at", "timestamp", true, "now()", 3),
                                         column("at", "timestamp without time zone", false, {}, 4),
                                         column("ok", "timestamp with time zone")});
  const auto findings = run_rule(k_rule, catalog_of({events}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].object.to_string(), "public.events(created_at)");
  EXPECT_EQ(findings[1].object.to_string(), "public.events(at)");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("ALTER COLUMN created_at TYPE timestamptz;"),
            std::string::npos);
}

TEST(TimestampWithoutTimeZone, TimestamptzIsClean) {
  model::Table events = table("events", {column("id"), column("at", "timestamptz"), column("d", "date")});
  EXPECT_TRUE(run_rule(k_rule, catalog_of({events})).empty());
}

// A schema.ts column's Drizzle line is its declaration with only the
// builder's options changed: `.defaultNow().notNull()` stays.
TEST(TimestampWithoutTimeZone, DrizzleLineKeepsTheColumnsChain) {
  const std::string fixture = std::string(PGADVISE_SOURCE_DIR) +
                              "/fixtures/rules/timestamp-without-time-zone/bad_timestamp_schema_ts";
  const ProcessResult result =
      run_pgadvise_in(fixture, {"lint", "--format", "json", "--min-severity", "info", "."});
  const nlohmann::json report = report_of(result);
  const std::vector<nlohmann::json> found = findings_of(report, k_rule);
  ASSERT_EQ(found.size(), 1U) << result.out << result.err;
  EXPECT_EQ(found[0]["fix"]["drizzle"].get<std::string>(),
            "createdAt: timestamp(\"created_at\", { withTimezone: true }).defaultNow().notNull(),");
}

} // namespace timestamp_without_time_zone_test
