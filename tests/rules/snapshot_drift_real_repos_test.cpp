// snapshot-drift on what real repositories hold: the same expression spelled
// two ways, renames, names cut at 63 bytes and the platform's own tables.
// Each side is replayed from SQL as drizzle-kit wrote it or as a snapshot
// spells it, so both sides are what the loaders make of them.
#include "advisor/expression_key.hpp"
#include "engine/runner.hpp"
#include "loaders/identifiers.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"

#include <gtest/gtest.h>

namespace snapshot_drift_real_repos_test {

using namespace pgadvise;

constexpr std::string_view k_rule = "snapshot-drift";

model::Catalog from_sql(std::string_view sql) {
  loaders::SchemaLoad load;
  loaders::replay_sql(sql, "m.sql", load);
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  return std::move(load.catalog);
}

// The other side as a snapshot or schema.ts would hold it (same loaders, other source).
model::Catalog as_snapshot(std::string_view sql) {
  model::Catalog catalog = from_sql(sql);
  catalog.source = model::SchemaSource::drizzle_snapshot;
  return catalog;
}

std::vector<core::Finding> drift(const model::Catalog& primary, const model::Catalog& other) {
  const std::vector<model::Catalog> others{other};
  engine::RunInput input;
  input.catalog = &primary;
  input.other_schemas = &others;
  core::Settings settings;
  settings.only_rules = {std::string(k_rule)};
  settings.min_severity = core::Severity::info;
  return engine::run(input, settings, rules::rule_set()).findings;
}

// Table t as a drizzle-kit snapshot spells it; the arguments are what the
// expression test varies: meta's and state's defaults, t_c_idx's predicate
// and t_lower_idx's function.
std::string t_snapshot(std::string_view meta_default, std::string_view state_default,
                       std::string_view c_filter, std::string_view key_function) {
  return R"sql(CREATE TYPE "public"."s" AS ENUM('pending', 'done');
CREATE TABLE "t" (
  "id" integer PRIMARY KEY,
  "c" text,
  "meta" jsonb DEFAULT )sql" +
         std::string(meta_default) + " NOT NULL,\n  \"state\" \"s\" DEFAULT " + std::string(state_default) +
         ",\n  \"at\" timestamp DEFAULT now()\n);\nCREATE INDEX \"t_c_idx\" ON \"t\" USING btree (\"c\") "
         "WHERE " +
         std::string(c_filter) + ";\nCREATE INDEX \"t_lower_idx\" ON \"t\" USING btree (" +
         std::string(key_function) + "(\"c\"));\n";
}

TEST(SnapshotDriftRealRepos, ExpressionsAreComparedAsParseTreesNotText) {
  const model::Catalog sql = from_sql(R"sql(
CREATE TYPE "public"."s" AS ENUM('pending', 'done');
CREATE TABLE "t" (
  "id" integer PRIMARY KEY,
  "c" text,
  "meta" jsonb DEFAULT '{}'::jsonb NOT NULL,
  "state" "s" DEFAULT 'pending'::"public"."s",
  "at" timestamp DEFAULT NOW()
);
CREATE INDEX "t_c_idx" ON "t" USING btree ("c") WHERE ("t"."c" IS NOT NULL);
CREATE INDEX "t_lower_idx" ON "t" USING btree (lower(("c")));
)sql");
  // The same schema as drizzle-kit's snapshot writes it: other spellings, no finding.
  const model::Catalog snapshot = as_snapshot(t_snapshot("'{}'", "'pending'", "\"c\" IS NOT NULL", "lower"));
  const auto findings = drift(sql, snapshot);
  for (const core::Finding& finding : findings) {
    ADD_FAILURE() << finding.message;
  }
  // A real difference still shows.
  const model::Catalog other = as_snapshot(t_snapshot("'[]'", "'done'", "\"c\" IS NULL", "upper"));
  std::vector<std::vector<std::string>> objects;
  for (const core::Finding& finding : drift(sql, other)) {
    objects.push_back(finding.object.columns);
    objects.back().push_back(finding.object.constraint);
  }
  EXPECT_EQ(objects.size(), 4U); // meta, state, t_c_idx, t_lower_idx
}

TEST(SnapshotDriftRealRepos, ARenameIsOneFindingNotOneEachWay) {
  // The same foreign key and index, under other names.
  const auto schema = [](std::string_view fk, std::string_view index) {
    return "CREATE TABLE \"a\" (\"id\" integer PRIMARY KEY);\n"
           "CREATE TABLE \"b\" (\"id\" integer PRIMARY KEY, \"a_id\" integer);\n"
           "ALTER TABLE \"b\" ADD CONSTRAINT \"" +
           std::string(fk) + "\" FOREIGN KEY (\"a_id\") REFERENCES \"a\"(\"id\");\nCREATE INDEX \"" +
           std::string(index) + "\" ON \"b\" (\"a_id\");\n";
  };
  const model::Catalog sql = from_sql(schema("b_a_fk", "b_a_idx"));
  const model::Catalog snapshot = as_snapshot(schema("b_a_id_a_id_fk", "b_a_id_index"));
  const auto findings = drift(sql, snapshot);
  ASSERT_EQ(findings.size(), 2U);
  for (const core::Finding& finding : findings) {
    // "Foreign key name on public.b differs: b_a_fk (...) in the SQL migrations, b_a_id_a_id_fk (...) in ..."
    EXPECT_NE(finding.message.find(" name on public.b differs: b_a_"), std::string::npos) << finding.message;
  }
}

TEST(SnapshotDriftRealRepos, ALongNameIsNotDriftTwice) {
  const std::string long_name = "organization_memberships_organization_id_organizations_id_fk_extra";
  const std::string sql_text =
      "CREATE TABLE \"organizations\" (\"id\" integer PRIMARY KEY);\n"
      "CREATE TABLE \"organization_memberships\" (\"organization_id\" integer,\n"
      "  CONSTRAINT \"" +
      long_name + "\" FOREIGN KEY (\"organization_id\") REFERENCES \"organizations\"(\"id\"));\n";
  const model::Catalog sql = from_sql(sql_text);
  model::Catalog snapshot = as_snapshot(sql_text);
  snapshot.tables[1].foreign_keys[0].name = long_name; // as drizzle-kit's snapshot keeps it
  loaders::truncate_identifiers(snapshot);             // as load_drizzle_snapshot does
  EXPECT_TRUE(drift(sql, snapshot).empty());
}

TEST(SnapshotDriftRealRepos, ThePlatformsTablesAreNotDrift) {
  const model::Catalog sql = from_sql(R"sql(
CREATE TABLE "profiles" ("id" uuid PRIMARY KEY, "user_id" uuid REFERENCES "auth"."users"("id"));
)sql");
  model::Catalog snapshot = as_snapshot(R"sql(
CREATE SCHEMA "auth";
CREATE TABLE "auth"."users" ("id" uuid PRIMARY KEY);
CREATE TABLE "profiles" ("id" uuid PRIMARY KEY, "user_id" uuid REFERENCES "auth"."users"("id"));
)sql");
  const auto findings = drift(sql, snapshot);
  EXPECT_TRUE(findings.empty()) << findings.front().message;
}

} // namespace snapshot_drift_real_repos_test

namespace snapshot_drift_real_repos_test {

TEST(ExpressionKey, SameMeaningSameKey) {
  using pgadvise::advisor::expression_key;
  EXPECT_EQ(expression_key("NOW()"), expression_key("now()"));
  EXPECT_EQ(expression_key("'{}'::jsonb"), expression_key("'{}'"));
  EXPECT_EQ(expression_key("'pending'::\"public\".\"s\""), expression_key("'pending'"));
  EXPECT_EQ(expression_key("(\"t\".\"c\" IS NOT NULL)"), expression_key("\"c\" IS NOT NULL"))
      << expression_key("(\"t\".\"c\" IS NOT NULL)") << "\n"
      << expression_key("\"c\" IS NOT NULL");
  EXPECT_EQ(expression_key("pg_catalog.lower((c))"), expression_key("lower(c)"));
  EXPECT_NE(expression_key("c IS NULL"), expression_key("c IS NOT NULL"));
  EXPECT_NE(expression_key("'{}'"), expression_key("'[]'"));
}

} // namespace snapshot_drift_real_repos_test
