#include "pg/explain.hpp"

#include <gtest/gtest.h>

namespace pgadvise::pg {
namespace {

TEST(ExplainParams, ParsesLoggedParameters) {
  auto params = parse_logged_params("$1 = '42', $2 = NULL, $3 = 'it''s, here'");
  ASSERT_TRUE(params.has_value());
  ASSERT_EQ(params->size(), 3U);
  EXPECT_EQ((*params)[0], Value("42"));
  EXPECT_EQ((*params)[1], std::nullopt);
  EXPECT_EQ((*params)[2], Value("it's, here"));
  auto prefixed = parse_logged_params("parameters: $1 = 'a'");
  ASSERT_TRUE(prefixed.has_value());
  EXPECT_EQ(prefixed->front(), Value("a"));
}

TEST(ExplainParams, RejectsUnusableParameterLines) {
  EXPECT_FALSE(parse_logged_params("").has_value());
  EXPECT_FALSE(parse_logged_params("$1 = 'cut off").has_value()) << "truncated by log_parameter_max_length";
  EXPECT_FALSE(parse_logged_params("$1 = '1', $3 = '3'").has_value()) << "a gap";
  EXPECT_FALSE(parse_logged_params("x = '1'").has_value());
}

TEST(ExplainParams, ParsesArrayText) {
  EXPECT_EQ(parse_array_text("{a,\"b c\",NULL,\"NULL\",\"q\\\"x\"}"),
            (std::vector<std::string>{"a", "b c", "NULL", "q\"x"}));
  EXPECT_TRUE(parse_array_text("").empty());
  EXPECT_TRUE(parse_array_text("{}").empty());
}

TEST(ExplainParams, RequestUsesTheExampleAndItsParameters) {
  model::QueryStats query;
  query.fingerprint = 7;
  query.normalized = "SELECT * FROM t WHERE id = $1";
  query.example = "SELECT * FROM t WHERE id = $1";
  query.example_params = "$1 = '5'";
  query.max_limit = 20;
  const ExplainRequest request = request_for(query);
  EXPECT_EQ(request.fingerprint, 7U);
  EXPECT_EQ(request.sql, query.example);
  ASSERT_EQ(request.params.size(), 1U);
  EXPECT_EQ(request.params.front(), Value("5"));
  EXPECT_EQ(request.limit_hint, 20);

  query.example.clear();
  EXPECT_EQ(request_for(query).sql, query.normalized) << "pg_stat_statements: only the normalized text";
}

} // namespace
} // namespace pgadvise::pg
