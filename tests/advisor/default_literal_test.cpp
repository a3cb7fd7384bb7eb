#include "advisor/default_literal.hpp"

#include <gtest/gtest.h>

namespace default_literal_test {

using pgadvise::advisor::default_string_literal;
using pgadvise::advisor::is_json_container;

TEST(DefaultStringLiteral, StripsCastsAndParentheses) {
  EXPECT_EQ(default_string_literal("'{}'"), "{}");
  EXPECT_EQ(default_string_literal("'{}'::text"), "{}");
  EXPECT_EQ(default_string_literal("('[]'::character varying)"), "[]");
  EXPECT_EQ(default_string_literal("'[]'::character varying(20)"), "[]");
  EXPECT_EQ(default_string_literal("'{\"json\": {}}'::jsonb"), "{\"json\": {}}");
  EXPECT_EQ(default_string_literal("'it''s'"), "it's");
  EXPECT_EQ(default_string_literal("E'{\\\"a\\\": 1}'"), "{\"a\": 1}");
}

TEST(DefaultStringLiteral, RejectsComputedDefaults) {
  EXPECT_FALSE(default_string_literal("now()"));
  EXPECT_FALSE(default_string_literal("42"));
  EXPECT_FALSE(default_string_literal("'{' || '}'"));
  EXPECT_FALSE(default_string_literal("'{}'::text || 'x'"));
  EXPECT_FALSE(default_string_literal("'unterminated"));
  EXPECT_FALSE(default_string_literal(""));
}

TEST(IsJsonContainer, AcceptsObjectsAndArraysOnly) {
  EXPECT_TRUE(is_json_container("{}"));
  EXPECT_TRUE(is_json_container(" [1, 2] "));
  EXPECT_TRUE(is_json_container("{\"json\": {}}"));
  EXPECT_FALSE(is_json_container("{a,b}")); // a PostgreSQL array literal
  EXPECT_FALSE(is_json_container("\"text\""));
  EXPECT_FALSE(is_json_container("42"));
  EXPECT_FALSE(is_json_container("{"));
  EXPECT_FALSE(is_json_container(""));
}

} // namespace default_literal_test
