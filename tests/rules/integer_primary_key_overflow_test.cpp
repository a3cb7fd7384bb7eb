#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace integer_primary_key_overflow_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "integer-primary-key-overflow";

model::Table serial_table() {
  model::Table users =
      table("users", {column("id", "serial", true, "nextval('users_id_seq'::regclass)", 3)}, 2);
  users.indexes.push_back(primary_key("users_pkey", {"id"}));
  return users;
}

TEST(IntegerPrimaryKeyOverflow, ReportsGeneratedIntegerKey) {
  const auto findings = run_rule(k_rule, catalog_of({serial_table()}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.users(id)");
  EXPECT_EQ(findings[0].severity, core::Severity::low);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->ddl,
            "ALTER TABLE users ALTER COLUMN id TYPE bigint;\nALTER SEQUENCE users_id_seq AS bigint;");
}

TEST(IntegerPrimaryKeyOverflow, LiveSequencePastHalfIsHighWithItsPercentage) {
  model::Table users = serial_table();
  users.columns[0].sequence_last_value = 1'503'238'553; // 70% of 2,147,483,647
  const auto findings = run_rule(k_rule, catalog_of({users}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_NE(findings[0].message.find("sequence is at 70% of them (last value 1,503,238,553)"),
            std::string::npos)
      << findings[0].message;
}

TEST(IntegerPrimaryKeyOverflow, LiveSequenceUnderHalfKeepsItsSeverity) {
  model::Table users = serial_table();
  users.columns[0].sequence_last_value = 1'073'741'823; // just under half
  auto findings = run_rule(k_rule, catalog_of({users}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
  EXPECT_NE(findings[0].message.find("at 50% of them"), std::string::npos) << findings[0].message;
  users.columns[0].sequence_last_value = 42;
  findings = run_rule(k_rule, catalog_of({users}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].message.find("at 0.0% of them (last value 42)"), std::string::npos)
      << findings[0].message;
}

TEST(IntegerPrimaryKeyOverflow, BigintAndAssignedKeysAreClean) {
  model::Table big = table("a", {column("id", "bigserial", true)});
  big.indexes.push_back(primary_key("a_pkey", {"id"}));
  model::Table natural = table("b", {column("code", "int4", true)});
  natural.indexes.push_back(primary_key("b_pkey", {"code"}));
  EXPECT_TRUE(run_rule(k_rule, catalog_of({big, natural})).empty());
}

} // namespace integer_primary_key_overflow_test
