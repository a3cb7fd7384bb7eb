// Columns a schema builds with its own zero-argument helpers, as real apps
// share an id and timestamps between tables: `id: id()` where
// `const id = () => varchar(...).primaryKey()`, and `...timestamps()` where
// `const timestamps = () => ({ createdAt: ..., updatedAt: ... })`.
#include "loaders/schema_ts/schema_ts.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pgadvise::loaders {
namespace drizzle_column_helpers_test {

TEST(DrizzleColumnHelpers, ZeroArgumentHelpersGiveTheirColumns) {
  const SchemaLoad load = load_drizzle_schema_sources({{"src/db/schema.ts", R"ts(
import { integer, pgTable, text, timestamp, varchar } from "drizzle-orm/pg-core";
const primaryId = () =>
  varchar("id", { length: 30 })
    .primaryKey()
    .$defaultFn(() => makeId());
const audit = () => ({
  insertedAt: timestamp("inserted_at", { withTimezone: true }).defaultNow().notNull(),
  editedAt: timestamp("edited_at", { withTimezone: true }),
});
export const shelves = pgTable("shelves", { id: primaryId(), label: text("label"), ...audit() });
export const books = pgTable("books", {
  id: primaryId(),
  shelfId: varchar("shelf_id", { length: 30 }).references(() => shelves.id),
  pages: integer("pages"),
  ...audit(),
});
)ts"}},
                                                      "");
  EXPECT_TRUE(load.diagnostics.empty()) << (load.diagnostics.empty() ? "" : load.diagnostics[0].message);
  for (const char* name : {"shelves", "books"}) {
    const model::Table* table = load.catalog.find_table("public", name);
    ASSERT_NE(table, nullptr) << name;
    ASSERT_NE(table->find_column("id"), nullptr) << name;
    EXPECT_EQ(table->find_column("id")->type.display(), "varchar(30)");
    ASSERT_NE(table->primary_key(), nullptr) << name;
    ASSERT_NE(table->find_column("inserted_at"), nullptr) << name;
    EXPECT_TRUE(table->find_column("inserted_at")->not_null);
    EXPECT_NE(table->find_column("edited_at"), nullptr) << name;
  }
  const model::Table* books = load.catalog.find_table("public", "books");
  ASSERT_EQ(books->foreign_keys.size(), 1U);
  EXPECT_EQ(books->foreign_keys[0].ref_table, "shelves");
}

} // namespace drizzle_column_helpers_test
} // namespace pgadvise::loaders
