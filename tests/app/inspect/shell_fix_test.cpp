// `\fix` in the shell: the last statement's fixes as a diff of schema.ts,
// and `\fix write` applying it, on a copy of the bundled example app.
#include "app/inspect/shell.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <sstream>

namespace pgadvise::app {
namespace shell_fix_test {

namespace fs = std::filesystem;
using pgadvise::test::read_text;
using pgadvise::test::TempTree;

constexpr std::string_view k_entry = "index(\"posts_author_id_idx\").on(t.authorId)";

std::string shell(const fs::path& app, const std::string& script) {
  ShellOptions options;
  options.advisor.paths = {app.string()};
  std::istringstream in(script);
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_shell(options, false, in, out, err), 0) << err.str();
  return out.str();
}

TEST(ShellFix, ShowsThenWritesTheLastStatementsIndexIntoSchemaTs) {
  TempTree tree;
  const fs::path app = tree.root() / "drizzle app";
  fs::copy(fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-app", app, fs::copy_options::recursive);
  const fs::path schema = app / "src" / "db" / "schema.ts";
  const std::string before = read_text(schema);
  ASSERT_EQ(before.find(k_entry), std::string::npos);

  const std::string shown =
      shell(app, "\\fix\nSELECT title FROM posts WHERE author_id = 42 LIMIT 10;\n\\fix\n");
  EXPECT_NE(shown.find("no statement yet"), std::string::npos) << shown;
  EXPECT_NE(shown.find("+    " + std::string(k_entry) + ",\n"), std::string::npos) << shown;
  EXPECT_NE(shown.find("would change 1 file"), std::string::npos) << shown;
  EXPECT_EQ(read_text(schema), before); // \fix alone writes nothing

  const std::string written =
      shell(app, "SELECT title FROM posts WHERE author_id = 42 LIMIT 10;\n\\fix write\n");
  EXPECT_NE(written.find("changed 1 file"), std::string::npos) << written;
  const std::string after = read_text(schema);
  EXPECT_NE(after.find(k_entry), std::string::npos) << after;

  // The same statement again: the index is declared, nothing to change.
  const std::string again =
      shell(app, "SELECT title FROM posts WHERE author_id = 42 LIMIT 10;\n\\fix write\n");
  EXPECT_NE(again.find("nothing to change"), std::string::npos) << again;
  EXPECT_EQ(read_text(schema), after);
}

} // namespace shell_fix_test
} // namespace pgadvise::app
