#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace redundant_index_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "redundant-index";

model::Catalog posts_with(std::vector<model::Index> indexes) {
  return catalog_with_indexes(table("posts", {column("id"), column("author_id"),
                                              column("created_at", "timestamptz"), column("slug", "text")}),
                              std::move(indexes));
}

TEST(RedundantIndex, LeftPrefixOfAnotherIndexIsReported) {
  const auto findings =
      run_rule(k_rule, posts_with({index("posts_author_idx", {"author_id"}, 4),
                                   index("posts_author_created_idx", {"author_id", "created_at"}, 8)}));
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings[0];
  EXPECT_EQ(f.rule, "redundant-index");
  EXPECT_EQ(f.severity, core::Severity::low);
  EXPECT_EQ(f.object.constraint, "posts_author_idx");
  EXPECT_EQ(f.location, at(4));
  ASSERT_EQ(f.evidence.size(), 2U);
  EXPECT_EQ(f.evidence[1].location, at(8));
  EXPECT_NE(f.evidence[1].detail.find("posts_author_created_idx"), std::string::npos);
  EXPECT_EQ(f.fix->statements(), "DROP INDEX CONCURRENTLY IF EXISTS posts_author_idx;");
}

TEST(RedundantIndex, PrefixOfAPrimaryKeyOrUniqueConstraintCounts) {
  const auto findings =
      run_rule(k_rule, posts_with({primary_key("posts_pkey", {"author_id", "id"}),
                                   index("posts_author_idx", {"author_id"}),
                                   unique_constraint("posts_slug_created_key", {"slug", "created_at"}),
                                   index("posts_slug_idx", {"slug"})}));
  EXPECT_EQ(constraints(findings), (std::vector<std::string>{"posts_author_idx", "posts_slug_idx"}));
}

TEST(RedundantIndex, UniqueAndConstraintIndexesAreNeverDropped) {
  const auto findings = run_rule(k_rule, posts_with({unique_index("posts_slug_key", {"slug"}),
                                                     index("posts_slug_created_idx", {"slug", "created_at"}),
                                                     primary_key("posts_pkey", {"id"}),
                                                     index("posts_id_created_idx", {"id", "created_at"})}));
  EXPECT_TRUE(findings.empty());
}

TEST(RedundantIndex, NotAPrefix) {
  model::Index partial_longer = index("posts_author_created_live_idx", {"author_id", "created_at"});
  partial_longer.predicate = "slug IS NOT NULL";
  model::Index gin = index("posts_slug_gin", {"slug", "author_id"});
  gin.method = "gin";
  const auto findings = run_rule(k_rule, posts_with({index("posts_author_idx", {"author_id"}), partial_longer,
                                                     index("posts_created_idx", {"created_at"}),
                                                     index("posts_id_created_idx", {"id", "created_at"}),
                                                     index("posts_slug_idx", {"slug"}), gin}));
  EXPECT_EQ(constraints(findings), std::vector<std::string>{});
}

TEST(RedundantIndex, EqualKeysAreLeftToDuplicateIndex) {
  EXPECT_TRUE(run_rule(k_rule, posts_with({index("a", {"author_id"}), index("b", {"author_id"})})).empty());
}

// Same keys, fewer INCLUDE columns: the wider index answers every query of
// the narrower one (pg-index-health's intersected-indexes reports it too).
TEST(RedundantIndex, SameKeysWithFewerIncludedColumns) {
  model::Index covering = index("posts_author_covering_idx", {"author_id"});
  covering.include = {"slug", "created_at"};
  model::Index some = index("posts_author_slug_idx", {"author_id"});
  some.include = {"slug"};
  const auto findings =
      run_rule(k_rule, posts_with({index("posts_author_idx", {"author_id"}), some, covering}));
  ASSERT_EQ(constraints(findings), (std::vector<std::string>{"posts_author_idx", "posts_author_slug_idx"}));
  EXPECT_NE(findings[0].message.find("INCLUDEs more columns"), std::string::npos) << findings[0].message;
  // Other INCLUDE columns, not more: neither covers the other.
  model::Index other = index("posts_author_created_idx", {"author_id"});
  other.include = {"created_at"};
  EXPECT_TRUE(run_rule(k_rule, posts_with({some, other})).empty());
}

TEST(RedundantIndex, EvidenceNamesTheClosestCoveringIndex) {
  const auto findings = run_rule(k_rule, posts_with({index("posts_author_idx", {"author_id"}),
                                                     index("wide", {"author_id", "created_at", "slug"}),
                                                     index("narrow", {"author_id", "created_at"})}));
  // posts_author_idx is covered by both; narrow by wide.
  ASSERT_EQ(constraints(findings), (std::vector<std::string>{"posts_author_idx", "narrow"}));
  EXPECT_NE(findings[0].evidence[1].detail.find("narrow"), std::string::npos);
}

TEST(RedundantIndex, DescendingPrefixServedByBackwardScan) {
  const auto findings =
      run_rule(k_rule, posts_with({keyed_index("posts_created_desc_idx", {key("created_at", true)}),
                                   index("posts_created_slug_idx", {"created_at", "slug"})}));
  EXPECT_EQ(constraints(findings), std::vector<std::string>{"posts_created_desc_idx"});
}

} // namespace redundant_index_test
