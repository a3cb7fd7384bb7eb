// pg::Expression: libpg_query's expression nodes as pgadvise's own tree.
#include "pg/expression.hpp"

#include <gtest/gtest.h>

namespace expression_test {

using namespace pgadvise;
using Kind = pg::Expression::Kind;
using Constant = pg::Expression::Constant;

pg::Expression parsed(std::string_view sql) {
  const auto expression = pg::parse_expression(sql);
  EXPECT_TRUE(expression) << sql;
  return expression.value_or(pg::Expression{});
}

TEST(Expression, ColumnsKeepTheirQualifier) {
  const pg::Expression bare = parsed("email");
  EXPECT_EQ(bare.kind, Kind::column);
  EXPECT_EQ(bare.names, (std::vector<std::string>{"email"}));
  const pg::Expression qualified = parsed("u.email");
  EXPECT_EQ(qualified.names, (std::vector<std::string>{"u", "email"}));
  EXPECT_EQ(qualified.column(), "email");
  EXPECT_EQ(parsed("u.*").column(), "");
}

TEST(Expression, ConstantsSayWhatTheyHold) {
  const auto constant = [](std::string_view sql) {
    const pg::Expression e = parsed(sql);
    EXPECT_EQ(e.kind, Kind::constant) << sql;
    return std::make_pair(e.constant, e.value);
  };
  EXPECT_EQ(constant("'theme'"), std::make_pair(Constant::string, std::string("theme")));
  EXPECT_EQ(constant("''"), std::make_pair(Constant::string, std::string()));
  EXPECT_EQ(constant("42"), std::make_pair(Constant::integer, std::string("42")));
  EXPECT_EQ(constant("0"), std::make_pair(Constant::integer, std::string("0")));
  EXPECT_EQ(constant("1.5"), std::make_pair(Constant::number, std::string("1.5")));
  EXPECT_EQ(constant("true"), std::make_pair(Constant::boolean, std::string("true")));
  EXPECT_EQ(constant("false"), std::make_pair(Constant::boolean, std::string("false")));
  EXPECT_EQ(constant("NULL").first, Constant::null);
}

TEST(Expression, CallsCastsAndOperators) {
  const pg::Expression call = parsed("pg_catalog.lower(email)");
  EXPECT_EQ(call.kind, Kind::call);
  EXPECT_EQ(call.names, (std::vector<std::string>{"lower"}));
  ASSERT_EQ(call.args.size(), 1U);
  EXPECT_EQ(call.args[0].column(), "email");
  EXPECT_TRUE(call.plain);
  EXPECT_FALSE(call.sql_syntax);
  EXPECT_FALSE(parsed("count(*)").plain);
  EXPECT_FALSE(parsed("count(DISTINCT a)").plain);
  EXPECT_FALSE(parsed("rank() OVER ()").plain);

  const pg::Expression extract = parsed("EXTRACT(year FROM seen_at)");
  EXPECT_TRUE(extract.sql_syntax);
  ASSERT_EQ(extract.args.size(), 2U);
  EXPECT_EQ(extract.args[0].value, "year");

  const pg::Expression cast = parsed("x::numeric(10,2)[]");
  EXPECT_EQ(cast.kind, Kind::cast);
  EXPECT_EQ(cast.names, (std::vector<std::string>{"numeric"}));
  ASSERT_EQ(cast.type_modifiers.size(), 2U);
  EXPECT_EQ(cast.type_modifiers[1].value, "2");
  EXPECT_EQ(cast.array_bounds, 1U);
  ASSERT_EQ(cast.args.size(), 1U);
  EXPECT_EQ(cast.args[0].column(), "x");

  const pg::Expression op = parsed("settings ->> 'theme'");
  EXPECT_EQ(op.kind, Kind::op);
  EXPECT_EQ(op.names, (std::vector<std::string>{"->>"}));
  ASSERT_EQ(op.args.size(), 2U);
  const pg::Expression prefix = parsed("-b");
  EXPECT_EQ(prefix.kind, Kind::op);
  EXPECT_EQ(prefix.args.size(), 1U);
}

TEST(Expression, WhatAnIndexCannotHoldIsOther) {
  EXPECT_EQ(parsed("a IN (1, 2)").kind, Kind::other);
  EXPECT_EQ(parsed("(SELECT 1)").kind, Kind::other);
  EXPECT_EQ(parsed("CASE WHEN a THEN 1 END").kind, Kind::other);
  EXPECT_EQ(parsed("$1").kind, Kind::other);
  EXPECT_FALSE(pg::parse_expression("1, 2"));
  EXPECT_FALSE(pg::parse_expression("FROM"));
}

TEST(Expression, DeepNestingEndsAsOther) {
  std::string sql = "x";
  for (int i = 0; i < 150; ++i) {
    sql = "lower(" + sql + ")";
  }
  const pg::Expression* node = nullptr;
  const pg::Expression root = parsed(sql);
  int depth = 0;
  for (node = &root; node->kind == Kind::call; node = &node->args.front()) {
    ++depth;
  }
  EXPECT_EQ(node->kind, Kind::other);
  EXPECT_EQ(depth, 101);
}

TEST(Expression, EqualTreesCompareEqual) {
  EXPECT_EQ(parsed("lower(email)"), parsed("lower( email )"));
  EXPECT_NE(parsed("lower(email)"), parsed("upper(email)"));
}

} // namespace expression_test
