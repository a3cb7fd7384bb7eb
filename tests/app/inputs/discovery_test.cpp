#include "app/inputs/discovery.hpp"
#include "app/inputs/discovery_files.hpp"
#include "loaders/sql/migrations.hpp"
#include "model/catalog.hpp"
#include "support/drizzle_files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <string>

namespace pgadvise::app {
namespace discovery_test {

namespace fs = std::filesystem;
using test::fixture;
using test::TempTree;

constexpr std::string_view k_migration =
    "CREATE TABLE IF NOT EXISTS \"accounts\" (\n\t\"id\" serial PRIMARY KEY NOT NULL\n);\n";

fs::path resolved(const fs::path& path) {
  std::error_code ec;
  const fs::path out = fs::weakly_canonical(path, ec);
  return ec ? path : out;
}

bool same_path(const std::optional<fs::path>& a, const fs::path& b) {
  return a.has_value() && resolved(*a) == resolved(b);
}

bool any_note(const std::vector<std::string>& notes, std::string_view text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

SchemaSources discover_ok(const std::vector<fs::path>& paths) {
  auto sources = discover(paths);
  EXPECT_TRUE(sources.ok()) << (sources.ok() ? "" : sources.error().to_string());
  return sources.ok() ? std::move(sources).value() : SchemaSources{};
}

TEST(Discovery, FixtureAppFromItsConfig) {
  const fs::path app = fixture("drizzle-app");
  const SchemaSources sources = discover_ok({app});
  EXPECT_TRUE(same_path(sources.migrations_dir, app / "drizzle"));
  EXPECT_TRUE(same_path(sources.snapshot, app / "drizzle/meta/0006_snapshot.json"));
  EXPECT_TRUE(sources.sql_files.empty());
  const model::Project& project = sources.project;
  EXPECT_EQ(resolved(project.root), resolved(app));
  EXPECT_TRUE(project.uses_drizzle);
  EXPECT_EQ(resolved(project.drizzle_config), resolved(app / "drizzle.config.ts"));
  EXPECT_EQ(project.drizzle_out, "drizzle");
  EXPECT_EQ(project.drizzle_schema_paths, std::vector<std::string>{"src/db/schema.ts"});
  EXPECT_EQ(project.casing, "snake_case");
}

TEST(Discovery, ConfigWithCustomOutFolder) {
  TempTree tree;
  tree.write("drizzle.config.ts", "export default defineConfig({ dialect: 'postgresql', out: './db/sql' });");
  tree.write("db/sql/0000_init.sql", k_migration);
  tree.write("drizzle/0000_decoy.sql", k_migration); // not the config's out
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "db/sql"));
  EXPECT_EQ(sources.project.drizzle_out, "db/sql");
  EXPECT_TRUE(sources.project.uses_drizzle);
}

TEST(Discovery, ConfigWithoutOutUsesDrizzleKitsDefault) {
  TempTree tree;
  tree.write("drizzle.config.js", "module.exports = { schema: './schema.js', dialect: 'postgresql' };");
  tree.write("migrations/0000_other.sql", k_migration);
  tree.write("drizzle/0000_init.sql", k_migration);
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "drizzle"));
  EXPECT_EQ(sources.project.drizzle_out, "drizzle");
}

TEST(Discovery, PlainDrizzleFolderWithDependencyInPackageJson) {
  TempTree tree;
  tree.write("package.json", R"({"name":"x","devDependencies":{"drizzle-kit":"^0.31.0"}})");
  tree.write("drizzle/0000_init.sql", k_migration);
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "drizzle"));
  EXPECT_TRUE(sources.project.uses_drizzle);
  EXPECT_TRUE(sources.project.drizzle_config.empty());
}

TEST(Discovery, MigrationsFolderWithoutDrizzle) {
  TempTree tree;
  tree.write("package.json", R"({"name":"x","dependencies":{"pg":"^8"}})");
  tree.write("migrations/001_init.sql", k_migration);
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "migrations"));
  EXPECT_FALSE(sources.project.uses_drizzle);
  EXPECT_FALSE(sources.snapshot.has_value());
}

TEST(Discovery, NestedJournalSkippingDependencies) {
  TempTree tree;
  tree.write("node_modules/some-lib/drizzle/meta/_journal.json", R"({"entries":[]})");
  tree.write("node_modules/some-lib/drizzle/0000_x.sql", k_migration);
  tree.write("packages/api/src/database/generated/0000_init.sql", k_migration);
  tree.write("packages/api/src/database/generated/meta/_journal.json",
             R"({"version":"7","dialect":"postgresql","entries":[{"idx":0,"tag":"0000_init"}]})");
  tree.write("packages/api/src/database/generated/meta/0000_snapshot.json", "{}");
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "packages/api/src/database/generated"));
  EXPECT_TRUE(same_path(sources.snapshot,
                        tree.root() / "packages/api/src/database/generated/meta/0000_snapshot.json"));
  EXPECT_TRUE(sources.project.uses_drizzle); // a drizzle-kit journal
}

// Prisma Migrate's folder, wherever its schema sits (tools/prisma/), found
// by its migration_lock.toml; another database's is named and skipped. Its
// files run as Prisma sends them: a migration of several statements as one
// transaction, of one statement without.
TEST(Discovery, PrismaMigrationsFoundByTheirLockFileAndRunAsPrismaRunsThem) {
  TempTree tree;
  tree.write("package.json", R"({"devDependencies":{"prisma":"^5.22.0"}})");
  tree.write("apps/legacy/prisma/migrations/migration_lock.toml", "provider = \"mysql\"\n");
  tree.write("apps/legacy/prisma/migrations/20230101000000_init/migration.sql",
             "CREATE TABLE `t` (`id` INT PRIMARY KEY);\n");
  tree.write("tools/prisma/migrations/migration_lock.toml",
             "# Please do not edit this file manually\nprovider = \"postgresql\"\n");
  tree.write("tools/prisma/migrations/20231121234455_init/migration.sql",
             "-- CreateTable\nCREATE TABLE \"User\" (\"id\" TEXT NOT NULL, CONSTRAINT \"User_pkey\" PRIMARY "
             "KEY (\"id\"));\n\n-- CreateTable\nCREATE TABLE \"Resume\" (\"id\" TEXT NOT NULL, \"userId\" "
             "TEXT NOT NULL);\n");
  tree.write("tools/prisma/migrations/20240101000000_two/migration.sql",
             "ALTER TABLE \"Resume\" ADD COLUMN \"title\" TEXT;\n"
             "CREATE INDEX CONCURRENTLY \"Resume_title_idx\" ON \"Resume\"(\"title\");\n");
  tree.write("tools/prisma/migrations/20240202000000_one/migration.sql",
             "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"Resume_userId_idx\" ON \"Resume\"(\"userId\");\n");
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "tools/prisma/migrations"));
  EXPECT_TRUE(any_note(sources.notes, "Prisma Migrate's, found by its migration_lock.toml"));
  EXPECT_TRUE(any_note(sources.notes, "names provider mysql, not PostgreSQL"));
  const SchemaLoad load = load_schema(sources);
  ASSERT_EQ(load.catalog.source, model::SchemaSource::sql_replay);
  ASSERT_NE(load.catalog.find_table("public", "Resume"), nullptr);
  EXPECT_EQ(load.catalog.migrations_runner, model::MigrationTransaction::prisma);
  std::map<std::string, model::MigrationTransaction> runs; // index -> its transaction
  for (const model::MigrationStep& step : load.catalog.migration_steps) {
    if (step.kind == model::MigrationStepKind::create_index) {
      runs[step.object] = step.transaction;
    }
  }
  EXPECT_EQ(runs["Resume_title_idx"], model::MigrationTransaction::prisma);
  EXPECT_EQ(runs["Resume_userId_idx"], model::MigrationTransaction::none);
}

// A Prisma database beside a nested Drizzle one is named, with the command
// that lints it: pgadvise lints one migrations folder per database.
TEST(Discovery, APrismaDatabaseBesideNestedDrizzleConfigsIsNamed) {
  TempTree tree;
  tree.write("package.json", "{}");
  tree.write("apps/agent/drizzle.config.ts",
             "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n");
  tree.write("apps/agent/drizzle/0000_init.sql", k_migration);
  tree.write("packages/database/prisma/migrations/migration_lock.toml", "provider = \"postgresql\"\n");
  tree.write("packages/database/prisma/migrations/20240101000000_init/migration.sql", k_migration);
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "apps/agent/drizzle"));
  EXPECT_TRUE(any_note(sources.notes, "also found Prisma Migrate's migrations in "));
  EXPECT_TRUE(any_note(sources.notes, "packages/database/prisma/migrations/` lints them"));
}

// Each folder's first drizzle config (by drizzle-kit's names: .ts before
// .json) and every package.json below the root, read from one walk: the
// root's own left out, as dependencies, build output, dot-folders and
// folders deeper than the search goes; a linked folder asked, not walked.
TEST(Discovery, NestedConfigsAndManifestsFromOneWalk) {
  TempTree tree;
  tree.write("drizzle.config.ts", "export default {};");
  tree.write("package.json", "{}");
  tree.write("apps/api/drizzle.config.json", "{}");
  tree.write("apps/api/drizzle.config.ts", "export default {};");
  tree.write("apps/api/package.json", "{}");
  tree.write("apps/web/src/db/drizzle.config.mjs", "export default {};");
  tree.write("apps/web/package.json", "{}");
  tree.write("node_modules/lib/drizzle.config.ts", "export default {};");
  tree.write("node_modules/lib/package.json", "{}");
  tree.write("apps/web/dist/drizzle.config.js", "module.exports = {};");
  tree.write(".cache/drizzle.config.ts", "export default {};");
  tree.write("a/b/c/d/e/f/g/h/drizzle.config.ts", "export default {};");   // h: 8th level, read
  tree.write("a/b/c/d/e/f/g/h/i/drizzle.config.ts", "export default {};"); // i: too deep
  tree.write("shared/tools/drizzle.config.cts", "export default {};");
  tree.write("shared/tools/package.json", "{}");
  fs::create_directory_symlink(tree.root() / "shared" / "tools", tree.root() / "apps" / "tools");
  const discovery_files::NestedFiles found = discovery_files::find_nested_files(tree.root());
  const fs::path& root = tree.root();
  EXPECT_EQ(found.configs, (std::vector<fs::path>{root / "a/b/c/d/e/f/g/h/drizzle.config.ts",
                                                  root / "apps/api/drizzle.config.ts",
                                                  root / "apps/tools/drizzle.config.cts",
                                                  root / "apps/web/src/db/drizzle.config.mjs",
                                                  root / "shared/tools/drizzle.config.cts"}));
  std::vector<fs::path> manifests = found.manifests;
  std::sort(manifests.begin(), manifests.end());
  EXPECT_EQ(manifests,
            (std::vector<fs::path>{root / "apps/api/package.json", root / "apps/tools/package.json",
                                   root / "apps/web/package.json", root / "shared/tools/package.json"}));
}

TEST(Discovery, ExplicitFilesAndFolders) {
  TempTree tree;
  const fs::path dump = tree.write("schema.sql", k_migration);
  const fs::path snapshot =
      tree.copy(fixture("snapshots/v7/meta/0000_snapshot.json"), "snap/0000_snapshot.json");
  tree.write("sql/a.sql", k_migration);

  const SchemaSources files = discover_ok({dump, snapshot});
  EXPECT_FALSE(files.migrations_dir.has_value());
  ASSERT_EQ(files.sql_files.size(), 1U);
  EXPECT_EQ(resolved(files.sql_files[0]), resolved(dump));
  EXPECT_TRUE(same_path(files.snapshot, snapshot));

  const SchemaSources folder = discover_ok({tree.root() / "sql"});
  EXPECT_TRUE(same_path(folder.migrations_dir, tree.root() / "sql"));
}

TEST(Discovery, MigrationsFolderInsideAProjectKnowsTheProject) {
  const fs::path app = fixture("drizzle-app");
  const SchemaSources sources = discover_ok({app / "drizzle"});
  EXPECT_TRUE(same_path(sources.migrations_dir, app / "drizzle"));
  EXPECT_EQ(resolved(sources.project.root), resolved(app));
  EXPECT_EQ(sources.project.casing, "snake_case");
}

TEST(Discovery, NonexistentPathIsAnErrorNamingIt) {
  auto sources = discover({fs::path("/no/such/project-dir")});
  ASSERT_FALSE(sources.ok());
  EXPECT_EQ(sources.error().location.file, "/no/such/project-dir");
  auto odd = discover({fixture("drizzle-app/README.md")});
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.error().location.file.find("README.md"), std::string::npos);
}

// A Drizzle schema file named on the command line is an input of its own.
TEST(Discovery, SchemaTsFileIsAnInput) {
  const SchemaSources sources = discover_ok({fixture("drizzle-app/src/db/schema.ts")});
  ASSERT_EQ(sources.schema_ts.size(), 1U);
  EXPECT_EQ(resolved(sources.schema_ts[0]), resolved(fixture("drizzle-app/src/db/schema.ts")));
  EXPECT_FALSE(sources.migrations_dir.has_value());
  EXPECT_TRUE(sources.project.root.empty()); // a file names only itself: no project scan
}

TEST(Discovery, NothingFoundSaysWhatWasLookedFor) {
  TempTree tree;
  tree.write("README.md", "nothing here");
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_FALSE(sources.migrations_dir.has_value());
  EXPECT_FALSE(sources.snapshot.has_value());
  const SchemaLoad load = load_schema(sources);
  EXPECT_EQ(load.catalog.source, model::SchemaSource::none);
  EXPECT_TRUE(any_note(load.notes, "drizzle.config"));
  EXPECT_TRUE(any_note(load.notes, "_journal.json"));
  EXPECT_TRUE(any_note(load.notes, "migration_lock.toml"));
}

TEST(LoadSchema, SqlWinsOverTheSnapshotAndSaysSo) {
  const fs::path app = fixture("drizzle-app");
  const SchemaSources sources = discover_ok({app});
  const SchemaLoad load = load_schema(sources);
  EXPECT_EQ(load.catalog.source, model::SchemaSource::sql_replay);
  EXPECT_NE(load.catalog.source_description.find("7 migrations, journal order"), std::string::npos);
  EXPECT_TRUE(any_note(load.notes, "0006_snapshot.json not used because SQL migrations are present"));
  // Only the hand-written 0006 migration creates this index: the snapshot
  // does not know it, so finding it proves the SQL was replayed.
  const model::Table* audit = load.catalog.find_table("public", "audit_log");
  ASSERT_NE(audit, nullptr);
  EXPECT_NE(audit->find_index("audit_log_occurred_at_idx"), nullptr);
}

TEST(LoadSchema, SnapshotOnlyProject) {
  TempTree tree;
  tree.write("package.json", R"({"dependencies":{"drizzle-orm":"^0.45.0"}})");
  tree.copy(fixture("snapshots/v7/meta"), "drizzle/meta");
  const SchemaSources sources = discover_ok({tree.root()});
  ASSERT_TRUE(sources.snapshot.has_value());
  const SchemaLoad load = load_schema(sources);
  EXPECT_EQ(load.catalog.source, model::SchemaSource::drizzle_snapshot);
  EXPECT_NE(load.catalog.find_table("billing", "invoices"), nullptr);
  EXPECT_TRUE(any_note(load.notes, "no SQL migrations found"));
}

TEST(LoadSchema, BrokenSnapshotIsALocatedDiagnostic) {
  TempTree tree;
  tree.copy(fixture("snapshots/malformed/meta"), "drizzle/meta");
  const SchemaLoad load = load_schema(discover_ok({tree.root()}));
  EXPECT_EQ(load.catalog.source, model::SchemaSource::none);
  ASSERT_EQ(load.diagnostics.size(), 1U);
  EXPECT_EQ(load.diagnostics[0].rule, "parse-error");
  EXPECT_EQ(load.diagnostics[0].location.line,
            test::line_of(fixture("snapshots/malformed/meta/0000_snapshot.json"), "<<<<<<<"));
}

// ---- Drizzle schema files ----------------------------------------------------

constexpr std::string_view k_schema_ts = "import { pgTable, serial, text } from \"drizzle-orm/pg-core\";\n"
                                         "export const accounts = pgTable(\"accounts\", {\n  id: "
                                         "serial().primaryKey(),\n  displayName: text(),\n});\n";

TEST(Discovery, SchemaFilesFromTheConfigsGlob) {
  TempTree tree;
  tree.write("drizzle.config.ts",
             "export default { dialect: 'postgresql', schema: './src/db/schema/*.ts' };");
  tree.write("src/db/schema/accounts.ts", k_schema_ts);
  tree.write("src/db/schema/posts.ts", "export {};\n");
  tree.write("src/db/schema.ts", k_schema_ts); // not named by the config
  const SchemaSources sources = discover_ok({tree.root()});
  ASSERT_EQ(sources.schema_ts.size(), 2U);
  EXPECT_EQ(sources.schema_ts[0].filename(), "accounts.ts");
  EXPECT_EQ(sources.schema_ts[1].filename(), "posts.ts");
  EXPECT_TRUE(any_note(sources.notes, "(the `schema` of"));
}

TEST(Discovery, ConventionalSchemaOnlyForDrizzleProjects) {
  TempTree drizzle;
  drizzle.write("package.json", R"({"dependencies":{"drizzle-orm":"^0.45.0"}})");
  drizzle.write("src/db/schema.ts", k_schema_ts);
  const SchemaSources found = discover_ok({drizzle.root()});
  ASSERT_EQ(found.schema_ts.size(), 1U);
  EXPECT_TRUE(same_path(found.schema_ts.front(), drizzle.root() / "src/db/schema.ts"));

  TempTree other;
  other.write("package.json", R"({"dependencies":{"prisma":"^5.0.0"}})");
  other.write("src/db/schema.ts", k_schema_ts);
  EXPECT_TRUE(discover_ok({other.root()}).schema_ts.empty());
}

TEST(LoadSchema, PushOnlyProjectLoadsItsSchemaTs) {
  TempTree tree;
  tree.write("package.json", R"({"dependencies":{"drizzle-orm":"^0.45.0"}})");
  tree.write("drizzle.config.ts", "export default { dialect: 'postgresql', schema: './src/db/schema.ts', "
                                  "casing: 'snake_case' };");
  tree.write("src/db/schema.ts", k_schema_ts);
  const SchemaLoad load = load_schema(discover_ok({tree.root()}));
  EXPECT_EQ(load.catalog.source, model::SchemaSource::drizzle_schema);
  const model::Table* accounts = load.catalog.find_table("public", "accounts");
  ASSERT_NE(accounts, nullptr);
  ASSERT_NE(accounts->find_column("display_name"), nullptr); // casing from the config
  EXPECT_EQ(accounts->location.line, 2);
  EXPECT_NE(accounts->location.file.find("src/db/schema.ts"), std::string::npos);
  EXPECT_TRUE(load.other_schemas.empty());
  EXPECT_TRUE(any_note(load.notes, "schema source: Drizzle schema"));
}

// SQL replay > snapshot > schema.ts for the catalog; the others are still
// read: schema.ts for property names, both for snapshot-drift.
TEST(LoadSchema, SqlWinsButSnapshotAndSchemaTsAreStillRead) {
  const SchemaLoad load = load_schema(discover_ok({fixture("drizzle-app")}));
  EXPECT_EQ(load.catalog.source, model::SchemaSource::sql_replay);
  ASSERT_EQ(load.other_schemas.size(), 2U);
  EXPECT_EQ(load.other_schemas[0].source, model::SchemaSource::drizzle_snapshot);
  EXPECT_EQ(load.other_schemas[1].source, model::SchemaSource::drizzle_schema);
  const model::Table* posts = load.catalog.find_table("public", "posts");
  ASSERT_NE(posts, nullptr);
  EXPECT_EQ(posts->property, "posts");
  EXPECT_EQ(posts->drizzle_location.line,
            test::line_of(fixture("drizzle-app/src/db/schema.ts"), "export const posts"));
  ASSERT_NE(posts->find_column("author_id"), nullptr);
  EXPECT_EQ(posts->find_column("author_id")->property(), "authorId");
  EXPECT_EQ(posts->drizzle_config_param, "t"); // (t) => [index(...).on(t.orgId), ...]
  // Locations stay in the SQL.
  EXPECT_NE(posts->location.file.find("drizzle/0000_"), std::string::npos);
}

TEST(LoadSchema, SnapshotWinsOverSchemaTs) {
  TempTree tree;
  tree.write("package.json", R"({"dependencies":{"drizzle-orm":"^0.45.0"}})");
  tree.copy(fixture("snapshots/v7/meta"), "drizzle/meta");
  tree.write("src/db/schema.ts", k_schema_ts);
  const SchemaLoad load = load_schema(discover_ok({tree.root()}));
  EXPECT_EQ(load.catalog.source, model::SchemaSource::drizzle_snapshot);
  ASSERT_EQ(load.other_schemas.size(), 1U);
  EXPECT_EQ(load.other_schemas[0].source, model::SchemaSource::drizzle_schema);
}

} // namespace discovery_test
} // namespace pgadvise::app

namespace pgadvise::app {
namespace discovery_test {

// A CI step that runs drizzle-kit with --config from the repository root
// (the project scanner's GitHub Actions reader) decides where `out`
// resolves, as a package script does.
TEST(Discovery, CiStepWithConfigResolvesOutFromWhereItRuns) {
  TempTree tree;
  tree.write("README.md", "a repository\n");
  tree.write("db/drizzle.config.ts",
             "export default { dialect: 'postgresql', out: './migrations', schema: './db/schema.ts' };\n");
  tree.write("migrations/0000_init.sql", k_migration);
  tree.write(".github/workflows/deploy.yml", "on: push\njobs:\n  migrate:\n    runs-on: ubuntu-latest\n"
                                             "    steps:\n      - run: npx drizzle-kit migrate --config "
                                             "db/drizzle.config.ts\n");
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "migrations"))
      << ::testing::PrintToString(sources.notes);
  EXPECT_TRUE(any_note(sources.notes, "runs drizzle-kit there with --config"))
      << ::testing::PrintToString(sources.notes);
  EXPECT_TRUE(sources.project.scanned); // lint reuses the scan
}

// A Dockerfile that runs `drizzle-kit generate --config ...` in its WORKDIR
// says where the config's `out` resolves, as a CI step or a package script
// does: generate is a run of drizzle-kit like push and migrate.
TEST(Discovery, DockerfileGenerateWithConfigResolvesOutFromWhereItRuns) {
  TempTree tree;
  tree.write("README.md", "a repository\n");
  tree.write(
      "server/db/drizzle.config.ts",
      "export default { dialect: 'postgresql', out: './drizzle', schema: './server/db/schema.ts' };\n");
  tree.write("drizzle/0000_init.sql", k_migration);
  tree.write("Dockerfile", "FROM node:20\nWORKDIR /app\nCOPY . .\n"
                           "RUN npx drizzle-kit generate --config server/db/drizzle.config.ts\n");
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_TRUE(same_path(sources.migrations_dir, tree.root() / "drizzle"))
      << ::testing::PrintToString(sources.notes);
  EXPECT_TRUE(any_note(sources.notes, "runs drizzle-kit there with --config"))
      << ::testing::PrintToString(sources.notes);
}

// A config of another dialect is skipped, and its `out` is never replayed.
TEST(Discovery, OtherDialectConfigIsSkippedWithANote) {
  TempTree tree;
  tree.write("drizzle.config.ts", "export default { dialect: 'mysql', out: './drizzle' };\n");
  tree.write("drizzle/0000_init.sql", "CREATE TABLE `t` (`id` serial);\n");
  const SchemaSources sources = discover_ok({tree.root()});
  EXPECT_FALSE(sources.migrations_dir.has_value());
  EXPECT_TRUE(any_note(sources.notes, "its dialect is mysql")) << ::testing::PrintToString(sources.notes);
}

// drizzle-orm pinned below 0.36 knows only the object form of the
// extra-config callback (the array form came in 0.36.0): a schema with no
// callback at all gets its first one so; from 0.36, and for a range that
// names no version, the array form stays.
TEST(LoadSchema, DrizzleOrmBefore036GivesASchemaWithoutCallbacksTheObjectForm) {
  for (const auto& [range, object_form] : std::vector<std::pair<std::string, bool>>{{"^0.33.0", true},
                                                                                    {"~0.35.2", true},
                                                                                    {"0.30.10", true},
                                                                                    {"^0.36.0", false},
                                                                                    {"^0.45.1", false},
                                                                                    {"1.0.0-rc.5", false},
                                                                                    {"latest", false}}) {
    TempTree tree;
    tree.write("package.json", R"({"dependencies":{"drizzle-orm":")" + range + R"("}})");
    tree.write("drizzle.config.ts",
               "export default { dialect: 'postgresql', schema: './src/db/schema.ts' };");
    tree.write("src/db/schema.ts", k_schema_ts);
    const SchemaLoad load = load_schema(discover_ok({tree.root()}));
    const model::Table* accounts = load.catalog.find_table("public", "accounts");
    ASSERT_NE(accounts, nullptr) << range;
    EXPECT_EQ(accounts->drizzle_config_object, object_form) << range;
  }
}

} // namespace discovery_test
} // namespace pgadvise::app
