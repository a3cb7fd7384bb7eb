#include "advisor/drizzle_render.hpp"
#include "support/files.hpp"
#include "support/rule_runner.hpp"

#include <gtest/gtest.h>

namespace drizzle_commands_test {

namespace fs = std::filesystem;
using pgadvise::test::TempTree;

// A package that generates for three dialects (issue 30's fourth report):
// the PostgreSQL config's scripts, not the MySQL ones listed first.
TEST(DrizzleMigrationCommands, NameTheScriptsOfThePostgresConfigAmongThreeDialects) {
  TempTree tree;
  tree.write("pnpm-workspace.yaml", "packages:\n  - packages/*\n");
  tree.write("package.json", R"({ "name": "root", "private": true, "packageManager": "pnpm@9.12.0" })");
  tree.write("packages/db/package.json", R"({
  "name": "@acme/db",
  "scripts": {
    "migration:mysql:generate": "drizzle-kit generate --config ./configs/mysql.config.ts",
    "migration:mysql:run": "drizzle-kit migrate --config ./configs/mysql.config.ts",
    "migration:sqlite:generate": "drizzle-kit generate --config=./configs/sqlite.config.ts",
    "migration:sqlite:run": "drizzle-kit migrate --config=./configs/sqlite.config.ts",
    "migration:postgresql:generate": "drizzle-kit generate --config ./configs/postgresql.config.ts",
    "migration:postgresql:run": "drizzle-kit migrate --config ./configs/postgresql.config.ts"
  }
})");
  for (const char* dialect : {"mysql", "sqlite", "postgresql"}) {
    tree.write(std::string("packages/db/configs/") + dialect + ".config.ts", "export default {};\n");
  }
  pgadvise::model::Project project = pgadvise::test::scanned_project(tree.root());
  project.drizzle_config = tree.root() / "packages/db/configs/postgresql.config.ts";
  EXPECT_EQ(pgadvise::advisor::drizzle_migration_commands(project),
            "cd packages/db && pnpm migration:postgresql:generate && pnpm migration:postgresql:run");
}

// A config deep inside an app (apps/x/server/db/drizzle.config.ts) whose
// package scripts name it with --config; a wrapper in front of drizzle-kit.
TEST(DrizzleMigrationCommands, FindTheScriptsInThePackageAboveANestedConfig) {
  TempTree tree;
  tree.write("package.json", R"({ "name": "root", "private": true, "workspaces": ["apps/*"] })");
  tree.write("apps/x/package.json", R"({
  "name": "x",
  "scripts": {
    "db:generate": "pnpm with-env drizzle-kit generate --config server/db/drizzle.config.ts",
    "db:migrate": "dotenv -e ../../.env -- drizzle-kit migrate --config=server/db/drizzle.config.ts",
    "db:generate:other": "drizzle-kit generate --config other/drizzle.config.ts"
  }
})");
  tree.write("apps/x/server/db/drizzle.config.ts", "export default {};\n");
  pgadvise::model::Project project = pgadvise::test::scanned_project(tree.root());
  project.drizzle_config = tree.root() / "apps/x/server/db/drizzle.config.ts";
  EXPECT_EQ(pgadvise::advisor::drizzle_migration_commands(project),
            "cd apps/x && npm run db:generate && npm run db:migrate");
}

// An app that migrates with its own program (Dokploy's apps/dokploy:
// "migration:run": tsx -r dotenv/config migration.ts, which calls
// drizzle-orm's migrate()): the commands name that script, not a
// drizzle-kit migrate the project never runs. Scripts that generate, drop
// or inspect migrations are not taken for it.
TEST(DrizzleMigrationCommands, NameTheScriptThatRunsTheAppsOwnMigrator) {
  TempTree tree;
  tree.write("pnpm-workspace.yaml", "packages:\n  - apps/*\n");
  tree.write("package.json", R"({ "name": "root", "private": true, "packageManager": "pnpm@9.12.0" })");
  tree.write("apps/panel/package.json", R"({
  "name": "panel",
  "scripts": {
    "migration:generate": "drizzle-kit generate --config ./server/db/drizzle.config.ts",
    "migration:drop": "tsx scripts/drop-migration.ts",
    "migration:check": "tsx scripts/check-migrations.ts",
    "migration:run": "tsx -r dotenv/config migration.ts",
    "db:studio": "drizzle-kit studio --config ./server/db/drizzle.config.ts"
  }
})");
  tree.write("apps/panel/server/db/drizzle.config.ts", "export default {};\n");
  tree.write("apps/panel/migration.ts", "import { migrate } from \"drizzle-orm/postgres-js/migrator\";\n");
  pgadvise::model::Project project = pgadvise::test::scanned_project(tree.root());
  project.drizzle_config = tree.root() / "apps/panel/server/db/drizzle.config.ts";
  EXPECT_EQ(pgadvise::advisor::drizzle_migration_commands(project),
            "cd apps/panel && pnpm migration:generate && pnpm migration:run");
  // Without it: drizzle-kit migrate where the generate script runs.
  tree.write("apps/panel/package.json", R"({
  "name": "panel",
  "scripts": {
    "migration:generate": "drizzle-kit generate --config ./server/db/drizzle.config.ts",
    "migration:drop": "tsx scripts/drop-migration.ts"
  }
})");
  project = pgadvise::test::scanned_project(tree.root());
  project.drizzle_config = tree.root() / "apps/panel/server/db/drizzle.config.ts";
  EXPECT_EQ(pgadvise::advisor::drizzle_migration_commands(project),
            "cd apps/panel && pnpm migration:generate && pnpm exec drizzle-kit migrate --config "
            "server/db/drizzle.config.ts");
}

} // namespace drizzle_commands_test
