#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace low_cardinality_index_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "low-cardinality-index";

TEST(LowCardinalityIndex, ReportsBooleanAndFewValuedColumns) {
  model::Table users = table("users", {column("id"), column("is_active", "boolean"), column("status", "text"),
                                       column("email", "text")});
  users.columns[2].stats = model::ColumnStats{};
  users.columns[2].stats->n_distinct = 3;
  users.columns[3].stats = model::ColumnStats{};
  users.columns[3].stats->n_distinct = -1;
  users.stats = model::TableStats{};
  users.stats->reltuples = 100'000;
  users.indexes.push_back(index("users_is_active_idx", {"is_active"}));
  users.indexes.push_back(index("users_status_idx", {"status"}));
  users.indexes.push_back(index("users_email_idx", {"email"}));
  const auto findings = run_rule(k_rule, catalog_of({users}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].object.to_string(), "public.users(is_active) users_is_active_idx");
  EXPECT_EQ(findings[1].object.to_string(), "public.users(status) users_status_idx");
  EXPECT_EQ(run_rule(k_rule, catalog_of({users}), {{"max-distinct", "2"}}).size(), 1U);
}

TEST(LowCardinalityIndex, PartialCompositeAndForeignKeyIndexesAreClean) {
  model::Table users = table("users", {column("id"), column("is_active", "boolean"), column("org_id")});
  users.columns[2].stats = model::ColumnStats{};
  users.columns[2].stats->n_distinct = 2;
  users.foreign_keys.push_back(foreign_key("users_org_fk", {"org_id"}, "orgs"));
  users.indexes.push_back(index("users_org_idx", {"org_id"}));
  users.indexes.push_back(index("users_active_id_idx", {"is_active", "id"}));
  users.indexes.push_back(index("users_active_partial_idx", {"is_active"}));
  users.indexes.back().predicate = "is_active";
  EXPECT_TRUE(run_rule(k_rule, catalog_of({users})).empty());
}

} // namespace low_cardinality_index_test
