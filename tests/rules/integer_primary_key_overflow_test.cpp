#include "app/lint/consolidate.hpp"
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
  EXPECT_NE(findings[0].fix->statements().find("ALTER TABLE users ALTER COLUMN id TYPE bigint;"),
            std::string::npos);
}

TEST(IntegerPrimaryKeyOverflow, AnIdentityKeyIsWidenedAndStaysIdentity) {
  model::Table users = table("users", {column("id", "int4", true, std::nullopt, 3)}, 2);
  users.columns[0].identity = true;
  users.indexes.push_back(primary_key("users_pkey", {"id"}));
  const auto findings = run_rule(k_rule, catalog_of({users}));
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements(), "ALTER TABLE users ALTER COLUMN id TYPE bigint;");
}

// The Drizzle line widens the key and keeps what the column is: a BY
// DEFAULT identity stays BY DEFAULT (ALWAYS would refuse the explicit ids the
// app may insert), and a table whose columns are a callback `(d) => ({...})`
// gets `d.bigint(...)`, which needs no import (a bare bigint("id") did).
TEST(IntegerPrimaryKeyOverflow, TheDrizzleLineKeepsTheIdentityKindAndTheBuilderStyle) {
  model::Project project;
  project.uses_drizzle = true;
  const auto drizzle = [&](bool always, const char* param, const char* name, const char* property) {
    model::Table boards = table("boards", {column(name, "int4", true, std::nullopt, 3)}, 2);
    boards.columns[0].identity = true;
    boards.columns[0].identity_always = always;
    boards.columns[0].set_property(property);
    boards.drizzle_column_param = param;
    boards.indexes.push_back(primary_key("boards_pkey", {name}));
    const auto findings = run_rule(k_rule, catalog_of({boards}), {}, &project);
    return findings.size() == 1 && findings[0].fix ? findings[0].fix->code_text().str() : std::string("?");
  };
  EXPECT_EQ(drizzle(false, "", "id", "id"),
            "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedByDefaultAsIdentity(),");
  EXPECT_EQ(drizzle(true, "", "id", "id"),
            "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity(),");
  EXPECT_EQ(drizzle(false, "d", "id", "id"),
            "id: d.bigint({ mode: \"number\" }).primaryKey().generatedByDefaultAsIdentity(),");
  EXPECT_EQ(
      drizzle(false, "d", "board_id", "boardId"),
      "boardId: d.bigint(\"board_id\", { mode: \"number\" }).primaryKey().generatedByDefaultAsIdentity(),");
}

// A serial key is judged by both rules: each proposing its own change (one
// to bigint, one to an integer identity column) gave a serial() table two
// findings whose Drizzle lines disagreed on the type. Both now propose the
// bigint identity column, and the report merges them into one finding.
// The identity's options stay in the Drizzle line: without them drizzle-kit
// generates SET START WITH 1 and SET CACHE 1 beside the type change. Only
// what differs from PostgreSQL's defaults is written, and a maximum that is
// the old type's own (drizzle-kit pull writes it) is left out: lifting it is
// the point of bigint.
TEST(IntegerPrimaryKeyOverflow, TheDrizzleLineKeepsTheIdentitysOptions) {
  model::Project project;
  project.uses_drizzle = true;
  const auto drizzle = [&](const model::ColumnSequence& sequence) {
    model::Table orders = table("orders", {column("id", "int4", true, std::nullopt, 3)}, 2);
    orders.columns[0].identity = true;
    orders.columns[0].identity_always = true;
    orders.columns[0].sequence_facts() = sequence;
    orders.indexes.push_back(primary_key("orders_pkey", {"id"}));
    const auto findings = run_rule(k_rule, catalog_of({orders}), {}, &project);
    return findings.size() == 1 && findings[0].fix ? findings[0].fix->code_text().str() : std::string("?");
  };
  model::ColumnSequence pulled; // every option drizzle-kit pull writes, all PostgreSQL's defaults
  pulled.name = "orders_id_seq";
  pulled.start = 1;
  pulled.increment = 1;
  pulled.min_value = 1;
  pulled.max_value = 2147483647;
  pulled.cache = 1;
  EXPECT_EQ(drizzle(pulled),
            "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity(),");
  model::ColumnSequence own = pulled;
  own.name = "order_number_seq";
  own.start = 1000;
  own.cache = 20;
  own.cycle = true;
  EXPECT_EQ(drizzle(own), "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity({ "
                          "name: \"order_number_seq\", startWith: 1000, cache: 20, cycle: true }),");
  model::ColumnSequence bounded;
  bounded.min_value = 100;
  bounded.start = 100;
  bounded.max_value = 999999;
  bounded.increment = 5;
  EXPECT_EQ(drizzle(bounded),
            "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity({ "
            "increment: 5, minValue: 100, maxValue: 999999 }),");
}

TEST(IntegerPrimaryKeyOverflow, ASerialKeyIsOneFindingWithSerialPrimaryKey) {
  const auto overflow = run_rule(k_rule, catalog_of({serial_table()}));
  const auto serial = run_rule("serial-primary-key", catalog_of({serial_table()}));
  ASSERT_EQ(overflow.size(), 1U);
  ASSERT_EQ(serial.size(), 1U);
  ASSERT_TRUE(overflow[0].fix.has_value() && serial[0].fix.has_value());
  EXPECT_EQ(overflow[0].fix->statements(), serial[0].fix->statements());
  EXPECT_NE(overflow[0].fix->statements().find(
                "TYPE bigint;\nALTER TABLE users ALTER COLUMN id ADD GENERATED BY DEFAULT "
                "AS IDENTITY;"),
            std::string::npos)
      << overflow[0].fix->statements();
  std::vector<core::Finding> findings{overflow[0], serial[0]};
  app::consolidate_findings(findings, nullptr);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule_ids.size(), 2U);
}

TEST(IntegerPrimaryKeyOverflow, LiveSequencePastHalfIsHighWithItsPercentage) {
  model::Table users = serial_table();
  users.columns[0].sequence_facts().last_value = 1'503'238'553; // 70% of 2,147,483,647
  const auto findings = run_rule(k_rule, catalog_of({users}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::high);
  EXPECT_NE(findings[0].message.find("sequence is at 70% of them (last value 1,503,238,553)"),
            std::string::npos)
      << findings[0].message;
}

TEST(IntegerPrimaryKeyOverflow, LiveSequenceUnderHalfKeepsItsSeverity) {
  model::Table users = serial_table();
  users.columns[0].sequence_facts().last_value = 1'073'741'823; // just under half
  auto findings = run_rule(k_rule, catalog_of({users}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
  EXPECT_NE(findings[0].message.find("at 50% of them"), std::string::npos) << findings[0].message;
  users.columns[0].sequence_facts().last_value = 42;
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
