#include "core/text.hpp"

#include <gtest/gtest.h>

using namespace pgadvise::core;

TEST(QuoteIdent, LeavesPlainLowerCaseAlone) {
  EXPECT_EQ(quote_ident("user_id"), "user_id");
  EXPECT_EQ(quote_ident("_x1"), "_x1");
}

TEST(QuoteIdent, QuotesWhatPostgresWouldFoldOrReject) {
  EXPECT_EQ(quote_ident("userId"), "\"userId\"");
  EXPECT_EQ(quote_ident("user"), "\"user\"");   // reserved
  EXPECT_EQ(quote_ident("order"), "\"order\""); // reserved
  EXPECT_EQ(quote_ident("1abc"), "\"1abc\"");
  EXPECT_EQ(quote_ident("a b"), "\"a b\"");
  EXPECT_EQ(quote_ident("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(quote_ident(""), "\"\"");
}

TEST(QualifiedName, OmitsPublic) {
  EXPECT_EQ(qualified_name("public", "posts"), "posts");
  EXPECT_EQ(qualified_name("", "posts"), "posts");
  EXPECT_EQ(qualified_name("Billing", "user"), "\"Billing\".\"user\"");
}

TEST(QuoteLiteral, DoublesQuotes) {
  EXPECT_EQ(quote_literal("it's"), "'it''s'");
}

TEST(TruncateIdentifier, KeepsUtf8Whole) {
  const std::string long_ascii(70, 'a');
  EXPECT_EQ(truncate_identifier(long_ascii).size(), 63U);
  // 31 two-byte characters = 62 bytes, then a 2-byte character straddling byte 63.
  std::string multi;
  for (int i = 0; i < 40; ++i) {
    multi += "\xc3\xa9"; // é
  }
  const std::string cut = truncate_identifier(multi);
  EXPECT_EQ(cut.size(), 62U);
  EXPECT_EQ(cut.size() % 2, 0U);
}

TEST(SnakeToCamel, MatchesDrizzleCasing) {
  EXPECT_EQ(snake_to_camel("author_id"), "authorId");
  EXPECT_EQ(snake_to_camel("created_at_utc"), "createdAtUtc");
  EXPECT_EQ(snake_to_camel("id"), "id");
  EXPECT_EQ(snake_to_camel("_private"), "private");
}

TEST(Text, TrimSplitJoinLower) {
  EXPECT_EQ(trim("  a b \n"), "a b");
  EXPECT_EQ(trim("   "), "");
  EXPECT_EQ(split("a,,b", ','), (std::vector<std::string>{"a", "", "b"}));
  EXPECT_EQ(join({"a", "b"}, ", "), "a, b");
  EXPECT_EQ(to_lower("MiXeD"), "mixed");
  EXPECT_TRUE(starts_with_ci("CREATE table", "create"));
  EXPECT_FALSE(starts_with_ci("CR", "create"));
}
