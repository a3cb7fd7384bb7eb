#include "rule_test_support.hpp"

#include <gtest/gtest.h>

namespace duplicate_index_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "duplicate-index";

model::Catalog posts_with(std::vector<model::Index> indexes) {
  return catalog_with_indexes(table("posts", {column("id"), column("author_id"), column("slug", "text")}),
                              std::move(indexes));
}

TEST(DuplicateIndex, IdenticalPlainIndexesDropTheLaterOne) {
  const auto findings = run_rule(k_rule, posts_with({index("posts_author_idx", {"author_id"}, 3),
                                                     index("posts_author_id_idx", {"author_id"}, 9)}));
  ASSERT_EQ(findings.size(), 1U);
  const core::Finding& f = findings[0];
  EXPECT_EQ(f.object.constraint, "posts_author_id_idx");
  EXPECT_EQ(f.object.columns, std::vector<std::string>{"author_id"});
  EXPECT_EQ(f.location, at(9));
  ASSERT_EQ(f.evidence.size(), 2U);
  EXPECT_EQ(f.evidence[1].location, at(3)); // the one that stays
  ASSERT_TRUE(f.fix);
  EXPECT_EQ(f.fix->statements(), "DROP INDEX CONCURRENTLY IF EXISTS posts_author_id_idx;");
}

// A btree is scanned in both directions: every key reversed (NULLS placement
// too) is the same index (pg-index-health's duplicated-indexes agrees).
TEST(DuplicateIndex, EveryKeyReversedIsADuplicate) {
  const auto findings =
      run_rule(k_rule, posts_with({index("posts_author_slug_idx", {"author_id", "slug"}, 3),
                                   keyed_index("posts_author_slug_desc_idx",
                                               {key("author_id", true), key("slug", true)}, 9)}));
  ASSERT_EQ(constraints(findings), std::vector<std::string>{"posts_author_slug_desc_idx"});
  EXPECT_NE(findings[0].message.find("read backward"), std::string::npos) << findings[0].message;
  // One key reversed: another order, not a duplicate.
  EXPECT_TRUE(run_rule(k_rule, posts_with({index("a", {"author_id", "slug"}),
                                           keyed_index("b", {key("author_id"), key("slug", true)})}))
                  .empty());
  // DESC NULLS LAST is not (a) read backward (that is DESC NULLS FIRST).
  model::IndexKey nulls_last = key("author_id", true);
  nulls_last.nulls_first = false;
  EXPECT_TRUE(
      run_rule(k_rule, posts_with({index("a", {"author_id"}), keyed_index("b", {nulls_last})})).empty());
}

TEST(DuplicateIndex, KeepsTheIndexThatBacksAConstraint) {
  const auto findings =
      run_rule(k_rule, posts_with({index("posts_id_idx", {"id"}), primary_key("posts_pkey", {"id"}),
                                   unique_index("posts_slug_idx", {"slug"}),
                                   unique_constraint("posts_slug_key", {"slug"})}));
  EXPECT_EQ(constraints(findings), (std::vector<std::string>{"posts_id_idx", "posts_slug_idx"}));
}

TEST(DuplicateIndex, UniqueIndexWinsOverANonUniqueTwin) {
  const auto findings = run_rule(
      k_rule, posts_with({index("posts_slug_idx", {"slug"}), unique_index("posts_slug_uidx", {"slug"})}));
  EXPECT_EQ(constraints(findings), std::vector<std::string>{"posts_slug_idx"});
}

TEST(DuplicateIndex, UniqueConstraintDuplicatingThePrimaryKeyIsDroppedAsAConstraint) {
  const auto findings = run_rule(
      k_rule, posts_with({unique_constraint("posts_id_key", {"id"}), primary_key("posts_pkey", {"id"})}));
  ASSERT_EQ(constraints(findings), std::vector<std::string>{"posts_id_key"});
  EXPECT_EQ(findings[0].fix->statements(), "ALTER TABLE posts DROP CONSTRAINT posts_id_key;");
}

TEST(DuplicateIndex, ThreeCopiesGiveTwoFindingsAgainstTheSameKeeper) {
  const auto findings =
      run_rule(k_rule, posts_with({index("a_idx", {"author_id"}), index("b_idx", {"author_id"}),
                                   index("c_idx", {"author_id"})}));
  EXPECT_EQ(constraints(findings), (std::vector<std::string>{"b_idx", "c_idx"}));
}

TEST(DuplicateIndex, DifferencesThatMatterAreNotDuplicates) {
  model::Index desc = keyed_index("posts_author_desc_idx", {key("author_id"), key("slug", true)});
  model::Index partial = index("posts_author_partial_idx", {"author_id"});
  partial.predicate = "slug IS NOT NULL";
  model::Index hash = index("posts_author_hash_idx", {"author_id"});
  hash.method = "hash";
  model::Index include = index("posts_author_incl_idx", {"author_id"});
  include.include = {"slug"};
  model::Index opclass = index("posts_slug_pattern_idx", {"slug"});
  opclass.keys[0].opclass = "text_pattern_ops";
  model::Index invalid = index("posts_author_invalid_idx", {"author_id"});
  invalid.valid = false;
  const auto findings =
      run_rule(k_rule, posts_with({index("posts_author_idx", {"author_id"}), desc, partial, hash, include,
                                   index("posts_slug_idx", {"slug"}), opclass, invalid,
                                   index("posts_author_slug_idx", {"author_id", "slug"}),
                                   index("posts_slug_author_idx", {"slug", "author_id"})}));
  EXPECT_TRUE(findings.empty()) << findings.size();
}

TEST(DuplicateIndex, SameExpressionsAreDuplicates) {
  const auto findings = run_rule(k_rule, posts_with({keyed_index("a", {expression_key("lower(slug)")}),
                                                     keyed_index("b", {expression_key("LOWER(slug)")})}));
  EXPECT_EQ(constraints(findings), std::vector<std::string>{"b"});
}

TEST(DuplicateIndex, DrizzleRemovalLine) {
  model::Project project;
  project.uses_drizzle = true;
  const auto findings = run_rule(
      k_rule, posts_with({index("a_idx", {"author_id"}), index("b_idx", {"author_id"})}), {}, &project);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].fix->code_text(), "// remove from schema.ts: index(\"b_idx\").on(table.authorId)");
}

} // namespace duplicate_index_test
