#include "rule_test_support.hpp"

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
  EXPECT_NE(findings[0].fix->ddl.find("ALTER COLUMN created_at TYPE timestamptz;"), std::string::npos);
}

TEST(TimestampWithoutTimeZone, TimestamptzIsClean) {
  model::Table events = table("events", {column("id"), column("at", "timestamptz"), column("d", "date")});
  EXPECT_TRUE(run_rule(k_rule, catalog_of({events})).empty());
}

} // namespace timestamp_without_time_zone_test
