#include "loaders/typescript/lexer.hpp"
#include "loaders/typescript/parser.hpp"
#include "loaders/typescript/parser_internal.hpp"

#include <gtest/gtest.h>
#include <string>

// The parser's work stays in proportion to its input on broken code too.
namespace parser_limits_test {

using namespace pgadvise::loaders::ts; // NOLINT(google-build-using-namespace)

// Functions whose return leaves a call open, one after another: each
// return's read stops at its body's `}`. Read on to the end of the file
// (and the body's reader going back to its `}`), every function read the
// ones after it again, at every level: 1.7 GB for a 12 KB file the fuzz
// target ts_reparse made.
TEST(TsParser, AReturnLeftOpenIsReadNoFurtherThanItsBody) {
  std::string source;
  for (int i = 0; i < 24; ++i) {
    source += "function f" + std::to_string(i) + "(db) {\n  return db.select(t.id,\n}\n";
  }
  const Program program = parse_program(source);
  EXPECT_EQ(program.statements.size(), 24U);
  EXPECT_LT(program.nodes.size(), program.lex.tokens.size());
}

// Functions whose bodies are left open, each returning from an `if` a call
// left open: every body runs to the end of the file. The return's read went
// past its block's `}` and the body's scan went on over what it had read,
// so each function read the ones after it twice, and each one more doubled
// the trees (16 of them, 280 tokens: 360,000 trees; 100 of them, 4 KB: 23 GB
// and a minute before the allocation failed). The scan goes on where the
// return's read ended.
TEST(TsParser, FunctionsLeftOpenOneAfterAnotherAreReadOnce) {
  std::string source = "export const before = 1;\n";
  for (int i = 0; i < 100; ++i) {
    source += "function f" + std::to_string(i) + "(db) {\n  if (a) {\n    return db.select(\n  }\n";
  }
  const Program program = parse_program(source);
  EXPECT_TRUE(program.lex.problems.empty());
  EXPECT_LT(program.nodes.size(), program.lex.tokens.size());
  EXPECT_EQ(program.statements.size(), 1U); // the first function's body holds the others
}

// A file whose parse makes more trees than its budget allows (node_budget:
// 4 a token, and 65,536, where real code makes at most 0.6 a token) is read
// no further: every read is the end from there, the statement unwinds, and
// a problem says where it stopped; the statements before it are kept. Here
// the budget is set low, as no code known makes that many.
TEST(TsParser, AFileThatTakesMoreTreesThanItsBudgetIsReadNoFurther) {
  Program program;
  program.lex = tokenize(
      "export const before = 1;\n"
      "export const users = pgTable(\"users\", { id: uuid(\"id\").primaryKey(), name: text(\"name\") });\n"
      "export const after = 2;\n");
  const std::size_t budget = 12;
  detail::Parser(program, false, budget).run();
  EXPECT_GE(program.nodes.size(), budget);
  EXPECT_LT(program.nodes.size(), budget + 4);
  ASSERT_EQ(program.lex.problems.size(), 1U);
  EXPECT_NE(program.lex.problems[0].message.find("takes more parsing than a file of this size allows"),
            std::string::npos)
      << program.lex.problems[0].message;
  EXPECT_EQ(program.lex.problems[0].line, 2);
  ASSERT_EQ(program.declarations.size(), 1U);
  EXPECT_EQ(program.declarations[0].name, "before");

  Program whole;
  whole.lex = program.lex;
  whole.lex.problems.clear();
  detail::Parser(whole).run();
  EXPECT_TRUE(whole.lex.problems.empty());
  EXPECT_EQ(whole.declarations.size(), 3U);
}

} // namespace parser_limits_test
