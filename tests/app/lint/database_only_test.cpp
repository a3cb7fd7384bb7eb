// `pgadvise lint --log FILE` (or --db) with no path, started in a folder
// that is not a project (a home folder, /tmp): only the current folder's
// own markers (a drizzle.config, a package.json, a migrations folder right
// there) make it a project. A stray .sql file does not, and a checkout in a
// subfolder is never read: the run judges the workload alone and says so.

#include "support/cli.hpp"
#include "support/files.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace database_only_test {

using namespace pgadvise;
using namespace pgadvise::test;
using nlohmann::json;

std::string pooled_log() {
  return std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/pooled/balanced-s1.log";
}

// Another checkout below the folder: a Drizzle project whose migration has
// a foreign key without an index (unindexed-foreign-key, if it were read).
void other_checkout(TempTree& tree) {
  tree.write("work/other/package.json", R"({"name": "other", "dependencies": {"drizzle-orm": "0.45.0"}})");
  tree.write("work/other/drizzle.config.ts",
             "export default { dialect: 'postgresql', schema: './schema.ts', out: './drizzle' };\n");
  tree.write("work/other/drizzle/0000_init.sql",
             "CREATE TABLE users (id serial PRIMARY KEY);\n"
             "CREATE TABLE posts (id serial PRIMARY KEY, user_id integer REFERENCES users(id));\n");
}

json lint_json(const TempTree& tree) {
  const ProcessResult result = run_pgadvise_in(
      tree.root().string(), {"lint", "--log", pooled_log(), "--format", "json", "--fail-on", "none"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, false);
}

bool has_note(const json& report, std::string_view text) {
  for (const json& note : report["notes"]) {
    if (note.is_string() && note.get<std::string>().find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(DatabaseOnly, ASubfoldersCheckoutIsNotReadAndTheNoteSaysSo) {
  TempTree tree;
  other_checkout(tree);
  tree.write("scratch.sql", "SELECT 1;\n"); // a stray file: no project marker
  const json report = lint_json(tree);
  ASSERT_TRUE(report.is_object());
  for (const json& finding : report["findings"]) {
    EXPECT_EQ(finding["rule"], "n-plus-one") << finding.dump();
  }
  EXPECT_FALSE(report["findings"].empty()); // the workload was judged
  EXPECT_TRUE(has_note(report, "no project in the current folder")) << report["notes"].dump();
  EXPECT_TRUE(has_note(report, "judging the workload alone")) << report["notes"].dump();
  EXPECT_FALSE(has_note(report, "work/other")) << report["notes"].dump();
}

TEST(DatabaseOnly, TheFoldersOwnMarkersMakeItAProject) {
  TempTree tree;
  other_checkout(tree);
  tree.write("drizzle/0000_init.sql", "CREATE TABLE audit (id serial PRIMARY KEY, payload json);\n");
  const json report = lint_json(tree);
  ASSERT_TRUE(report.is_object());
  EXPECT_FALSE(has_note(report, "no project in the current folder")) << report["notes"].dump();
  const bool schema_rule = std::any_of(report["findings"].begin(), report["findings"].end(),
                                       [](const json& finding) { return finding["rule"] != "n-plus-one"; });
  EXPECT_TRUE(schema_rule); // its migrations were read
}

} // namespace database_only_test
