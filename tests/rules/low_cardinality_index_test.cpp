#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace low_cardinality_index_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "low-cardinality-index";

TEST(LowCardinalityIndex, ReportsBooleanAndFewValuedColumns) {
  model::Table users = table("users", {column("id"), column("is_active", "boolean"), column("status", "text"),
                                       column("email", "text")});
  users.columns[2].stats_facts().n_distinct = 3;
  users.columns[3].stats_facts().n_distinct = -1;
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

// A column with one value in every row (pg_stats n_distinct 1): no rare
// value for a partial index to keep (the fix proposed `WHERE type = '<rare
// value>'` and said "1 distinct values"): the fix drops the index.
TEST(LowCardinalityIndex, AColumnOfOneValueGetsTheDropNotAPartialIndex) {
  model::Table events = table("events", {column("id"), column("type", "text")});
  events.columns[1].stats_facts().n_distinct = 1;
  events.indexes.push_back(index("events_type_idx", {"type"}));
  const auto findings = run_rule(k_rule, catalog_of({events}));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_NE(findings[0].message.find("one value in every row"), std::string::npos) << findings[0].message;
  ASSERT_TRUE(findings[0].fix);
  EXPECT_EQ(findings[0].fix->statements().find("partial"), std::string::npos)
      << findings[0].fix->statements();
  EXPECT_NE(findings[0].fix->statements().find("DROP INDEX"), std::string::npos)
      << findings[0].fix->statements();
}

// A soft-delete flag true on every row (pg_stats most_common_vals {t},
// freq {1}): the rare value is false, so the partial index keeps WHERE NOT
// activated; WHERE activated indexed every row. A flag mostly false keeps
// WHERE flag.
TEST(LowCardinalityIndex, TheBooleanPartialIndexKeepsTheRareValue) {
  model::Table tasks =
      table("tasks", {column("id"), column("activated", "boolean"), column("urgent", "boolean")});
  tasks.columns[1].stats_facts().most_common_vals = "{t}";
  tasks.columns[1].stats_facts().most_common_freqs = "{1}";
  tasks.columns[2].stats_facts().most_common_vals = "{f,t}";
  tasks.columns[2].stats_facts().most_common_freqs = "{0.93,0.07}";
  tasks.indexes.push_back(index("tasks_activated_idx", {"activated"}));
  tasks.indexes.push_back(index("tasks_urgent_idx", {"urgent"}));
  const auto findings = run_rule(k_rule, catalog_of({tasks}));
  ASSERT_EQ(findings.size(), 2U);
  ASSERT_TRUE(findings[0].fix && findings[1].fix);
  EXPECT_NE(findings[0].fix->statements().find("ON tasks (activated) WHERE NOT activated;"),
            std::string::npos)
      << findings[0].fix->statements();
  EXPECT_NE(findings[1].fix->statements().find("ON tasks (urgent) WHERE urgent;"), std::string::npos)
      << findings[1].fix->statements();
}

TEST(LowCardinalityIndex, PartialCompositeAndForeignKeyIndexesAreClean) {
  model::Table users = table("users", {column("id"), column("is_active", "boolean"), column("org_id")});
  users.columns[2].stats_facts().n_distinct = 2;
  users.foreign_keys.push_back(foreign_key("users_org_fk", {"org_id"}, "orgs"));
  users.indexes.push_back(index("users_org_idx", {"org_id"}));
  users.indexes.push_back(index("users_active_id_idx", {"is_active", "id"}));
  users.indexes.push_back(index("users_active_partial_idx", {"is_active"}));
  users.indexes.back().predicate = "is_active";
  EXPECT_TRUE(run_rule(k_rule, catalog_of({users})).empty());
}

} // namespace low_cardinality_index_test
