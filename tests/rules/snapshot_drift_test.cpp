// snapshot-drift: the SQL replay against drizzle-kit's newest snapshot and
// the Drizzle schema: real drizzle-kit output (fixtures/schema-ts/kitchen-sink,
// fixtures/drizzle-app) and hand-built catalogs. The project fixtures in
// fixtures/rules/snapshot-drift/ run in tests/rules/rule_fixtures_test.cpp.
#include "app/inputs/discovery.hpp"
#include "app/lint/run_rules.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>

namespace snapshot_drift_test {

namespace fs = std::filesystem;
using namespace pgadvise;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";
constexpr std::string_view k_rule = "snapshot-drift";

core::Settings only_this_rule() {
  core::Settings settings;
  settings.only_rules = {std::string(k_rule)};
  settings.min_severity = core::Severity::info;
  settings.fail_on = std::nullopt;
  return settings;
}

engine::RunReport lint_project(const fs::path& dir) {
  auto sources = app::discover({dir});
  EXPECT_TRUE(sources.ok());
  if (!sources.ok()) {
    return {};
  }
  const loaders::SchemaLoad load = app::load_schema(*sources);
  engine::RunInput input;
  input.catalog = &load.catalog;
  input.project = &sources->project;
  input.other_schemas = &load.other_schemas;
  input.suppressions = load.suppressions;
  return app::run_rules(input, only_this_rule());
}

TEST(SnapshotDrift, Meta) {
  const engine::Rule* rule = rules::find_rule(k_rule);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->meta().default_severity, core::Severity::low);
  EXPECT_EQ(rule->meta().inputs,
            (std::vector<engine::Input>{engine::Input::catalog, engine::Input::other_schemas}));
  EXPECT_FALSE(rule->meta().has_fix);
}

// Real drizzle-kit output of a schema using every builder pgadvise reads:
// the SQL, the snapshot and schema.ts agree, so nothing is reported.
TEST(SnapshotDrift, RealDrizzleKitOutputHasNoDrift) {
  const engine::RunReport report = lint_project(k_fixtures / "schema-ts/kitchen-sink");
  EXPECT_EQ(report.rules_run, std::vector<std::string>{std::string(k_rule)});
  EXPECT_TRUE(report.findings.empty()) << report.findings.front().message;
}

// The same output with a schema.ts using a default computed at run time
// and a custom type whose SQL type depends on its config: pgadvise cannot
// evaluate either, which is "cannot tell", not a difference.
TEST(SnapshotDrift, ValuesSchemaTsCannotEvaluateAreNotDifferences) {
  const engine::RunReport report = lint_project(k_fixtures / "schema-ts/cannot-tell");
  EXPECT_EQ(report.rules_run, std::vector<std::string>{std::string(k_rule)});
  for (const core::Finding& finding : report.findings) {
    ADD_FAILURE() << finding.message;
  }
}

// The example app's one hand-written index (custom migration 0006) is known
// to neither the snapshot nor schema.ts: one finding naming both.
TEST(SnapshotDrift, TheExampleAppsHandWrittenIndexIsTheOnlyDrift) {
  const engine::RunReport report = lint_project(k_fixtures / "drizzle-app");
  ASSERT_EQ(report.findings.size(), 1U);
  const core::Finding& finding = report.findings.front();
  EXPECT_EQ(finding.object.constraint, "audit_log_occurred_at_idx");
  EXPECT_EQ(finding.object.table, "audit_log");
  EXPECT_NE(finding.location.file.find("0006_backfill_audit_log.sql"), std::string::npos);
  EXPECT_NE(finding.message.find("drizzle-kit snapshot"), std::string::npos);
  EXPECT_NE(finding.message.find("Drizzle schema"), std::string::npos);
}

// A push-only project has one source: the rule is skipped, not silent.
TEST(SnapshotDrift, SkippedWithoutASecondSource) {
  const engine::RunReport report = lint_project(k_fixtures / "push-only-app");
  EXPECT_TRUE(report.rules_run.empty());
  const auto skipped = std::find_if(report.skipped.begin(), report.skipped.end(), [](const std::string& why) {
    return why.rfind("snapshot-drift:", 0) == 0;
  });
  ASSERT_NE(skipped, report.skipped.end());
  EXPECT_EQ(skipped->rfind("snapshot-drift: no second schema source", 0), 0U);
}

model::Table users_table() {
  model::Table users;
  users.name = "users";
  model::Column id;
  id.name = "id";
  id.type = model::parse_type_text("serial");
  id.not_null = true;
  id.default_expr = "nextval('users_id_seq'::regclass)";
  users.columns.push_back(id);
  model::Index pk;
  pk.name = "users_pkey";
  pk.kind = model::IndexKind::primary_key;
  pk.unique = true;
  pk.keys = {model::IndexKey{"id", "", false, "", {}}};
  users.indexes.push_back(pk);
  return users;
}

model::Table posts_table(model::FkAction on_delete) {
  model::Table posts;
  posts.name = "posts";
  model::Column author;
  author.name = "author_id";
  author.type = model::parse_type_text("integer");
  posts.columns.push_back(author);
  model::ForeignKey fk;
  fk.name = "posts_author_id_fk";
  fk.columns = {"author_id"};
  fk.ref_schema = "public";
  fk.ref_table = "users";
  fk.ref_columns = {"id"};
  fk.on_delete = on_delete;
  posts.foreign_keys.push_back(fk);
  return posts;
}

engine::RunReport run_on(const model::Catalog& primary, const std::vector<model::Catalog>& others) {
  engine::RunInput input;
  input.catalog = &primary;
  input.other_schemas = &others;
  return app::run_rules(input, only_this_rule());
}

// Under --db the live catalog is primary, and the server spells defaults
// its own way ('member'::member_role): drift is judged between the files.
TEST(SnapshotDrift, ComparesTheFilesNotTheLiveCatalog) {
  model::Catalog sql;
  sql.source = model::SchemaSource::sql_replay;
  sql.tables = {users_table(), posts_table(model::FkAction::cascade)};
  model::Catalog live = sql;
  live.source = model::SchemaSource::live;
  live.tables[1].columns[0].default_expr = "'0'::integer"; // differs from the files
  model::Catalog snapshot = sql;
  snapshot.source = model::SchemaSource::drizzle_snapshot;
  const std::vector<model::Catalog> others{snapshot};
  engine::RunInput input;
  input.catalog = &live;
  input.files_catalog = &sql;
  input.other_schemas = &others;
  EXPECT_TRUE(app::run_rules(input, only_this_rule()).findings.empty());
  // Without the files' catalog the same live difference would be reported.
  input.files_catalog = nullptr;
  EXPECT_EQ(app::run_rules(input, only_this_rule()).findings.size(), 1U);
}

// Defaults compare as PostgreSQL reads them: spelled alike or spelled
// otherwise with the same meaning, no drift; another value, drift, whether
// or not its spelling was met before in the run.
TEST(SnapshotDrift, DefaultsCompareByMeaningNotSpelling) {
  model::Catalog sql;
  sql.source = model::SchemaSource::sql_replay;
  sql.tables = {users_table(), posts_table(model::FkAction::cascade)};
  model::Column created;
  created.name = "created_at";
  created.type = model::parse_type_text("timestamptz");
  created.default_expr = "now()";
  model::Column score;
  score.name = "score";
  score.type = model::parse_type_text("integer");
  score.default_expr = "'0'::integer";
  model::Column rank = score;
  rank.name = "rank";
  for (model::Table& table : sql.tables) {
    table.columns.insert(table.columns.end(), {created, score, rank});
  }
  model::Catalog snapshot = sql;
  snapshot.source = model::SchemaSource::drizzle_snapshot;
  snapshot.tables[0].columns[1].default_expr = "NOW()"; // users.created_at: same meaning
  snapshot.tables[0].columns[2].default_expr = "'0'";   // users.score: the cast's literal
  snapshot.tables[1].columns[2].default_expr = "1";     // posts.score: another value
  snapshot.tables[1].columns[3].default_expr = "'0'";   // posts.rank: as users.score's
  const engine::RunReport report = run_on(sql, {snapshot});
  ASSERT_EQ(report.findings.size(), 1U);
  EXPECT_EQ(report.findings[0].object.table, "posts");
  EXPECT_EQ(report.findings[0].object.columns, std::vector<std::string>{"score"});
}

TEST(SnapshotDrift, NamesForeignKeyActionTableAndSerialDefaultsAreNotDrift) {
  model::Catalog sql;
  sql.source = model::SchemaSource::sql_replay;
  sql.tables = {users_table(), posts_table(model::FkAction::cascade)};
  model::Catalog snapshot;
  snapshot.source = model::SchemaSource::drizzle_snapshot;
  snapshot.tables = {users_table(), posts_table(model::FkAction::no_action)};
  snapshot.tables[0].columns[0].default_expr.reset(); // snapshots leave serial defaults implicit
  model::Table audit;
  audit.name = "audit";
  snapshot.tables.push_back(audit);

  const engine::RunReport report = run_on(sql, {snapshot});
  ASSERT_EQ(report.findings.size(), 2U);
  std::vector<std::string> objects;
  for (const core::Finding& finding : report.findings) {
    objects.push_back(finding.object.to_string());
    EXPECT_FALSE(finding.fingerprint.empty());
  }
  std::sort(objects.begin(), objects.end());
  EXPECT_EQ(objects,
            (std::vector<std::string>{
                core::ObjectRef{"public", "audit", {}, ""}.to_string(),
                core::ObjectRef{"public", "posts", {"author_id"}, "posts_author_id_fk"}.to_string()}));
  for (const core::Finding& finding : report.findings) {
    if (finding.object.table == "posts") {
      EXPECT_NE(finding.message.find("ON DELETE cascade"), std::string::npos) << finding.message;
      EXPECT_NE(finding.message.find("ON DELETE no action"), std::string::npos) << finding.message;
    } else {
      EXPECT_NE(finding.message.find("in the drizzle-kit snapshot but not in the SQL migrations"),
                std::string::npos)
          << finding.message;
    }
  }
  // The same catalogs agree with themselves.
  EXPECT_TRUE(run_on(sql, {sql}).findings.empty());
}

} // namespace snapshot_drift_test
