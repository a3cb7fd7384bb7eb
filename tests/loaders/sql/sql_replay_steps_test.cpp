// The lock-taking statements the SQL replay records for the migration
// lock-safety rules (Catalog::migration_steps), and NOT VALID constraints.
#include "sql_replay_test_support.hpp"

#include <gtest/gtest.h>

namespace sql_replay_steps_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_init = "CREATE TABLE customers (id bigint PRIMARY KEY);\n"
                                    "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint,\n"
                                    "  total numeric, note varchar(20));\n";

// Replays `init` as 0000.sql, then `later` as 0001.sql, into one catalog.
loaders::SchemaLoad two_migrations(std::string_view later) {
  loaders::SchemaLoad load;
  loaders::replay_sql(k_init, "0000.sql", load);
  loaders::replay_sql(later, "0001.sql", load);
  return load;
}

TEST(SqlReplaySteps, RecordsLockTakingStatementsOnExistingTables) {
  const auto load = two_migrations(
      "CREATE INDEX orders_customer_idx ON orders (customer_id);\n"
      "CREATE INDEX CONCURRENTLY orders_total_idx ON orders (total);\n"
      "ALTER TABLE orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES customers "
      "(id) NOT VALID;\n"
      "ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);\n"
      "ALTER TABLE orders ALTER COLUMN note TYPE varchar(10);\n");
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), 5U);
  for (const model::MigrationStep& step : steps) {
    EXPECT_EQ(step.table, "orders");
    EXPECT_FALSE(step.table_is_new) << step.object;
    EXPECT_EQ(step.location.file, "0001.sql");
  }
  EXPECT_EQ(steps[0].kind, model::MigrationStepKind::create_index);
  EXPECT_EQ(steps[0].object, "orders_customer_idx");
  EXPECT_FALSE(steps[0].concurrently);
  EXPECT_EQ(steps[0].location.line, 1);
  EXPECT_TRUE(steps[1].concurrently);
  EXPECT_EQ(steps[2].kind, model::MigrationStepKind::add_foreign_key);
  EXPECT_TRUE(steps[2].not_valid);
  EXPECT_EQ(steps[3].kind, model::MigrationStepKind::add_check);
  EXPECT_FALSE(steps[3].not_valid);
  EXPECT_EQ(steps[4].kind, model::MigrationStepKind::alter_column_type);
  EXPECT_EQ(steps[4].object, "note");
  EXPECT_EQ(steps[4].old_type, "varchar(20)");
  EXPECT_EQ(steps[4].new_type, "varchar(10)");
  EXPECT_EQ(steps[4].location.line, 5);

  const model::Table* orders = load.catalog.find_table("public", "orders");
  ASSERT_NE(orders, nullptr);
  const model::ForeignKey* fk = find_fk(*orders, "orders_customer_fk");
  ASSERT_NE(fk, nullptr);
  EXPECT_FALSE(fk->valid);
  ASSERT_EQ(orders->checks.size(), 1U);
  EXPECT_TRUE(orders->checks[0].valid);
}

TEST(SqlReplaySteps, TablesCreatedInTheSameFileAreMarkedNew) {
  const auto load = two_migrations(
      "CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint);\n"
      "ALTER TABLE refunds ADD CONSTRAINT refunds_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);\n"
      "CREATE INDEX refunds_order_idx ON refunds (order_id);\n");
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), 2U);
  EXPECT_TRUE(steps[0].table_is_new);
  EXPECT_TRUE(steps[1].table_is_new);
}

TEST(SqlReplaySteps, ANewTableFilledInTheSameFileFailsANotNullColumnWithoutDefault) {
  // pgfence's new-table-after-dml: the INSERT gives the new table a row, so
  // the ADD COLUMN ... NOT NULL without a default fails; the index build on
  // it stays a new table's (nobody uses it yet).
  const auto load = two_migrations("CREATE TABLE couriers (id bigint PRIMARY KEY, name text);\n"
                                   "INSERT INTO couriers (id, name) VALUES (1, 'first');\n"
                                   "ALTER TABLE couriers ADD COLUMN phone text NOT NULL;\n"
                                   "ALTER TABLE couriers ADD COLUMN note text;\n"
                                   "CREATE INDEX couriers_name_idx ON couriers (name);\n");
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), 3U);
  EXPECT_EQ(steps[0].object, "phone");
  EXPECT_TRUE(steps[0].fails_with_rows);
  EXPECT_FALSE(steps[0].table_is_new);
  EXPECT_TRUE(steps[1].table_is_new); // a nullable column: instant, rows or not
  EXPECT_TRUE(steps[2].table_is_new);
  EXPECT_TRUE(load.catalog.find_table("public", "couriers")->rows_added);
}

TEST(SqlReplaySteps, ValidateConstraintMarksChecksValidAndIsRecorded) {
  loaders::SchemaLoad load =
      two_migrations("ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;\n");
  const model::Table* orders = load.catalog.find_table("public", "orders");
  ASSERT_NE(orders, nullptr);
  ASSERT_EQ(orders->checks.size(), 1U);
  EXPECT_FALSE(orders->checks[0].valid);
  loaders::replay_sql("ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;\n", "0002.sql", load);
  orders = load.catalog.find_table("public", "orders");
  ASSERT_NE(orders, nullptr);
  EXPECT_TRUE(orders->checks[0].valid);
  ASSERT_EQ(load.catalog.migration_steps.size(), 2U);
  EXPECT_EQ(load.catalog.migration_steps[1].kind, model::MigrationStepKind::validate);
  EXPECT_EQ(load.catalog.migration_steps[1].object, "orders_total_check");
}

// The steps grow in blocks: a step recorded early keeps its address while
// thousands more are added (a reference the replay holds stays valid).
TEST(SqlReplaySteps, AStepKeepsItsPlaceWhileMoreAreRecorded) {
  loaders::SchemaLoad load = two_migrations("CREATE INDEX orders_total_idx ON orders (total);\n");
  ASSERT_EQ(load.catalog.migration_steps.size(), 1U);
  const model::MigrationStep* first = &load.catalog.migration_steps.front();
  std::string more;
  for (int i = 0; i < 5000; ++i) {
    more += "CREATE INDEX orders_note_idx" + std::to_string(i) + " ON orders (note);\n";
  }
  loaders::replay_sql(more, "0002.sql", load);
  ASSERT_EQ(load.catalog.migration_steps.size(), 5001U);
  EXPECT_EQ(&load.catalog.migration_steps.front(), first);
  EXPECT_EQ(first->object, "orders_total_idx");
  EXPECT_EQ(first->statement, "CREATE INDEX orders_total_idx ON orders (total)");
  EXPECT_EQ(load.catalog.migration_steps.back().object, "orders_note_idx4999");
  EXPECT_EQ(sizeof(model::MigrationStep), 96U);
}

} // namespace sql_replay_steps_test
