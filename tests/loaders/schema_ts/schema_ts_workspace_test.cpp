#include "loaders/schema_ts/schema_ts.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <tuple>

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

// One entity.ts per domain, each table its file's default export and
// imported by default through a tsconfig alias or a relative path (a
// boilerplate's src/domain/<x>/entity.ts layout, drizzle.config schema
// "./src/domain/**/entity.ts"): `.references(() => identity.id)` leads to
// the table. It was 'could not resolve', the foreign key was lost and
// lint reported it as drift from the SQL migrations.
TEST(DrizzleSchemaTsWorkspace, ATableImportedByDefaultIsReferenced) {
  TempTree tree;
  tree.write("tsconfig.json", R"({ "compilerOptions": { "paths": { "@domain/*": ["src/domain/*"] } } })");
  const fs::path identity = tree.write("src/domain/identity/entity.ts",
                                       "import { pgTable, uuid } from \"drizzle-orm/pg-core\";\n\n"
                                       "const identity = pgTable(\"identity\", { id: "
                                       "uuid(\"id\").primaryKey() });\n\nexport default identity;\n");
  const fs::path projects =
      tree.write("src/domain/projects/entity.ts",
                 "import identity from \"@domain/identity/entity\";\nimport { pgTable, uuid } from "
                 "\"drizzle-orm/pg-core\";\n\n"
                 "const columns = {\n\townerId: uuid(\"ownerId\")\n\t\t.references(() => "
                 "identity.id)\n\t\t.notNull(),\n};\n\n"
                 "const projects = pgTable(\"projects\", { id: uuid(\"id\").primaryKey(), ...columns });\n\n"
                 "export default projects;\n");
  const fs::path tasks = tree.write(
      "src/domain/tasks/entity.ts",
      "import projects from \"../projects/entity\";\nimport { pgTable, uuid } from "
      "\"drizzle-orm/pg-core\";\n\n"
      "const tasks = pgTable(\"tasks\", {\n\tid: uuid(\"id\").primaryKey(),\n"
      "\tprojectId: uuid(\"projectId\").references(() => projects.id),\n});\n\nexport default tasks;\n");
  const pgadvise::loaders::SchemaLoad load =
      pgadvise::loaders::load_drizzle_schema({identity, projects, tasks}, "");
  EXPECT_EQ(load.unresolved_constructs, 0U);
  for (const auto& [table, column, target] :
       {std::tuple{"projects", "ownerId", "identity"}, std::tuple{"tasks", "projectId", "projects"}}) {
    const pgadvise::model::Table* found = load.catalog.find_table("public", table);
    ASSERT_NE(found, nullptr) << table;
    ASSERT_EQ(found->foreign_keys.size(), 1U) << table;
    EXPECT_EQ(found->foreign_keys[0].columns, std::vector<std::string>{column});
    EXPECT_EQ(found->foreign_keys[0].ref_table, target);
  }
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

// Custom types and shared columns live in files the schema imports but
// does not re-export (`utils.ts`, `lib/columns.ts`): drizzle-kit runs those
// imports, so their columns are the schema's; their own tables and enums
// are not schema objects unless re-exported.
TEST(DrizzleSchemaTsWorkspace, CustomTypesAndColumnsFromImportedHelpersAreRead) {
  TempTree tree;
  tree.write("src/lib/columns.ts",
             "import { timestamp } from \"drizzle-orm/pg-core\";\n"
             "export const stamps = {\n  createdAt: timestamp(\"created_at\").defaultNow(),\n};\n");
  tree.write(
      "src/db/schema/utils.ts",
      "import { customType, pgEnum, pgTable, text } from \"drizzle-orm/pg-core\";\n"
      "import { seal } from \"../../lib/crypto\";\n"
      "export const sealed = customType<{ data: string }>({\n  dataType() {\n    return \"bytea\";\n  },\n"
      "  toDriver: (value) => seal(value),\n});\n"
      "export const scratchState = pgEnum(\"scratch_state\", [\"a\", \"b\"]);\n"
      "export const scratch = pgTable(\"scratch\", { id: text().primaryKey() });\n");
  tree.write("src/db/schema/vault.ts",
             "import { pgTable, text } from \"drizzle-orm/pg-core\";\nimport { stamps } from "
             "\"../../lib/columns\";\n"
             "import { sealed } from \"./utils\";\n"
             "export const vaultItems = pgTable(\"vault_items\", {\n  id: text(\"id\").primaryKey(),\n"
             "  secret: sealed(\"secret\").notNull(),\n  ...stamps,\n});\n");
  const fs::path entry = tree.write("src/db/schema/index.ts", "export * from \"./vault\";\n");
  const pgadvise::loaders::SchemaLoad load = pgadvise::loaders::load_drizzle_schema({entry}, "");
  const pgadvise::model::Table* vault = load.catalog.find_table("public", "vault_items");
  ASSERT_NE(vault, nullptr);
  ASSERT_NE(vault->find_column("secret"), nullptr);
  EXPECT_EQ(vault->find_column("secret")->type.name, "bytea");
  EXPECT_TRUE(vault->find_column("secret")->not_null);
  EXPECT_NE(vault->find_column("created_at"), nullptr);
  EXPECT_EQ(load.catalog.find_table("public", "scratch"), nullptr);
  EXPECT_TRUE(load.catalog.enums.empty());
  for (const pgadvise::core::Finding& diagnostic : load.diagnostics) {
    ADD_FAILURE() << diagnostic.message;
  }
  EXPECT_EQ(load.catalog.source_description.find("utils.ts"), std::string::npos);
}

} // namespace schema_ts_workspace_test
