#include "migration_rule_test_support.hpp"

#include <gtest/gtest.h>

// Named after the file: test files are compiled in batches (CMake unity
// builds), so each keeps its helpers in its own namespace.
namespace duplicate_foreign_key_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "duplicate-foreign-key";

const std::string k_clients = R"sql(
CREATE TABLE "clients" ("id" bigint PRIMARY KEY, "code" text UNIQUE);
)sql";

TEST(DuplicateForeignKey, ReportsTheSecondDeclarationOfOneReference) {
  const auto findings = run_rule(k_rule, replay_migrations({{"0000_init.sql", k_clients + R"sql(
CREATE TABLE "accounts" ("id" bigint PRIMARY KEY, "client_id" bigint REFERENCES "clients" ("id"));
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_client_fk" FOREIGN KEY ("client_id") REFERENCES "clients" ("id");
)sql"}}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.table, "accounts");
  EXPECT_EQ(findings[0].object.constraint, "accounts_client_fk");
  EXPECT_EQ(findings[0].location.line, 5);
  EXPECT_NE(findings[0].message.find("duplicates accounts_client_id_fkey"), std::string::npos);
  EXPECT_EQ(findings[0].fix->statements(), "ALTER TABLE accounts DROP CONSTRAINT accounts_client_fk;");
}

TEST(DuplicateForeignKey, AValidatedTwinStaysOverANotValidOne) {
  const auto findings = run_rule(k_rule, replay_migrations({{"0000_init.sql", k_clients + R"sql(
CREATE TABLE "accounts" ("id" bigint PRIMARY KEY, "client_id" bigint);
ALTER TABLE "accounts" ADD CONSTRAINT "a_not_valid" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") NOT VALID;
ALTER TABLE "accounts" ADD CONSTRAINT "b_valid" FOREIGN KEY ("client_id") REFERENCES "clients" ("id");
)sql"}}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.constraint, "a_not_valid");
}

// pg-index-health's intersected-foreign-keys test case: one composite
// reference declared twice, its columns listed in another order on both sides.
TEST(DuplicateForeignKey, TheSameColumnPairsInAnotherOrderAreATwin) {
  const auto findings = run_rule(k_rule, replay_migrations({{"0000_init.sql", R"sql(
CREATE TABLE "clients" ("id" bigint PRIMARY KEY, "email" text NOT NULL, "phone" text NOT NULL, UNIQUE ("email", "phone"));
CREATE TABLE "prefs" ("id" bigint PRIMARY KEY, "email" text NOT NULL, "phone" text NOT NULL);
ALTER TABLE "prefs" ADD CONSTRAINT "prefs_email_phone_fk" FOREIGN KEY ("email", "phone") REFERENCES "clients" ("email", "phone");
ALTER TABLE "prefs" ADD CONSTRAINT "prefs_phone_email_fk" FOREIGN KEY ("phone", "email") REFERENCES "clients" ("phone", "email");
)sql"}}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.constraint, "prefs_phone_email_fk");
  EXPECT_NE(findings[0].message.find("duplicates prefs_email_phone_fk"), std::string::npos);
}

// Overlapping columns that pair differently check other rows: (email, phone)
// against the parent's (phone, email), or two tenant-scoped references that
// share only the tenant column.
TEST(DuplicateForeignKeyGood, OverlappingColumnsPairedOtherwiseAreNoTwins) {
  EXPECT_TRUE(run_rule(k_rule, replay_migrations({{"0000_init.sql", R"sql(
CREATE TABLE "clients" ("id" bigint PRIMARY KEY, "email" text NOT NULL, "phone" text NOT NULL, UNIQUE ("email", "phone"));
CREATE TABLE "prefs" ("id" bigint PRIMARY KEY, "email" text NOT NULL, "phone" text NOT NULL, "alt" text);
ALTER TABLE "prefs" ADD CONSTRAINT "a" FOREIGN KEY ("email", "phone") REFERENCES "clients" ("email", "phone");
ALTER TABLE "prefs" ADD CONSTRAINT "b" FOREIGN KEY ("email", "phone") REFERENCES "clients" ("phone", "email");
ALTER TABLE "prefs" ADD CONSTRAINT "c" FOREIGN KEY ("email", "alt") REFERENCES "clients" ("email", "phone");
)sql"}})).empty());
}

TEST(DuplicateForeignKeyGood, OtherActionsColumnsOrParentsAreNoTwins) {
  EXPECT_TRUE(run_rule(k_rule, replay_migrations({{"0000_init.sql", k_clients + R"sql(
CREATE TABLE "accounts" ("id" bigint PRIMARY KEY, "client_id" bigint, "client_code" text);
ALTER TABLE "accounts" ADD CONSTRAINT "a" FOREIGN KEY ("client_id") REFERENCES "clients" ("id");
ALTER TABLE "accounts" ADD CONSTRAINT "b" FOREIGN KEY ("client_id") REFERENCES "clients" ("id") ON DELETE CASCADE;
ALTER TABLE "accounts" ADD CONSTRAINT "c" FOREIGN KEY ("client_code") REFERENCES "clients" ("code");
)sql"}})).empty());
}

} // namespace duplicate_foreign_key_test
