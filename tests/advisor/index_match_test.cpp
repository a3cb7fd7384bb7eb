#include "advisor/index_match.hpp"

#include <functional>
#include <gtest/gtest.h>

namespace index_match_test {

using namespace pgadvise;
using advisor::covers_leading;
using advisor::is_left_prefix_of;
using advisor::near_miss_reason;
using advisor::same_definition;

model::IndexKey col(std::string name, bool desc = false) {
  return {std::move(name), "", desc, "", {}};
}
model::IndexKey expr(std::string sql) {
  return {"", std::move(sql), false, "", {}};
}

model::Index make_index(std::string name, std::vector<model::IndexKey> keys,
                        model::IndexKind kind = model::IndexKind::index) {
  model::Index index;
  index.name = std::move(name);
  index.keys = std::move(keys);
  index.kind = kind;
  index.unique = kind != model::IndexKind::index;
  return index;
}

TEST(CoversLeading, LeadingColumnsInAnyOrder) {
  const auto pk = make_index("m_pkey", {col("org_id"), col("user_id")}, model::IndexKind::primary_key);
  EXPECT_TRUE(covers_leading(pk, {"org_id"}));
  EXPECT_FALSE(covers_leading(pk, {"user_id"}));
  EXPECT_TRUE(covers_leading(pk, {"user_id", "org_id"}));
  EXPECT_TRUE(covers_leading(make_index("i", {col("b"), col("a"), col("c")}), {"a", "b"}));
  EXPECT_FALSE(covers_leading(make_index("i", {col("a"), col("c"), col("b")}), {"a", "b"}));
  EXPECT_FALSE(covers_leading(make_index("i", {col("a")}), {"a", "b"}));
}

TEST(CoversLeading, RejectsPartialExpressionNonBtreeAndInvalid) {
  auto partial = make_index("p", {col("a")});
  partial.predicate = "deleted_at IS NULL";
  EXPECT_FALSE(covers_leading(partial, {"a"}));
  EXPECT_FALSE(covers_leading(make_index("e", {expr("lower(a)")}), {"a"}));
  auto hash = make_index("h", {col("a")});
  hash.method = "hash";
  EXPECT_FALSE(covers_leading(hash, {"a"}));
  auto invalid = make_index("v", {col("a")});
  invalid.valid = false;
  EXPECT_FALSE(covers_leading(invalid, {"a"}));
  EXPECT_FALSE(covers_leading(make_index("x", {col("a"), col("a")}), {"a", "b"}));
}

TEST(NearMissReason, NamesThePositionOfASecondColumn) {
  const auto pk = make_index("m_pkey", {col("org_id"), col("user_id")}, model::IndexKind::primary_key);
  const auto reason = near_miss_reason(pk, {"user_id"});
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("m_pkey"), std::string::npos);
  EXPECT_NE(reason->find("user_id in position 2"), std::string::npos) << *reason;
  EXPECT_FALSE(near_miss_reason(pk, {"org_id"}));  // covers
  EXPECT_FALSE(near_miss_reason(pk, {"team_id"})); // unrelated
}

TEST(NearMissReason, ExpressionOverTheColumnIsANearMiss) {
  const auto reason = near_miss_reason(make_index("e", {expr("lower(email)")}), {"email"});
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("key 1 is the expression lower(email)"), std::string::npos) << *reason;
  EXPECT_FALSE(near_miss_reason(make_index("e", {expr("lower(email_verified)")}), {"email"}));
}

TEST(NearMissReason, SaysPartialAndMethod) {
  auto partial = make_index("p", {col("a")});
  partial.predicate = "a IS NOT NULL";
  EXPECT_NE(near_miss_reason(partial, {"a"})->find("partial"), std::string::npos);
  auto hash = make_index("h", {col("a")});
  hash.method = "hash";
  EXPECT_NE(near_miss_reason(hash, {"a"})->find("hash"), std::string::npos);
}

TEST(SameDefinition, ComparesKeysMethodPredicateAndInclude) {
  auto a = make_index("a", {col("x"), expr("lower(y)")});
  auto b = make_index("b", {col("x"), expr("LOWER( y )")});
  EXPECT_TRUE(same_definition(a, b));
  b.keys[1] = expr("(lower(y))");
  EXPECT_TRUE(same_definition(a, b));
  // Each of these differences alone makes another index.
  const std::vector<std::function<void(model::Index&)>> differences = {
      [](model::Index& i) { i.predicate = "x > 0"; },
      [](model::Index& i) { i.keys[0].descending = true; },
      [](model::Index& i) { i.keys[0].opclass = "text_pattern_ops"; },
      [](model::Index& i) { i.include = {"z"}; },
      [](model::Index& i) { i.method = "hash"; },
  };
  for (std::size_t d = 0; d < differences.size(); ++d) {
    model::Index changed = b;
    differences[d](changed);
    EXPECT_FALSE(same_definition(a, changed)) << "difference " << d;
  }
  EXPECT_FALSE(same_definition(make_index("c", {col("x"), col("y")}), make_index("d", {col("y"), col("x")})));
}

TEST(IsLeftPrefixOf, StrictPrefixOnly) {
  const auto ab = make_index("ab", {col("a"), col("b")});
  EXPECT_TRUE(is_left_prefix_of(make_index("a", {col("a")}), ab));
  EXPECT_FALSE(is_left_prefix_of(make_index("b", {col("b")}), ab));
  EXPECT_FALSE(
      is_left_prefix_of(make_index("ab2", {col("a"), col("b")}), ab)); // equal: duplicate, not prefix
  EXPECT_FALSE(is_left_prefix_of(ab, make_index("a", {col("a")})));
}

TEST(IsLeftPrefixOf, DirectionsMustAllMatchOrAllFlip) {
  const auto ab = make_index("ab", {col("a"), col("b", true)});
  EXPECT_TRUE(is_left_prefix_of(make_index("a", {col("a", true)}), ab)); // backward scan
  const auto abc = make_index("abc", {col("a"), col("b"), col("c")});
  EXPECT_FALSE(is_left_prefix_of(make_index("ab", {col("a"), col("b", true)}), abc));
  EXPECT_TRUE(is_left_prefix_of(make_index("ab", {col("a", true), col("b", true)}), abc));
}

TEST(IsLeftPrefixOf, PredicatesOpclassesMethodsAndInclude) {
  auto longer = make_index("ab", {col("a"), col("b")});
  auto shorter = make_index("a", {col("a")});
  shorter.predicate = "a > 0";
  EXPECT_TRUE(is_left_prefix_of(shorter, longer)); // a full index serves a partial one's queries
  longer.predicate = "a > 0";
  EXPECT_TRUE(is_left_prefix_of(shorter, longer));
  shorter.predicate.clear();
  EXPECT_FALSE(is_left_prefix_of(shorter, longer)); // a partial index cannot replace a full one
  longer.predicate.clear();
  shorter.keys[0].opclass = "text_pattern_ops";
  EXPECT_FALSE(is_left_prefix_of(shorter, longer));
  shorter.keys[0].opclass.clear();
  shorter.include = {"c"};
  EXPECT_FALSE(is_left_prefix_of(shorter, longer));
  longer.include = {"c"};
  EXPECT_TRUE(is_left_prefix_of(shorter, longer));
  longer.method = "gin";
  EXPECT_FALSE(is_left_prefix_of(shorter, longer));
  longer.method = "btree";
  longer.valid = false;
  EXPECT_FALSE(is_left_prefix_of(shorter, longer));
}

} // namespace index_match_test
