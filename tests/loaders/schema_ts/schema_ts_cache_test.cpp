// loaders::SchemaTsCache: the language server's kept schema.ts load is taken
// only while every file the load read (the entry and what it re-exports,
// an unsaved buffer included) reads as it did.
#include "core/file.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "support/files.hpp"
#include "support/schema_load_facts.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <random>
#include <sstream>

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

// A project of one schema.ts, read once through a cache: nothing is being
// edited yet.
struct OneSchema {
  explicit OneSchema(std::string_view text)
      : schema(write(tree, text)), resolver(ts::find_workspace(tree.root())) {
    (void)cache.load({schema}, "", false, &resolver);
  }
  static std::filesystem::path write(const test::TempTree& tree, std::string_view text) {
    tree.write("package.json", R"({"name":"app"})");
    return tree.write("db/schema.ts", text);
  }
  test::TempTree tree;
  std::filesystem::path schema;
  ts::ModuleResolver resolver;
  SchemaTsCache cache;
};

// The language server's keystrokes: each edit of the open schema.ts is read
// by reparsing the statements it touched, and the load must be the one a
// fresh read of the same text gives, every location after the edit moved.
TEST(SchemaTsCache, AnEditedSchemaLoadsAsAFreshReadOfItsText) {
  OneSchema project(k_schema);
  const std::filesystem::path& schema = project.schema;
  ts::ModuleResolver& resolver = project.resolver;
  SchemaTsCache& cache = project.cache;
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

// The first difference between two loads (test_support::load_difference),
// with the facts of a table that differs.
std::string difference(const SchemaLoad& kept, const SchemaLoad& fresh) {
  std::string out = test_support::load_difference(kept, fresh);
  const std::size_t tables = std::min(kept.catalog.tables.size(), fresh.catalog.tables.size());
  for (std::size_t t = 0; t < tables && out.rfind("table ", 0) == 0; ++t) {
    if (!(kept.catalog.tables[t] == fresh.catalog.tables[t])) {
      SchemaLoad one;
      one.catalog.tables.push_back(kept.catalog.tables[t]);
      SchemaLoad other;
      other.catalog.tables.push_back(fresh.catalog.tables[t]);
      const std::vector<std::string> x = facts(one);
      const std::vector<std::string> y = facts(other);
      for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) {
        if (x[i] != y[i]) {
          return out + ": " + x[i] + " != " + y[i];
        }
      }
      break;
    }
  }
  return out;
}

// While schema.ts is edited, a read takes from the read before the tables
// whose declarations the edit left alone, moved to their new lines, unless
// they name what it changed (`posts` names `users` in references: only a
// change of what those read, users.id, reads posts again); what it gives
// is what a fresh read of the text gives.
TEST(SchemaTsCache, AnEditReadsAgainOnlyTheTablesItTouchedAndThoseNamingThem) {
  OneSchema project(k_schema);
  const std::filesystem::path& schema = project.schema;
  ts::ModuleResolver& resolver = project.resolver;
  SchemaTsCache& cache = project.cache;

  std::string text(k_schema);
  struct Step {
    std::string from;
    std::string to;
    std::size_t kept; // tables the read takes from the one before
  };
  const std::vector<Step> steps = {
      // The first edit's read has no read to take from: it keeps its tables.
      {"import {", "import  {", 0},
      {"import  {", "import {", 3},
      // users is read; posts names users.id only in a reference, and users.id
      // is as it was: posts is kept, and tags, moved a line down.
      {"  email: text(\"email\").notNull(),\n",
       "  email: text(\"email\").notNull(),\n  name: text(\"name\"),\n", 2},
      // users.id's column is renamed: posts' references to it are read again.
      {"  id: serial(\"id\").primaryKey(),\n  email", "  id: serial(\"user_id\").primaryKey(),\n  email", 1},
      {"\"tags\"", "\"labels\"", 2},
      {"// pgadvise-ignore unindexed-foreign-key\n", "// pgadvise-ignore all\n", 2},
      {"export const tags", "// pgadvise-ignore all\nexport const tags", 2},
      {"(t) => [index(\"posts_author_idx\").on(t.authorId)]",
       "(t) => [index(\"posts_author_idx\").on(t.authorId, t.id)]", 2},
      {"// Who signs in.\n", "", 2},
      // The ignore comment before tags now comes before drafts: tags is read.
      {"export const tags",
       "export const drafts = pgTable(\"drafts\", { id: serial(\"id\") });\n\nexport const tags", 2},
      // What the file imports changed: every table is read.
      {"import { pgTable,", "import { pgTable as table, pgTable,", 0},
  };
  for (const Step& step : steps) {
    text = replaced(text, step.from, step.to);
    core::set_file_overlay(schema, text);
    const SchemaLoad kept = cache.load({schema}, "", false, &resolver);
    const SchemaLoad fresh = load_drizzle_schema({schema}, "", false, &resolver);
    EXPECT_EQ(difference(kept, fresh), "") << "after replacing " << step.from;
    EXPECT_EQ(cache.tables_kept(), step.kept) << "after replacing " << step.from;
  }
  core::clear_file_overlay(schema);
}

bool contains_table(const std::filesystem::path& file) {
  const core::Result<std::string> text = core::read_file(file);
  return text && text.value().find("pgTable") != std::string::npos;
}

// A table in another file names the edited one through an alias of its
// import: it is read again; the third table is kept.
TEST(SchemaTsCache, AnEditOfATableReadsAgainWhatNamesItFromAnotherFile) {
  const test::TempTree tree;
  tree.write("package.json", R"({"name":"app"})");
  std::string users(k_users);
  const auto users_file = tree.write("db/users.ts", users);
  tree.write("db/posts.ts",
             replaced(replaced(std::string(k_posts), "import { users }", "import { users as people }"),
                      "users.id", "people.id") +
                 "export const tags = pgTable(\"tags\", { id: serial(\"id\") });\n");
  const auto schema = tree.write("db/schema.ts", "export * from \"./users\";\nexport * from \"./posts\";\n");
  ts::ModuleResolver resolver(ts::find_workspace(tree.root()));
  SchemaTsCache cache;
  (void)cache.load({schema}, "", false, &resolver);
  const std::vector<std::pair<std::string, std::string>> edits = {
      {"email: text(\"email\")", "mail: text(\"mail\")"},
      {"mail: text(\"mail\")", "mail: text(\"mail\"), name: text(\"name\")"},
      {"id: serial(\"id\")", "id: serial(\"uid\")"},
  };
  for (const auto& [from, to] : edits) {
    users = replaced(users, from, to);
    core::set_file_overlay(users_file, users);
    const SchemaLoad kept = cache.load({schema}, "", false, &resolver);
    const SchemaLoad fresh = load_drizzle_schema({schema}, "", false, &resolver);
    EXPECT_EQ(difference(kept, fresh), "") << to;
    EXPECT_EQ(fresh.catalog.tables.size(), 3U);
  }
  EXPECT_EQ(cache.tables_kept(), 1U);
  core::clear_file_overlay(users_file);
}

// A shared object of columns names a table in a reference: the tables
// spreading it are read again when that table changes.
TEST(SchemaTsCache, AChangeOfATableASharedReferenceNamesReadsAgainTheTablesSpreadingIt) {
  std::string text = R"ts(import { pgTable, serial, integer } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: serial("id").primaryKey() });
const owned = { ownerId: integer("owner_id").references(() => users.id) };
export const notes = pgTable("notes", { id: serial("id"), ...owned });
export const files = pgTable("files", { id: serial("id"), ...owned });
export const tags = pgTable("tags", { id: serial("id") });
)ts";
  OneSchema project(text);
  const std::filesystem::path& schema = project.schema;
  ts::ModuleResolver& resolver = project.resolver;
  SchemaTsCache& cache = project.cache;
  for (const auto& [from, to] : std::vector<std::pair<std::string, std::string>>{
           {"tags\", { id", "tags\", { key"},
           {"serial(\"id\").primaryKey()", "serial(\"uid\").primaryKey()"}}) {
    text = replaced(text, from, to);
    core::set_file_overlay(schema, text);
    const SchemaLoad kept = cache.load({schema}, "", false, &resolver);
    EXPECT_EQ(difference(kept, load_drizzle_schema({schema}, "", false, &resolver)), "") << to;
  }
  EXPECT_EQ(cache.tables_kept(), 1U); // tags
  core::clear_file_overlay(schema);
}

// Random edits of every Drizzle schema among the fixtures, one after the
// other (lines added, removed, doubled, swapped, a letter typed, a column
// or table renamed, an ignore comment written): each read through the cache gives what a fresh read of
// the same text gives.
TEST(SchemaTsCache, RandomEditsOfTheFixturesSchemasReadAsFreshReads) {
  const std::filesystem::path fixtures = std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures";
  std::vector<std::filesystem::path> schemas;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(fixtures)) {
    const std::string path = entry.path().generic_string();
    if (entry.is_regular_file() && entry.path().extension() == ".ts" &&
        path.find("node_modules") == std::string::npos && contains_table(entry.path())) {
      schemas.push_back(entry.path());
    }
  }
  std::sort(schemas.begin(), schemas.end());
  ASSERT_GT(schemas.size(), 50U);
  std::mt19937 random(20261129);
  std::size_t kept_tables = 0;
  for (const std::filesystem::path& schema : schemas) {
    ts::ModuleResolver resolver(ts::find_workspace(ts::find_workspace_root(schema.parent_path())));
    SchemaTsCache cache;
    const core::Result<std::string> read = core::read_file(schema);
    ASSERT_TRUE(read) << schema.generic_string();
    const std::string original = read.value();
    (void)cache.load({schema}, "snake_case", false, &resolver);
    const auto split = [&original] {
      std::vector<std::string> out;
      std::istringstream in(original);
      for (std::string line; std::getline(in, line);) {
        out.push_back(line);
      }
      return out;
    };
    std::vector<std::string> lines = split();
    for (int edit = 0; edit < 16 && !lines.empty(); ++edit) {
      const std::size_t at = random() % lines.size();
      switch (random() % 9) {
      case 0: lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), ""); break;
      case 1: lines.erase(lines.begin() + static_cast<std::ptrdiff_t>(at)); break;
      case 2: lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), lines[at]); break;
      case 3: lines[at] += " "; break;
      case 4: lines.insert(lines.begin() + static_cast<std::ptrdiff_t>(at), "// pgadvise-ignore all"); break;
      case 5:
        if (at + 1 < lines.size()) {
          std::swap(lines[at], lines[at + 1]);
        }
        break;
      case 6: lines[at].insert(random() % (lines[at].size() + 1), "x"); break;
      case 7:
        // A column or table renamed where it is named: ("id" -> ("xid".
        if (const std::size_t name = lines[at].find("(\""); name != std::string::npos) {
          lines[at].insert(name + 2, "x");
        }
        break;
      default: lines = split();
      }
      std::string text;
      for (const std::string& line : lines) {
        text += line + "\n";
      }
      core::set_file_overlay(schema, text);
      const SchemaLoad kept = cache.load({schema}, "snake_case", false, &resolver);
      const SchemaLoad fresh = load_drizzle_schema({schema}, "snake_case", false, &resolver);
      kept_tables += cache.tables_kept();
      EXPECT_EQ(difference(kept, fresh), "") << schema.generic_string() << " after edit " << edit;
    }
    core::clear_file_overlay(schema);
  }
  // Most edits leave most tables alone: the reads took them.
  EXPECT_GT(kept_tables, 1000U);
}

} // namespace schema_ts_cache_test
} // namespace pgadvise::loaders
