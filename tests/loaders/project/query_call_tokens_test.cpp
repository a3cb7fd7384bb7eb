// The token questions every reader of the query-call scan asks
// (query_call_tokens.hpp): a token's kind and spelling, answered from a
// word per token (its kind, length and first bytes) and, for a spelling
// longer than that holds, from the token itself.

#include "loaders/project/query_call_tokens.hpp"
#include "loaders/typescript/lexer.hpp"

#include <gtest/gtest.h>
#include <string>

namespace {

using namespace pgadvise::loaders;

TEST(TokenReader, TellsKindAndSpellingApartAtEveryLength) {
  const ts::LexResult lexed =
      ts::tokenize("db.findFirst(x) ; findFirsT findFirstX \"(\" eq === a" + std::string(300, 'b') + " ?.");
  const scan::TokenReader t(lexed.tokens, "x.ts");
  // db . findFirst ( x ) ; findFirsT findFirstX "(" eq === a..b ?. <end>
  EXPECT_TRUE(t.ident(0, "db"));
  EXPECT_FALSE(t.ident(0, "d"));
  EXPECT_FALSE(t.ident(0, "dbx"));
  EXPECT_TRUE(t.punct(1, "."));
  EXPECT_FALSE(t.ident(1, "."));
  EXPECT_TRUE(t.ident(2, "findFirst")); // longer than the key's bytes: the token's text decides
  EXPECT_FALSE(t.ident(2, "findFirsT"));
  EXPECT_FALSE(t.ident(2, "findFirstX"));
  EXPECT_TRUE(t.ident(7, "findFirsT"));
  EXPECT_FALSE(t.ident(7, "findFirst"));
  EXPECT_TRUE(t.ident(8, "findFirstX"));
  EXPECT_FALSE(t.ident(8, "findFirst"));
  EXPECT_EQ(t.kind(9), ts::TokenKind::string); // a string "(" is no bracket
  EXPECT_FALSE(t.punct(9, "("));
  EXPECT_TRUE(t.is(9, ts::TokenKind::string, "("));
  EXPECT_EQ(t.close_of(3), 5U);
  EXPECT_TRUE(t.ident(10, "eq"));
  EXPECT_TRUE(t.punct(11, "==="));
  EXPECT_FALSE(t.punct(11, "=="));
  EXPECT_TRUE(t.ident(12)); // a name of 301 characters
  EXPECT_TRUE(t.ident(12, "a" + std::string(300, 'b')));
  EXPECT_FALSE(t.ident(12, "a" + std::string(299, 'b')));
  EXPECT_TRUE(t.punct(13, "?."));
  EXPECT_EQ(t.kind(14), ts::TokenKind::end);
  EXPECT_EQ(t.kind(99), ts::TokenKind::end); // past the end: the end token
  EXPECT_FALSE(t.punct(99, "."));
}

} // namespace
