#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace foreign_key_added_validating_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "foreign-key-added-validating";
// The transaction a runner opens around the file (MigrationStep::transaction).
constexpr model::MigrationTransaction k_runner = model::MigrationTransaction::drizzle_kit;

model::Catalog with_step(bool not_valid, bool table_is_new) {
  model::Table customers = table("customers", {column("id")});
  customers.indexes.push_back(primary_key("customers_pkey", {"id"}));
  model::Table orders = table("orders", {column("id"), column("customer_id")}, 1);
  orders.foreign_keys.push_back(foreign_key("orders_customer_fk", {"customer_id"}, "customers"));
  orders.foreign_keys.back().on_delete = model::FkAction::cascade;
  model::Catalog catalog = catalog_of({customers, orders});
  model::MigrationStep step;
  step.kind = model::MigrationStepKind::add_foreign_key;
  step.schema = "public";
  step.table = "orders";
  step.object = "orders_customer_fk";
  step.not_valid = not_valid;
  step.table_is_new = table_is_new;
  step.location = core::SourceLocation{"0001.sql", 1, 1};
  catalog.migration_steps.push_back(step);
  return catalog;
}

TEST(ForeignKeyAddedValidating, ReportsValidatingForeignKeyOnExistingTable) {
  const auto findings = run_rule(k_rule, with_step(false, false));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders(customer_id) orders_customer_fk");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_NE(findings[0].fix->statements().find("REFERENCES customers (id) ON DELETE CASCADE NOT VALID;"),
            std::string::npos);
  EXPECT_NE(findings[0].fix->statements().find("VALIDATE CONSTRAINT orders_customer_fk;"), std::string::npos);
}

TEST(ForeignKeyAddedValidating, ValidateInTheSameTransactionIsReported) {
  model::Catalog catalog = with_step(true, false);
  catalog.migration_steps[0].transaction = k_runner;
  model::MigrationStep validate = catalog.migration_steps[0];
  validate.kind = model::MigrationStepKind::validate;
  validate.not_valid = false;
  validate.location.line = 2;
  catalog.migration_steps.push_back(validate);
  auto findings = run_rule(k_rule, catalog);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].location.line, 2);
  EXPECT_NE(findings[0].message.find("validated in the same transaction"), std::string::npos)
      << findings[0].message;
  // Another transaction (a second BEGIN block) commits the ADD first.
  catalog.migration_steps[1].transaction = model::MigrationTransaction::block;
  catalog.migration_steps[1].transaction_line = 9;
  EXPECT_TRUE(run_rule(k_rule, catalog).empty());
  // Autocommit: each statement commits on its own, the VALIDATE does not
  // block writes (squawk and pgfence accept it too).
  catalog.migration_steps[0].transaction = model::MigrationTransaction::none;
  catalog.migration_steps[1].transaction = model::MigrationTransaction::none;
  EXPECT_TRUE(run_rule(k_rule, catalog).empty());
  catalog.migration_steps[0].transaction = k_runner;
  catalog.migration_steps[1].transaction = k_runner;
  catalog.migration_steps[1].transaction_line = 0;
  // In a later file it is the intended second step.
  catalog.migration_steps[1].location.file = "0002.sql";
  EXPECT_TRUE(run_rule(k_rule, catalog).empty());
}

TEST(ForeignKeyAddedValidating, NotValidOrNewTableIsClean) {
  EXPECT_TRUE(run_rule(k_rule, with_step(true, false)).empty());
  EXPECT_TRUE(run_rule(k_rule, with_step(false, true)).empty());
}

} // namespace foreign_key_added_validating_test
