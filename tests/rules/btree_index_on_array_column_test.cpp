#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace btree_index_on_array_column_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "btree-index-on-array-column";

model::Table posts() {
  model::Table out = table("posts", {column("id"), column("tags", "text[]"), column("title", "text")});
  return out;
}

TEST(BtreeIndexOnArrayColumn, ReportsABtreeWithAnArrayKey) {
  model::Table table = posts();
  table.indexes.push_back(index("posts_tags_idx", {"tags"}));
  table.indexes.push_back(index("posts_title_tags_idx", {"title", "tags"}));
  const auto findings = run_rule(k_rule, catalog_of({table}));
  ASSERT_EQ(findings.size(), 2U);
  EXPECT_EQ(findings[0].severity, core::Severity::low);
  EXPECT_EQ(findings[0].object.to_string(), "public.posts(tags) posts_tags_idx");
  ASSERT_TRUE(findings[0].fix.has_value());
  EXPECT_EQ(findings[0].fix->statements().rfind(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_tags_idx_gin ON posts USING gin "
                "(tags);",
                0),
            0U);
  EXPECT_NE(findings[0].fix->statements().find("DROP INDEX CONCURRENTLY"), std::string::npos);
}

TEST(BtreeIndexOnArrayColumn, GinUniqueScalarAndPartitionIndexesAreClean) {
  model::Table table = posts();
  table.indexes.push_back(index("posts_tags_gin", {"tags"}));
  table.indexes.back().method = "gin";
  table.indexes.push_back(index("posts_tags_key", {"tags"}));
  table.indexes.back().unique = true;
  table.indexes.push_back(index("posts_title_idx", {"title"}));
  model::Table partition = posts();
  partition.name = "posts_2025";
  partition.partition_of = "public.posts";
  partition.indexes.push_back(index("posts_2025_tags_idx", {"tags"}));
  EXPECT_TRUE(run_rule(k_rule, catalog_of({table, partition})).empty());
}

} // namespace btree_index_on_array_column_test
