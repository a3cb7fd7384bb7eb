// loaders::SchemaTsCache: the language server's kept schema.ts load is taken
// only while every file the load read (the entry and what it re-exports,
// an unsaved buffer included) reads as it did.
#include "core/file.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>

namespace pgadvise::loaders {
namespace schema_ts_cache_test {

constexpr std::string_view k_users = R"ts(import { pgTable, serial, text } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: serial("id").primaryKey(), email: text("email") });
)ts";
constexpr std::string_view k_posts = R"ts(import { pgTable, serial, integer } from "drizzle-orm/pg-core";
import { users } from "./users";
export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").references(() => users.id),
});
)ts";

std::vector<std::string> table_names(const SchemaLoad& load) {
  std::vector<std::string> out;
  for (const model::Table& table : load.catalog.tables) {
    out.push_back(table.name);
  }
  return out;
}

TEST(SchemaTsCache, KeepsTheLoadUntilAFileItReadChanges) {
  const test::TempTree tree;
  tree.write("package.json", R"({"name":"app"})");
  tree.write("db/users.ts", k_users);
  tree.write("db/posts.ts", k_posts);
  const auto schema = tree.write("db/schema.ts", "export * from \"./users\";\nexport * from \"./posts\";\n");
  ts::ModuleResolver resolver(ts::find_workspace(tree.root()));
  SchemaTsCache cache;

  const SchemaLoad first = cache.load({schema}, "", false, &resolver);
  EXPECT_FALSE(cache.reused());
  EXPECT_EQ(table_names(first), (std::vector<std::string>{"users", "posts"}));
  const SchemaLoad again = cache.load({schema}, "", false, &resolver);
  EXPECT_TRUE(cache.reused());
  EXPECT_EQ(table_names(again), table_names(first));
  ASSERT_EQ(again.catalog.tables.size(), 2U);
  EXPECT_EQ(again.catalog.tables[1].foreign_keys.size(), 1U);

  // Another casing is another load.
  (void)cache.load({schema}, "snake_case", false, &resolver);
  EXPECT_FALSE(cache.reused());
  (void)cache.load({schema}, "snake_case", false, &resolver);
  EXPECT_TRUE(cache.reused());

  // An unsaved edit of a file the entry re-exports, not of the entry.
  const auto posts = tree.root() / "db" / "posts.ts";
  core::set_file_overlay(posts, std::string(k_posts) +
                                    "export const tags = pgTable(\"tags\", { id: serial(\"id\") });\n");
  const SchemaLoad edited = cache.load({schema}, "snake_case", false, &resolver);
  core::clear_file_overlay(posts);
  EXPECT_FALSE(cache.reused());
  EXPECT_EQ(table_names(edited), (std::vector<std::string>{"users", "posts", "tags"}));

  // The buffer closed: the file on disk again, read anew.
  const SchemaLoad closed = cache.load({schema}, "snake_case", false, &resolver);
  EXPECT_FALSE(cache.reused());
  EXPECT_EQ(table_names(closed), (std::vector<std::string>{"users", "posts"}));
  // It changed between the last two reads (it is being edited): no copy was
  // kept, so the same text is read once more, and kept from then on.
  const SchemaLoad settled = cache.load({schema}, "snake_case", false, &resolver);
  EXPECT_FALSE(cache.reused());
  EXPECT_EQ(table_names(settled), (std::vector<std::string>{"users", "posts"}));
  (void)cache.load({schema}, "snake_case", false, &resolver);
  EXPECT_TRUE(cache.reused());
}

} // namespace schema_ts_cache_test
} // namespace pgadvise::loaders
