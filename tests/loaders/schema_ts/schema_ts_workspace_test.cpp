#include "loaders/schema_ts/schema_ts.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace schema_ts_workspace_test {

namespace fs = std::filesystem;
using pgadvise::test::TempTree;

// The shape of issue 30's first report: the config's `schema` is an index.ts
// that re-exports a workspace package's subpath, whose barrel re-exports
// one file per domain, one of them through a tsconfig alias.
TEST(DrizzleSchemaTsWorkspace, TablesBehindAWorkspacePackageAreReadWhereTheyAreDeclared) {
  TempTree tree;
  tree.write("pnpm-workspace.yaml", "packages:\n  - apps/*/*\n  - packages/*\n");
  tree.write("packages/server/package.json",
             R"({ "name": "@x/server", "exports": { "./db/schema": "./src/db/schema/index.ts" } })");
  tree.write("packages/server/tsconfig.json", "{\n  // aliases\n  \"compilerOptions\": { \"paths\": { "
                                              "\"#schema/*\": [\"./src/db/schema/*\"], }, },\n}\n");
  tree.write("packages/server/src/db/schema/index.ts",
             "export * from \"./users\";\nexport * from \"#schema/domain\";\n");
  tree.write("packages/server/src/db/schema/users.ts",
             "import { pgTable, uuid } from \"drizzle-orm/pg-core\";\n\n"
             "export const users = pgTable(\"users\", {\n  id: uuid().primaryKey(),\n});\n");
  tree.write(
      "packages/server/src/db/schema/domain.ts",
      "import { pgTable, uuid } from \"drizzle-orm/pg-core\";\nimport { users } from \"./users\";\n\n"
      "// domains belong to a user\nexport const domain = pgTable(\"domain\", {\n  id: uuid().primaryKey(),\n"
      "  userId: uuid().references(() => users.id),\n});\n");
  const fs::path entry =
      tree.write("apps/x/server/db/schema/index.ts", "export * from \"@x/server/db/schema\";\n");
  const pgadvise::loaders::SchemaLoad load = pgadvise::loaders::load_drizzle_schema({entry}, "snake_case");
  const pgadvise::model::Table* domain = load.catalog.find_table("public", "domain");
  ASSERT_NE(domain, nullptr);
  EXPECT_NE(domain->drizzle_location.file.str().find("packages/server/src/db/schema/domain.ts"),
            std::string::npos)
      << domain->drizzle_location.file.str();
  EXPECT_EQ(domain->drizzle_location.line, 5);
  ASSERT_EQ(domain->foreign_keys.size(), 1U);
  EXPECT_EQ(domain->foreign_keys[0].ref_table, "users");
  EXPECT_NE(load.catalog.find_table("public", "users"), nullptr);
}

// drizzle-kit takes what the schema entries export: `export { a as b }`
// from a file does not bring the file's other tables.
TEST(DrizzleSchemaTsWorkspace, OnlyWhatTheEntriesReExportIsTheSchema) {
  TempTree tree;
  tree.write("db/tables.ts", "import { pgTable, uuid } from \"drizzle-orm/pg-core\";\n"
                             "export const posts = pgTable(\"posts\", { id: uuid().primaryKey() });\n"
                             "export const drafts = pgTable(\"drafts\", { id: uuid().primaryKey() });\n");
  const fs::path entry = tree.write("db/schema.ts", "export { posts as articles } from \"./tables\";\n");
  const pgadvise::loaders::SchemaLoad load = pgadvise::loaders::load_drizzle_schema({entry}, "");
  EXPECT_NE(load.catalog.find_table("public", "posts"), nullptr);
  EXPECT_EQ(load.catalog.find_table("public", "drafts"), nullptr);
  const bool said = std::any_of(load.notes.begin(), load.notes.end(), [](const std::string& note) {
    return note.find("`drafts` is not exported by the drizzle.config `schema` files") != std::string::npos;
  });
  EXPECT_TRUE(said);
}

} // namespace schema_ts_workspace_test
