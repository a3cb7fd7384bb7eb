// The partial-index round trip, which only a live run can start: the index
// advisor makes an index partial from a column's null fraction (pg_stats),
// so `pgadvise fix --db` proposes it. On the `partial` fixture app (a job
// queue where 1% of the jobs are unfinished and workers poll for the oldest
// of those), against PostgreSQL 15 holding the app's first migration and its
// data: `fix --write` adds `index(...).on(...).where(sql`...`)` in the
// file's style, real drizzle-kit generate writes exactly the proposed
// CREATE INDEX ... WHERE, TypeScript accepts the file, and once the
// migration is applied the live run proposes nothing more for the query.
//
// The workload, fixtures/fix/partial/queries.log, is drizzle-orm 0.45.4's
// DefaultLogger line for
//   db.select({ id, kind, payload }).from(jobs).where(isNull(jobs.finishedAt))
//     .orderBy(asc(jobs.createdAt)).limit(20)
// (printed by drizzle-orm's QueryBuilder toSQL() on the fixture's schema).
#include "support/drizzle_app.hpp"
#include "support/pg_cluster.hpp"
#include "support/test_label.hpp"

#include <algorithm>
#include <cctype>
#include <gtest/gtest.h>
#include <set>
#include <string>
#include <vector>

namespace fix_partial_cluster_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::actions;
using pgadvise::test::findings_of;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;
using pgadvise::test::tools_dir;
using App = pgadvise::test::DrizzleApp;

// 50,000 jobs, one in a hundred unfinished: finished_at's null_frac is
// about 0.01, under the advisor's partial_max_share.
constexpr std::string_view k_data = R"sql(
INSERT INTO workers (hostname) SELECT 'worker-' || g FROM generate_series(1, 20) g;
INSERT INTO jobs (kind, payload, worker_id, created_at, finished_at)
  SELECT 'kind-' || g % 7, '{}', 1 + g % 20, timestamptz '2026-01-01' + g * interval '1 minute',
         CASE WHEN g % 100 <> 0 THEN timestamptz '2026-01-01' + g * interval '1 minute' + interval '5 seconds' END
  FROM generate_series(1, 50000) g;
ANALYZE;
)sql";

constexpr std::string_view k_entry =
    "    index('jobs_created_at_partial_idx').on(t.createdAt).where(sql`finished_at IS NULL`),";

class FixPartialIndexCluster : public pgadvise::test_support::ClusterTest,
                               public ::testing::WithParamInterface<std::string> {
protected:
  void SetUp() override {
    const std::string mislabeled = pgadvise::test::label_mismatch("cluster");
    ASSERT_TRUE(mislabeled.empty()) << mislabeled;
    ClusterTest::SetUp();
    ASSERT_TRUE(fs::exists(tools_dir() / GetParam() / "node_modules" / ".bin" / "drizzle-kit") &&
                fs::exists(tools_dir() / "typescript" / "node_modules" / "typescript" / "bin" / "tsc"))
        << "the Drizzle tools are not installed in " << tools_dir()
        << ": run scripts/install-deps.sh (it runs scripts/install-drizzle-tools.sh)";
  }

  // Runs SQL as the superuser, as a deploy's migrator would.
  static void apply(const std::string& database, std::string_view sql, const std::string& what) {
    auto admin = cluster().admin(database);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    auto applied = admin->run_script(sql, what);
    ASSERT_TRUE(applied.ok()) << what << ": " << applied.error().to_string() << "\n" << sql;
  }
};

// The findings of `report` whose fix builds a partial index.
std::vector<json> partial_index_fixes(const json& report) {
  std::vector<json> out;
  for (const json& finding : report.value("findings", json::array())) {
    const json& fix = finding.value("fix", json());
    if (fix.is_object() && fix.value("ddl", json()).is_string() &&
        fix["ddl"].get<std::string>().find(" WHERE ") != std::string::npos) {
      out.push_back(finding);
    }
  }
  return out;
}

TEST_P(FixPartialIndexCluster, WhereSqlEntryBecomesTheProposedPartialIndexAndTheProposalIsGone) {
  App app("partial", GetParam());
  ASSERT_EQ(app.typecheck().exit_code, 0) << "the fixture itself does not compile";
  const std::string database = cluster().create_database("fixpartial");
  ASSERT_FALSE(database.empty());
  // The database as the app's deploys left it: its first migration, its data.
  apply(database, "CREATE EXTENSION hypopg;", "hypopg");
  const std::set<fs::path> first = app.migrations();
  ASSERT_EQ(first.size(), 1U);
  apply(database, read_text(*first.begin()), "the app's first migration");
  apply(database, k_data, "the jobs");
  const std::vector<std::string> live = {"--db", cluster().admin_conninfo(database), "--queries",
                                         "queries.log"};

  const json before = app.lint(live);
  const std::vector<json> proposed = partial_index_fixes(before);
  ASSERT_EQ(proposed.size(), 1U) << before.dump(2);
  // One problem, one finding: the logged filter and the confirmed scan
  // both get the advisor's partial index.
  const json& finding = proposed.front();
  const auto rules = finding.value("rule_ids", json::array());
  EXPECT_NE(std::find(rules.begin(), rules.end(), "seq-scan-confirmed"), rules.end()) << finding.dump(2);
  EXPECT_NE(std::find(rules.begin(), rules.end(), "filter-on-unindexed-column"), rules.end())
      << finding.dump(2);
  for (const json& other : before.value("findings", json::array())) {
    const bool from_the_workload =
        other.value("location", json()).is_object() && other["location"].value("file", "") == "queries.log";
    EXPECT_TRUE(!from_the_workload || other == finding) << "a second fix for the query: " << other.dump(2);
  }
  const std::string ddl = finding["fix"]["ddl"].get<std::string>();
  EXPECT_NE(ddl.find(" WHERE finished_at IS NULL;"), std::string::npos) << ddl;
  EXPECT_EQ(finding["fix"]["drizzle_table"], "jobs") << finding.dump(2);

  // The diff: the entry in the callback's form and the file's quotes, with
  // the callback's parameter name, and `sql` imported for it; no other index.
  std::vector<std::string> args = live;
  const std::string schema_before = read_text(app.dir() / "src/db/schema.ts");
  const ProcessResult dry = app.fix(args);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(read_text(app.dir() / "src/db/schema.ts"), schema_before);
  EXPECT_NE(dry.out.find("\n+" + std::string(k_entry) + "\n"), std::string::npos) << dry.out;
  EXPECT_NE(dry.out.find("\n+import { sql } from 'drizzle-orm';\n"), std::string::npos) << dry.out;
  // (The inline list is broken into lines as it grows; its entries stay.)
  EXPECT_EQ(dry.out.find("jobs_finished_at_created_at_idx"), std::string::npos) << dry.out;

  // Written: TypeScript accepts it, drizzle-kit generates exactly the proposal.
  args.emplace_back("--write");
  const ProcessResult written = app.fix(args);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  const std::string schema = read_text(app.dir() / "src/db/schema.ts");
  EXPECT_NE(schema.find(std::string(k_entry) + "\n"), std::string::npos) << schema;
  const ProcessResult tsc = app.typecheck();
  EXPECT_EQ(tsc.exit_code, 0) << tsc.out << tsc.err << schema;
  const std::string generated = app.generate("partial");
  EXPECT_NE(generated.find("CREATE INDEX \"jobs_created_at_partial_idx\""), std::string::npos) << generated;
  EXPECT_NE(generated.find(" WHERE "), std::string::npos) << generated;
  EXPECT_EQ(actions(generated), actions(ddl)) << "generated:\n" << generated << "\nproposed:\n" << ddl;

  // Deployed: the migration applies, and the live run proposes nothing more.
  apply(database, generated, "the generated migration");
  app.commit();
  // (The applied migration itself is judged as a new one: drizzle-kit
  // migrate, not run here, would have recorded it.)
  const json after = app.lint(live);
  for (const json& left : after.value("findings", json::array())) {
    const bool from_the_workload =
        left.value("location", json()).is_object() && left["location"].value("file", "") == "queries.log";
    EXPECT_FALSE(from_the_workload && left.value("fix", json()).is_object())
        << "the query still gets an index: " << left.dump(2);
  }
  EXPECT_TRUE(findings_of(after, {"seq-scan-confirmed"}).empty()) << after.dump(2);
  const ProcessResult again = app.fix(args);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_text(app.dir() / "src/db/schema.ts"), schema);
}

std::string kit_name(const ::testing::TestParamInfo<std::string>& param) {
  std::string name = param.param;
  std::replace_if(
      name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Kits, FixPartialIndexCluster, ::testing::Values("kit-0.31", "kit-1.0"), kit_name);

} // namespace fix_partial_cluster_test
