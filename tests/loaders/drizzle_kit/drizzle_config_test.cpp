#include "loaders/drizzle_kit/config.hpp"
#include "support/drizzle_files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>

namespace pgadvise::loaders {
namespace {

bool unresolved(const DrizzleConfig& config, const std::string& key) {
  return std::find(config.unresolved.begin(), config.unresolved.end(), key) != config.unresolved.end();
}

TEST(DrizzleConfig, ReadsTheFixtureAppConfig) {
  auto config = read_drizzle_config(test::fixture("drizzle-app/drizzle.config.ts"));
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->out, "./drizzle");
  EXPECT_EQ(drizzle_out_dir(*config), "drizzle");
  EXPECT_EQ(config->schema, std::vector<std::string>{"./src/db/schema.ts"});
  EXPECT_EQ(config->dialect, "postgresql");
  EXPECT_EQ(config->casing, "snake_case");
  EXPECT_EQ(config->migrations_table, "__drizzle_migrations");
  EXPECT_EQ(config->migrations_schema, "drizzle");
  // dbCredentials.url is process.env.DATABASE_URL!, which pgadvise does not need.
  EXPECT_TRUE(config->unresolved.empty());
}

TEST(DrizzleConfig, BothQuoteStylesAndCommentsAreHandled) {
  const DrizzleConfig config = scan_drizzle_config(R"(
import type { Config } from 'drizzle-kit';
// out: "./commented-out",
/* schema: "./nope.ts", */
export default {
  schema: './src/schema/*.ts', // trailing comment with out: "x"
  "out": './db/sql/',
  dialect: `postgresql`,
  casing: "camelCase" as const,
} satisfies Config;
)");
  EXPECT_EQ(config.out, "./db/sql/");
  EXPECT_EQ(drizzle_out_dir(config), "db/sql");
  EXPECT_EQ(config.schema, std::vector<std::string>{"./src/schema/*.ts"});
  EXPECT_EQ(config.dialect, "postgresql");
  EXPECT_EQ(config.casing, "camelCase");
}

TEST(DrizzleConfig, NestedKeysDoNotShadowTopLevelOnes) {
  const DrizzleConfig config = scan_drizzle_config(R"(
module.exports = defineConfig({
  migrations: { table: "migrations_log", schema: "audit", prefix: "timestamp" },
  dbCredentials: { out: "./not-this", url: "postgres://x" },
  schema: ["./src/users.ts", "./src/posts.ts"],
});
)");
  EXPECT_TRUE(config.out.empty());
  EXPECT_EQ(drizzle_out_dir(config), "drizzle"); // drizzle-kit's default
  EXPECT_EQ(config.schema, (std::vector<std::string>{"./src/users.ts", "./src/posts.ts"}));
  EXPECT_EQ(config.migrations_table, "migrations_log");
  EXPECT_EQ(config.migrations_schema, "audit");
  EXPECT_EQ(config.migrations_prefix, "timestamp");
}

TEST(DrizzleConfig, ExpressionsAreReportedNotGuessed) {
  const DrizzleConfig config = scan_drizzle_config(R"(
const dir = process.env.MIGRATIONS ?? "./drizzle";
export default defineConfig({
  out: dir,
  schema: `${root}/schema.ts`,
  dialect: "postgresql",
});
)");
  EXPECT_TRUE(config.out.empty());
  EXPECT_TRUE(unresolved(config, "out"));
  EXPECT_TRUE(unresolved(config, "schema"));
  EXPECT_FALSE(unresolved(config, "dialect"));
  EXPECT_EQ(drizzle_out_dir(config), "drizzle");
}

// Paths built from the config's own folder, as apps write them so the
// config works from any working directory: relative to that folder. Was
// 'unresolved', and the project's schema.ts was not found: fix wrote a SQL
// migration that the next drizzle-kit generate would drop again.
TEST(DrizzleConfig, PathsJoinedToTheConfigsFolderAreRead) {
  const DrizzleConfig config = scan_drizzle_config(R"(
import path from "node:path";
import { join } from "node:path";
export default defineConfig({
  schema: path.join(__dirname, "src", "db/schema.ts"),
  out: join(process.cwd(), "./drizzle/"),
  dialect: "postgresql",
  migrations: { table: path.resolve(import.meta.dirname, "..", "x") },
});
)");
  EXPECT_EQ(config.schema, std::vector<std::string>{"./src/db/schema.ts"});
  EXPECT_EQ(drizzle_out_dir(config), "drizzle");
  EXPECT_EQ(config.migrations_table, "../x");
  EXPECT_TRUE(config.unresolved.empty());
  const DrizzleConfig other = scan_drizzle_config(
      R"(export default { schema: path.join(root, "schema.ts"), out: path.join(__dirname, dir) };)");
  EXPECT_TRUE(other.schema.empty());
  EXPECT_TRUE(unresolved(other, "schema"));
  EXPECT_TRUE(unresolved(other, "out"));
}

TEST(DrizzleConfig, JsonConfigAndGarbageNeverFail) {
  const DrizzleConfig json = scan_drizzle_config(R"({ "out": "migrations", "schema": "./schema.ts" })");
  EXPECT_EQ(json.out, "migrations");
  EXPECT_EQ(json.schema, std::vector<std::string>{"./schema.ts"});
  const DrizzleConfig garbage = scan_drizzle_config("export default { out: \"unterminated");
  EXPECT_TRUE(garbage.schema.empty()); // and it returned: no crash, no hang
  const DrizzleConfig unbalanced = scan_drizzle_config("}}]) out: 'x' {{ out: 'y'");
  EXPECT_EQ(unbalanced.out, "y");
}

TEST(DrizzleConfig, FindsConfigFilesInDrizzleKitsOrder) {
  test::TempTree tree;
  EXPECT_FALSE(find_drizzle_config(tree.root()).has_value());
  tree.write("drizzle.config.json", "{}");
  EXPECT_EQ(find_drizzle_config(tree.root()), tree.root() / "drizzle.config.json");
  tree.write("drizzle.config.mjs", "export default {}");
  EXPECT_EQ(find_drizzle_config(tree.root()), tree.root() / "drizzle.config.mjs");
  tree.write("drizzle.config.ts", "export default {}");
  EXPECT_EQ(find_drizzle_config(tree.root()), tree.root() / "drizzle.config.ts");
}

} // namespace
} // namespace pgadvise::loaders
