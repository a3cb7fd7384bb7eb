#include "advisor/live_advisor_support.hpp"
#include "advisor/live_analysis_run.hpp"
#include "app/lint/consolidate.hpp"
#include "app/lint/run_rules.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/live/catalog.hpp"
#include "loaders/logs/reader.hpp"
#include "rules/registry.hpp"
#include "rules/rule_test_support.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <tuple>
#include <vector>

namespace pgadvise::rules {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_id = "seq-scan-confirmed";

std::vector<core::Finding> run_rule(const model::Catalog& catalog, const model::Workload& workload,
                                    const model::LiveAnalysis& live,
                                    std::map<std::string, std::string> options = {}) {
  core::Settings settings;
  settings.only_rules = {std::string(k_id)};
  settings.min_severity = core::Severity::info;
  settings.rule_options[std::string(k_id)] = std::move(options);
  engine::RunInput input;
  input.catalog = &catalog;
  input.workload = &workload;
  input.live_analysis = &live;
  return app::run_rules(input, settings).findings;
}

struct Scenario {
  model::Catalog catalog;
  model::Workload workload;
  model::LiveAnalysis live;
  std::uint64_t query = 0;
};

// orders(customer_id) scanned by a logged query; a proposal serving it.
Scenario scenario(bool analyzed) {
  Scenario s;
  model::Table orders;
  orders.name = "orders";
  orders.columns = {test::column("id"), test::column("customer_id")};
  s.catalog.tables.push_back(orders);
  s.catalog.source = model::SchemaSource::live;
  s.query = test_support::add_query(s.workload, "SELECT * FROM orders WHERE customer_id = 42", 120, 6000)
                .fingerprint;
  s.workload.queries.front().first_seen = core::SourceLocation{"app.log", 17, 1};
  model::PlanIssue issue;
  issue.fingerprint = s.query;
  issue.schema = "public";
  issue.table = "orders";
  issue.columns = {"customer_id"};
  issue.filter = "(customer_id = 42)";
  issue.table_rows = 300000;
  issue.rows_returned = 3;
  issue.rows_removed = 299997;
  issue.analyzed = analyzed;
  s.live.issues = {issue, issue}; // the same scan twice (two plans): one finding
  model::IndexProposal proposal;
  proposal.schema = "public";
  proposal.table = "orders";
  proposal.columns = {"customer_id"};
  proposal.name = "orders_customer_id_idx";
  proposal.ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_idx ON orders (customer_id);";
  proposal.serves = {s.query};
  proposal.method = model::VerifyMethod::hypopg;
  proposal.verified = true;
  proposal.used_by_planner = true;
  proposal.cost_before = 5000;
  proposal.cost_after = 8;
  s.live.proposals = {proposal};
  return s;
}

TEST(SeqScanConfirmed, ReportsTheConfirmedScanWithTheVerifiedIndex) {
  const Scenario s = scenario(true);
  const auto findings = run_rule(s.catalog, s.workload, s.live);
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings.front();
  EXPECT_EQ(f.rule, "seq-scan-confirmed");
  EXPECT_EQ(f.severity, core::Severity::high);
  EXPECT_EQ(f.object.table, "orders");
  EXPECT_EQ(f.object.columns, std::vector<std::string>{"customer_id"});
  EXPECT_EQ(f.object.constraint, "orders_customer_id_idx");
  EXPECT_EQ(f.location.file, "app.log");
  EXPECT_EQ(f.location.line, 17);
  ASSERT_TRUE(f.fix.has_value());
  EXPECT_EQ(f.fix->statements(), s.live.proposals.front().ddl);
  std::vector<core::Evidence::Kind> kinds;
  for (const core::Evidence& e : f.evidence) {
    kinds.push_back(e.kind);
  }
  EXPECT_EQ(kinds, (std::vector<core::Evidence::Kind>{core::Evidence::Kind::query, core::Evidence::Kind::plan,
                                                      core::Evidence::Kind::verification}));
}

TEST(SeqScanConfirmed, EstimatesAloneAreMediumAndSayNotRun) {
  const Scenario s = scenario(false);
  const auto findings = run_rule(s.catalog, s.workload, s.live);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings.front().severity, core::Severity::medium);
  EXPECT_NE(findings.front().message.find("not run"), std::string::npos);
}

TEST(SeqScanConfirmed, WithoutAProposalThereIsNoFix) {
  Scenario s = scenario(true);
  s.live.proposals.clear();
  const auto findings = run_rule(s.catalog, s.workload, s.live);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_FALSE(findings.front().fix.has_value());
  EXPECT_EQ(findings.front().object.constraint, "");
}

// dispatch-pool's customersByTier seen only in pg_stat_statements: its JSON
// key is a parameter there, so no expression index can be proposed. The
// scan gets json-in-text-column's jsonb fix, and the two findings of the one
// problem consolidate into one.
TEST(SeqScanConfirmed, AJsonFilterOnATextColumnGetsTheJsonbFixAndIsOneFinding) {
  Scenario s;
  model::Table customers;
  customers.name = "customers";
  customers.columns = {test::column("id"), test::column("prefs", "text")};
  s.catalog.tables.push_back(customers);
  s.catalog.source = model::SchemaSource::live;
  s.query =
      test_support::add_query(s.workload, "SELECT id FROM customers WHERE (prefs::jsonb ->> $1) = $2", 3, 40)
          .fingerprint;
  model::PlanIssue issue;
  issue.fingerprint = s.query;
  issue.schema = "public";
  issue.table = "customers";
  issue.columns = {"prefs"};
  issue.table_rows = 20000;
  issue.rows_returned = 100;
  issue.rows_removed = 1900;
  issue.analyzed = true;
  s.live.issues = {issue};

  const auto alone = run_rule(s.catalog, s.workload, s.live);
  ASSERT_EQ(alone.size(), 1U);
  ASSERT_TRUE(alone.front().fix.has_value());
  EXPECT_EQ(alone.front().fix->statements(),
            "ALTER TABLE customers ALTER COLUMN prefs TYPE jsonb USING prefs::jsonb;");
  EXPECT_NE(alone.front().help.str().find("as JSON from a text column"), std::string::npos);

  core::Settings settings;
  settings.only_rules = {std::string(k_id), "json-in-text-column"};
  settings.min_severity = core::Severity::info;
  engine::RunInput input;
  input.catalog = &s.catalog;
  input.workload = &s.workload;
  input.live_analysis = &s.live;
  std::vector<core::Finding> both = app::run_rules(input, settings).findings;
  ASSERT_EQ(both.size(), 2U);
  app::consolidate_findings(both, &s.live);
  ASSERT_EQ(both.size(), 1U);
  EXPECT_EQ(both.front().rule, "json-in-text-column");
  EXPECT_EQ(both.front().all_rule_ids(),
            (std::vector<std::string>{"json-in-text-column", "seq-scan-confirmed"}));

  // A filter on the column itself (no JSON) keeps no fix.
  Scenario plain = s;
  plain.workload = model::Workload{};
  plain.live.issues.front().fingerprint =
      test_support::add_query(plain.workload, "SELECT id FROM customers WHERE prefs = $1", 3, 40).fingerprint;
  const auto no_json = run_rule(plain.catalog, plain.workload, plain.live);
  ASSERT_EQ(no_json.size(), 1U);
  EXPECT_FALSE(no_json.front().fix.has_value());
}

// Live dispatch-pool: customersByTier's scan of customers (20,000 rows, 42
// calls, 43 ms in all) was high, and merged into the filter-on-unindexed-column
// finding (medium for that table) it put the whole finding under "Do first".
// A scan once per call is capped by the table's rows as that rule's are; a
// scan per outer row of a nested loop is not.
TEST(SeqScanConfirmed, APlainScanIsCappedByTheTablesRowsANestedLoopRescanIsNot) {
  const auto severity_for = [](double rows, model::PlanIssueKind kind) {
    Scenario s = scenario(true);
    s.catalog.tables.front().stats = model::TableStats{};
    s.catalog.tables.front().stats->reltuples = rows;
    for (model::PlanIssue& issue : s.live.issues) {
      issue.table_rows = rows;
      issue.kind = kind;
    }
    const auto findings = run_rule(s.catalog, s.workload, s.live);
    EXPECT_EQ(findings.size(), 1U);
    return findings.empty() ? core::Severity::info : findings.front().severity;
  };
  EXPECT_EQ(severity_for(300000, model::PlanIssueKind::seq_scan_filter), core::Severity::high);
  EXPECT_EQ(severity_for(20000, model::PlanIssueKind::seq_scan_filter), core::Severity::medium);
  EXPECT_EQ(severity_for(5000, model::PlanIssueKind::seq_scan_filter), core::Severity::low);
  EXPECT_EQ(severity_for(5000, model::PlanIssueKind::nested_loop_rescan), core::Severity::high);
}

TEST(SeqScanConfirmed, MinTotalMsSkipsCheapQueries) {
  const Scenario s = scenario(true);
  EXPECT_TRUE(run_rule(s.catalog, s.workload, s.live, {{"min-total-ms", "10000"}}).empty());
  EXPECT_EQ(run_rule(s.catalog, s.workload, s.live, {{"min-total-ms", "5000"}}).size(), 1U);
}

TEST(SeqScanConfirmed, SkippedWithoutPlans) {
  const Scenario s = scenario(true);
  core::Settings settings;
  settings.only_rules = {std::string(k_id)};
  engine::RunInput input;
  input.catalog = &s.catalog;
  input.workload = &s.workload; // no live_analysis
  const engine::RunReport report = engine::run(input, settings, {rules::find_rule(k_id)});
  EXPECT_TRUE(report.rules_run.empty());
  ASSERT_EQ(report.skipped.size(), 1U);
  EXPECT_EQ(report.skipped.front(), "seq-scan-confirmed: no query plans (--db)");
}

} // namespace
} // namespace pgadvise::rules
