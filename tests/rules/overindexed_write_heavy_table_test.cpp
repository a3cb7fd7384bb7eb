#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace overindexed_write_heavy_table_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "overindexed-write-heavy-table";

model::Catalog events_catalog(std::int64_t inserts, std::int64_t scans, std::int64_t kind_scans) {
  model::Table events = table("events", {column("id"), column("kind", "text")});
  events.indexes.push_back(primary_key("events_pkey", {"id"}));
  events.indexes.back().stats = model::IndexStats{scans, 0, 8192, {}};
  events.indexes.push_back(index("events_kind_idx", {"kind"}));
  events.indexes.back().stats = model::IndexStats{kind_scans, 0, 8192, {}};
  events.stats = model::TableStats{};
  events.stats->has_counters = true;
  events.stats->n_tup_ins = inserts;
  events.stats->idx_scan = scans;
  model::Catalog catalog = catalog_of({events});
  catalog.source = model::SchemaSource::live;
  catalog.stats_window = model::StatsWindow{"", 30 * 86400.0, false};
  return catalog;
}

TEST(OverindexedWriteHeavyTable, ReportsUnusedIndexesOfAWriteHeavyTable) {
  const auto findings = run_rule(k_rule, events_catalog(1'000'000, 10, 0));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.events");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("DROP INDEX CONCURRENTLY IF EXISTS events_kind_idx;"),
            std::string::npos);
  EXPECT_EQ(findings[0].fix->statements().find("events_pkey"), std::string::npos);
}

TEST(OverindexedWriteHeavyTable, ReadHeavyOrUsedIndexesAreClean) {
  EXPECT_TRUE(run_rule(k_rule, events_catalog(1'000'000, 500'000, 0)).empty());
  EXPECT_TRUE(run_rule(k_rule, events_catalog(1'000'000, 10, 5)).empty());
  EXPECT_TRUE(run_rule(k_rule, events_catalog(100, 0, 0)).empty());
}

} // namespace overindexed_write_heavy_table_test
