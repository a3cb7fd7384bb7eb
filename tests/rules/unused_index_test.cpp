#include "advisor/index_ddl.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "rules/registry.hpp"
#include "rules/rule_test_support.hpp"
#include "support/pg_cluster.hpp"

#include <gtest/gtest.h>

namespace pgadvise {
namespace {

using test::foreign_key;
using test::index;
using test::run_rule;

constexpr double k_day = 86400;

model::Index with_scans(model::Index index, std::int64_t scans, std::int64_t bytes = 16384) {
  model::IndexStats stats;
  stats.idx_scan = scans;
  stats.size_bytes = bytes;
  index.stats = stats;
  index.definition = "CREATE INDEX " + index.name + " ON public.orders USING btree (...)";
  return index;
}

// A live catalog whose counters are `age_days` old, holding `orders`.
model::Catalog live_catalog(model::Table orders, double age_days = 30) {
  model::Catalog catalog = test::catalog_of({std::move(orders)});
  catalog.source = model::SchemaSource::live;
  catalog.stats_window = model::StatsWindow{"2024-05-01 00:00:00+00", age_days * k_day, false};
  return catalog;
}

model::Table orders_table() {
  model::Table orders = test::table("orders", {test::column("id"), test::column("customer_id"),
                                               test::column("status", "text"), test::column("created_at")});
  orders.indexes.push_back(with_scans(test::primary_key("orders_pkey", {"id"}), 0));
  return orders;
}

TEST(UnusedIndex, ReportsAnIndexNoQueryScanned) {
  model::Table orders = orders_table();
  orders.indexes.push_back(with_scans(index("orders_status_idx", {"status"}), 0));
  orders.indexes.push_back(with_scans(index("orders_created_idx", {"created_at"}), 12));
  const auto findings = run_rule("unused-index", live_catalog(orders));
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& finding = findings[0];
  EXPECT_EQ(finding.rule, "unused-index");
  EXPECT_EQ(finding.severity, core::Severity::low);
  EXPECT_EQ(finding.object.to_string(), "public.orders(status) orders_status_idx");
  EXPECT_FALSE(finding.location.known());
  EXPECT_NE(finding.message.find("30 days"), std::string::npos) << finding.message; // the stats age
  EXPECT_NE(finding.message.find("16.0 kB"), std::string::npos) << finding.message; // the size
  ASSERT_TRUE(finding.fix.has_value());
  EXPECT_EQ(finding.fix->statements(), advisor::render_drop_index("public", "orders_status_idx"));
  EXPECT_NE(finding.fix->safety_note.find("CREATE INDEX orders_status_idx"), std::string::npos);
  EXPECT_FALSE(finding.fingerprint.empty());
}

TEST(UnusedIndex, KeepsIndexesThatAreNeededWithoutScans) {
  model::Table orders = orders_table();
  orders.indexes.push_back(with_scans(test::unique_index("orders_number_key", {"status"}), 0));
  orders.indexes.push_back(with_scans(test::unique_constraint("orders_status_key", {"status"}), 0));
  model::Index exclusion = with_scans(index("orders_no_overlap", {"created_at"}), 0);
  exclusion.backs_exclusion = true;
  exclusion.method = "gist";
  orders.indexes.push_back(exclusion);
  model::Index replica = with_scans(index("orders_replica_idx", {"customer_id", "id"}), 0);
  replica.replica_identity = true;
  orders.indexes.push_back(replica);
  model::Index attached = with_scans(index("orders_created_attached_idx", {"created_at"}), 0);
  attached.inherited = true;
  orders.indexes.push_back(attached);
  model::Index invalid = with_scans(index("orders_broken_idx", {"status"}), 0);
  invalid.valid = false;
  orders.indexes.push_back(invalid);
  orders.indexes.push_back(index("orders_parent_idx", {"status"})); // no counters (partitioned parent)
  EXPECT_EQ(test::objects(run_rule("unused-index", live_catalog(orders))), std::vector<std::string>{});
}

TEST(UnusedIndex, KeepsTheIndexAForeignKeyNeeds) {
  model::Table orders = orders_table();
  orders.foreign_keys.push_back(foreign_key("orders_customer_fk", {"customer_id"}, "customers"));
  orders.indexes.push_back(with_scans(index("orders_customer_idx", {"customer_id"}), 0));
  EXPECT_TRUE(run_rule("unused-index", live_catalog(orders)).empty());

  // Two unused indexes serve the FK: the narrower one stays.
  orders.indexes.push_back(
      with_scans(index("orders_customer_created_idx", {"customer_id", "created_at"}), 0));
  EXPECT_EQ(test::objects(run_rule("unused-index", live_catalog(orders))),
            std::vector<std::string>{"public.orders(customer_id, created_at) orders_customer_created_idx"});

  // One of them is used: that one serves the FK, the other can go.
  orders.indexes.back().stats->idx_scan = 40;
  EXPECT_EQ(test::objects(run_rule("unused-index", live_catalog(orders))),
            std::vector<std::string>{"public.orders(customer_id) orders_customer_idx"});

  // A partial index does not serve the FK, so it does not protect anything.
  model::Table partial = orders_table();
  partial.foreign_keys.push_back(foreign_key("orders_customer_fk", {"customer_id"}, "customers"));
  model::Index live_only = with_scans(index("orders_live_customer_idx", {"customer_id"}), 0);
  live_only.predicate = "status <> 'deleted'";
  partial.indexes.push_back(live_only);
  EXPECT_EQ(test::objects(run_rule("unused-index", live_catalog(partial))),
            std::vector<std::string>{"public.orders(customer_id) orders_live_customer_idx"});
}

TEST(UnusedIndex, LargeIndexesAreMedium) {
  model::Table orders = orders_table();
  orders.indexes.push_back(with_scans(index("orders_status_idx", {"status"}), 0, 200LL * 1024 * 1024));
  orders.indexes.push_back(with_scans(index("orders_created_idx", {"created_at"}), 0, 99LL * 1024 * 1024));
  const auto findings = run_rule("unused-index", live_catalog(orders));
  ASSERT_EQ(findings.size(), 2U);
  for (const core::Finding& finding : findings) {
    EXPECT_EQ(finding.severity,
              finding.object.constraint == "orders_status_idx" ? core::Severity::medium : core::Severity::low)
        << finding.object.constraint;
  }
  const auto lowered = run_rule("unused-index", live_catalog(orders), {{"medium-size-mb", "50"}});
  for (const core::Finding& finding : lowered) {
    EXPECT_EQ(finding.severity, core::Severity::medium) << finding.object.constraint;
  }
}

TEST(UnusedIndex, WaitsUntilTheCountersAreOldEnough) {
  model::Table orders = orders_table();
  orders.indexes.push_back(with_scans(index("orders_status_idx", {"status"}), 0));
  EXPECT_TRUE(run_rule("unused-index", live_catalog(orders, 6.5)).empty());
  EXPECT_EQ(run_rule("unused-index", live_catalog(orders, 7.5)).size(), 1U);
  EXPECT_EQ(run_rule("unused-index", live_catalog(orders, 0.5), {{"min-stats-age-days", "0"}}).size(), 1U);

  // Never reset: the window is the server's uptime, and the message says so.
  model::Catalog catalog = live_catalog(orders, 12);
  catalog.stats_window->since_server_start = true;
  catalog.stats_window->reset_at.clear();
  const auto findings = run_rule("unused-index", catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].message.find("12 days"), std::string::npos) << findings[0].message;
}

TEST(UnusedIndex, NeedsALiveDatabase) {
  model::Table orders = orders_table();
  orders.indexes.push_back(with_scans(index("orders_status_idx", {"status"}), 0));
  model::Catalog from_files = live_catalog(orders);
  from_files.source = model::SchemaSource::sql_replay;
  engine::RunInput input;
  input.catalog = &from_files;
  core::Settings settings;
  settings.only_rules = {"unused-index"};
  const engine::RunReport report = engine::run(input, settings, {rules::find_rule("unused-index")});
  EXPECT_TRUE(report.rules_run.empty());
  ASSERT_EQ(report.skipped.size(), 1U);
  EXPECT_EQ(report.skipped[0].rfind("unused-index: ", 0), 0U);

  model::Catalog no_window = live_catalog(orders);
  no_window.stats_window.reset();
  EXPECT_TRUE(run_rule("unused-index", no_window).empty());
}

} // namespace
} // namespace pgadvise
