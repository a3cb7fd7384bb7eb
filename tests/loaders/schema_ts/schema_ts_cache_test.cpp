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

// What the rules and the language server take from a load: each table's
// columns, keys and indexes where the file declares them, and the
// diagnostics and suppressions, one line per fact.
std::vector<std::string> facts(const SchemaLoad& load) {
  std::vector<std::string> out;
  for (const model::Table& table : load.catalog.tables) {
    out.push_back("table " + table.name + " " + std::string(table.property) + " at " +
                  table.location.to_string() + " / " + table.drizzle_location.to_string());
    for (const model::Column& column : table.columns) {
      out.push_back("  column " + std::string(column.name) + (column.not_null ? " not null" : "") + " at " +
                    column.location.to_string());
    }
    for (const model::ForeignKey& key : table.foreign_keys) {
      out.push_back("  foreign key " + key.name + " to " + std::string(key.ref_table) + " at " +
                    key.location.to_string());
    }
    for (const model::Index& index : table.indexes) {
      out.push_back("  index " + index.name + " at " + index.location.to_string());
    }
  }
  for (const core::Finding& diagnostic : load.diagnostics) {
    out.push_back("diagnostic " + diagnostic.message + " at " + diagnostic.location.to_string());
  }
  out.push_back("suppressions " + std::to_string(load.suppressions.size()));
  return out;
}

constexpr std::string_view k_schema =
    R"ts(import { pgTable, serial, text, integer, index } from "drizzle-orm/pg-core";

// Who signs in.
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
});

export const posts = pgTable(
  "posts",
  {
    id: serial("id").primaryKey(),
    authorId: integer("author_id").references(() => users.id),
    // pgadvise-ignore unindexed-foreign-key
    editorId: integer("editor_id").references(() => users.id),
  },
  (t) => [index("posts_author_idx").on(t.authorId)],
);

export const tags = pgTable("tags", { id: serial("id"), label: text("label").notNull() });
)ts";

std::string replaced(std::string text, std::string_view from, std::string_view to) {
  const std::size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

// The language server's keystrokes: each edit of the open schema.ts is read
// by reparsing the statements it touched, and the load must be the one a
// fresh read of the same text gives, every location after the edit moved.
TEST(SchemaTsCache, AnEditedSchemaLoadsAsAFreshReadOfItsText) {
  const test::TempTree tree;
  tree.write("package.json", R"({"name":"app"})");
  const auto schema = tree.write("db/schema.ts", k_schema);
  ts::ModuleResolver resolver(ts::find_workspace(tree.root()));
  SchemaTsCache cache;
  (void)cache.load({schema}, "", false, &resolver);
  EXPECT_EQ(cache.programs_kept(), 0U); // nothing is being edited yet

  std::string text(k_schema);
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"  email: text(\"email\").notNull(),\n",
       "  email: text(\"email\").notNull(),\n  name: text(\"name\"),\n"},
      {"// Who signs in.\n", ""},
      {"\"tags\"", "\"labels\""},
      {"export const tags",
       "export const drafts = pgTable(\"drafts\", { id: serial(\"id\") });\n\nexport const tags"},
      {"index } from", "index, uuid } from"},
      {"(t) => [index(\"posts_author_idx\").on(t.authorId)]",
       "(t) => [index(\"posts_author_idx\").on(t.authorId, t.id)]"},
      {"export const drafts = pgTable(\"drafts\", { id: serial(\"id\") });\n\n", ""},
  };
  for (const auto& [from, to] : edits) {
    text = replaced(text, from, to);
    core::set_file_overlay(schema, text);
    const SchemaLoad kept = cache.load({schema}, "", false, &resolver);
    const SchemaLoad fresh = load_drizzle_schema({schema}, "", false, &resolver);
    EXPECT_EQ(facts(kept), facts(fresh)) << "after replacing " << from;
    EXPECT_EQ(cache.programs_kept(), 1U); // for the next keystroke to reparse
  }
  // The same text read again: the edits stopped, the program is not kept.
  EXPECT_EQ(facts(cache.load({schema}, "", false, &resolver)),
            facts(load_drizzle_schema({schema}, "", false, &resolver)));
  EXPECT_EQ(cache.programs_kept(), 0U);
  EXPECT_FALSE(cache.reused());
  (void)cache.load({schema}, "", false, &resolver);
  EXPECT_TRUE(cache.reused());
  core::clear_file_overlay(schema);
  EXPECT_EQ(facts(cache.load({schema}, "", false, &resolver)),
            facts(load_drizzle_schema({schema}, "", false, &resolver)));
}

} // namespace schema_ts_cache_test
} // namespace pgadvise::loaders
