// `pgadvise fix --suggestions`: the plan's changes to existing files as
// GitHub ```suggestion review comments (app/fix/fix_suggestions). Each is
// anchored on lines of the file as it is (an insertion on the line before
// it, repeated as the suggestion's first line), names the findings whose
// own change it carries, marks an import change the file's other
// suggestions need, and fences lines that hold backticks with a longer
// fence. post-comment.js places them (tests/reporters/github_comment_post_test.cpp).
#include "app/fix/fix_suggestions.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fix_suggestions_test {

using namespace pgadvise;
using app::FileChange;
namespace fs = std::filesystem;

const std::string k_before = "import { index, pgTable, text } from \"drizzle-orm/pg-core\";\n"
                             "\n"
                             "export const sessions = pgTable(\n"
                             "  \"sessions\",\n"
                             "  { userId: text(\"user_id\"), token: text(\"token\") },\n"
                             "  (t) => [\n"
                             "    index(\"sessions_token_idx\").on(t.token),\n"
                             "  ],\n"
                             ");\n";

core::Finding finding(const std::string& rule, const std::string& message) {
  core::Finding f;
  f.rule = rule;
  f.message = message;
  f.fix = core::Fix{};
  f.fix->applicability = core::FixApplicability::safe;
  return f;
}

FileChange schema_change(const std::string& before, const std::string& after) {
  return FileChange{"/repo/src/db/schema.ts", "src/db/schema.ts", before, after};
}

TEST(FixSuggestions, AnInsertionIsAnchoredOnTheLineBeforeItAndNamesItsFindings) {
  const std::string line = "    index(\"sessions_user_id_idx\").on(t.userId),\n";
  std::string after = k_before;
  after.insert(after.find("  ],\n"), line);
  const std::vector<core::Finding> applied = {
      finding("unindexed-foreign-key", "Foreign key sessions_user_id_fk has no index."),
      finding("filter-on-unindexed-column", "sessions.user_id is filtered on without an index.")};
  app::FixPlan plan;
  plan.files.push_back(schema_change(k_before, after));
  const auto solo = [&](const core::Finding&) { return plan; }; // both findings ask for this index
  const std::vector<app::Suggestion> suggestions = app::fix_suggestions(plan, applied, solo, "/repo");
  ASSERT_EQ(suggestions.size(), 1U);
  const app::Suggestion& s = suggestions.front();
  EXPECT_EQ(s.path, "src/db/schema.ts");
  EXPECT_EQ(s.start_line, 7U);
  EXPECT_EQ(s.line, 7U);
  EXPECT_EQ(s.original, std::vector<std::string>{"    index(\"sessions_token_idx\").on(t.token),"});
  EXPECT_EQ(s.replacement, (std::vector<std::string>{"    index(\"sessions_token_idx\").on(t.token),",
                                                     "    index(\"sessions_user_id_idx\").on(t.userId),"}));
  EXPECT_FALSE(s.required);
  EXPECT_EQ(s.findings.size(), 2U);
  const std::string body = app::suggestion_body(s);
  EXPECT_NE(body.find("(safe)"), std::string::npos) << body;
  EXPECT_NE(body.find("for 2 findings"), std::string::npos) << body;
  EXPECT_NE(body.find("`unindexed-foreign-key`"), std::string::npos) << body;
  EXPECT_NE(body.find("```suggestion\n    index(\"sessions_token_idx\").on(t.token),\n    "
                      "index(\"sessions_user_id_idx\").on(t.userId),\n```\n"),
            std::string::npos)
      << body;
}

// Two changes of one file: the import (the other needs it) and a replaced
// line; each names only the finding whose own change it carries.
TEST(FixSuggestions, AnImportChangeIsRequiredAndEachChangeNamesItsOwnFinding) {
  std::string after = k_before;
  after.replace(0, after.find('\n'), "import { index, jsonb, pgTable, text } from \"drizzle-orm/pg-core\";");
  const std::string old_column = "{ userId: text(\"user_id\"), token: text(\"token\") }";
  after.replace(after.find(old_column), old_column.size(),
                "{ userId: text(\"user_id\"), token: jsonb(\"token\") }");
  app::FixPlan plan;
  plan.files.push_back(schema_change(k_before, after));
  std::vector<core::Finding> applied = {finding("json-in-text-column", "sessions.token holds JSON."),
                                        finding("unindexed-foreign-key", "Elsewhere.")};
  applied[0].fix->applicability = core::FixApplicability::unsafe;
  app::FixPlan nothing;
  const auto solo = [&](const core::Finding& f) { return f.rule == "json-in-text-column" ? plan : nothing; };
  const std::vector<app::Suggestion> suggestions = app::fix_suggestions(plan, applied, solo, "/repo");
  ASSERT_EQ(suggestions.size(), 2U);
  EXPECT_TRUE(suggestions[0].required);
  EXPECT_EQ(suggestions[0].start_line, 1U);
  EXPECT_FALSE(suggestions[1].required);
  EXPECT_EQ(suggestions[1].start_line, 5U);
  for (const app::Suggestion& s : suggestions) {
    ASSERT_EQ(s.findings.size(), 1U);
    EXPECT_EQ(s.findings[0]->rule, "json-in-text-column");
  }
  EXPECT_NE(app::suggestion_body(suggestions[0]).find("commit them together"), std::string::npos);
  EXPECT_NE(app::suggestion_body(suggestions[1]).find("unsafe"), std::string::npos);

  const nlohmann::json json = nlohmann::json::parse(app::suggestions_json(suggestions));
  EXPECT_EQ(json["version"], 1);
  ASSERT_EQ(json["suggestions"].size(), 2U);
  const nlohmann::json& second = json["suggestions"][1];
  EXPECT_EQ(second["path"], "src/db/schema.ts");
  EXPECT_EQ(second["start_line"], 5);
  EXPECT_EQ(second["line"], 5);
  EXPECT_EQ(second["original"][0], "  { userId: text(\"user_id\"), token: text(\"token\") },");
  EXPECT_EQ(second["replacement"][0], "  { userId: text(\"user_id\"), token: jsonb(\"token\") },");
  EXPECT_EQ(second["rules"], nlohmann::json::array({"json-in-text-column"}));
  EXPECT_EQ(second["applicability"], "unsafe");
  EXPECT_EQ(second["required"], false);
}

// A removed line is a suggestion of nothing; a new file has no line to
// comment on; lines with a run of backticks get a longer fence.
TEST(FixSuggestions, RemovalsNewFilesAndBackticks) {
  std::string removed = k_before;
  removed.erase(removed.find("    index(\"sessions_token_idx\")"),
                std::string("    index(\"sessions_token_idx\").on(t.token),\n").size());
  app::FixPlan plan;
  plan.files.push_back(schema_change(k_before, removed));
  plan.files.push_back(
      FileChange{"/repo/drizzle/0001_x.sql", "drizzle/0001_x.sql", "", "CREATE INDEX x;\n", true});
  const std::string ticks_before = "const a = 1;\n";
  plan.files.push_back(FileChange{"/repo/src/q.ts", "src/q.ts", ticks_before, "const a = ```1```;\n"});
  const auto solo = [](const core::Finding&) { return app::FixPlan{}; };
  const std::vector<app::Suggestion> suggestions = app::fix_suggestions(plan, {}, solo, "/repo");
  ASSERT_EQ(suggestions.size(), 2U);
  EXPECT_EQ(suggestions[0].start_line, 7U);
  EXPECT_TRUE(suggestions[0].replacement.empty());
  EXPECT_NE(app::suggestion_body(suggestions[0]).find("```suggestion\n```\n"), std::string::npos)
      << app::suggestion_body(suggestions[0]);
  EXPECT_EQ(suggestions[1].path, "src/q.ts");
  EXPECT_NE(app::suggestion_body(suggestions[1]).find("````suggestion\nconst a = ```1```;\n````\n"),
            std::string::npos)
      << app::suggestion_body(suggestions[1]);
}

} // namespace fix_suggestions_test
