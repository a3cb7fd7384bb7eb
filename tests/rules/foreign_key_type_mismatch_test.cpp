#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace foreign_key_type_mismatch_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "foreign-key-type-mismatch";

model::Catalog accounts_and_payments(std::string_view account_type, std::string_view fk_type) {
  model::Table accounts = table("accounts", {column("id", account_type, true)});
  accounts.indexes.push_back(primary_key("accounts_pkey", {"id"}));
  model::Table payments = table("payments", {column("id"), column("account_id", fk_type, true, {}, 3)});
  payments.foreign_keys.push_back(
      foreign_key("payments_account_id_fk", {"account_id"}, "accounts", {"id"}, 4));
  return catalog_of({accounts, payments});
}

TEST(ForeignKeyTypeMismatch, ReportsIntegerReferencingBigint) {
  const auto findings = run_rule(k_rule, accounts_and_payments("int8", "int4"));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.payments(account_id) payments_account_id_fk");
  EXPECT_EQ(findings[0].location.line, 4);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements(), "ALTER TABLE payments ALTER COLUMN account_id TYPE int8;");
}

TEST(ForeignKeyTypeMismatch, MatchingTypesAreClean) {
  EXPECT_TRUE(run_rule(k_rule, accounts_and_payments("int8", "bigint")).empty());
  EXPECT_TRUE(run_rule(k_rule, accounts_and_payments("serial", "integer")).empty());
  EXPECT_TRUE(run_rule(k_rule, accounts_and_payments("text", "varchar(20)")).empty());
}

} // namespace foreign_key_type_mismatch_test
