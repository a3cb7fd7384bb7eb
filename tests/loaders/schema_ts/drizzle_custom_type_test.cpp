// customType whose dataType(config) builds the SQL type from each call's
// options, and the constraint names drizzle-kit 1.0 gives.
#include "loaders/schema_ts/schema_ts.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>

namespace pgadvise::loaders {
namespace {

namespace fs = std::filesystem;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "discovery";

const model::Column* find(const SchemaLoad& load, const std::string& table, const std::string& column) {
  const model::Table* found = load.catalog.find_table("public", table);
  return found == nullptr ? nullptr : found->find_column(column);
}

std::size_t unresolved(const SchemaLoad& load) {
  return static_cast<std::size_t>(
      std::count_if(load.diagnostics.begin(), load.diagnostics.end(), [](const core::Finding& finding) {
        return finding.message.rfind(k_schema_ts_unresolved, 0) == 0;
      }));
}

// The fixture's numericCasted: `if (config?.precision !== undefined && ...)
// return `numeric(${config.precision}, ${config.scale})`; return 'numeric';`
// -- drizzle-kit wrote numeric(10,2) and numeric for its two columns.
TEST(DrizzleCustomType, DataTypeIsEvaluatedWithEachCallsConfig) {
  const SchemaLoad load = load_drizzle_schema({k_fixtures / "kit-1.0" / "src" / "db" / "schema.ts"}, "");
  const model::Column* price = find(load, "posts", "price");
  const model::Column* rating = find(load, "posts", "rating");
  ASSERT_NE(price, nullptr);
  ASSERT_NE(rating, nullptr);
  EXPECT_EQ(price->type.name, "numeric");
  EXPECT_EQ(price->type.modifiers, (std::vector<std::string>{"10", "2"}));
  EXPECT_EQ(rating->type.name, "numeric");
  EXPECT_TRUE(rating->type.modifiers.empty());
  EXPECT_EQ(unresolved(load), 0U);
}

TEST(DrizzleCustomType, ConditionalsAndTemplatesOnConfigFields) {
  const SchemaLoad load = load_drizzle_schema_sources({{"db/schema.ts", R"ts(
import { pgTable, customType } from "drizzle-orm/pg-core";
const money = customType<{ data: number; config: { precision?: number; scale?: number } }>({
  dataType: (config) => config?.precision ? `numeric(${config.precision}, ${config.scale ?? 0})` : "numeric",
});
const text2 = customType<{ data: string; config: { length?: number } }>({
  dataType(config) {
    if (config && config.length) { return `varchar(${config.length})`; }
    return "text";
  },
});
export const t = pgTable("t", {
  a: money("a", { precision: 12 }),
  b: money("b"),
  c: text2("c", { length: 40 }),
  d: text2("d", {}),
});
)ts"}},
                                                      "");
  ASSERT_NE(find(load, "t", "a"), nullptr);
  EXPECT_EQ(find(load, "t", "a")->type.modifiers, (std::vector<std::string>{"12", "0"}));
  ASSERT_NE(find(load, "t", "b"), nullptr);
  EXPECT_TRUE(find(load, "t", "b")->type.modifiers.empty());
  ASSERT_NE(find(load, "t", "c"), nullptr);
  EXPECT_EQ(find(load, "t", "c")->type.name, "varchar");
  EXPECT_EQ(find(load, "t", "c")->type.modifiers, (std::vector<std::string>{"40"}));
  ASSERT_NE(find(load, "t", "d"), nullptr);
  EXPECT_EQ(find(load, "t", "d")->type.name, "text");
}

// What pgadvise cannot evaluate is "cannot tell": never the fallback branch.
TEST(DrizzleCustomType, WhatCannotBeEvaluatedPicksNoBranch) {
  const SchemaLoad load = load_drizzle_schema_sources({{"db/schema.ts", R"ts(
import { pgTable, customType } from "drizzle-orm/pg-core";
import { precisionFor } from "./settings";
const money = customType<{ data: number; config: { precision?: number } }>({
  dataType(config) {
    if (config?.precision) { return `numeric(${config.precision})`; }
    return "numeric";
  },
});
const looped = customType<{ data: number; config: { kinds: string[] } }>({
  dataType(config) {
    for (const kind of config.kinds) { if (kind === "big") return "bigint"; }
    return "integer";
  },
});
export const t = pgTable("t", {
  a: money("a", { precision: precisionFor("a") }),
  b: looped("b", { kinds: ["big"] }),
});
)ts"}},
                                                      "");
  const model::Table* t = load.catalog.find_table("public", "t");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->find_column("a"), nullptr);
  EXPECT_EQ(t->find_column("b"), nullptr);
  EXPECT_GE(unresolved(load), 2U); // each column, and the options it could not read
}

TEST(DrizzleKitNames, OnePointZeroNamesConstraintsItsOwnWay) {
  const fs::path schema = k_fixtures / "kit-1.0" / "src" / "db" / "schema.ts";
  const SchemaLoad old_names = load_drizzle_schema({schema}, "");
  const SchemaLoad new_names = load_drizzle_schema({schema}, "", /*kit_1_names=*/true);
  const model::Table* posts = new_names.catalog.find_table("public", "posts");
  const model::Table* users = new_names.catalog.find_table("public", "users");
  ASSERT_NE(posts, nullptr);
  ASSERT_NE(users, nullptr);
  ASSERT_EQ(posts->foreign_keys.size(), 1U);
  // As drizzle-kit 1.0.0-rc.5 wrote them in the fixture's migration.sql.
  EXPECT_EQ(posts->foreign_keys[0].name, "posts_author_id_users_id_fkey");
  EXPECT_NE(users->find_index("users_email_key"), nullptr);
  const model::Table* old_posts = old_names.catalog.find_table("public", "posts");
  ASSERT_NE(old_posts, nullptr);
  ASSERT_EQ(old_posts->foreign_keys.size(), 1U);
  EXPECT_EQ(old_posts->foreign_keys[0].name, "posts_author_id_users_id_fk");
}

// Every kind of unnamed constraint, named as drizzle-kit 1.0.0-rc.5 wrote
// them in fixtures/discovery/kit-1.0-names (and 0.31 in its comments).
TEST(DrizzleKitNames, EachUnnamedConstraintAsKitOnePointZeroWroteIt) {
  const SchemaLoad load =
      load_drizzle_schema({k_fixtures / "kit-1.0-names" / "src" / "schema.ts"}, "", /*kit_1_names=*/true);
  const model::Table* a = load.catalog.find_table("public", "a");
  const model::Table* b = load.catalog.find_table("public", "b");
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_EQ(b->foreign_keys.size(), 1U);
  EXPECT_EQ(b->foreign_keys[0].name, "b_a_id_a_id_fkey"); // 0.31: b_a_id_a_id_fk
  ASSERT_NE(b->primary_key(), nullptr);
  EXPECT_EQ(b->primary_key()->name, "b_pkey");       // 0.31: b_a_id_k_pk
  EXPECT_NE(b->find_index("b_z_key"), nullptr);      // 0.31: b_z_unique
  EXPECT_NE(a->find_index("a_x_y_unique"), nullptr); // unchanged
  EXPECT_NE(a->find_index("a_x_index"), nullptr);    // unchanged
  EXPECT_NE(a->find_index("a_y_index"), nullptr);    // unchanged
}

// A dataType(config) that spells the type by concatenation, `.toString()`
// and `.join()`, and one that spells a whole generated column: the type is
// the words before `generated`, and an index on the column is kept.
TEST(DrizzleCustomType, ConcatenationJoinAndAGeneratedColumnSpelledInTheType) {
  const SchemaLoad load = load_drizzle_schema_sources({{"db/schema.ts", R"ts(
import { sql } from "drizzle-orm";
import { customType, index, pgTable, text } from "drizzle-orm/pg-core";
const searchable = customType<{ data: string; config: { expr: string } }>({
  dataType(config) {
    return (
      `tsvector` +
      (config ? ` GENERATED ALWAYS AS (${config.expr}) STORED` : "")
    ).toString();
  },
});
const joined = customType<{ data: string; config: { parts: string[] } }>({
  dataType(config) {
    return "tsvector generated always as (to_tsvector('simple', " + config.parts.join(" || ' ' || ") + ")) stored";
  },
});
const labels = customType<{ data: string[] }>({ dataType: () => ["text", "[]"].join("") });
export const notes = pgTable("notes", {
  body: text("body").notNull(),
  doc: searchable("doc", { expr: "to_tsvector('english', body)" }),
  plain: searchable("plain"),
  both: joined("both", { parts: ["body", "body"] }),
  tags: labels("tags"),
}, (t) => [index("notes_doc_idx").using("gin", t.doc)]);
)ts"}},
                                                      "");
  for (const char* column : {"doc", "plain", "both"}) {
    ASSERT_NE(find(load, "notes", column), nullptr) << column;
    EXPECT_EQ(find(load, "notes", column)->type.name, "tsvector") << column;
  }
  ASSERT_NE(find(load, "notes", "tags"), nullptr);
  EXPECT_EQ(find(load, "notes", "tags")->type.name, "text");
  EXPECT_TRUE(find(load, "notes", "tags")->type.is_array());
  const model::Table* notes = load.catalog.find_table("public", "notes");
  ASSERT_NE(notes, nullptr);
  EXPECT_NE(notes->find_index("notes_doc_idx"), nullptr);
  EXPECT_EQ(unresolved(load), 0U);
}

// geometry({ type: "point", srid }) as each drizzle-orm writes it:
// geometry(point) in 0.45 (drizzle-kit 0.31), geometry(point,4326) in 1.0.
TEST(DrizzleCustomType, GeometryAsEachDrizzleOrmSpellsIt) {
  test::TempTree tree;
  const fs::path schema = tree.write("db/schema.ts", R"ts(
import { geometry, pgTable, serial } from "drizzle-orm/pg-core";
export const stops = pgTable("stops", {
  id: serial("id").primaryKey(),
  at: geometry("at", { type: "point", mode: "xy", srid: 4326 }),
});
)ts");
  const SchemaLoad kit_0 = load_drizzle_schema({schema}, "", /*kit_1_names=*/false);
  const SchemaLoad kit_1 = load_drizzle_schema({schema}, "", /*kit_1_names=*/true);
  ASSERT_NE(find(kit_0, "stops", "at"), nullptr);
  ASSERT_NE(find(kit_1, "stops", "at"), nullptr);
  EXPECT_EQ(find(kit_0, "stops", "at")->type.display(), "geometry(point)");
  EXPECT_EQ(find(kit_1, "stops", "at")->type.display(), "geometry(point,4326)");
}

} // namespace
} // namespace pgadvise::loaders
