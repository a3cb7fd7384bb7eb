#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "rules/registry.hpp"
#include "rules/rule_test_support.hpp"
#include "support/pg_cluster.hpp"

#include <gtest/gtest.h>

namespace pgadvise {
namespace {

using test::run_rule;

model::TableStats counters(double rows, std::int64_t seq_scan, std::int64_t idx_scan) {
  model::TableStats stats;
  stats.reltuples = rows;
  stats.n_live_tup = static_cast<std::int64_t>(rows < 0 ? 0 : rows);
  stats.seq_scan = seq_scan;
  stats.seq_tup_read = seq_scan * static_cast<std::int64_t>(rows < 0 ? 0 : rows);
  stats.idx_scan = idx_scan;
  stats.has_counters = true;
  return stats;
}

model::Table table_with(std::string name, model::TableStats stats) {
  model::Table table = test::table(std::move(name), {test::column("id"), test::column("email", "text")});
  table.indexes.push_back(test::primary_key(table.name + "_pkey", {"id"}));
  table.stats = stats;
  return table;
}

model::Catalog live_catalog(std::vector<model::Table> tables) {
  model::Catalog catalog = test::catalog_of(std::move(tables));
  catalog.source = model::SchemaSource::live;
  catalog.stats_window = model::StatsWindow{"", 86400, true};
  return catalog;
}

TEST(TableMostlySeqScanned, ReportsALargeTableReadBySequentialScans) {
  const auto findings =
      run_rule("table-mostly-seq-scanned", live_catalog({table_with("orders", counters(50000, 5000, 200))}));
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& finding = findings[0];
  EXPECT_EQ(finding.rule, "table-mostly-seq-scanned");
  EXPECT_EQ(finding.severity, core::Severity::medium);
  EXPECT_EQ(finding.object.to_string(), "public.orders");
  EXPECT_FALSE(finding.location.known());
  EXPECT_FALSE(finding.fix.has_value());
  ASSERT_FALSE(finding.evidence.empty());
  EXPECT_EQ(finding.evidence[0].kind, core::Evidence::Kind::catalog);
  // The counters are the evidence.
  EXPECT_NE(finding.evidence[0].detail.find("seq_scan = 5,000"), std::string::npos)
      << finding.evidence[0].detail;
  EXPECT_NE(finding.evidence[0].detail.find("seq_tup_read = 250,000,000"), std::string::npos);
  EXPECT_NE(finding.evidence[0].detail.find("idx_scan = 200"), std::string::npos);
  EXPECT_NE(finding.message.find("96%"), std::string::npos) << finding.message;
}

TEST(TableMostlySeqScanned, StaysQuietOnLookAlikes) {
  std::vector<model::Table> tables;
  tables.push_back(table_with("mostly_indexed", counters(50000, 300, 5000))); // index scans dominate
  tables.push_back(table_with("small_lookup", counters(500, 1000000, 0)));    // below min-rows
  tables.push_back(table_with("rarely_scanned", counters(50000, 3, 0)));      // below min-seq-scans
  model::TableStats never_counted = counters(50000, 5000, 0);
  never_counted.has_counters = false; // a partitioned parent
  tables.push_back(table_with("partitioned_parent", never_counted));
  model::Table no_stats = table_with("no_stats", counters(50000, 5000, 0));
  no_stats.stats.reset();
  tables.push_back(no_stats);
  EXPECT_EQ(test::objects(run_rule("table-mostly-seq-scanned", live_catalog(tables))),
            std::vector<std::string>{});
}

TEST(TableMostlySeqScanned, ThresholdsAreOptions) {
  const model::Catalog catalog = live_catalog({table_with("orders", counters(50000, 800, 200))}); // 20% index
  EXPECT_EQ(run_rule("table-mostly-seq-scanned", catalog).size(), 1U);
  EXPECT_TRUE(run_rule("table-mostly-seq-scanned", catalog, {{"max-index-share", "0.19"}}).empty());
  EXPECT_TRUE(run_rule("table-mostly-seq-scanned", catalog, {{"min-rows", "60000"}}).empty());
  EXPECT_TRUE(run_rule("table-mostly-seq-scanned", catalog, {{"min-seq-scans", "801"}}).empty());
}

TEST(TableMostlySeqScanned, CountsRowsOfNeverAnalyzedTables) {
  model::TableStats stats = counters(-1, 5000, 0); // reltuples -1: never analyzed
  stats.n_live_tup = 40000;
  EXPECT_EQ(run_rule("table-mostly-seq-scanned", live_catalog({table_with("fresh", stats)})).size(), 1U);
}

TEST(TableMostlySeqScanned, NeedsALiveDatabase) {
  model::Catalog from_files = live_catalog({table_with("orders", counters(50000, 5000, 0))});
  from_files.source = model::SchemaSource::drizzle_snapshot;
  engine::RunInput input;
  input.catalog = &from_files;
  core::Settings settings;
  settings.only_rules = {"table-mostly-seq-scanned"};
  const engine::RunReport report =
      engine::run(input, settings, {rules::find_rule("table-mostly-seq-scanned")});
  EXPECT_TRUE(report.findings.empty());
  ASSERT_EQ(report.skipped.size(), 1U);
  EXPECT_EQ(report.skipped[0].rfind("table-mostly-seq-scanned: ", 0), 0U);
}

} // namespace
} // namespace pgadvise
