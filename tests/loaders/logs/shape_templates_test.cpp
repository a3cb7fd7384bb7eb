#include "loaders/logs/shape_templates.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

// ShapeTemplates: a statement that differs from a kept one only in its
// literals gets its ShapeKey from the template, and that key is
// shape_key's own, every field of it; any other statement gets none.
namespace shape_templates_test {

using namespace pgadvise::loaders;

void expect_same_key(const ShapeKey& got, const ShapeKey& want, const std::string& sql) {
  EXPECT_EQ(got.key, want.key) << sql;
  EXPECT_EQ(got.literals, want.literals) << sql;
  EXPECT_EQ(got.limit, want.limit) << sql;
  EXPECT_EQ(got.offset, want.offset) << sql;
  EXPECT_EQ(got.non_ascii, want.non_ascii) << sql;
  EXPECT_EQ(got.has_nul, want.has_nul) << sql;
}

// Keeps `first` as a template; what find makes of `sql` (nullopt: no template fits).
std::optional<ShapeKey> from_template(const std::string& first, const std::string& sql) {
  ShapeTemplates templates;
  LiteralSpans spans;
  const ShapeKey key = shape_key(first, nullptr, &spans);
  templates.keep(first, template_signature(first), key, spans);
  ShapeKey out;
  if (!templates.find(sql, template_signature(sql), out)) {
    return std::nullopt;
  }
  return out;
}

struct Family {
  std::string first;
  std::vector<std::string> others; // the same template, other literals
};

TEST(ShapeTemplates, AStatementOfAKeptTemplateGetsShapeKeysOwnKey) {
  const std::vector<Family> families = {
      // (A sign is punctuation before its number: "+ -5" and "+ 5" are two templates.)
      {"UPDATE pgbench_accounts SET abalance = abalance + -4474 WHERE aid = 306149;",
       {"UPDATE pgbench_accounts SET abalance = abalance + -12 WHERE aid = 7;",
        "UPDATE pgbench_accounts SET abalance = abalance + -5 WHERE aid = 1234567890123;"}},
      {"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (38, 4, 157307, 1932, "
       "CURRENT_TIMESTAMP);",
       {"INSERT INTO pgbench_history (tid, bid, aid, delta, mtime) VALUES (1, 2, 3, 4, CURRENT_TIMESTAMP);"}},
      // Strings, doubled quotes, E'' escapes, non-ASCII values.
      {"select * from users where name = 'ann' and tag = E'a\\'b' and n = 1.5",
       {"select * from users where name = 'it''s' and tag = E'x\\\\' and n = 2",
        "select * from users where name = 'caf\xc3\xa9' and tag = E'' and n = 1e5",
        "select * from users where name = '' and tag = E'\\'\\'' and n = 3.25e-2"}},
      // LIMIT and OFFSET literals are read again; a number after them too.
      {"SELECT id FROM books WHERE author_id = 5 LIMIT 10 OFFSET 20",
       {"SELECT id FROM books WHERE author_id = 6 LIMIT 1 OFFSET 99999",
        "SELECT id FROM books WHERE author_id = 6 LIMIT 99999999999999999999 OFFSET 0"}},
      // Comments, quoted identifiers with digits, parameters, words with digits.
      {"/* app */ select \"t1\".a1, $1 from t1 where x = 42 -- 7\n and y = 'q'",
       {"/* app */ select \"t1\".a1, $1 from t1 where x = 0 -- 7\n and y = 'longer value'"}},
      // A literal at the very end.
      {"select 1", {"select 22", "select 3.0"}},
      {"select 'a'", {"select 'a longer one'", "select ''"}},
  };
  for (const Family& family : families) {
    for (const std::string& sql : family.others) {
      const std::optional<ShapeKey> got = from_template(family.first, sql);
      ASSERT_TRUE(got.has_value()) << family.first << "\n" << sql;
      expect_same_key(*got, shape_key(sql), sql);
    }
    const std::optional<ShapeKey> itself = from_template(family.first, family.first);
    ASSERT_TRUE(itself.has_value()) << family.first;
    expect_same_key(*itself, shape_key(family.first), family.first);
  }
}

TEST(ShapeTemplates, AnyOtherStatementGetsNone) {
  const std::string first = "select a from t1 where x = 42 and y = 'q' limit 5";
  const std::vector<std::string> others = {
      "select a from t2 where x = 42 and y = 'q' limit 5",  // a word's digit
      "select a from t1 where x = 42 and y = 'q' limit 5 ", // one more byte
      "select a from t1 where x = 42 and y = 'q' limit",    // one literal less
      "select a from t1 where x = $1 and y = 'q' limit 5",  // a parameter for a literal
      "select a from t1 where x = 'v' and y = 'q' limit 5", // a string for a number
      "select a from t1 where x = 42 and y = 7 limit 5",    // a number for a string
      "select a from t1 where x = .5 and y = 'q' limit 5",  // a number from '.'
      "select a from t1 where x = -42 and y = 'q' limit 5", // a sign
      "select a from t1 where x = 42e and y = 'q' limit 5", // the word after differs
      "select a from t1 where x = 4 2 and y = 'q' limit 5", // two numbers
      "SELECT a from t1 where x = 42 and y = 'q' limit 5",  // another word
  };
  for (const std::string& sql : others) {
    const std::optional<ShapeKey> got = from_template(first, sql);
    if (got.has_value()) { // a fit is only ever shape_key's own key
      expect_same_key(*got, shape_key(sql), sql);
    }
    EXPECT_FALSE(got.has_value()) << sql;
  }
  // A signature shared (the bytes before the first digit and after the
  // last one) is not a fit: the text around the literals is compared.
  const std::string quoted = "select \"a 1\" from t where x = 5";
  const std::string other_name = "select \"a 2\" from t where x = 5";
  ASSERT_EQ(template_signature(quoted), template_signature(other_name));
  EXPECT_FALSE(from_template(quoted, other_name).has_value());
  EXPECT_TRUE(from_template(quoted, "select \"a 1\" from t where x = 6").has_value());
}

// Statements that cannot be a template are not kept: dollar quotes, a
// number from '.', non-ASCII or NUL bytes outside the literals, no literal.
TEST(ShapeTemplates, SomeStatementsAreNotKept) {
  const std::vector<std::string> statements = {
      "select $$a$$, 1",
      "select .5, 1",
      "select caf\xc3\xa9 from t where a = 1",
      std::string("select 1\0", 9),
      "select a from t",
  };
  for (const std::string& sql : statements) {
    EXPECT_FALSE(from_template(sql, sql).has_value()) << sql;
  }
}

// Statements of one template have one signature whatever their literals;
// another statement most often another.
TEST(ShapeTemplates, TheSignatureLeavesOutTheLiterals) {
  EXPECT_EQ(template_signature("update t set a = a + -4474 where id = 306149 and n = 'x''y' for update"),
            template_signature("update t set a = a + -1 where id = 2 and n = '' for update"));
  EXPECT_NE(template_signature("update t set a = a + 1 where id = 2"),
            template_signature("update u set a = a + 1 where id = 2"));
  EXPECT_NE(template_signature("select 1 from t"), template_signature("select 1 from u"));
  // Long texts (read a word at a time) and short ones.
  const std::string head = "select a_long_column_name, another_long_column_name from a_table where id = ";
  const std::string tail = " order by a_long_column_name, another_long_column_name desc nulls last";
  EXPECT_EQ(template_signature(head + "1 and b = 'x'" + tail),
            template_signature(head + "123456 and b = 'a much longer value'" + tail));
  EXPECT_NE(template_signature(head + "1 and b = 'x'" + tail), template_signature(head + "1 and b = 'x'"));
  for (std::size_t lead = 0; lead < 20; ++lead) { // the first digit at any offset of a word
    const std::string padding(lead, 'x');
    EXPECT_EQ(template_signature(padding + " 1 " + padding), template_signature(padding + " 22 " + padding))
        << lead;
    EXPECT_NE(template_signature(padding + " 1 " + padding), template_signature(padding + "y 1 " + padding))
        << lead;
    EXPECT_NE(template_signature(padding + " 1 " + padding), template_signature(padding + " 1 y" + padding))
        << lead;
  }
}

} // namespace shape_templates_test
