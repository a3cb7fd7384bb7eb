#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace invalid_index_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "invalid-index";

TEST(InvalidIndex, ReportsInvalidIndexes) {
  model::Table accounts = table("accounts", {column("id"), column("email", "text")});
  accounts.indexes.push_back(primary_key("accounts_pkey", {"id"}));
  accounts.indexes.push_back(unique_index("accounts_email_idx", {"email"}));
  accounts.indexes.back().valid = false;
  const auto findings = run_rule(k_rule, catalog_of({accounts}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].object.to_string(), "public.accounts(email) accounts_email_idx");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements().rfind("REINDEX INDEX CONCURRENTLY accounts_email_idx;", 0), 0U);
}

TEST(InvalidIndex, ValidAndPartitionedParentIndexesAreClean) {
  model::Table accounts = table("accounts", {column("id")});
  accounts.indexes.push_back(primary_key("accounts_pkey", {"id"}));
  model::Table events = table("events", {column("at", "timestamptz")});
  events.partitioned = true;
  events.indexes.push_back(index("events_at_idx", {"at"}));
  events.indexes.back().valid = false;
  EXPECT_TRUE(run_rule(k_rule, catalog_of({accounts, events})).empty());
}

} // namespace invalid_index_test
