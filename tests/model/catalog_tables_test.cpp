#include "loaders/sql/sql_replay_test_support.hpp"
#include "model/catalog.hpp"

#include <gtest/gtest.h>
#include <string>

namespace model = pgadvise::model;

namespace {

model::Table table_named(const std::string& name) {
  model::Table table;
  table.name = name;
  return table;
}

} // namespace

TEST(CatalogTables, ATableKeepsItsPlaceWhileMoreAreAdded) {
  // A deque of tables: 100,000 grow in blocks, never doubled and copied
  // (old and new storage side by side), so a table added stays where it is.
  model::Catalog catalog;
  catalog.tables.push_back(table_named("t0"));
  const model::Table* first = &catalog.tables.front();
  for (int n = 1; n < 5000; ++n) {
    catalog.tables.push_back(table_named("t" + std::to_string(n)));
  }
  EXPECT_EQ(&catalog.tables.front(), first);
  EXPECT_EQ(catalog.find_table("public", "t0"), first);
  EXPECT_EQ(catalog.find_table("public", "t4999"), &catalog.tables.back());
  EXPECT_EQ(catalog.find_table("public", "t5000"), nullptr);
}

TEST(CatalogTables, TheFirstOfTwoTablesOfOneNameIsFoundAcrossBlocks) {
  // find_table returns the first in table order, as a scan would, also when
  // the later one sits in a block at a lower address.
  model::Catalog catalog;
  for (int n = 0; n < 3000; ++n) {
    catalog.tables.push_back(table_named(n == 0 || n == 2999 ? "twin" : "t" + std::to_string(n)));
  }
  catalog.tables.back().rows_added = true; // tells the two apart
  const model::Table* found = catalog.find_table("public", "twin");
  ASSERT_NE(found, nullptr);
  EXPECT_EQ(found, &catalog.tables.front());
  EXPECT_FALSE(found->rows_added);
  catalog.remove_table("public", "twin");
  found = catalog.find_table("public", "twin");
  ASSERT_NE(found, nullptr);
  EXPECT_TRUE(found->rows_added);
}

TEST(CatalogTables, ASerialKeysDefaultTakesItsOwnLengthOnly) {
  // 100,000 bigserial keys: each default text at its length, not at the
  // doubled room a concatenation leaves (64-byte blocks for 35 characters).
  const auto load = pgadvise::test::replay("CREATE TABLE t100000 (id bigserial PRIMARY KEY, name text);");
  const model::Table* table = load.catalog.find_table("public", "t100000");
  ASSERT_NE(table, nullptr);
  const model::Column* id = table->find_column("id");
  ASSERT_NE(id, nullptr);
  ASSERT_TRUE(id->default_expr.has_value());
  EXPECT_EQ(*id->default_expr, "nextval('t100000_id_seq'::regclass)");
  EXPECT_LT(id->default_expr->capacity(), id->default_expr->size() + 8);
}
