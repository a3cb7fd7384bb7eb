#include "loaders/typescript/lexer.hpp"

#include <gtest/gtest.h>
#include <random>

using namespace pgadvise::loaders::ts;

namespace ts_lexer_test {

std::vector<std::string> kinds_and_texts(const LexResult& result) {
  std::vector<std::string> out;
  for (const Token& token : result.tokens) {
    std::string kind;
    switch (token.kind) {
    case TokenKind::identifier: kind = "id"; break;
    case TokenKind::string: kind = "str"; break;
    case TokenKind::number: kind = "num"; break;
    case TokenKind::template_full: kind = "tpl"; break;
    case TokenKind::template_head: kind = "head"; break;
    case TokenKind::template_middle: kind = "mid"; break;
    case TokenKind::template_tail: kind = "tail"; break;
    case TokenKind::regex: kind = "re"; break;
    case TokenKind::punct: kind = "p"; break;
    case TokenKind::end: kind = "end"; break;
    }
    out.push_back(kind + ":" + std::string(token.text));
  }
  return out;
}

TEST(TsLexer, IdentifiersPunctuatorsAndPositions) {
  const LexResult result = tokenize("export const users = pgTable(\"users\", {\n  id: uuid(),\n});");
  const std::vector<std::string> expected = {
      "id:export", "id:const", "id:users", "p:=", "id:pgTable", "p:(", "str:users", "p:,", "p:{", "id:id",
      "p::",       "id:uuid",  "p:(",      "p:)", "p:,",        "p:}", "p:)",       "p:;", "end:"};
  EXPECT_EQ(kinds_and_texts(result), expected);
  ASSERT_GE(result.tokens.size(), 10U);
  EXPECT_EQ(result.tokens[9].line, 2); // id
  EXPECT_EQ(result.tokens[9].column, 3);
  EXPECT_TRUE(result.problems.empty());
}

TEST(TsLexer, DecodesStringEscapes) {
  const LexResult result = tokenize(R"('it\'s' "a\"b" "\u00e9\x41\n" '\u{1F600}')");
  ASSERT_EQ(result.tokens.size(), 5U);
  EXPECT_EQ(result.tokens[0].text, "it's");
  EXPECT_EQ(result.tokens[1].text, "a\"b");
  EXPECT_EQ(result.tokens[2].text, "\xc3\xa9"
                                   "A\n");
  EXPECT_EQ(result.tokens[3].text, "\xf0\x9f\x98\x80");
}

// A token's text is a view of the text the result holds (the source, or a
// value decoded once), not a string of its own: it stays valid in a copy
// of the result after the source and the first result are gone.
TEST(TsLexer, TokensAreViewsOfTheTextTheResultKeeps) {
  static_assert(sizeof(Token) <= 64, "a project's tokens are tens of millions");
  LexResult copy;
  {
    std::string source = "const greetingOfTheDayLongName = 'it\\'s' + `a\\tb${x}c` + \"plain\"; // note";
    LexResult result = tokenize(source);
    source.assign(source.size(), '#');
    copy = result;
  }
  const LexedText& text = *copy.text;
  const auto inside = [](std::string_view view, std::string_view whole) {
    return view.data() >= whole.data() && view.data() + view.size() <= whole.data() + whole.size();
  };
  ASSERT_EQ(kinds_and_texts(copy),
            (std::vector<std::string>{"id:const", "id:greetingOfTheDayLongName", "p:=", "str:it's", "p:+",
                                      "head:a\tb", "id:x", "tail:c", "p:+", "str:plain", "p:;", "end:"}));
  EXPECT_TRUE(inside(copy.tokens[1].text, text.source)); // spelled: the source's own bytes
  EXPECT_TRUE(inside(copy.tokens[9].text, text.source)); // a string without escapes too
  ASSERT_EQ(text.decoded.size(), 2U);                    // each value with an escape, decoded once
  EXPECT_EQ(copy.tokens[3].text.data(), text.decoded[0].data());
  EXPECT_EQ(copy.tokens[5].text.data(), text.decoded[1].data());
  ASSERT_EQ(copy.comments.size(), 1U);
  EXPECT_EQ(copy.comments[0].text, "// note");
  EXPECT_TRUE(inside(copy.comments[0].text, text.source));
}

TEST(TsLexer, CommentsAreNotCodeAndAreKeptWithTheirLines) {
  const LexResult result =
      tokenize("// a \"quote\n/* x ` y */ id: /* pgadvise-ignore z */ text() // tail {\n,");
  const std::vector<std::string> expected = {"id:id", "p::", "id:text", "p:(", "p:)", "p:,", "end:"};
  EXPECT_EQ(kinds_and_texts(result), expected);
  ASSERT_EQ(result.comments.size(), 4U);
  EXPECT_EQ(result.comments[0].line, 1);
  EXPECT_EQ(result.comments[1].line, 2);
  EXPECT_EQ(result.comments[2].text, "/* pgadvise-ignore z */");
  EXPECT_EQ(result.comments[3].text, "// tail {");
  // Comments are attached to the token that follows them.
  EXPECT_EQ(result.tokens[0].comments_begin, 0U);
  EXPECT_EQ(result.tokens[0].comments_end, 2U);
  EXPECT_EQ(result.tokens[2].comments_end - result.tokens[2].comments_begin, 1U);
  EXPECT_EQ(result.tokens[5].comments_end - result.tokens[5].comments_begin, 1U);
}

TEST(TsLexer, TemplateLiteralsWithNestedSubstitutions) {
  const LexResult result = tokenize("sql`lower(${t.email}) = ${ {a: `x${1}`}.a }`");
  const std::vector<std::string> expected = {"id:sql",   "head:lower(", "id:t", "p:.", "id:email",
                                             "mid:) = ", "p:{",         "id:a", "p::", "head:x",
                                             "num:1",    "tail:",       "p:}",  "p:.", "id:a",
                                             "tail:",    "end:"};
  EXPECT_EQ(kinds_and_texts(result), expected);
}

TEST(TsLexer, RegexVersusDivision) {
  const LexResult result = tokenize("a = b / c; d = /x[/]y/gi.test(s); e = (f) / 2");
  const std::vector<std::string> got = kinds_and_texts(result);
  EXPECT_NE(std::find(got.begin(), got.end(), "re:/x[/]y/gi"), got.end());
  EXPECT_EQ(std::count(got.begin(), got.end(), "p:/"), 2);
}

TEST(TsLexer, NumbersIncludingSeparatorsHexAndBigInt) {
  const LexResult result = tokenize("1_000 0x1F 1.5e3 10n .5");
  const std::vector<std::string> expected = {"num:1_000", "num:0x1F", "num:1.5e3",
                                             "num:10n",   "num:.5",   "end:"};
  EXPECT_EQ(kinds_and_texts(result), expected);
}

TEST(TsLexer, UnterminatedConstructsAreReportedNotFatal) {
  for (const char* text : {"'abc", "\"abc\nnext", "`abc ${ x", "/* never closed", "`a"}) {
    const LexResult result = tokenize(text);
    EXPECT_FALSE(result.problems.empty()) << text;
    EXPECT_EQ(result.tokens.back().kind, TokenKind::end) << text;
  }
  const LexResult string_then_code = tokenize("'abc\nconst x = 1");
  ASSERT_EQ(string_then_code.problems.size(), 1U);
  EXPECT_EQ(string_then_code.problems[0].line, 1);
  EXPECT_EQ(string_then_code.tokens[1].text, "const"); // the next line is still read
}

TEST(TsLexer, RandomBytesAlwaysTerminate) {
  std::mt19937 rng(12345);
  const std::string alphabet = "abc`'\"/*{}()[]$\\\n .,:;=<>!?0123456789xn\x80\xff";
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const auto length = static_cast<std::size_t>(rng() % 400);
    for (std::size_t i = 0; i < length; ++i) {
      text += alphabet[rng() % alphabet.size()];
    }
    const LexResult result = tokenize(text);
    ASSERT_FALSE(result.tokens.empty());
    EXPECT_EQ(result.tokens.back().kind, TokenKind::end);
    for (const Token& token : result.tokens) {
      EXPECT_LE(token.offset + token.length, text.size());
      EXPECT_GE(token.line, 1);
      EXPECT_GE(token.column, 1);
    }
  }
}

} // namespace ts_lexer_test
