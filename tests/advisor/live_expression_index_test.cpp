// Expression indexes end to end against the harness's PostgreSQL 15 +
// HypoPG cluster: a logged filter on a JSON field over 20,000 rows, found
// as a sequential scan by EXPLAIN ANALYZE, gets an expression index that
// HypoPG verifies; a text column cast ::jsonb too; a containment filter gets
// a GIN index, which HypoPG cannot simulate and the rolled-back real index
// verifies; and the proposal and the seq-scan finding are one finding.

#include "advisor/live_advisor_support.hpp"
#include "advisor/live_analysis_run.hpp"
#include "app/lint/consolidate.hpp"
#include "app/lint/run_rules.hpp"
#include "loaders/live/catalog.hpp"
#include "pg/explain.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <chrono>
#include <gtest/gtest.h>
#include <map>
#include <string>

namespace pgadvise::advisor {
namespace live_expression_index_test {

using test_support::add_query;
using test_support::ClusterTest;

constexpr std::string_view k_accounts_sql = R"sql(
CREATE EXTENSION hypopg;
CREATE TABLE accounts (
  id integer PRIMARY KEY,
  email text NOT NULL,
  settings jsonb NOT NULL,
  prefs text NOT NULL
);
CREATE INDEX accounts_email_idx ON accounts (email);
INSERT INTO accounts
  SELECT g, 'user' || g || '@example.com',
         jsonb_build_object('theme', CASE WHEN g % 100 = 0 THEN 'dark' ELSE 'light' END, 'k' || (g % 50), true),
         jsonb_build_object('lang', CASE WHEN g % 100 = 0 THEN 'fr' ELSE 'en' END)::text
  FROM generate_series(1, 20000) g;
ANALYZE;
)sql";

constexpr std::string_view k_by_theme = "SELECT id, email FROM accounts WHERE settings ->> 'theme' = $1";
constexpr std::string_view k_by_lang = "SELECT id FROM accounts WHERE prefs::jsonb ->> 'lang' = $1";
constexpr std::string_view k_containing = "SELECT id FROM accounts WHERE settings @> $1";

class LiveExpressionIndex : public ClusterTest {
protected:
  static void SetUpTestSuite() {
    s_database = test_support::database_from_script("exprindex", k_accounts_sql, s_error);
  }

  void SetUp() override {
    ClusterTest::SetUp();
    ASSERT_TRUE(s_error.empty()) << s_error;
    ASSERT_FALSE(s_database.empty());
  }

  static pg::ConnectOptions options(bool read_only = true) {
    return test_support::session_options(s_database, read_only);
  }

  static inline std::string s_database;
  static inline std::string s_error;
};

const model::IndexProposal* proposal_named(const model::LiveAnalysis& live, std::string_view name) {
  const auto found = std::find_if(live.proposals.begin(), live.proposals.end(),
                                  [&](const model::IndexProposal& p) { return p.name == name; });
  return found == live.proposals.end() ? nullptr : &*found;
}

bool index_exists(pg::Connection& connection, const std::string& name) {
  auto found = connection.query("SELECT 1 FROM pg_class WHERE relname = $1", {pg::Value(name)});
  return found.ok() && !found->rows.empty();
}

TEST_F(LiveExpressionIndex, JsonFilterGetsAnExpressionIndexVerifiedWithHypoPG) {
  model::Workload workload;
  const auto by_theme = add_query(workload, k_by_theme, 300, 9'000, "$1 = 'dark'").fingerprint;
  const auto by_lang = add_query(workload, k_by_lang, 200, 6'000, "$1 = 'fr'").fingerprint;
  const auto containing =
      add_query(workload, k_containing, 100, 3'000, "$1 = '{\"theme\": \"dark\"}'").fingerprint;

  auto connection = pg::Connection::open(options());
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  auto catalog = loaders::load_live_catalog(*connection);
  ASSERT_TRUE(catalog.ok()) << catalog.error().to_string();

  LiveOptions live_options;
  live_options.connect = options();
  live_options.verify = VerifyMode::hypopg;
  live_options.advisor.drizzle = true;
  const model::LiveAnalysis live = run_live_analysis(*connection, catalog->catalog, workload, live_options);

  // EXPLAIN ANALYZE shows the sequential scan the filter causes.
  const bool scanned =
      std::any_of(live.issues.begin(), live.issues.end(), [&](const model::PlanIssue& issue) {
        return issue.fingerprint == by_theme && issue.table == "accounts" && issue.analyzed &&
               issue.kind == model::PlanIssueKind::seq_scan_filter;
      });
  EXPECT_TRUE(scanned);

  // The expression index, as the planner matches it, verified with HypoPG.
  const model::IndexProposal* theme = proposal_named(live, "accounts_settings_theme_idx");
  ASSERT_NE(theme, nullptr);
  EXPECT_EQ(theme->ddl, "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_settings_theme_idx ON accounts "
                        "((settings ->> 'theme'));");
  EXPECT_EQ(theme->drizzle,
            "index(\"accounts_settings_theme_idx\").on(sql`(${table.settings} ->> 'theme')`)");
  EXPECT_EQ(theme->serves, std::vector<std::uint64_t>{by_theme});
  EXPECT_EQ(theme->method, model::VerifyMethod::hypopg);
  EXPECT_TRUE(theme->used_by_planner) << theme->note;
  EXPECT_TRUE(theme->verified) << theme->note;
  EXPECT_LT(theme->cost_after, theme->cost_before / 2);
  EXPECT_FALSE(index_exists(*connection, theme->name)) << "HypoPG must not create a real index";

  // The text column cast to jsonb: the cast is part of the key.
  const model::IndexProposal* lang = proposal_named(live, "accounts_prefs_lang_idx");
  ASSERT_NE(lang, nullptr);
  EXPECT_EQ(lang->ddl, "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_prefs_lang_idx ON accounts "
                       "((prefs::jsonb ->> 'lang'));");
  EXPECT_EQ(lang->serves, std::vector<std::uint64_t>{by_lang});
  EXPECT_TRUE(lang->used_by_planner) << lang->note;
  EXPECT_TRUE(lang->verified) << lang->note;

  // Containment: a GIN index, which HypoPG cannot simulate...
  const model::IndexProposal* gin = proposal_named(live, "accounts_settings_gin_idx");
  ASSERT_NE(gin, nullptr);
  EXPECT_EQ(gin->ddl,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_settings_gin_idx ON accounts USING gin "
            "(settings jsonb_path_ops);");
  EXPECT_EQ(gin->method, model::VerifyMethod::none);
  EXPECT_FALSE(gin->verified);
  EXPECT_NE(gin->note.find("HypoPG cannot simulate a GIN index"), std::string::npos) << gin->note;

  // ...and the rolled-back real index can: the planner uses it, nothing stays.
  std::map<std::uint64_t, pg::ExplainRequest> requests;
  requests[containing] = pg::request_for(*workload.find(containing));
  auto read_write = pg::Connection::open(options(false));
  ASSERT_TRUE(read_write.ok()) << read_write.error().to_string();
  model::IndexProposal real = *gin;
  real.note.clear();
  verify_for_real(*read_write, real, requests, 0.0);
  EXPECT_EQ(real.method, model::VerifyMethod::real);
  EXPECT_TRUE(real.used_by_planner) << real.note;
  EXPECT_FALSE(index_exists(*connection, gin->name)) << "the real index must be rolled back";

  // One problem, one finding: the seq-scan finding and the logged-filter
  // finding propose the same index and merge.
  core::Settings settings;
  settings.only_rules = {"seq-scan-confirmed", "filter-on-unindexed-column"};
  settings.min_severity = core::Severity::info;
  engine::RunInput input;
  input.catalog = &catalog->catalog;
  input.workload = &workload;
  input.live_analysis = &live;
  engine::RunReport report = app::run_rules(input, settings);
  const auto proposing = [&](const std::vector<core::Finding>& findings) {
    return std::count_if(findings.begin(), findings.end(), [&](const core::Finding& f) {
      return f.fix && f.fix->statements().find("((settings ->> 'theme'))") != std::string::npos;
    });
  };
  EXPECT_EQ(proposing(report.findings), 2);
  app::consolidate_findings(report.findings, &live);
  ASSERT_EQ(proposing(report.findings), 1);
  const auto merged =
      std::find_if(report.findings.begin(), report.findings.end(), [&](const core::Finding& f) {
        return f.fix && f.fix->statements().find("((settings ->> 'theme'))") != std::string::npos;
      });
  const auto ids = merged->all_rule_ids();
  EXPECT_NE(std::find(ids.begin(), ids.end(), "seq-scan-confirmed"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "filter-on-unindexed-column"), ids.end());
  EXPECT_GT(merged->saving_ms, 0) << "the verified HypoPG saving ranks it";
}

} // namespace live_expression_index_test
} // namespace pgadvise::advisor
