// The token questions every reader of the query-call scan asks
// (query_call_tokens.hpp): a token's kind and spelling, answered from a
// word per token (its kind and its number among the spellings the code
// names, loaders/typescript/spelling.hpp); a name known only at run time
// from the token's text.

#include "loaders/project/query_call_tokens.hpp"
#include "loaders/typescript/lexer.hpp"
#include "loaders/typescript/spelling.hpp"

#include <gtest/gtest.h>
#include <string>

namespace {

using namespace pgadvise::loaders;

TEST(TokenReader, TellsKindAndSpellingApart) {
  const ts::LexResult lexed = ts::tokenize("db.findFirst(x) ; findFirsT findFirstX \"(\" eq === a" +
                                           std::string(300, 'b') + " ?. where whereX");
  const scan::TokenReader t(lexed.tokens, "x.ts");
  // db . findFirst ( x ) ; findFirsT findFirstX "(" eq === a..b ?. where whereX <end>
  EXPECT_TRUE(t.named(0, "db"));
  EXPECT_FALSE(t.named(0, "d"));
  EXPECT_FALSE(t.named(0, "dbx"));
  EXPECT_TRUE(t.punct(1, "."));
  EXPECT_FALSE(t.ident(1, "eq")); // a punctuator is no name
  EXPECT_FALSE(t.named(1, "."));
  EXPECT_TRUE(t.ident(2, "findFirst"));
  EXPECT_FALSE(t.ident(2, "findMany"));
  EXPECT_FALSE(t.ident(7, "findFirst")); // findFirsT: not listed, no spelling's number
  EXPECT_TRUE(t.named(7, "findFirsT"));
  EXPECT_FALSE(t.ident(8, "findFirst")); // findFirstX
  EXPECT_TRUE(t.named(8, "findFirstX"));
  EXPECT_EQ(t.kind(9), ts::TokenKind::string); // a string "(" is no bracket
  EXPECT_FALSE(t.punct(9, "("));
  EXPECT_EQ(t.close_of(3), 5U);
  EXPECT_TRUE(t.ident(10, "eq"));
  EXPECT_TRUE(t.punct(11, "==="));
  EXPECT_FALSE(t.punct(11, "=="));
  EXPECT_TRUE(t.ident(12)); // a name of 301 characters
  EXPECT_TRUE(t.named(12, "a" + std::string(300, 'b')));
  EXPECT_FALSE(t.named(12, "a" + std::string(299, 'b')));
  EXPECT_TRUE(t.punct(13, "?."));
  EXPECT_TRUE(t.ident(14, "where"));
  EXPECT_FALSE(t.ident(15, "where"));
  EXPECT_EQ(t.kind(16), ts::TokenKind::end);
  EXPECT_EQ(t.kind(99), ts::TokenKind::end); // past the end: the end token
  EXPECT_FALSE(t.punct(99, "."));
}

// The lexer's table from a text to its number finds every listed spelling,
// and nothing for a text one byte off from one.
TEST(Spelling, EveryListedSpellingIsFoundAndNoNearMiss) {
  for (std::size_t id = 1; id < ts::k_spellings.size(); ++id) {
    const std::string text(ts::k_spellings[id]);
    EXPECT_EQ(ts::spelling_id(text), id) << text;
    const std::string longer = text + "x";
    const std::string shorter = text.substr(0, text.size() - 1);
    std::string changed = text;
    changed.back() = changed.back() == 'Q' ? 'R' : 'Q';
    for (const std::string& near : {longer, shorter, changed}) {
      const ts::SpellingId found = ts::spelling_id(near);
      EXPECT_TRUE(found == 0 || ts::k_spellings[found] == near) << near;
    }
  }
  EXPECT_EQ(ts::spelling_id(""), 0);
  EXPECT_EQ(ts::spelling_id(std::string(300, 'a')), 0);
  const ts::Spelling import = "import";
  EXPECT_EQ(ts::k_spellings[import.id], "import");
}

} // namespace
