#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace missing_primary_key_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "missing-primary-key";

TEST(MissingPrimaryKey, ReportsTablesWithoutOne) {
  model::Table with_pk = table("users", {column("id")}, 1);
  with_pk.indexes.push_back(primary_key("users_pkey", {"id"}));
  model::Table without = table("audit_log", {column("at", "timestamptz"), column("what", "text")}, 7);
  const auto findings = run_rule(k_rule, catalog_of({with_pk, without}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].rule, "missing-primary-key");
  EXPECT_EQ(findings[0].severity, core::Severity::medium);
  EXPECT_EQ(findings[0].object.to_string(), "public.audit_log");
  EXPECT_EQ(findings[0].location, at(7));
  EXPECT_FALSE(findings[0].fix);
  ASSERT_EQ(findings[0].evidence.size(), 1U);
}

TEST(MissingPrimaryKey, UniqueNotNullKeyIsACandidateInEvidence) {
  model::Table t = table("accounts", {column("email", "text", true), column("nickname", "text")}, 3);
  t.indexes.push_back(unique_constraint("accounts_email_key", {"email"}, 5));
  t.indexes.push_back(unique_index("accounts_nickname_key", {"nickname"}, 6)); // nullable: no candidate
  const auto findings = run_rule(k_rule, catalog_of({t}));
  ASSERT_EQ(findings.size(), 1U);
  ASSERT_EQ(findings[0].evidence.size(), 2U);
  EXPECT_EQ(findings[0].evidence[1].location, at(5));
  EXPECT_NE(findings[0].evidence[1].detail.find("accounts_email_key"), std::string::npos);
  EXPECT_NE(findings[0].help.find("ADD PRIMARY KEY (email)"), std::string::npos);
}

TEST(MissingPrimaryKey, UniqueIndexCandidateCanBePromotedDirectly) {
  model::Table t = table("accounts", {column("email", "text", true)});
  t.indexes.push_back(unique_index("accounts_email_idx", {"email"}));
  const auto findings = run_rule(k_rule, catalog_of({t}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].help.find("ADD PRIMARY KEY USING INDEX accounts_email_idx"), std::string::npos);
}

TEST(MissingPrimaryKey, PartialOrExpressionUniqueIndexesAreNoCandidates) {
  model::Table t = table("accounts", {column("email", "text", true)});
  model::Index partial = unique_index("accounts_live_email_key", {"email"});
  partial.predicate = "deleted_at IS NULL";
  model::Index expression = keyed_index("accounts_lower_email_key", {expression_key("lower(email)")});
  expression.unique = true;
  t.indexes = {partial, expression};
  const auto findings = run_rule(k_rule, catalog_of({t}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].evidence.size(), 1U);
}

TEST(MissingPrimaryKey, PartitionsReportThroughTheirParent) {
  model::Table parent = table("events", {column("id"), column("at", "timestamptz")});
  parent.partitioned = true;
  parent.indexes.push_back(primary_key("events_pkey", {"id", "at"}));
  model::Table partition = table("events_2024", {column("id"), column("at", "timestamptz")});
  partition.partition_of = "public.events";
  EXPECT_TRUE(run_rule(k_rule, catalog_of({parent, partition})).empty());

  parent.indexes.clear();
  EXPECT_EQ(objects(run_rule(k_rule, catalog_of({parent, partition}))),
            std::vector<std::string>{"public.events"});
}

} // namespace missing_primary_key_test
