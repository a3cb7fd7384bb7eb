// Columns a schema builds with its own zero-argument helpers, as real apps
// share an id and timestamps between tables: `id: id()` where
// `const id = () => varchar(...).primaryKey()`, and `...timestamps()` where
// `const timestamps = () => ({ createdAt: ..., updatedAt: ... })`.
#include "loaders/schema_ts/schema_ts.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

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

// Helpers that take the column's name (and options), as a chat app's
// `_helpers.ts` does: `timestamptz('created_at')` where
// `const timestamptz = (name: string) => timestamp(name, { withTimezone: true })`,
// called from zero-argument helpers in a spread object of shared columns.
// Each was 'cannot resolve the name of column', and the columns and the
// indexes on them were lost (then snapshot drift on every such index).
TEST(DrizzleColumnHelpers, HelpersWithParametersGiveTheirColumns) {
  const SchemaLoad load = load_drizzle_schema_sources({{"src/schemas/_helpers.ts", R"ts(
import { timestamp, varchar } from "drizzle-orm/pg-core";
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true });
export const sized = (name: string, length: number) => varchar(name, { length });
export const createdAt = () => timestamptz("created_at").notNull().defaultNow();
export const stamped = (column: string) => timestamptz(column).$onUpdate(() => new Date());
export const timestamps = { createdAt: createdAt(), updatedAt: stamped("updated_at").notNull() };
)ts"},
                                                       {"src/schemas/note.ts", R"ts(
import { index, pgTable, text } from "drizzle-orm/pg-core";
import { sized, timestamps, timestamptz } from "./_helpers";
export const notes = pgTable(
  "notes",
  {
    id: text("id").primaryKey(),
    slug: sized("slug", 120).notNull(),
    archivedAt: timestamptz("archived_at"),
    ...timestamps,
  },
  (t) => [index("notes_updated_at_idx").on(t.updatedAt), index("notes_slug_idx").on(t.slug)],
);
)ts"}},
                                                      "");
  EXPECT_TRUE(load.diagnostics.empty()) << (load.diagnostics.empty() ? "" : load.diagnostics[0].message);
  const model::Table* notes = load.catalog.find_table("public", "notes");
  ASSERT_NE(notes, nullptr);
  for (const char* name : {"created_at", "updated_at", "archived_at"}) {
    ASSERT_NE(notes->find_column(name), nullptr) << name;
    EXPECT_EQ(notes->find_column(name)->type.display(), "timestamptz") << name;
  }
  EXPECT_TRUE(notes->find_column("created_at")->not_null);
  EXPECT_TRUE(notes->find_column("updated_at")->not_null);
  EXPECT_FALSE(notes->find_column("archived_at")->not_null);
  ASSERT_NE(notes->find_column("slug"), nullptr);
  EXPECT_EQ(notes->find_column("slug")->type.display(), "varchar(120)");
  EXPECT_EQ(notes->indexes.size(), 3U); // the primary key and both indexes
}

// cella's shapes: columns taken from a shared object by member access
// (`createdAt: timestampColumns.createdAt`, a spread `...relations.columns`),
// and a table made by the app's own generic factory
// (`generateTable<TBase extends Record<string, PgColumnBuilderBase>, ...>(name,
// base, extra) => pgTable(name, { ...base, ...extra })`). The columns were
// 'cannot resolve column: its value is not a column builder call', and the
// factory's table was left out without a word (its foreign key unindexed,
// unreported): the generic arrow was not read as a function, and a
// parameter type's comma split the parameters.
TEST(DrizzleColumnHelpers, MemberAccessColumnsAndATableFactoryGiveTheirTables) {
  const SchemaLoad load = load_drizzle_schema_sources({{"src/db/schema/helpers.ts", R"ts(
import { type PgColumnBuilderBase, pgTable, timestamp, varchar } from "drizzle-orm/pg-core";
export const timestampColumns = {
  createdAt: timestamp().defaultNow().notNull(),
  modifiedAt: timestamp(),
};
export const ownerRelations = { columns: { ownerId: varchar() } };
export const baseColumns = { id: varchar().primaryKey() };
export const generateTable = <
  TBase extends Record<string, PgColumnBuilderBase>,
  TExtra extends Record<string, PgColumnBuilderBase>,
>(
  tableName: string,
  base: TBase,
  extra: Record<string, PgColumnBuilderBase>,
) =>
  pgTable(tableName, {
    ...base,
    ...extra,
  });
)ts"},
                                                       {"src/db/schema/users.ts", R"ts(
import { pgTable, varchar } from "drizzle-orm/pg-core";
import { ownerRelations, timestampColumns } from "./helpers";
export const usersTable = pgTable("users", {
	createdAt: timestampColumns.createdAt,
	id: varchar().primaryKey(),
	modifiedAt: timestampColumns.modifiedAt,
	...ownerRelations.columns,
});
)ts"},
                                                       {"src/db/schema/pages.ts", R"ts(
import { json, varchar } from "drizzle-orm/pg-core";
import { baseColumns, generateTable } from "./helpers";
import { usersTable } from "./users";
export const pagesTable = generateTable("pages", baseColumns, {
  authorId: varchar().references(() => usersTable.id, { onDelete: "set null" }),
  body: json().$type<string[]>(),
});
)ts"}},
                                                      "snake_case");
  EXPECT_TRUE(load.diagnostics.empty()) << (load.diagnostics.empty() ? "" : load.diagnostics[0].message);
  const model::Table* users = load.catalog.find_table("public", "users");
  ASSERT_NE(users, nullptr);
  std::string columns;
  for (const model::Column& column : users->columns) {
    columns += column.name + " " + column.type.display() + (column.not_null ? " not null" : "") + "; ";
  }
  EXPECT_EQ(columns,
            "created_at timestamp not null; id varchar not null; modified_at timestamp; owner_id varchar; ");
  const model::Table* pages = load.catalog.find_table("public", "pages");
  ASSERT_NE(pages, nullptr);
  columns.clear();
  for (const model::Column& column : pages->columns) {
    columns += column.name + " " + column.type.display() + "; ";
  }
  EXPECT_EQ(columns, "id varchar; author_id varchar; body json; ");
  EXPECT_EQ(pages->property, "pagesTable");
  ASSERT_EQ(pages->foreign_keys.size(), 1U);
  EXPECT_EQ(pages->foreign_keys[0].columns, std::vector<std::string>{"author_id"});
  EXPECT_EQ(pages->foreign_keys[0].ref_table, "users");
}

// Helpers written as `function` statements, as many apps' column modules
// are: `export function id() { return text("id").primaryKey()... }`,
// `function timestamps() { return { createdAt: ..., updatedAt: ... }; }`
// spread into tables, a helper of a helper, one that takes the column's
// name, an overload signature before its body, and a table factory
// (`function tenantTable<T extends ...>(name, columns) { return pgTable(...) }`).
// Their bodies were skipped: the columns were lost (a false
// missing-primary-key, and drift on every index over them).
TEST(DrizzleColumnHelpers, FunctionStatementHelpersGiveTheirColumns) {
  const SchemaLoad load = load_drizzle_schema_sources({{"src/db/columns.ts", R"ts(
import { type PgColumnBuilderBase, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import { createId } from "@paralleldrive/cuid2";

/** Primary key: a cuid2 made by the app. */
export function id() {
  return text("id").primaryKey().$defaultFn(createId);
}

function stamp(name: string) {
  return timestamp(name, { withTimezone: true, mode: "date" }).notNull();
}

export function timestamps() {
  const now = () => new Date();
  return {
    createdAt: stamp("created_at").defaultNow(),
    updatedAt: stamp("updated_at").defaultNow().$onUpdate(now),
  };
}

export function label(name: string): ReturnType<typeof text>;
export function label(name: string) {
  return text(name);
}

type Columns = Record<string, PgColumnBuilderBase>;

export function tenantTable<TColumns extends Columns>(name: string, columns: TColumns) {
  return pgTable(name, { orgId: text("org_id").notNull(), ...columns });
}
)ts"},
                                                       {"src/db/schema.ts", R"ts(
import { pgTable, text } from "drizzle-orm/pg-core";
import { id, label, tenantTable, timestamps } from "./columns";

export const workspaces = pgTable("workspaces", {
  id: id(),
  title: label("title").notNull(),
  ...timestamps(),
});

export const boards = tenantTable("boards", {
  id: id(),
  workspaceId: text("workspace_id").references(() => workspaces.id),
  ...timestamps(),
});
)ts"}},
                                                      "");
  EXPECT_TRUE(load.diagnostics.empty()) << (load.diagnostics.empty() ? "" : load.diagnostics[0].message);
  const model::Table* workspaces = load.catalog.find_table("public", "workspaces");
  ASSERT_NE(workspaces, nullptr);
  std::string columns;
  for (const model::Column& column : workspaces->columns) {
    columns += column.name + " " + column.type.display() + (column.not_null ? " not null" : "") + "; ";
  }
  EXPECT_EQ(columns, "id text not null; title text not null; created_at timestamptz not null; "
                     "updated_at timestamptz not null; ");
  ASSERT_NE(workspaces->primary_key(), nullptr);
  const model::Table* boards = load.catalog.find_table("public", "boards");
  ASSERT_NE(boards, nullptr);
  columns.clear();
  for (const model::Column& column : boards->columns) {
    columns += column.name + "; ";
  }
  EXPECT_EQ(columns, "org_id; id; workspace_id; created_at; updated_at; ");
  ASSERT_NE(boards->primary_key(), nullptr);
  ASSERT_EQ(boards->foreign_keys.size(), 1U);
  EXPECT_EQ(boards->foreign_keys[0].ref_table, "workspaces");
  EXPECT_EQ(boards->property, "boards");
}

// Shared columns written as getters, so that every table spreading them
// gets builders of its own (`export const timestamps = { get createdAt() {
// return timestamp(...) } }`), spread whole or taken one by one: the
// getters' columns are read (they were 'declared as a method', lost).
TEST(DrizzleColumnHelpers, GetterColumnsGiveTheirColumns) {
  const SchemaLoad load = load_drizzle_schema_sources({{"src/db/schema.ts", R"ts(
import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
export const timestamps = {
  get createdAt() {
    return timestamp("created_at", { withTimezone: true }).defaultNow().notNull();
  },
  get updatedAt() {
    return timestamp("updated_at", { withTimezone: true }).$onUpdate(() => new Date());
  },
};
export const identity = {
  get id() {
    return integer("id").primaryKey().generatedAlwaysAsIdentity();
  },
};
export const notes = pgTable("notes", { ...identity, body: text("body").notNull(), ...timestamps });
export const tags = pgTable("tags", { ...identity, label: text("label"), createdAt: timestamps.createdAt });
)ts"}},
                                                      "");
  EXPECT_TRUE(load.diagnostics.empty()) << (load.diagnostics.empty() ? "" : load.diagnostics[0].message);
  std::string columns;
  for (const char* name : {"notes", "tags"}) {
    const model::Table* table = load.catalog.find_table("public", name);
    ASSERT_NE(table, nullptr) << name;
    ASSERT_NE(table->primary_key(), nullptr) << name;
    for (const model::Column& column : table->columns) {
      columns += column.name + " " + column.type.display() + (column.not_null ? " not null" : "") + "; ";
    }
  }
  EXPECT_EQ(columns, "id int4 not null; body text not null; created_at timestamptz not null; updated_at "
                     "timestamptz; id int4 not null; label text; created_at timestamptz not null; ");
}

// Columns taken one by one out of a shared object by destructuring, as a
// real app's schema files do (`const { id, createdAt, updatedAt } =
// baseColumns`, then `{ id, ..., createdAt }`): each name is that entry.
// They were unresolved, so the tables lost their primary keys and the
// foreign keys to them.
TEST(DrizzleColumnHelpers, DestructuredEntriesOfASharedObjectAreItsColumns) {
  const SchemaLoad load = load_drizzle_schema_sources({{"src/db/helpers/base.columns.ts", R"ts(
import { timestamp, uuid } from "drizzle-orm/pg-core";
export const baseColumns = {
  id: uuid("id").primaryKey().defaultRandom(),
  createdAt: timestamp("created_at", { withTimezone: true }).defaultNow().notNull(),
  updatedAt: timestamp("updated_at", { withTimezone: true }),
};
)ts"},
                                                       {"src/db/schema/catalog.ts", R"ts(
import { pgTable, text, uuid } from "drizzle-orm/pg-core";
import { baseColumns } from "../helpers/base.columns";

const { id, createdAt: created, updatedAt } = baseColumns;

export const products = pgTable("products", { id, name: text("name"), createdAt: created, updatedAt });
export const images = pgTable("images", {
  id,
  productId: uuid("product_id").references(() => products.id),
});
)ts"}},
                                                      "");
  for (const core::Finding& diagnostic : load.diagnostics) {
    ADD_FAILURE() << diagnostic.message;
  }
  const model::Table* products = load.catalog.find_table("public", "products");
  ASSERT_NE(products, nullptr);
  ASSERT_NE(products->find_column("id"), nullptr);
  EXPECT_EQ(products->find_column("id")->type.name, "uuid");
  ASSERT_NE(products->primary_key(), nullptr);
  ASSERT_NE(products->find_column("created_at"), nullptr);
  EXPECT_TRUE(products->find_column("created_at")->not_null);
  EXPECT_NE(products->find_column("updated_at"), nullptr);
  const model::Table* images = load.catalog.find_table("public", "images");
  ASSERT_NE(images, nullptr);
  ASSERT_EQ(images->foreign_keys.size(), 1U);
  EXPECT_EQ(images->foreign_keys[0].ref_table, "products");
  // Fixes to them go to the object's entry, in its words.
  const model::DrizzleSharedColumn* shared = products->find_column("created_at")->drizzle_shared();
  ASSERT_NE(shared, nullptr);
  EXPECT_EQ(shared->object, "baseColumns");
  EXPECT_EQ(shared->location.line, 5);
  EXPECT_EQ(products->find_column("created_at")->drizzle_chain(), ".defaultNow().notNull()");
}

} // namespace drizzle_column_helpers_test
} // namespace pgadvise::loaders
