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
// left open: every body runs to the end of the file, and each function read
// the ones after it twice, so each one more doubled the trees (16 of them,
// 280 tokens: 360,000 trees; 100 of them, 4 KB: 23 GB and a minute before
// the allocation failed). The parse stops at the node budget
// (detail::node_budget) with a problem at the statement where it ran out,
// having read the statements before it.
TEST(TsParser, AFileThatTakesMoreTreesThanItsSizeAllowsIsReadNoFurther) {
  std::string source = "export const before = 1;\n";
  for (int i = 0; i < 16; ++i) {
    source += "function f" + std::to_string(i) + "(db) {\n  if (a) {\n    return db.select(\n  }\n";
  }
  const Program program = parse_program(source);
  const std::size_t budget = detail::node_budget(program.lex.tokens.size());
  EXPECT_LE(program.nodes.size(), budget + 1);
  EXPECT_GE(program.nodes.size(), budget);
  ASSERT_EQ(program.lex.problems.size(), 1U);
  EXPECT_NE(program.lex.problems[0].message.find("takes more parsing than a file of this size allows"),
            std::string::npos)
      << program.lex.problems[0].message;
  EXPECT_EQ(program.lex.problems[0].line, 2); // the first function: it reads all the others
  ASSERT_FALSE(program.declarations.empty());
  EXPECT_EQ(program.declarations[0].name, "before");

  // Well within it, a file is read whole, without a problem.
  const Program small =
      parse_program("export const before = 1;\nfunction f(db) {\n  if (a) {\n    return db.select(\n  }\n");
  EXPECT_TRUE(small.lex.problems.empty());
  EXPECT_LT(small.nodes.size(), 100U);
}

} // namespace parser_limits_test
