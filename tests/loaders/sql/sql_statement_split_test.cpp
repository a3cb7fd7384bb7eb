#include "loaders/sql/statement_split.hpp"

#include <gtest/gtest.h>
#include <limits>
#include <string>
#include <vector>

namespace pgadvise::sql_statement_split_test {

using loaders::TextSpan;
using loaders::replay::split_statements;

constexpr std::size_t k_whole = std::numeric_limits<std::size_t>::max();

std::vector<std::string> texts(std::string_view text, const std::vector<TextSpan>& spans) {
  std::vector<std::string> out;
  for (const TextSpan& span : spans) {
    out.emplace_back(text.substr(span.offset, span.length));
  }
  return out;
}

// Every piece length, from one byte up, cuts the script somewhere else:
// inside quotes, dollar-quoted bodies, comments, parentheses and words.
void expect_same_split_for_every_piece_length(const std::string& script) {
  const std::vector<std::string> whole = texts(script, split_statements(script, k_whole));
  for (std::size_t piece = 1; piece <= script.size() + 1; ++piece) {
    ASSERT_EQ(texts(script, split_statements(script, piece)), whole) << "piece of " << piece << " bytes";
  }
}

// What a migration holds between and inside its statements: ';' in strings,
// quoted names, comments and a function body, empty statements, a
// statement-breakpoint comment, parentheses spanning lines.
constexpr std::string_view k_mixed = R"sql(-- 0001_init.sql
CREATE TABLE "orders" (
  "id" bigserial PRIMARY KEY,
  "note" text DEFAULT 'a;b' NOT NULL,
  "semi;colon" integer
);
--> statement-breakpoint
;;
/* a; comment /* nested; */ still */ CREATE INDEX "orders_note_idx" ON "orders" ("note");
CREATE FUNCTION f() RETURNS trigger AS $body$ BEGIN NEW.note := 'x;y'; RETURN NEW; END; $body$ LANGUAGE plpgsql;
DO $$ BEGIN
 ALTER TABLE "orders" ADD CONSTRAINT "c" CHECK (("id" > 0));
EXCEPTION WHEN duplicate_object THEN null;
END $$;
INSERT INTO orders (note) VALUES (E'it\'s; fine'), ('(');
UPDATE orders SET note = 'z' WHERE id IN (SELECT 1; 
)sql";

TEST(SqlStatementSplit, PiecesGiveTheWholeTextsStatements) {
  const std::string script(k_mixed);
  const std::vector<std::string> whole = texts(script, split_statements(script, k_whole));
  ASSERT_GE(whole.size(), 6U); // the scanner split it (not the semicolon fallback)
  EXPECT_NE(whole.front().find("CREATE TABLE \"orders\""), std::string::npos);
  expect_same_split_for_every_piece_length(script);
}

TEST(SqlStatementSplit, PiecesFallBackAsTheWholeTextDoesOnAnUnterminatedQuote) {
  const std::string script =
      "CREATE TABLE a (id int);\nCREATE TABLE b (id int);\nSELECT 'open;\nCREATE TABLE c (id int);\n";
  const std::vector<std::string> whole = texts(script, split_statements(script, k_whole));
  ASSERT_EQ(whole.size(), 3U); // split at semicolons outside quotes: the open quote runs to the end
  EXPECT_EQ(whole.front(), "CREATE TABLE a (id int)");
  expect_same_split_for_every_piece_length(script);
}

TEST(SqlStatementSplit, ManyStatementsInSmallPieces) {
  std::string script;
  for (int i = 0; i < 300; ++i) {
    script += "CREATE TABLE t" + std::to_string(i) + " (id int, name text DEFAULT ';');\n";
  }
  const std::vector<TextSpan> spans = split_statements(script, 64);
  ASSERT_EQ(spans.size(), 300U);
  EXPECT_EQ(texts(script, spans), texts(script, split_statements(script, k_whole)));
  EXPECT_EQ(script.substr(spans[299].offset, spans[299].length),
            "\nCREATE TABLE t299 (id int, name text DEFAULT ';')");
}

} // namespace pgadvise::sql_statement_split_test
