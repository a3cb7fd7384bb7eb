// `pgadvise lsp` driven by real clients (the `editor` label,
// tests/labels.cmake): Neovim 0.7's built-in client (neovim_session.lua),
// vscode-jsonrpc + vscode-languageserver-protocol from Node
// (node_session.js), and the VS Code extension's activation (editors/vscode/test/).
// Each works on a copy of fixtures/drizzle-app in a folder whose path has a space.
#include "support/cli.hpp"
#include "support/drizzle_app.hpp"
#include "support/files.hpp"
#include "support/test_label.hpp"

#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <utility>

namespace lsp_editors_test {

namespace fs = std::filesystem;
using json = nlohmann::json;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;
using pgadvise::test::run_process;
using pgadvise::test::TempTree;

const fs::path k_here = fs::path(PGADVISE_SOURCE_DIR) / "tests" / "app" / "lsp";
constexpr const char* k_schema = "src/db/schema.ts";

// scripts/install-editor-tools.sh's cache.
fs::path editor_tools_dir() {
  if (const char* dir = std::getenv("PGADVISE_EDITOR_TOOLS"); dir != nullptr && *dir != '\0') {
    return dir;
  }
  if (const char* cache = std::getenv("XDG_CACHE_HOME"); cache != nullptr && *cache != '\0') {
    return fs::path(cache) / "pgadvise" / "editor-tools";
  }
  const char* home = std::getenv("HOME");
  return fs::path(home != nullptr ? home : "/") / ".cache" / "pgadvise" / "editor-tools";
}

// The copy of the fixture project the clients open.
fs::path project(const TempTree& tree) {
  return tree.copy(fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-app", "my app");
}

// How many findings of `rule` `pgadvise lint` reports for the project.
std::size_t lint_count(const fs::path& root, const std::string& rule) {
  ProcessOptions options;
  options.cwd = root.string();
  const ProcessResult linted = run_process(PGADVISE_BINARY, {"lint", ".", "--format", "json"}, options);
  const json report = json::parse(linted.out, nullptr, false);
  if (report.is_discarded()) {
    ADD_FAILURE() << "lint --format json: " << linted.err;
    return 0;
  }
  std::size_t count = 0;
  for (const json& finding : report["findings"]) {
    count += finding["rule"] == rule ? 1U : 0U;
  }
  return count;
}

TEST(LspEditors, NeovimShowsFixesAndShutsDown) {
  const std::string mislabeled = pgadvise::test::label_mismatch("editor");
  ASSERT_TRUE(mislabeled.empty()) << mislabeled;
  const TempTree tree;
  const fs::path root = project(tree);
  // lint's three unindexed foreign keys (located in the migrations that add
  // them), each shown in schema.ts at its `.references(` (line, column):
  // memberships.user_id, posts.author_id, invites.invited_by.
  ASSERT_EQ(lint_count(root, "unindexed-foreign-key"), 3U);
  const std::set<std::pair<int, int>> expected = {{49, 8}, {65, 8}, {113, 8}};
  // posts.author_id: the foreign key the quick fix indexes.
  const int fix_line = 65;

  ProcessOptions options;
  options.cwd = root.string();
  const fs::path result_file = tree.root() / "result.json";
  options.env = {{"LSP_ROOT", root.string()},
                 {"LSP_SCHEMA", k_schema},
                 {"LSP_MIGRATION", "drizzle/0006_backfill_audit_log.sql"},
                 {"LSP_FIX_LINE", std::to_string(fix_line - 1)},
                 {"LSP_RESULT", result_file.string()},
                 {"PGADVISE_BIN", PGADVISE_BINARY},
                 {"XDG_STATE_HOME", (tree.root() / "state").string()},
                 {"XDG_DATA_HOME", (tree.root() / "data").string()}};
  const ProcessResult nvim = run_process(pgadvise::test::on_path("nvim"),
                                         {"--headless", "-u", "NONE", "-i", "NONE", "-n", "-c",
                                          "luafile " + (k_here / "neovim_session.lua").string()},
                                         options);
  ASSERT_EQ(nvim.exit_code, 0) << "nvim (scripts/install-deps.sh installs neovim): " << nvim.out << nvim.err;
  const json result = json::parse(read_text(result_file), nullptr, false);
  ASSERT_FALSE(result.is_discarded()) << nvim.out << nvim.err;
  ASSERT_TRUE(result["ok"].get<bool>()) << result.dump(2);
  EXPECT_EQ(result["offset_encoding"], "utf-16");

  // The schema's foreign keys at their declarations: the line, from the column.
  ASSERT_TRUE(result["schema_published"].get<bool>()) << result.dump(2);
  std::set<std::pair<int, int>> seen;
  for (const json& d : result["schema_diagnostics"]) {
    if (d["code"] == "unindexed-foreign-key") {
      seen.insert({d["lnum"].get<int>() + 1, d["col"].get<int>() + 1});
      EXPECT_EQ(d["end_lnum"], d["lnum"]);
      EXPECT_GT(d["end_col"].get<int>(), d["col"].get<int>());
      EXPECT_EQ(d["source"], "pgadvise");
      EXPECT_TRUE(d["href"].get<std::string>().ends_with("/unindexed-foreign-key.md")) << d.dump();
    }
  }
  EXPECT_EQ(seen, expected) << result["schema_diagnostics"].dump(2);

  // The migration's change finding, at its statement (lint: 0006's line 3).
  ASSERT_TRUE(result["migration_published"].get<bool>()) << result.dump(2);
  bool concurrently = false;
  for (const json& d : result["migration_diagnostics"]) {
    concurrently =
        concurrently || (d["code"] == "index-created-non-concurrently" && d["lnum"] == 2 && d["col"] == 0);
  }
  EXPECT_TRUE(concurrently) << result["migration_diagnostics"].dump(2);

  // The preferred quick fix adds the index in schema.ts; the diagnostic goes.
  ASSERT_TRUE(result["fix_target_found"].get<bool>()) << result.dump(2);
  ASSERT_TRUE(result["preferred_title"].is_string()) << result["action_titles"].dump(2);
  EXPECT_TRUE(result["preferred_title"].get<std::string>().starts_with("Fix unindexed-foreign-key"));
  const std::string after = result["schema_after_fix"];
  EXPECT_NE(after.find(".on(t.authorId)"), std::string::npos) << after;
  EXPECT_TRUE(result["fixed_diagnostic_gone"].get<bool>()) << result["schema_diagnostics_after"].dump(2);
  // The edit was the buffer's: the file on disk is the fixture's.
  EXPECT_EQ(read_text(root / k_schema),
            read_text(fs::path(PGADVISE_SOURCE_DIR) / "fixtures/drizzle-app" / k_schema));

  // stop_client: shutdown, exit, and the server's exit code 0.
  EXPECT_TRUE(result["stopped"].get<bool>()) << result.dump(2);
  EXPECT_EQ(result["exit_code"], 0);
}

TEST(LspEditors, NodeClientUnsavedChangeCancelAndMalformedMessage) {
  const std::string mislabeled = pgadvise::test::label_mismatch("editor");
  ASSERT_TRUE(mislabeled.empty()) << mislabeled;
  const fs::path modules = editor_tools_dir() / "lsp-client" / "node_modules";
  ASSERT_TRUE(fs::exists(modules / "vscode-jsonrpc"))
      << modules << " is missing: run scripts/install-editor-tools.sh";
  const TempTree tree;
  const fs::path root = project(tree);
  ProcessOptions options;
  options.env = {{"LSP_MARKER", "index(\"posts_org_id_idx\").on(t.orgId),"}};
  const ProcessResult node = run_process(
      pgadvise::test::on_path("node"),
      {(k_here / "node_session.js").string(), PGADVISE_BINARY, root.string(), k_schema, modules.string()},
      options);
  const json result = json::parse(node.out, nullptr, false);
  ASSERT_FALSE(result.is_discarded()) << node.out << node.err;
  ASSERT_EQ(node.exit_code, 0) << result.dump(2) << node.err;

  EXPECT_EQ(result["capabilities"]["positionEncoding"], "utf-16");
  // posts.author_id's foreign key (line 65): diagnosed when opened, gone once
  // the unsaved buffer declares its index; the file on disk untouched.
  const auto posts_fk = [](const json& diagnostics) {
    bool found = false;
    for (const json& d : diagnostics) {
      found = found || (d["code"] == "unindexed-foreign-key" && d["line"] == 64);
    }
    return found;
  };
  EXPECT_TRUE(posts_fk(result["opened"])) << result["opened"].dump(2);
  ASSERT_TRUE(result.contains("changed")) << result.dump(2);
  EXPECT_FALSE(posts_fk(result["changed"])) << result["changed"].dump(2);
  EXPECT_TRUE(result["disk_unchanged"].get<bool>());

  // Another foreign key's quick fix: the preferred one, its index in schema.ts (documentChanges).
  ASSERT_TRUE(result.contains("actions")) << result.dump(2);
  bool preferred = false;
  for (const json& action : result["actions"]) {
    if (!action["isPreferred"].get<bool>()) {
      continue;
    }
    preferred = true;
    const std::string edit = action["edit"].dump();
    EXPECT_NE(edit.find("documentChanges"), std::string::npos) << edit;
    EXPECT_NE(edit.find("index(\\\"memberships_user_id_idx\\\").on(t.userId)"), std::string::npos) << edit;
  }
  EXPECT_TRUE(preferred) << result["actions"].dump(2);

  EXPECT_EQ(result["cancelled"]["code"], -32800) << result["cancelled"].dump();
  EXPECT_TRUE(result["malformed_answered"].get<bool>());
  EXPECT_TRUE(result["hover_after_malformed"].is_string()) << result.dump(2);
  EXPECT_EQ(result["exit"]["code"], 0);
}

TEST(LspEditors, VsCodeExtensionActivation) {
  const std::string mislabeled = pgadvise::test::label_mismatch("editor");
  ASSERT_TRUE(mislabeled.empty()) << mislabeled;
  const ProcessResult tests = run_process(
      pgadvise::test::on_path("node"),
      {"--test",
       (fs::path(PGADVISE_SOURCE_DIR) / "editors" / "vscode" / "test" / "activation.test.js").string()});
  EXPECT_EQ(tests.exit_code, 0) << tests.out << tests.err;
}

} // namespace lsp_editors_test
