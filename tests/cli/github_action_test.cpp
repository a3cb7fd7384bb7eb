// The composite Action users add to their workflow
// (.github/actions/pgadvise/action.yml): it must parse as YAML, be a
// composite Action with the inputs the README documents, install the
// prebuilt binary (no compiler, no system packages, no container: it runs on
// ubuntu-latest), lint with --format sarif and upload the report.
// tests/packaging/action_test.sh runs its steps.
#include "cli/process.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace github_action_test {

namespace fs = std::filesystem;
using nlohmann::json;

// The action, parsed by python3-yaml and handed over as JSON.
json load_action() {
  const fs::path action = fs::path(PGADVISE_SOURCE_DIR) / ".github" / "actions" / "pgadvise" / "action.yml";
  const auto result = pgadvise::test::run_process(
      "/usr/bin/env",
      {"python3", "-c", "import json, sys, yaml\nprint(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
       action.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  return json::parse(result.out, nullptr, false);
}

TEST(GithubAction, IsACompositeActionWithTheDocumentedInputs) {
  const json action = load_action();
  ASSERT_TRUE(action.is_object()) << "action.yml is not a YAML mapping";
  EXPECT_EQ(action["runs"]["using"], "composite");
  for (const char* input :
       {"paths", "fail-on", "args", "sarif-file", "upload-sarif", "annotations", "comment", "comment-key",
        "suggestions", "github-token", "version", "bundle-path"}) {
    ASSERT_TRUE(action["inputs"].contains(input)) << input;
    EXPECT_TRUE(action["inputs"][input].contains("description")) << input;
  }
  EXPECT_EQ(action["inputs"]["fail-on"]["default"], "high");
  EXPECT_TRUE(action["outputs"].contains("exit-code"));
}

TEST(GithubAction, InstallsThePrebuiltBinaryLintsAndUploadsSarif) {
  const json action = load_action();
  ASSERT_TRUE(action.is_object());
  std::string scripts;
  bool uploads = false;
  for (const json& step : action["runs"]["steps"]) {
    if (step.contains("run")) {
      EXPECT_EQ(step["shell"], "bash") << step; // composite run steps must name their shell
      scripts += step["run"].get<std::string>() + "\n";
      // Inputs reach scripts through env, never spliced into the script text.
      EXPECT_EQ(step["run"].get<std::string>().find("${{"), std::string::npos) << step["run"];
    }
    if (step.value("uses", "").rfind("github/codeql-action/upload-sarif@", 0) == 0) {
      uploads = true;
      EXPECT_EQ(step["with"]["sarif_file"], "${{ inputs.sarif-file }}");
    }
  }
  EXPECT_TRUE(uploads);
  // Nothing is built and no system package is installed: a default runner
  // has neither Debian's libpg-query nor a reason to compile.
  for (const char* build_step : {"install-deps.sh", "cmake", "apt-get", "ninja", "container"}) {
    EXPECT_EQ(scripts.find(build_step), std::string::npos) << build_step << " in\n" << scripts;
  }
  EXPECT_NE(scripts.find("PGADVISE_BUNDLE"), std::string::npos) << scripts;
  EXPECT_NE(scripts.find("@pgadvise/linux-x64@"), std::string::npos) << scripts;
  EXPECT_NE(scripts.find("--format sarif"), std::string::npos) << scripts;
  EXPECT_NE(scripts.find("--format github"), std::string::npos) << scripts;
  // The pull request's comment: written by pgadvise, posted by the script
  // beside action.yml (tests/reporters/github_comment_post_test.cpp).
  EXPECT_NE(scripts.find("--format github-comment"), std::string::npos) << scripts;
  EXPECT_NE(scripts.find("$GITHUB_ACTION_PATH/post-comment.js"), std::string::npos) << scripts;
  // The inline suggestions: the safe fixes only, as `pgadvise fix` applies them.
  EXPECT_NE(scripts.find("fix \"${paths[@]}\" --suggestions"), std::string::npos) << scripts;
  EXPECT_EQ(scripts.find("--unsafe-fixes"), std::string::npos) << scripts;
  EXPECT_TRUE(
      fs::exists(fs::path(PGADVISE_SOURCE_DIR) / ".github" / "actions" / "pgadvise" / "post-comment.js"));
}

} // namespace github_action_test
