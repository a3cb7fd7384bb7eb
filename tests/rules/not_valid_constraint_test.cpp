#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace not_valid_constraint_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "not-valid-constraint";

TEST(NotValidConstraint, ReportsUnvalidatedForeignKeysAndChecks) {
  model::Table orders = table("orders", {column("id"), column("customer_id"), column("total", "numeric")});
  orders.foreign_keys.push_back(foreign_key("orders_customer_fk", {"customer_id"}, "customers", {"id"}, 3));
  orders.foreign_keys.back().valid = false;
  orders.checks.push_back(model::CheckConstraint{"orders_total_check", "total >= 0", at(4)});
  orders.checks.back().valid = false;
  const auto findings = run_rule(k_rule, catalog_of({orders}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].object.to_string(), "public.orders(customer_id) orders_customer_fk");
  EXPECT_EQ(findings[1].object.to_string(), "public.orders orders_total_check");
  ASSERT_TRUE(findings[1].fix.has_value());
  EXPECT_EQ(findings[1].fix->statements(), "ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;");
}

TEST(NotValidConstraint, ValidConstraintsAreClean) {
  model::Table orders = table("orders", {column("id"), column("customer_id")});
  orders.foreign_keys.push_back(foreign_key("orders_customer_fk", {"customer_id"}, "customers"));
  orders.checks.push_back(model::CheckConstraint{"orders_id_check", "id > 0", at(4)});
  EXPECT_TRUE(run_rule(k_rule, catalog_of({orders})).empty());
}

} // namespace not_valid_constraint_test
