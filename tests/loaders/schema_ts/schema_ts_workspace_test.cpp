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

// tally-report-generator's shape: the columns every entity starts with live
// in another workspace package (`@t/base-schemas/schemas`, re-exported by a
// local `base.ts` barrel), some tables spread them whole and others without
// `name` (`const { name, ...BaseWithoutName } = BaseEntitySchema`). The rest
// pattern gave the table no spread columns at all: its primary key was lost,
// so `.references(() => PermissionSchema.id)` resolved to nothing (a false
// snapshot-drift), and fixes to a shared column pointed at each table's
// pgTable line instead of where the column is written.
TEST(DrizzleSchemaTsWorkspace, RestOfASharedObjectFromAnotherPackageGivesItsColumnsWithoutTheNamedKeys) {
  TempTree tree;
  tree.write("package.json", R"({ "name": "t", "private": true, "workspaces": ["packages/*"] })");
  tree.write("packages/base-schemas/package.json",
             R"({ "name": "@t/base-schemas", "exports": { "./schemas": "./src/schemas/index.ts" } })");
  tree.write("packages/base-schemas/src/schemas/index.ts",
             "import { timestamp, uuid, varchar } from 'drizzle-orm/pg-core';\n\n"
             "export const BaseEntitySchema = {\n"
             "  id: uuid('id').primaryKey().defaultRandom().notNull(),\n"
             "  name: varchar('name', { length: 200 }).notNull(),\n"
             "  createdAt: timestamp('createdAt', { precision: 3, mode: 'date' }).defaultNow().notNull(),\n"
             "};\n");
  tree.write("packages/app-schemas/package.json",
             R"({ "name": "@t/app-schemas", "dependencies": { "@t/base-schemas": "*" } })");
  tree.write("packages/app-schemas/src/schemas/base.ts", "export * from '@t/base-schemas/schemas';\n");
  tree.write("packages/app-schemas/src/schemas/roles.ts",
             "import { pgTable } from 'drizzle-orm/pg-core';\nimport { BaseEntitySchema } from './base';\n\n"
             "export const RoleSchema = pgTable('roles', {\n  ...BaseEntitySchema\n});\n");
  tree.write(
      "packages/app-schemas/src/schemas/permissions.ts",
      "import { pgTable, uuid } from 'drizzle-orm/pg-core';\nimport { BaseEntitySchema } from './base';\n"
      "import { RoleSchema } from './roles';\n\n"
      "const { name, ...BaseEntitySchemaWithoutName } = BaseEntitySchema;\n\n"
      "export const PermissionSchema = pgTable('permissions', {\n"
      "  ...BaseEntitySchemaWithoutName,\n"
      "  role_id: uuid('role_id').notNull().references(() => RoleSchema.id),\n"
      "});\n");
  tree.write("packages/app-schemas/src/schemas/grants.ts",
             "import { pgTable, uuid } from 'drizzle-orm/pg-core';\n"
             "import { PermissionSchema } from './permissions';\n\n"
             "export const GrantSchema = pgTable('grants', {\n"
             "  permission_id: uuid('permission_id').references(() => PermissionSchema.id),\n"
             "});\n");
  const fs::path entry = tree.write("packages/app-schemas/src/schemas/index.ts",
                                    "export * from './base';\nexport * from './roles';\n"
                                    "export * from './permissions';\nexport * from './grants';\n");
  const pgadvise::loaders::SchemaLoad load = pgadvise::loaders::load_drizzle_schema({entry}, "");
  for (const pgadvise::core::Finding& diagnostic : load.diagnostics) {
    ADD_FAILURE() << diagnostic.message;
  }
  const pgadvise::model::Table* permissions = load.catalog.find_table("public", "permissions");
  ASSERT_NE(permissions, nullptr);
  EXPECT_FALSE(permissions->columns_unread);
  EXPECT_EQ(permissions->find_column("name"), nullptr); // left out by the rest pattern
  ASSERT_NE(permissions->find_column("id"), nullptr);
  ASSERT_NE(permissions->primary_key(), nullptr);
  EXPECT_NE(permissions->find_column("createdAt"), nullptr);
  EXPECT_NE(load.catalog.find_table("public", "roles")->find_column("name"), nullptr); // spread whole
  const pgadvise::model::Table* grants = load.catalog.find_table("public", "grants");
  ASSERT_EQ(grants->foreign_keys.size(), 1U);
  EXPECT_EQ(grants->foreign_keys[0].ref_table, "permissions");

  // Where the shared columns are written, and the object holding them.
  const pgadvise::model::DrizzleSharedColumn* shared =
      permissions->find_column("createdAt")->drizzle_shared();
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->object, "BaseEntitySchema");
  EXPECT_NE(shared->location.file.str().find("packages/base-schemas/src/schemas/index.ts"), std::string::npos)
      << shared->location.file.str();
  EXPECT_EQ(shared->location.line, 6);
  EXPECT_EQ(permissions->find_column("role_id")->drizzle_shared(), nullptr); // the table's own
  EXPECT_NE(permissions->drizzle_location.file.str().find("permissions.ts"), std::string::npos);
}

// Without any extra-config callback in its own file, a table takes the
// form of the schema's other files: a new index of users.ts goes in the
// object form permissionAction.ts writes (drizzle-orm 0.33 knows no other).
TEST(DrizzleSchemaTsWorkspace, ATableInAFileWithoutCallbacksFollowsTheOtherFilesForm) {
  TempTree tree;
  tree.write("src/schemas/users.ts",
             "import { pgTable, uuid } from 'drizzle-orm/pg-core';\n"
             "export const users = pgTable('users', {\n  id: uuid('id').primaryKey(),\n"
             "  role_id: uuid('role_id'),\n});\n");
  tree.write("src/schemas/grants.ts",
             "import { index, pgTable, uuid } from 'drizzle-orm/pg-core';\n"
             "export const grants = pgTable('grants', {\n  user_id: uuid('user_id'),\n  action_id: "
             "uuid('action_id'),\n"
             "}, (table) => ({\n  userIdIdx: index('grants_user_id_idx').on(table.user_id),\n}));\n");
  const fs::path entry =
      tree.write("src/schemas/index.ts", "export * from './users';\nexport * from './grants';\n");
  const pgadvise::loaders::SchemaLoad load = pgadvise::loaders::load_drizzle_schema({entry}, "");
  ASSERT_NE(load.catalog.find_table("public", "users"), nullptr);
  EXPECT_TRUE(load.catalog.find_table("public", "users")->drizzle_config_object);
}

} // namespace schema_ts_workspace_test
