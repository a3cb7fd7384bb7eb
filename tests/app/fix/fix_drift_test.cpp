// An index known by its definition, never its name, and drift between
// schema.ts, the snapshot and the SQL migrations (issue 30's second report):
// fix adds no second index of a definition schema.ts declares; when the
// migrations lost it, a custom migration in the folder's own scheme (what
// `drizzle-kit generate --custom` writes for 0.31 and for 1.0) builds it.
// The round trip through the real tools is fix_real_project_cluster_test.cpp.
#include "advisor/drizzle_render.hpp"
#include "advisor/index_match.hpp"
#include "app/fix/fix.hpp"
#include "app/fix/fix_drift.hpp"
#include "app/fix/fix_migration.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace fix_drift_test {

namespace fs = std::filesystem;
using pgadvise::app::FileChange;
using pgadvise::app::FixPlan;
using pgadvise::app::FixTargets;
using pgadvise::app::plan_fixes;
using pgadvise::test::read_text;
using pgadvise::test::TempTree;
using pgadvise::test::write_text;

constexpr std::string_view k_tables = "CREATE TABLE users (id uuid PRIMARY KEY);\n"
                                      "CREATE TABLE session (id uuid PRIMARY KEY, user_id uuid NOT NULL "
                                      "REFERENCES users (id), token text);\n";

constexpr std::string_view k_schema_ts =
    "import { index, pgTable, text, uuid } from \"drizzle-orm/pg-core\";\n"
    "export const users = pgTable(\"users\", { id: uuid(\"id\").primaryKey() });\n"
    "export const sessions = pgTable(\n"
    "  \"session\",\n"
    "  {\n"
    "    id: uuid(\"id\").primaryKey(),\n"
    "    userId: uuid(\"user_id\").notNull().references(() => users.id),\n"
    "    token: text(\"token\"),\n"
    "  },\n"
    "  (table) => [index(\"session_userId_idx\").on(table.userId)],\n"
    ");\n";

pgadvise::model::Catalog replayed(std::string_view sql, pgadvise::model::SchemaSource source) {
  pgadvise::loaders::SchemaLoad load;
  pgadvise::loaders::replay_sql(sql, "schema.sql", load);
  load.catalog.source = source;
  return load.catalog;
}

// unindexed-foreign-key on session.user_id, under the name drizzle-kit's
// convention gives it (not the name schema.ts gave it).
pgadvise::core::Finding fk_finding(const fs::path& schema_file, const std::string& name) {
  pgadvise::core::Finding finding;
  finding.rule = "unindexed-foreign-key";
  finding.object = {"public", "session", {"user_id"}, ""};
  pgadvise::core::Fix fix;
  fix.sql().ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS " + name + " ON session (user_id);";
  fix.sql().drizzle = "index(\"" + name + "\").on(table.userId)";
  fix.sql().drizzle_file = schema_file.string() + ":3";
  fix.sql().drizzle_table = "sessions";
  fix.sql().commands = "npm run db:generate && npm run db:migrate";
  finding.fix = fix;
  return finding;
}

const FileChange* change_named(const FixPlan& plan, std::string_view tail) {
  const auto it = std::find_if(plan.files.begin(), plan.files.end(), [&](const FileChange& change) {
    const std::string path = change.path.generic_string();
    return path.size() >= tail.size() && path.compare(path.size() - tail.size(), tail.size(), tail) == 0;
  });
  return it == plan.files.end() ? nullptr : &*it;
}

std::string all_notes(const FixPlan& plan) {
  std::string out;
  for (const std::string& note : plan.notes) {
    out += note + "\n";
  }
  return out;
}

class FixDrift : public ::testing::Test {
protected:
  void SetUp() override {
    m_project.root = m_tree.root() / "app";
    m_schema = m_project.root / "src" / "db" / "schema.ts";
    write_text(m_schema, k_schema_ts);
    m_applied = replayed(k_tables, pgadvise::model::SchemaSource::sql_replay);
    m_declared = pgadvise::loaders::load_drizzle_schema({m_schema}, "").catalog;
    m_snapshot =
        replayed(std::string(k_tables) + "CREATE INDEX \"session_userId_idx\" ON session (user_id);\n",
                 pgadvise::model::SchemaSource::drizzle_snapshot);
    m_targets.schema_ts = true;
    m_targets.migrations_dir = m_project.root / "drizzle";
    m_targets.now = std::chrono::system_clock::from_time_t(1767225600); // 2026-01-01 00:00:00 UTC
    m_targets.schemas.applied = &m_applied;
    m_targets.schemas.declared = &m_declared;
    m_targets.schemas.snapshot = &m_snapshot;
    m_targets.schemas.migrations_dir = m_targets.migrations_dir;
  }

  // A drizzle-kit 0.31 folder: one migration, its snapshot and journal.
  void kit_0_folder() const {
    const fs::path dir = *m_targets.migrations_dir;
    write_text(dir / "0000_init.sql", std::string(k_tables));
    write_text(
        dir / "meta" / "_journal.json",
        R"({"version":"7","dialect":"postgresql","entries":[{"idx":0,"version":"7","when":1767225000000,)"
        R"("tag":"0000_init","breakpoints":true}]})");
    write_text(
        dir / "meta" / "0000_snapshot.json",
        R"({"id":"11111111-1111-4111-8111-111111111111","prevId":"00000000-0000-0000-0000-000000000000",)"
        R"("version":"7","dialect":"postgresql","tables":{}})");
  }

  TempTree m_tree;
  pgadvise::model::Project m_project;
  fs::path m_schema;
  pgadvise::model::Catalog m_applied;
  pgadvise::model::Catalog m_declared;
  pgadvise::model::Catalog m_snapshot;
  FixTargets m_targets;
};

TEST(IndexDefinition, NamesDoNotMatterButKeysOpclassMethodPredicateAndUniquenessDo) {
  pgadvise::model::Index a;
  a.name = "session_user_id_idx";
  a.keys = {{"user_id", "", false, "", std::nullopt}};
  pgadvise::model::Index b = a;
  b.name = "session_userId_idx";
  EXPECT_TRUE(pgadvise::advisor::same_index(a, b));
  pgadvise::model::Index c = b;
  c.keys.front().opclass = "text_pattern_ops";
  EXPECT_FALSE(pgadvise::advisor::same_index(a, c));
  c = b;
  c.method = "hash";
  EXPECT_FALSE(pgadvise::advisor::same_index(a, c));
  c = b;
  c.predicate = "token IS NOT NULL";
  EXPECT_FALSE(pgadvise::advisor::same_index(a, c));
  c = b;
  c.unique = true;
  EXPECT_FALSE(pgadvise::advisor::same_index(a, c));
  // A unique index of the same keys, or a longer one it leads, serves it.
  pgadvise::model::Table table;
  table.indexes = {c};
  EXPECT_NE(pgadvise::app::serving_index(table, a), nullptr);
  c.unique = false;
  c.keys.push_back({"token", "", false, "", std::nullopt});
  table.indexes = {c};
  EXPECT_NE(pgadvise::app::serving_index(table, a), nullptr);
}

// schema.ts and the snapshot have session_userId_idx; the SQL lost it.
// Before: fix added session_user_id_idx beside it (a second index of one
// definition) or, under the same name, said "nothing to change".
TEST_F(FixDrift, AnIndexTheMigrationsLostComesBackAsADrizzleKit031CustomMigration) {
  kit_0_folder();
  const FixPlan plan = plan_fixes({fk_finding(m_schema, "session_user_id_idx")}, m_project, m_targets);
  EXPECT_EQ(change_named(plan, "schema.ts"), nullptr) << "schema.ts already declares it";
  EXPECT_EQ(plan.fixed, 1U);
  const FileChange* sql = change_named(plan, "drizzle/0001_pgadvise_drift.sql");
  ASSERT_NE(sql, nullptr) << all_notes(plan);
  EXPECT_TRUE(sql->created);
  EXPECT_EQ(sql->after.rfind("-- Custom SQL migration file, put your code below! --\n", 0), 0U) << sql->after;
  EXPECT_NE(sql->after.find("CREATE INDEX IF NOT EXISTS \"session_userId_idx\" ON session (user_id);"),
            std::string::npos)
      << sql->after;
  const FileChange* journal = change_named(plan, "meta/_journal.json");
  ASSERT_NE(journal, nullptr);
  const auto entries = nlohmann::json::parse(journal->after)["entries"];
  ASSERT_EQ(entries.size(), 2U);
  EXPECT_EQ(entries[1]["tag"], "0001_pgadvise_drift");
  EXPECT_EQ(entries[1]["when"], 1767225600000);
  // The snapshot copy: the schema did not change, its id did.
  const FileChange* snapshot = change_named(plan, "meta/0001_snapshot.json");
  ASSERT_NE(snapshot, nullptr);
  const auto copy = nlohmann::json::parse(snapshot->after);
  EXPECT_EQ(copy["prevId"], "11111111-1111-4111-8111-111111111111");
  EXPECT_NE(copy["id"], copy["prevId"]);
  EXPECT_EQ(copy["tables"], nlohmann::json::object());
  // The diff names the copy instead of printing it whole.
  EXPECT_NE(snapshot->summary.find("0000_snapshot.json under a new id"), std::string::npos)
      << snapshot->summary;
  EXPECT_NE(all_notes(plan).find("schema.ts declares session_userId_idx"), std::string::npos)
      << all_notes(plan);
  EXPECT_NE(all_notes(plan).find("generate writes nothing"), std::string::npos) << all_notes(plan);
}

TEST_F(FixDrift, InADrizzleKit10FolderTheCustomMigrationIsAFolderWithADiffSnapshot) {
  const fs::path dir = *m_targets.migrations_dir;
  // The newest folder is stamped after the clock: the new one goes after it.
  write_text(dir / "20260101000030_init" / "migration.sql", std::string(k_tables));
  write_text(
      dir / "20260101000030_init" / "snapshot.json",
      R"({"type":"base","version":"9","dialect":"postgres","id":"22222222-2222-4222-8222-222222222222",)"
      R"("prevIds":["00000000-0000-0000-0000-000000000000"],"footprints":[],"ddl":[]})");
  const FixPlan plan = plan_fixes({fk_finding(m_schema, "session_user_id_idx")}, m_project, m_targets);
  const FileChange* sql = change_named(plan, "drizzle/20260101000031_pgadvise_drift/migration.sql");
  ASSERT_NE(sql, nullptr) << all_notes(plan);
  EXPECT_NE(sql->after.find("CREATE INDEX IF NOT EXISTS \"session_userId_idx\""), std::string::npos);
  const FileChange* snapshot = change_named(plan, "drizzle/20260101000031_pgadvise_drift/snapshot.json");
  ASSERT_NE(snapshot, nullptr);
  const auto json = nlohmann::json::parse(snapshot->after);
  EXPECT_EQ(json["type"], "diff");
  EXPECT_EQ(json["version"], "9");
  EXPECT_EQ(json["prevIds"], nlohmann::json::array({"22222222-2222-4222-8222-222222222222"}));
  EXPECT_EQ(json["deltas"], nlohmann::json::array());
}

TEST_F(FixDrift, AnIndexSchemaTsDeclaresButNeverGeneratedIsLeftToGenerate) {
  kit_0_folder();
  m_snapshot = m_applied; // the snapshot lacks it too
  m_snapshot.source = pgadvise::model::SchemaSource::drizzle_snapshot;
  const FixPlan plan = plan_fixes({fk_finding(m_schema, "session_userId_idx")}, m_project, m_targets);
  EXPECT_TRUE(plan.files.empty()) << plan.files.front().path;
  EXPECT_EQ(plan.fixed, 1U);
  EXPECT_NE(all_notes(plan).find("has not generated yet"), std::string::npos) << all_notes(plan);
  ASSERT_EQ(plan.next.size(), 1U);
  EXPECT_EQ(plan.next.front(), "npm run db:generate && npm run db:migrate");
}

TEST_F(FixDrift, AnUndeclaredIndexGoesIntoSchemaTsOncePerDefinition) {
  kit_0_folder();
  write_text(m_schema, std::string(k_schema_ts)
                           .replace(std::string(k_schema_ts).find("  (table) =>"),
                                    std::string("  (table) => [index(\"session_userId_idx\")"
                                                ".on(table.userId)],\n")
                                        .size(),
                                    ""));
  m_declared = pgadvise::loaders::load_drizzle_schema({m_schema}, "").catalog;
  // Two findings propose one index under two names: one entry.
  const FixPlan plan = plan_fixes(
      {fk_finding(m_schema, "session_user_id_idx"), fk_finding(m_schema, "session_user_id_fk_idx")},
      m_project, m_targets);
  const FileChange* schema = change_named(plan, "schema.ts");
  ASSERT_NE(schema, nullptr) << all_notes(plan);
  EXPECT_NE(schema->after.find("index(\"session_user_id_idx\").on(table.userId)"), std::string::npos)
      << schema->after;
  EXPECT_EQ(schema->after.find("session_user_id_fk_idx"), std::string::npos) << schema->after;
  EXPECT_EQ(change_named(plan, "0001_pgadvise_drift.sql"), nullptr);
}

// The other direction: an index a migration built by hand, which schema.ts
// and the snapshot never declared, is dropped by a custom migration (no
// schema.ts entry to remove, and generate would not drop it).
TEST_F(FixDrift, AnIndexOnlyTheSqlHasIsDroppedByACustomMigration) {
  kit_0_folder();
  m_applied = replayed(std::string(k_tables) + "CREATE INDEX session_token_idx ON session (token);\n"
                                               "CREATE INDEX session_token_copy_idx ON session (token);\n",
                       pgadvise::model::SchemaSource::sql_replay);
  pgadvise::core::Finding finding;
  finding.rule = "duplicate-index";
  finding.object = {"public", "session", {"token"}, "session_token_copy_idx"};
  pgadvise::core::Fix fix;
  fix.sql().ddl = "DROP INDEX CONCURRENTLY IF EXISTS session_token_copy_idx;";
  fix.sql().drizzle = "// remove from schema.ts: index(\"session_token_copy_idx\").on(table.token)";
  fix.sql().drizzle_file = m_schema.string() + ":3";
  fix.sql().drizzle_table = "sessions";
  finding.fix = fix;
  const FixPlan plan = plan_fixes({finding}, m_project, m_targets);
  EXPECT_EQ(change_named(plan, "schema.ts"), nullptr);
  const FileChange* sql = change_named(plan, "drizzle/0001_pgadvise_drift.sql");
  ASSERT_NE(sql, nullptr) << all_notes(plan);
  EXPECT_NE(sql->after.find("DROP INDEX IF EXISTS session_token_copy_idx;"), std::string::npos) << sql->after;
  EXPECT_NE(all_notes(plan).find("schema.ts does not declare session_token_copy_idx"), std::string::npos)
      << all_notes(plan);
}

// A json column's type change keeps its chain and says what the ALTER
// does; the USING caveat is for text columns only.
TEST(FixTypeChange, JsonToJsonbKeepsTheChainAndItsNoteFitsTheOldType) {
  TempTree tree;
  const fs::path schema =
      tree.write("src/db/schema.ts", "import { json, pgTable } from \"drizzle-orm/pg-core\";\n"
                                     "export const events = pgTable(\"events\", {\n"
                                     "  payload: json(\"payload\").$type<{ a: 1 }>().notNull(),\n"
                                     "});\n");
  pgadvise::core::Finding finding;
  finding.rule = "json-column-not-jsonb";
  finding.object = {"public", "events", {"payload"}, ""};
  pgadvise::core::Fix fix;
  fix.sql().ddl = "ALTER TABLE events ALTER COLUMN payload TYPE jsonb;";
  fix.sql().drizzle = "payload: jsonb(\"payload\")";
  fix.sql().drizzle_file = schema.string() + ":2";
  fix.sql().drizzle_table = "events";
  finding.fix = fix;
  FixTargets targets;
  targets.schema_ts = true;
  pgadvise::model::Project project;
  project.root = tree.root();
  const FixPlan plan = plan_fixes({finding}, project, targets);
  const FileChange* change = change_named(plan, "schema.ts");
  ASSERT_NE(change, nullptr) << all_notes(plan);
  EXPECT_NE(change->after.find("  payload: jsonb(\"payload\").$type<{ a: 1 }>().notNull(),\n"),
            std::string::npos)
      << change->after;
  EXPECT_NE(all_notes(plan).find("json -> jsonb: drizzle-kit generates"), std::string::npos)
      << all_notes(plan);
  EXPECT_EQ(all_notes(plan).find("USING"), std::string::npos) << all_notes(plan);
}

// Two tables spread createdAt from one object of shared columns in another
// file (tally-report-generator's BaseEntitySchema): the two findings make
// one edit, at the object, and one note names the object and both tables;
// before, each finding was 'its builder call was not found' in its table's file.
TEST(FixSharedColumns, TwoTablesFindingsOnASharedColumnEditItsObjectOnce) {
  TempTree tree;
  const fs::path base =
      tree.write("src/db/base.ts", "import { timestamp, uuid } from 'drizzle-orm/pg-core';\n"
                                   "export const baseColumns = {\n"
                                   "  id: uuid('id').primaryKey(),\n"
                                   "  createdAt: timestamp('created_at').defaultNow(),\n"
                                   "};\n");
  const fs::path schema =
      tree.write("src/db/schema.ts", "import { pgTable, text } from 'drizzle-orm/pg-core';\n"
                                     "import { baseColumns } from './base';\n"
                                     "export const rooms = pgTable('rooms', { ...baseColumns });\n"
                                     "export const notes = pgTable('notes', {\n"
                                     "  ...baseColumns,\n  body: text('body'),\n});\n"
                                     "export const tags = pgTable('tags', { ...baseColumns });\n");
  const pgadvise::loaders::SchemaLoad load = pgadvise::loaders::load_drizzle_schema({schema}, "");
  std::vector<pgadvise::core::Finding> findings;
  for (const char* table : {"rooms", "notes"}) {
    pgadvise::core::Finding finding;
    finding.rule = "timestamp-without-time-zone";
    finding.object = {"public", table, {"created_at"}, ""};
    pgadvise::core::Fix fix;
    fix.sql().ddl = std::string("ALTER TABLE ") + table + " ALTER COLUMN created_at TYPE timestamptz;";
    fix.sql().drizzle = "createdAt: timestamp('created_at', { withTimezone: true }).defaultNow(),";
    finding.fix = fix;
    findings.push_back(finding);
  }
  pgadvise::model::Project project;
  project.root = tree.root();
  project.uses_drizzle = true;
  const pgadvise::advisor::DrizzleFixCompletion completion(&load.catalog, project);
  for (pgadvise::core::Finding& finding : findings) {
    completion.complete(finding);
  }
  ASSERT_NE(findings[0].fix->code_file().str().find("src/db/base.ts:4"), std::string::npos)
      << findings[0].fix->code_file().str();
  EXPECT_EQ(findings[1].fix->code_table().str(), "baseColumns");
  FixTargets targets;
  targets.schema_ts = true;
  targets.schemas.declared = &load.catalog;
  const FixPlan plan = plan_fixes(findings, project, targets);
  EXPECT_EQ(change_named(plan, "schema.ts"), nullptr) << all_notes(plan);
  const FileChange* change = change_named(plan, "base.ts");
  ASSERT_NE(change, nullptr) << all_notes(plan);
  EXPECT_NE(
      change->after.find("  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow(),\n"),
      std::string::npos)
      << change->after;
  EXPECT_EQ(plan.fixed, 2U);
  EXPECT_NE(all_notes(plan).find("baseColumns, shared by 2 tables (rooms, notes): createdAt"),
            std::string::npos)
      << all_notes(plan);
  // tags spreads the same entry without a finding (a baseline took it, or --rule): it changes too, and is
  // named.
  EXPECT_NE(all_notes(plan).find("this also changes tags, which use it without such a finding"),
            std::string::npos)
      << all_notes(plan);
  EXPECT_EQ(all_notes(plan).find("not found"), std::string::npos) << all_notes(plan);
  (void)base;
}

} // namespace fix_drift_test
