#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace domain_constraint_added_validating_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "domain-constraint-added-validating";

const std::string k_setup = R"sql(
CREATE DOMAIN "email" AS text;
CREATE DOMAIN "unused" AS text;
CREATE TABLE "users" ("id" bigint PRIMARY KEY, "email" email);
CREATE TABLE "invites" ("id" bigint PRIMARY KEY, "email" email);
)sql";

TEST(DomainConstraintAddedValidating, ReportsEachTableOfTheDomain) {
  const auto findings = run_on_change(
      k_rule, k_setup, "ALTER DOMAIN \"email\" ADD CONSTRAINT \"email_has_at\" CHECK (VALUE LIKE '%@%');");
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].object.to_string(), "public.users email_has_at");
  EXPECT_EQ(findings[1].object.to_string(), "public.invites email_has_at");
}

TEST(DomainConstraintAddedValidating, NotValidAndUnusedDomainsAreClean) {
  EXPECT_TRUE(
      run_on_change(
          k_rule, k_setup,
          "ALTER DOMAIN \"email\" ADD CONSTRAINT \"email_has_at\" CHECK (VALUE LIKE '%@%') NOT VALID;\n"
          "ALTER DOMAIN \"unused\" ADD CONSTRAINT \"unused_short\" CHECK (length(VALUE) < 100);")
          .empty());
}

TEST(DomainConstraintAddedValidating, ValidateLocksTheSameWay) {
  const model::Catalog catalog = replay_migrations({
      {"0000_init.sql", k_setup},
      {"0001_add.sql",
       "ALTER DOMAIN \"email\" ADD CONSTRAINT \"email_has_at\" CHECK (VALUE LIKE '%@%') NOT VALID;"},
      {"0002_validate.sql", "ALTER DOMAIN \"email\" VALIDATE CONSTRAINT \"email_has_at\";"},
  });
  const auto findings = run_rule(k_rule, catalog);
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_NE(findings[0].message.find("VALIDATE CONSTRAINT email_has_at"), std::string::npos)
      << findings[0].message;
}

} // namespace domain_constraint_added_validating_test
