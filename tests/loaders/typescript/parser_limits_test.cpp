#include "loaders/typescript/parser.hpp"

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

} // namespace parser_limits_test
