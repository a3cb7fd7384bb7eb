// Discovery and loading on layouts met in real repositories: a baseline
// journal entry without SQL, migrations the journal does not list, configs
// in subfolders and several databases in one tree.
#include "advisor/drizzle_render.hpp"
#include "app/inputs/discovery.hpp"
#include "loaders/schema_load.hpp"
#include "support/drizzle_files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>

namespace pgadvise::app {
namespace discovery_real_repos_test {

namespace fs = std::filesystem;
using test::TempTree;

const fs::path k_history = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-history";

bool any_note(const std::vector<std::string>& notes, std::string_view text) {
  return std::any_of(notes.begin(), notes.end(),
                     [&](const std::string& note) { return note.find(text) != std::string::npos; });
}

std::size_t count_rule(const loaders::SchemaLoad& load, std::string_view rule) {
  return static_cast<std::size_t>(std::count_if(load.diagnostics.begin(), load.diagnostics.end(),
                                                [&](const core::Finding& f) { return f.rule == rule; }));
}

// Real drizzle-kit output whose first migration's SQL is gone (as after
// drizzle-kit pull, or with *.sql kept out of git), plus a hand-written file
// the journal does not list.
TEST(DiscoveryRealRepos, BaselineWithoutSqlStartsFromItsSnapshotAndSaysSoOnce) {
  auto sources = discover({k_history / "baseline"});
  ASSERT_TRUE(sources.ok());
  const loaders::SchemaLoad load = load_schema(*sources);
  // Every ALTER of the later migrations finds its table: two warnings, the
  // baseline's and the unjournaled custom_cleanup.sql's.
  EXPECT_EQ(count_rule(load, loaders::k_replay_warning), 2U);
  const auto baseline =
      std::find_if(load.diagnostics.begin(), load.diagnostics.end(), [](const core::Finding& f) {
        return f.rule == loaders::k_replay_warning && f.message.find("snapshot") != std::string::npos;
      });
  ASSERT_NE(baseline, load.diagnostics.end());
  EXPECT_NE(baseline->message.find("has no SQL file; the replay starts from its snapshot"),
            std::string::npos);
  EXPECT_NE(baseline->location.file.find("_journal.json"), std::string::npos);
  EXPECT_EQ(load.catalog.source, model::SchemaSource::sql_replay);
  EXPECT_NE(load.catalog.find_table("public", "organization_membership_records_3"), nullptr);
  // custom_cleanup.sql drops users, but drizzle-kit migrate never runs it.
  EXPECT_NE(load.catalog.find_table("public", "users"), nullptr);
  EXPECT_TRUE(any_note(load.notes, "custom_cleanup.sql is not in meta/_journal.json, so drizzle-kit migrate "
                                   "never applies it"));
}

// A real app's shape (fixtures/real-shapes/unjournaled-sql): drizzle-kit
// migrations in the journal, then hand-written RLS and index files in the
// same folder that the journal does not list. drizzle-kit migrate never
// applies them: each is a located replay-warning (not only a -v note), and
// nothing in them reaches the catalog.
TEST(DiscoveryRealRepos, SqlFilesTheJournalDoesNotListAreLocatedWarnings) {
  auto sources = discover({fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "unjournaled-sql"});
  ASSERT_TRUE(sources.ok());
  const loaders::SchemaLoad load = load_schema(*sources);
  std::vector<std::string> files;
  for (const core::Finding& f : load.diagnostics) {
    if (f.rule == loaders::k_replay_warning &&
        f.message.find("is not in meta/_journal.json") != std::string::npos) {
      files.push_back(fs::path(f.location.file.str()).filename().string());
      EXPECT_EQ(f.severity, core::Severity::medium);
      EXPECT_NE(f.message.find("drizzle-kit migrate never applies it"), std::string::npos);
    }
  }
  std::sort(files.begin(), files.end());
  EXPECT_EQ(files, (std::vector<std::string>{"0001_crew_rls.sql", "0002_crew_email_unique.sql"}));
  const model::Table* crew = load.catalog.find_table("public", "crew_members");
  ASSERT_NE(crew, nullptr);
  EXPECT_EQ(crew->find_index("crew_members_fleet_email_live_idx"), nullptr);
  EXPECT_NE(crew->find_index("crew_members_fleet_id_idx"), nullptr);
}

// The same shape with five hand-written files beside the journal
// (fixtures/real-shapes/unjournaled-many: RLS, a partial unique index, a
// backfill, a trigger, grants): one replay-warning says how many and names
// them, every file stays as located evidence, and none of them is replayed.
TEST(DiscoveryRealRepos, ManySqlFilesTheJournalDoesNotListAreOneWarning) {
  auto sources = discover({fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "unjournaled-many"});
  ASSERT_TRUE(sources.ok());
  const loaders::SchemaLoad load = load_schema(*sources);
  std::vector<const core::Finding*> warnings;
  for (const core::Finding& f : load.diagnostics) {
    if (f.rule == loaders::k_replay_warning && f.message.find("meta/_journal.json") != std::string::npos) {
      warnings.push_back(&f);
    }
  }
  ASSERT_EQ(warnings.size(), 1U);
  const core::Finding& warning = *warnings.front();
  EXPECT_EQ(warning.severity, core::Severity::medium);
  EXPECT_EQ(warning.message.rfind("5 SQL files in ", 0), 0U) << warning.message;
  EXPECT_NE(
      warning.message.find("(0001_crew_rls.sql, 0002_crew_email_unique.sql, 0003_backfill_crew_names.sql "
                           "and 2 more)"),
      std::string::npos)
      << warning.message;
  EXPECT_EQ(fs::path(warning.location.file.str()).filename(), "0001_crew_rls.sql");
  std::vector<std::string> files;
  for (const core::Evidence& evidence : warning.evidence) {
    files.push_back(fs::path(evidence.location.file.str()).filename().string());
  }
  EXPECT_EQ(files, (std::vector<std::string>{"0001_crew_rls.sql", "0002_crew_email_unique.sql",
                                             "0003_backfill_crew_names.sql", "0004_crew_touch_trigger.sql",
                                             "0005_reporting_grants.sql"}));
  const model::Table* crew = load.catalog.find_table("public", "crew_members");
  ASSERT_NE(crew, nullptr);
  EXPECT_EQ(crew->find_column("updated_at"), nullptr);
  EXPECT_EQ(crew->find_index("crew_members_fleet_email_live_idx"), nullptr);
}

// A real monorepo's shape: packages/db/drizzle.config.ts says
// schema: './src/schema/index.ts' (a barrel re-exporting one file per table).
// The project is the whole repository, so the entries are kept from its root:
// a table no schema file declares gets its Drizzle line "in
// packages/db/src/schema/index.ts", not in a src/schema/index.ts at the root.
TEST(DiscoveryRealRepos, SchemaEntriesOfAConfigInPackagesDbAreFromTheRepositoryRoot) {
  TempTree tree;
  tree.write("package.json", "{ \"name\": \"exchange\", \"private\": true }\n");
  tree.write("packages/db/package.json",
             "{ \"name\": \"@exchange/db\", \"devDependencies\": { \"drizzle-kit\": \"^0.20.0\" } }\n");
  tree.write("packages/db/drizzle.config.ts",
             "export default { schema: './src/schema/index.ts', out: './drizzle', driver: 'pg' };\n");
  tree.write("packages/db/src/schema/index.ts", "export { quotes } from './quotes';\n");
  tree.write("packages/db/src/schema/quotes.ts",
             "import { pgTable, uuid } from 'drizzle-orm/pg-core';\n"
             "export const quotes = pgTable('quotes', { id: uuid('id').primaryKey() });\n");
  auto sources = discover({tree.root()});
  ASSERT_TRUE(sources.ok());
  EXPECT_EQ(sources->project.drizzle_schema_paths,
            std::vector<std::string>{"packages/db/src/schema/index.ts"});
  EXPECT_EQ(sources->project.drizzle_out, "packages/db/drizzle");
  model::Table undeclared;
  undeclared.name = "fills"; // in the SQL only: no schema file declares it
  const std::string file = advisor::drizzle_file_for(undeclared, sources->project);
  EXPECT_NE(file.find("packages/db/src/schema/index.ts"), std::string::npos) << file;
}

TEST(DiscoveryRealRepos, ConfigInASubfolderKeepsTheWholeTreeAsTheProject) {
  TempTree tree;
  tree.write("server/drizzle.config.ts",
             "export default { dialect: 'postgresql', schema: './src/db/postgres/schema.ts' };\n");
  tree.write("server/src/db/postgres/schema.ts",
             "import { pgTable, serial } from 'drizzle-orm/pg-core';\n"
             "export const users = pgTable('users', { id: serial('id').primaryKey() });\n");
  tree.write("server/Dockerfile", "FROM node:20\n");
  auto sources = discover({tree.root()});
  ASSERT_TRUE(sources.ok());
  EXPECT_EQ(fs::weakly_canonical(sources->project.root), fs::weakly_canonical(tree.root()));
  EXPECT_TRUE(sources->project.uses_drizzle);
  ASSERT_EQ(sources->schema_ts.size(), 1U);
  EXPECT_EQ(sources->schema_ts[0].filename(), "schema.ts");
  EXPECT_FALSE(sources->migrations_dir.has_value());
  ASSERT_EQ(sources->databases.size(), 1U);
  EXPECT_TRUE(any_note(sources->notes, "push-only"));
}

TEST(DiscoveryRealRepos, EveryConfigIsADatabaseSkippingDependencies) {
  TempTree tree;
  tree.write("package.json", "{\"workspaces\":[\"packages/*\"]}\n");
  tree.write("packages/db/drizzle.config.ts", "export default { dialect: 'postgresql' };\n");
  tree.write("packages/auth/drizzle.config.ts", "export default { dialect: 'postgresql' };\n");
  tree.write("node_modules/some-lib/drizzle.config.ts", "export default { dialect: 'postgresql' };\n");
  tree.write("apps/web/.next/drizzle.config.js", "module.exports = {};\n");
  auto sources = discover({tree.root()});
  ASSERT_TRUE(sources.ok());
  ASSERT_EQ(sources->databases.size(), 2U);
  EXPECT_EQ(sources->databases[0].parent_path().filename(), "auth");
  EXPECT_EQ(sources->databases[1].parent_path().filename(), "db");
  EXPECT_TRUE(any_note(sources->notes, "another database"));
}

TEST(DiscoveryRealRepos, LooksLikeAProject) {
  TempTree tree;
  EXPECT_FALSE(looks_like_project(tree.root()));
  tree.write("examples/app/drizzle.config.ts", "export default {};\n"); // deep inside: not this folder
  EXPECT_FALSE(looks_like_project(tree.root()));
  tree.write("drizzle/0000_init.sql", "CREATE TABLE t (id int);\n");
  EXPECT_TRUE(looks_like_project(tree.root()));
}

} // namespace discovery_real_repos_test
} // namespace pgadvise::app
