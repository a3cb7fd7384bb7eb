#include "core/file.hpp"
#include "loaders/typescript/parser.hpp"
#include "loaders/typescript/parser_internal.hpp"
#include "loaders/typescript/reparse.hpp"
#include "support/ts_program_facts.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

// reparse must give exactly what parse_program gives for the new text: every
// token, comment and tree at the same place, or refuse (false) and leave the
// program as it was.
namespace reparse_test {

namespace fs = std::filesystem;
using namespace pgadvise::loaders::ts; // NOLINT(google-build-using-namespace)

// Reparses `program` for `text`; on success its dump must be the full parse's.
bool check(Program& program, const std::string& text, const std::string& what) {
  const std::vector<std::string> before = test_support::program_facts(program);
  std::string moved = text;
  if (!reparse(program, moved)) {
    EXPECT_EQ(test_support::program_facts(program), before)
        << what << ": a refused reparse changed the program";
    EXPECT_EQ(moved, text) << what;
    return false;
  }
  const std::vector<std::string> full = test_support::program_facts(parse_program(text));
  const std::vector<std::string> spliced = test_support::program_facts(program);
  EXPECT_EQ(spliced.size(), full.size()) << what;
  for (std::size_t i = 0; i < std::min(spliced.size(), full.size()); ++i) {
    if (spliced[i] != full[i]) {
      ADD_FAILURE() << what << ": first difference\n  reparse: " << spliced[i] << "\n  full:    " << full[i];
      break;
    }
  }
  return true;
}

// A small deterministic generator: the edits are the same at every run.
struct Edits {
  unsigned state = 12345;
  std::size_t next(std::size_t bound) {
    state = state * 1103515245U + 12345U;
    return bound == 0 ? 0 : (state >> 8U) % bound;
  }
};

// One edit of `text`: the kinds of keystroke and paste an editor sends.
std::string edit(const std::string& text, Edits& random, std::string& what, bool& breaks) {
  const std::size_t at = random.next(text.size() + 1);
  const std::size_t line = at == 0 ? 0 : text.rfind('\n', at - 1) + 1;
  const std::size_t line_end = std::min(text.find('\n', at), text.size());
  switch (random.next(9)) {
  case 0: what = "type x at " + std::to_string(at); return text.substr(0, at) + "x" + text.substr(at);
  case 1:
    what = "delete a character at " + std::to_string(at);
    return at < text.size() ? text.substr(0, at) + text.substr(at + 1) : text + "\n";
  case 2:
    what = "add a declaration at line start " + std::to_string(line);
    return text.substr(0, line) + "export const added = pgTable(\"added\", { id: serial(\"id\") });\n" +
           text.substr(line);
  case 3:
    what = "delete the line at " + std::to_string(line);
    return text.substr(0, line) + (line_end < text.size() ? text.substr(line_end + 1) : "");
  case 4:
    breaks = true;
    what = "open a comment at " + std::to_string(at);
    return text.substr(0, at) + "/*" + text.substr(at);
  case 5:
    breaks = true;
    what = "open a template at " + std::to_string(at);
    return text.substr(0, at) + "`" + text.substr(at);
  case 6: what = "open a bracket at " + std::to_string(at); return text.substr(0, at) + "(" + text.substr(at);
  case 7:
    what = "duplicate the line at " + std::to_string(line);
    return text.substr(0, line_end) + "\n" + text.substr(line, line_end - line) + text.substr(line_end);
  default:
    what = "type a string with an escape at " + std::to_string(at);
    return text.substr(0, at) + "\"a\\tb\", " + text.substr(at);
  }
}

// The fixtures' sources, but the two generated schemas of hundreds of tables
// (every check compares every token: those took most of the time).
bool source_file(const fs::directory_entry& entry) {
  const std::string ext = entry.path().extension().string();
  return entry.is_regular_file() && entry.file_size() < 32768 &&
         entry.path().string().find("node_modules") == std::string::npos &&
         (ext == ".ts" || ext == ".tsx" || ext == ".js" || ext == ".mjs");
}

TEST(Reparse, GivesTheFullParseAfterEditsOfEveryFixtureSource) {
  const fs::path fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";
  Edits random;
  std::size_t files = 0;
  std::size_t reparsed = 0;
  std::size_t refused = 0;
  std::size_t schema_reparsed = 0; // of edits in files that declare tables
  std::size_t schema_refused = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fixtures)) {
    if (!source_file(entry)) {
      continue;
    }
    const auto read = pgadvise::core::read_file(entry.path(), std::size_t{16} << 20U);
    ASSERT_TRUE(read.ok()) << entry.path();
    std::string text = *read;
    Program program = parse_program(text);
    ++files;
    // Edits one after another on the same program, as keystrokes come; one
    // that breaks the file (an open comment, template or bracket) is undone.
    for (int i = 0; i < 5; ++i) {
      std::string what;
      bool breaks = false;
      std::string next = edit(text, random, what, breaks);
      const bool schema = text.find("pgTable") != std::string::npos;
      const bool done = check(program, next, entry.path().string() + ": " + what);
      if (!breaks) {
        (done ? reparsed : refused) += 1;
        if (schema) {
          (done ? schema_reparsed : schema_refused) += 1;
        }
        if (!done) {
          program = parse_program(next);
        }
        text = std::move(next);
      } else if (done && !check(program, text, entry.path().string() + ": undo " + what)) {
        program = parse_program(text);
      }
      if (::testing::Test::HasFailure()) {
        return;
      }
    }
  }
  EXPECT_GT(files, 300U);
  // Both ways were taken, many times: edits of declarations were reparsed
  // (in schema files most often), the others refused, and none went wrong.
  EXPECT_GT(reparsed, 500U);
  EXPECT_GT(refused, 500U);
  EXPECT_GT(schema_reparsed, schema_refused / 2);
}

// The keystroke the language server waits on: a letter typed into a table's
// declaration in a schema file.
TEST(Reparse, ALetterTypedInAFixtureTableReparsesThatTable) {
  const fs::path fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";
  std::size_t typed = 0;
  std::size_t reparsed = 0;
  for (const auto& entry : fs::recursive_directory_iterator(fixtures)) {
    if (!source_file(entry)) {
      continue;
    }
    const auto read = pgadvise::core::read_file(entry.path(), std::size_t{16} << 20U);
    ASSERT_TRUE(read.ok()) << entry.path();
    const std::string& text = *read;
    Program program = parse_program(text);
    if (!program.lex.problems.empty()) {
      continue;
    }
    // The first few tables of each file (a generated one has hundreds).
    std::size_t tables = 0;
    for (std::size_t at = text.find("pgTable("); at != std::string::npos && tables < 4;
         at = text.find("pgTable(", at + 1), ++tables) {
      const std::size_t name = at + 9; // inside the table's name
      ++typed;
      if (check(program, text.substr(0, name) + "x" + text.substr(name),
                entry.path().string() + " at " + std::to_string(name))) {
        ++reparsed;
        program = parse_program(text);
      }
    }
  }
  EXPECT_GT(typed, 200U);
  EXPECT_GT(reparsed * 10, typed * 9);
}

const std::string k_schema = R"(import { pgTable, serial, text, integer } from "drizzle-orm/pg-core";

// Users of the app.
export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  name: text("name").default("a\tb"),
});

export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").references(() => users.id),
  title: text(`title`),
});

export const tags = pgTable("tags", { id: serial("id"), label: text("label") });
)";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  return text.replace(text.find(from), from.size(), to);
}

TEST(Reparse, AColumnTypedInATableReparsesThatTableAlone) {
  Program program = parse_program(k_schema);
  const std::size_t nodes = program.nodes.size();
  std::string text =
      replaced(k_schema, "  title: text(`title`),\n", "  title: text(`title`),\n  body: text(\"body\"),\n");
  ASSERT_TRUE(check(program, text, "a column added to posts"));
  EXPECT_GT(program.unreachable_nodes, 0U);
  EXPECT_LT(program.unreachable_nodes, nodes); // users' and tags' trees were kept
  text = replaced(text, "name: text(\"name\")", "fullName: text(\"full_name\")");
  ASSERT_TRUE(check(program, text, "a column renamed in users"));
  text = replaced(text, "\"tags\"", "\"labels\"");
  ASSERT_TRUE(check(program, text, "the last table renamed"));
  text = replaced(text, "import {", "import { uuid,");
  ASSERT_TRUE(check(program, text, "an import changed"));
  text = replaced(text, "// Users of the app.\n", "function helper() {\n  return text(\"x\");\n}\n");
  ASSERT_TRUE(check(program, text, "a function added"));
  ASSERT_EQ(program.statements.size(), 1U);
}

// A file saved with Windows line ends reparses as it parses.
TEST(Reparse, WindowsLineEndsMoveAsTheirLinesDo) {
  std::string crlf;
  for (const char c : k_schema) {
    crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  }
  Program program = parse_program(crlf);
  std::string text =
      replaced(crlf, "  title: text(`title`),\r\n", "  title: text(`title`),\r\n  body: text(),\r\n");
  ASSERT_TRUE(check(program, text, "a column added to posts"));
  text = replaced(text, "text(\"label\")", "text(\"tag_label\")");
  ASSERT_TRUE(check(program, text, "a column renamed in tags"));
}

TEST(Reparse, AnEditThatReachesPastItsStatementIsRefused) {
  // A file the tokenizer repaired (here a string left open on its line) is
  // parsed whole: after a repair its state is not one a part tokenized alone
  // starts in (an unclosed `${` leaves the rest of the file inside it).
  const std::string repaired = "const prefix = \"open;\n" + std::string(k_schema);
  Program broken = parse_program(repaired);
  ASSERT_FALSE(broken.lex.problems.empty());
  EXPECT_FALSE(check(broken, replaced(repaired, "\"tags\"", "\"labels\""), "a table renamed after a repair"));

  // Before a statement that opens with a bracket (its match, in the whole
  // file, is what the statement before may ask about), it is parsed whole.
  const std::string bracketed = std::string(k_schema) + "(async () => {})();\n";
  Program called = parse_program(bracketed);
  EXPECT_FALSE(check(called, replaced(bracketed, "\"tags\"", "\"labels\""), "before a bracket"));

  Program program = parse_program(k_schema);
  EXPECT_FALSE(
      check(program, replaced(k_schema, "export const posts", "/* export const posts"), "a comment opened"));
  EXPECT_FALSE(check(program, replaced(k_schema, "  title: text(`title`),\n", "  title: text(`title`,\n"),
                     "a bracket left open"));
  EXPECT_FALSE(check(program,
                     replaced(k_schema, "export const tags", "export default users;\nexport const tags"),
                     "a default export added"));
  EXPECT_FALSE(check(
      program, replaced(k_schema, "export const tags", "export { users as people };\nexport const tags"),
      "an export list added"));
}

// A program whose trees are near the budget of its size (detail::node_budget)
// is parsed whole: the full parse stops where the budget runs out, which no
// part parsed alone can tell. Here the program is brought near it by trees no
// statement reaches, as a full parse's would be.
TEST(Reparse, AProgramNearItsNodeBudgetIsParsedWhole) {
  const std::string edited = replaced(k_schema, "\"tags\"", "\"labels\"");
  Program program = parse_program(k_schema);
  EXPECT_TRUE(check(program, edited, "a table renamed"));

  Program full = parse_program(k_schema);
  full.nodes.resize(detail::node_budget(full.lex.tokens.size()));
  EXPECT_FALSE(check(full, edited, "a table renamed near the budget"));
}

} // namespace reparse_test
