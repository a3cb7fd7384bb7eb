// The schema.ts reader against drizzle-kit: a schema read from its
// schema.ts and the replay of what drizzle-kit generated from it agree, and
// a push-only twin of a migration-based app gets the same findings.
#include "app/inputs/discovery.hpp"
#include "app/lint/run_rules.hpp"
#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/schema_ts/names.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
#include "rules/registry.hpp"
#include "schema_ts_test_support.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <unistd.h>

using namespace pgadvise;
using namespace pgadvise::loaders;

namespace drizzle_schema_ts_fidelity_test {

namespace fs = std::filesystem;
using schema_ts_test_support::k_fixtures;
using schema_ts_test_support::notes_of;
using schema_ts_test_support::table;

// ---- fidelity against drizzle-kit -------------------------------------------

struct Flat {
  std::set<std::string> tables, columns, indexes, fks, enums, checks;
};

// Everything two catalogs of the same schema must agree on, flattened to
// comparable strings.
Flat flatten(const model::Catalog& catalog, bool with_checks) {
  Flat flat;
  for (const model::Table& t : catalog.tables) {
    flat.tables.insert(t.qualified());
    for (const model::Column& c : t.columns) {
      flat.columns.insert(t.qualified() + "." + c.name + " " + c.type.display() +
                          (c.not_null ? " not null" : "") + (c.identity ? " identity" : "") +
                          " default=" + c.default_expr.value_or("-"));
    }
    for (const model::Index& i : t.indexes) {
      std::string keys;
      for (const model::IndexKey& k : i.keys) {
        keys += (k.column.empty() ? "expr:" + k.expression : k.column.str()) + (k.descending ? " desc" : "") +
                (k.opclass.empty() ? "" : " " + k.opclass) + ",";
      }
      flat.indexes.insert(t.qualified() + " " + i.name + " kind=" + std::to_string(static_cast<int>(i.kind)) +
                          (i.unique ? " unique" : "") + " " + i.method + " (" + keys + ")" +
                          (i.is_partial() ? " where " + i.predicate : ""));
    }
    for (const model::ForeignKey& fk : t.foreign_keys) {
      flat.fks.insert(t.qualified() + " " + fk.name + " (" + core::join(fk.columns, ",") + ") -> " +
                      fk.ref_schema + "." + fk.ref_table + "(" + core::join(fk.ref_columns, ",") + ") " +
                      std::string(model::to_string(fk.on_delete)) + "/" +
                      std::string(model::to_string(fk.on_update)));
    }
    if (with_checks) {
      for (const model::CheckConstraint& check : t.checks) {
        flat.checks.insert(t.qualified() + " " + check.name);
      }
    }
  }
  for (const model::Enum& e : catalog.enums) {
    flat.enums.insert(e.schema + "." + e.name + "(" + core::join(e.values, ",") + ")");
  }
  return flat;
}

void expect_same(const Flat& from_ts, const Flat& from_sql) {
  EXPECT_EQ(from_ts.tables, from_sql.tables);
  EXPECT_EQ(from_ts.columns, from_sql.columns);
  EXPECT_EQ(from_ts.indexes, from_sql.indexes);
  EXPECT_EQ(from_ts.fks, from_sql.fks);
  EXPECT_EQ(from_ts.enums, from_sql.enums);
  EXPECT_EQ(from_ts.checks, from_sql.checks);
}

SchemaLoad replay_folder(const fs::path& dir) {
  SchemaLoad replay;
  const auto order = migration_order(dir);
  EXPECT_TRUE(order.ok());
  if (order.ok()) {
    replay_sql_files(*order, replay);
  }
  return replay;
}

TEST(DrizzleSchemaTs, KitchenSinkMatchesTheReplayOfWhatDrizzleKitGenerated) {
  const fs::path dir = k_fixtures / "schema-ts/kitchen-sink";
  const std::vector<fs::path> files = expand_schema_paths(dir, {"./schema/*.ts"});
  ASSERT_EQ(files.size(), 3U);
  const SchemaLoad from_ts = load_drizzle_schema(files, "snake_case");
  EXPECT_TRUE(notes_of(from_ts).empty());
  const SchemaLoad from_sql = replay_folder(dir / "drizzle");
  ASSERT_EQ(from_sql.catalog.tables.size(), 6U);
  expect_same(flatten(from_ts.catalog, true), flatten(from_sql.catalog, true));
}

// An index the SQL replay has but drizzle-kit's newest snapshot does not was
// hand-written in a custom migration (`generate --custom`): drizzle-kit, and
// so schema.ts, never knew it. Those are left out of the schema.ts-vs-SQL
// comparison; everything drizzle-kit knows must match exactly.

std::set<std::string> hand_written_indexes(const Flat& from_sql, const Flat& from_snapshot) {
  std::set<std::string> out;
  std::set_difference(from_sql.indexes.begin(), from_sql.indexes.end(), from_snapshot.indexes.begin(),
                      from_snapshot.indexes.end(), std::inserter(out, out.begin()));
  return out;
}

TEST(DrizzleSchemaTs, PushOnlyTwinMatchesTheMigrationBasedApp) {
  const fs::path push_only = k_fixtures / "push-only-app";
  const fs::path migrated = k_fixtures / "drizzle-app";
  // The twin is a copy; when the app's schema changes, copy it again.
  ASSERT_EQ(pgadvise::test::read_text(push_only / "src/db/schema.ts"),
            pgadvise::test::read_text(migrated / "src/db/schema.ts"));
  EXPECT_FALSE(fs::exists(push_only / "drizzle"));
  const SchemaLoad from_ts =
      load_drizzle_schema(expand_schema_paths(push_only, {"./src/db/schema.ts"}), "snake_case");
  EXPECT_TRUE(notes_of(from_ts).empty());
  const SchemaLoad from_sql = replay_folder(migrated / "drizzle");
  ASSERT_FALSE(from_sql.catalog.tables.empty());
  auto snapshot = load_drizzle_snapshot(migrated / "drizzle/meta/0006_snapshot.json");
  ASSERT_TRUE(snapshot.ok());

  // Check constraints are compared by name only where both have them; the
  // migrations may carry hand-written ones the schema does not declare.
  const Flat ts_flat = flatten(from_ts.catalog, false);
  Flat sql_flat = flatten(from_sql.catalog, false);
  const std::set<std::string> hand_written =
      hand_written_indexes(sql_flat, flatten(snapshot->catalog, false));
  // Exactly the one index of the custom migration 0006 (see the app's README).
  ASSERT_EQ(hand_written.size(), 1U);
  EXPECT_EQ(hand_written.begin()->rfind("public.audit_log audit_log_occurred_at_idx ", 0), 0U);
  const model::Index* custom = table(from_sql, "audit_log").find_index("audit_log_occurred_at_idx");
  ASSERT_NE(custom, nullptr);
  EXPECT_NE(custom->location.file.find("0006_backfill_audit_log.sql"), std::string::npos);
  for (const std::string& index : hand_written) {
    sql_flat.indexes.erase(index);
  }
  expect_same(ts_flat, sql_flat);
  // schema.ts has the tables, indexes and FKs drizzle-kit's newest snapshot
  // recorded (snapshots leave serial defaults implicit, so not columns).
  const Flat snapshot_flat = flatten(snapshot->catalog, false);
  EXPECT_EQ(ts_flat.tables, snapshot_flat.tables);
  EXPECT_EQ(ts_flat.indexes, snapshot_flat.indexes);
  EXPECT_EQ(ts_flat.fks, snapshot_flat.fks);

  // Everything is located in schema.ts.
  for (const model::Table& t : from_ts.catalog.tables) {
    EXPECT_NE(t.location.file.find("push-only-app/src/db/schema.ts"), std::string::npos);
    for (const model::ForeignKey& fk : t.foreign_keys) {
      EXPECT_GT(fk.location.line, 0);
    }
  }
}

// (rule, object) of every finding of the FK and JSON rules, and where.
std::vector<std::pair<std::string, std::string>>
fk_and_json_findings(const fs::path& project, std::vector<core::SourceLocation>* where) {
  auto sources = app::discover({project});
  EXPECT_TRUE(sources.ok());
  if (!sources.ok()) {
    return {};
  }
  const SchemaLoad load = app::load_schema(*sources);
  core::Settings settings;
  settings.only_rules = {"unindexed-foreign-key", "json-in-text-column", "json-column-not-jsonb"};
  settings.min_severity = core::Severity::info;
  engine::RunInput input;
  input.catalog = &load.catalog;
  input.project = &sources->project;
  input.suppressions = load.suppressions;
  const engine::RunReport report = app::run_rules(input, settings);
  std::vector<std::pair<std::string, std::string>> out;
  for (const core::Finding& finding : report.findings) {
    out.emplace_back(finding.rule, finding.object.to_string());
    if (where != nullptr) {
      where->push_back(finding.location);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The acceptance test: the push-only twin gets the same FK and JSON
// findings as the migration-based app, located in its schema.ts.
TEST(DrizzleSchemaTs, PushOnlyTwinGetsTheSameForeignKeyAndJsonFindings) {
  std::vector<core::SourceLocation> locations;
  const auto twin = fk_and_json_findings(k_fixtures / "push-only-app", &locations);
  const auto migrated = fk_and_json_findings(k_fixtures / "drizzle-app", nullptr);
  EXPECT_EQ(twin, migrated);
  // The app's README plants three unindexed FKs and three JSON problems.
  EXPECT_EQ(std::count_if(twin.begin(), twin.end(),
                          [](const auto& f) { return f.first == "unindexed-foreign-key"; }),
            3);
  EXPECT_EQ(twin.size(), 6U);
  for (const core::SourceLocation& location : locations) {
    EXPECT_NE(location.file.find("push-only-app/src/db/schema.ts"), std::string::npos)
        << location.to_string();
    EXPECT_GT(location.line, 0);
  }
}

} // namespace drizzle_schema_ts_fidelity_test
