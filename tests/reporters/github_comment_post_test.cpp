// The Action's comment step (.github/actions/pgadvise/post-comment.js)
// against a stand-in for GitHub's REST API on 127.0.0.1
// (tests/reporters/fake_github_api.js, which serves the pull request's
// comments in pages, GET /user, POST and PATCH, and records every request):
// it updates its own earlier comment wherever it is among the pages, never
// another bot's look-alike, posts when it has none, and fails clearly
// without printing the token. With --suggestions it posts `pgadvise fix
// --suggestions`'s review comments where their lines are in the pull
// request's diff. And the whole Action (tests/packaging/run_action.py runs
// its steps as a runner would) comments on a pull request, and does not
// when told not to.
#include "cli/process.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace github_comment_post_test {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* k_token = "ghs_not-a-real-token-0123456789";
constexpr const char* k_marker = "<!-- pgadvise-comment -->";

json comment(int id, const std::string& login, const std::string& body) {
  return {{"id", id}, {"user", {{"login", login}}}, {"body", body}};
}

// Two pages: a person's comment and another bot's with pgadvise's very
// marker on the first, the Actions bot's earlier pgadvise comment on the second.
json two_pages() {
  return json::array(
      {json::array({comment(101, "octocat", "Looks good"),
                    comment(102, "other-linter[bot]", std::string(k_marker) + "\nnot pgadvise's")}),
       json::array({comment(201, "octocat", "rebased"),
                    comment(202, "github-actions[bot]", std::string(k_marker) + "\nthe old one")})});
}

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
  json requests = json::array();
  json pages = json::array();
  json review_pages = json::array();
  std::string raw; // the harness's whole output, for failure messages
};

// Runs `program` against the stand-in serving `scenario`.
Outcome serve(const json& scenario, const std::vector<std::string>& program,
              const std::vector<std::string>& extra_env = {}, const std::string& cwd = {}) {
  pgadvise::test::TempTree tree;
  const fs::path scenario_file = tree.write("scenario.json", scenario.dump());
  const fs::path source(PGADVISE_SOURCE_DIR);
  pgadvise::test::ProcessOptions options;
  options.env["GITHUB_TOKEN"] = k_token;
  options.env["GITHUB_REPOSITORY"] = "acme/shop";
  options.env["PGADVISE_PR_NUMBER"] = "7";
  for (const char* unset : {"PGADVISE_COMMENT_LOGIN", "GITHUB_OUTPUT", "GITHUB_EVENT_PATH", "GITHUB_API_URL",
                            "GITHUB_EVENT_NAME", "PGADVISE_COMMIT_SHA", "PGADVISE_COMMENT_KEY", "NO_COLOR"}) {
    options.env[unset] = std::nullopt;
  }
  for (const std::string& setting : extra_env) {
    const auto equals = setting.find('=');
    options.env[setting.substr(0, equals)] = setting.substr(equals + 1);
  }
  options.cwd = cwd;
  options.timeout = std::chrono::seconds(300);
  std::vector<std::string> args = {"node", (source / "tests" / "reporters" / "fake_github_api.js").string(),
                                   scenario_file.string(), "--"};
  args.insert(args.end(), program.begin(), program.end());
  const pgadvise::test::ProcessResult result = pgadvise::test::run_process("/usr/bin/env", args, options);
  Outcome outcome;
  outcome.raw = result.out + result.err;
  EXPECT_EQ(result.exit_code, 0) << "the stand-in itself failed (is node on PATH?):\n" << outcome.raw;
  const json report = json::parse(result.out, nullptr, false);
  if (report.is_discarded()) {
    ADD_FAILURE() << "not JSON:\n" << outcome.raw;
    return outcome;
  }
  outcome.exit_code = report["exit_code"].is_number() ? report["exit_code"].get<int>() : -1;
  outcome.out = report["stdout"];
  outcome.err = report["stderr"];
  outcome.requests = report["requests"];
  outcome.pages = report["pages"];
  outcome.review_pages = report["review_pages"];
  return outcome;
}

const fs::path k_action_dir = fs::path(PGADVISE_SOURCE_DIR) / ".github" / "actions" / "pgadvise";

// Runs post-comment.js on `body` against the stand-in serving `scenario`.
Outcome post(const json& scenario, const std::string& body, const std::vector<std::string>& extra_env = {}) {
  pgadvise::test::TempTree tree;
  const fs::path body_file = tree.write("comment.md", body);
  return serve(scenario, {"node", (k_action_dir / "post-comment.js").string(), body_file.string()},
               extra_env);
}

std::vector<json> requests_of(const Outcome& outcome, const std::string& method) {
  std::vector<json> out;
  for (const json& request : outcome.requests) {
    if (request["method"] == method) {
      out.push_back(request);
    }
  }
  return out;
}

json comment_by_id(const Outcome& outcome, int id) {
  for (const json& page : outcome.pages) {
    for (const json& c : page) {
      if (c["id"] == id) {
        return c;
      }
    }
  }
  return nullptr;
}

const std::string k_new_body = std::string(k_marker) + "\n### pgadvise: 1 new finding (1 high)\n";

TEST(GithubCommentPost, UpdatesItsOwnCommentOnTheSecondPageAndLeavesAnotherBotsAlone) {
  const Outcome outcome = post({{"user", {{"status", 403}}}, {"pages", two_pages()}}, k_new_body);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.raw;
  const std::vector<json> gets = requests_of(outcome, "GET");
  ASSERT_EQ(gets.size(), 3U) << outcome.raw; // /user (403: GITHUB_TOKEN), then both pages
  EXPECT_EQ(gets[0]["path"], "/user");
  EXPECT_EQ(gets[1]["path"], "/repos/acme/shop/issues/7/comments");
  EXPECT_NE(gets[2]["query"].get<std::string>().find("page=2"), std::string::npos) << gets[2];
  const std::vector<json> patches = requests_of(outcome, "PATCH");
  ASSERT_EQ(patches.size(), 1U) << outcome.raw;
  EXPECT_EQ(patches[0]["path"], "/repos/acme/shop/issues/comments/202");
  EXPECT_EQ(patches[0]["body"]["body"], k_new_body);
  EXPECT_TRUE(requests_of(outcome, "POST").empty()) << outcome.raw;
  EXPECT_EQ(comment_by_id(outcome, 102)["body"], std::string(k_marker) + "\nnot pgadvise's");
  EXPECT_EQ(comment_by_id(outcome, 202)["body"], k_new_body);
  for (const json& request : outcome.requests) {
    EXPECT_EQ(request["authorization"], std::string("Bearer ") + k_token);
  }
}

TEST(GithubCommentPost, PostsWhenOnlyAnotherBotHasTheMarker) {
  json pages = two_pages();
  pages[1].erase(1); // no earlier comment of ours
  const Outcome outcome = post({{"user", {{"status", 403}}}, {"pages", pages}}, k_new_body);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.raw;
  EXPECT_TRUE(requests_of(outcome, "PATCH").empty()) << outcome.raw;
  const std::vector<json> posts = requests_of(outcome, "POST");
  ASSERT_EQ(posts.size(), 1U) << outcome.raw;
  EXPECT_EQ(posts[0]["path"], "/repos/acme/shop/issues/7/comments");
  EXPECT_EQ(posts[0]["body"]["body"], k_new_body);
  EXPECT_EQ(comment_by_id(outcome, 102)["body"], std::string(k_marker) + "\nnot pgadvise's");
}

// A token that may read /user (a personal one) comments as that user: the
// Actions bot's pgadvise comment is then someone else's.
TEST(GithubCommentPost, FindsItsCommentByTheAuthenticatedLogin) {
  json pages = two_pages();
  pages[0].push_back(comment(103, "ci-user", std::string(k_marker) + "\nours, by a personal token"));
  const Outcome outcome =
      post({{"user", {{"status", 200}, {"login", "ci-user"}}}, {"pages", pages}}, k_new_body);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.raw;
  const std::vector<json> patches = requests_of(outcome, "PATCH");
  ASSERT_EQ(patches.size(), 1U) << outcome.raw;
  EXPECT_EQ(patches[0]["path"], "/repos/acme/shop/issues/comments/103");
  EXPECT_EQ(comment_by_id(outcome, 202)["body"], std::string(k_marker) + "\nthe old one");
}

// --comment-key: each job's comment is its own; the unkeyed one is not it.
TEST(GithubCommentPost, AKeyedCommentIsNotTheUnkeyedOne) {
  const std::string keyed = "<!-- pgadvise-comment key=api -->\n### pgadvise: no new findings\n";
  const Outcome outcome = post({{"user", {{"status", 403}}}, {"pages", two_pages()}}, keyed);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.raw;
  EXPECT_TRUE(requests_of(outcome, "PATCH").empty()) << outcome.raw;
  ASSERT_EQ(requests_of(outcome, "POST").size(), 1U) << outcome.raw;
  EXPECT_EQ(comment_by_id(outcome, 202)["body"], std::string(k_marker) + "\nthe old one");
}

TEST(GithubCommentPost, AFailingApiSaysWhatFailedAndNeverPrintsTheToken) {
  // The stand-in even quotes the Authorization header back in its error.
  const Outcome outcome =
      post({{"user", {{"status", 403}}},
            {"pages", two_pages()},
            {"fail", {{"method", "PATCH"}, {"status", 502}, {"echo_authorization", true}}}},
           k_new_body);
  EXPECT_EQ(outcome.exit_code, 1) << outcome.raw;
  EXPECT_NE(outcome.err.find("PATCH /repos/acme/shop/issues/comments/202 failed with HTTP 502"),
            std::string::npos)
      << outcome.err;
  // (The stand-in's own record of the requests holds it; the script's output must not.)
  EXPECT_EQ((outcome.out + outcome.err).find(k_token), std::string::npos) << outcome.out << outcome.err;
  EXPECT_EQ(outcome.err.find("ghs_"), std::string::npos) << outcome.err;
}

TEST(GithubCommentPost, AListThatFailsStopsBeforeAnyWrite) {
  const Outcome outcome =
      post({{"user", {{"status", 403}}},
            {"pages", two_pages()},
            {"fail", {{"method", "GET"}, {"path", "/repos/acme/shop/issues/7/comments"}, {"status", 500}}}},
           k_new_body);
  EXPECT_EQ(outcome.exit_code, 1) << outcome.raw;
  EXPECT_NE(outcome.err.find("GET /repos/acme/shop/issues/7/comments failed with HTTP 500"),
            std::string::npos)
      << outcome.err;
  EXPECT_TRUE(requests_of(outcome, "POST").empty()) << "a failed list must not post a second comment";
  EXPECT_TRUE(requests_of(outcome, "PATCH").empty());
}

TEST(GithubCommentPost, ABodyWithoutTheMarkerIsAUsageError) {
  const Outcome outcome = post({{"pages", two_pages()}}, "### a report from something else\n");
  EXPECT_EQ(outcome.exit_code, 2) << outcome.raw;
  EXPECT_NE(outcome.err.find("--format github-comment"), std::string::npos) << outcome.err;
  EXPECT_TRUE(outcome.requests.empty()) << outcome.raw;
}

// --- Inline suggestions (post-comment.js --suggestions) ---

json suggestion(const std::string& path, std::size_t line, const std::vector<std::string>& original,
                const std::vector<std::string>& replacement, bool required = false) {
  std::string block;
  for (const std::string& text : replacement) {
    block += text + "\n";
  }
  return {{"path", path},
          {"start_line", line},
          {"line", line + original.size() - 1},
          {"original", original},
          {"replacement", replacement},
          {"required", required},
          {"rules", json::array({"unindexed-foreign-key"})},
          {"applicability", "safe"},
          {"body", "**pgadvise fix** (safe)\n\n```suggestion\n" + block + "```\n"}};
}

json review_comment(int id, const std::string& login, const std::string& body, const std::string& path,
                    const json& line) {
  return {{"id", id}, {"user", {{"login", login}}}, {"body", body}, {"path", path}, {"line", line}};
}

// What post-comment.js names a suggestion by: its path, lines and replacement.
std::string first_line(const json& comment) {
  const std::string body = comment["body"];
  return body.substr(0, body.find('\n'));
}

Outcome post_suggestions(const json& scenario, const json& suggestions) {
  pgadvise::test::TempTree tree;
  const fs::path file =
      tree.write("suggestions.json", json{{"version", 1}, {"suggestions", suggestions}}.dump());
  return serve(scenario,
               {"node", (k_action_dir / "post-comment.js").string(), "--suggestions", file.string()},
               {"PGADVISE_COMMIT_SHA=0123abcd"});
}

// The pull request's diff of src/db/schema.ts: a table the pull request
// added at lines 20-24 of the head (the checkout's file had it at 10-14).
const std::string k_patch = "@@ -18,2 +18,7 @@ export const users = pgTable(\"users\", {\n"
                            " });\n"
                            " \n"
                            "+export const sessions = pgTable(\"sessions\", {\n"
                            "+  userId: text(\"user_id\").references(() => users.id),\n"
                            "+}, (t) => [\n"
                            "+  index(\"sessions_token_idx\").on(t.token),\n"
                            "+]);";

TEST(GithubCommentPost, SuggestionsGoWhereTheirLinesAreInThePullRequestsDiff) {
  const json suggestions = json::array(
      {// the pull request's table: placed by its text, at the head's line 23
       suggestion("src/db/schema.ts", 13, {"  index(\"sessions_token_idx\").on(t.token),"},
                  {"  index(\"sessions_token_idx\").on(t.token),",
                   "  index(\"sessions_user_id_idx\").on(t.userId),"}),
       // a table the pull request does not touch: left to the comment
       suggestion("src/db/schema.ts", 40, {"  (t) => ["}, {"  (t) => [", "    index(\"a_b_idx\").on(t.b),"}),
       // another file whose import change is not in the diff: none of its suggestions
       suggestion("src/db/other.ts", 1, {"import { pgTable } from \"drizzle-orm/pg-core\";"},
                  {"import { index, pgTable } from \"drizzle-orm/pg-core\";"}, true),
       suggestion("src/db/other.ts", 9, {"  x: text(\"x\"),"}, {"  x: text(\"x\"),", "  y: 1,"})});
  const json files = json::array({json::array({{{"filename", "README.md"}, {"patch", "@@ -1 +1 @@\n-a\n+b"}},
                                               {{"filename", "src/db/other.ts"},
                                                {"patch", "@@ -8,2 +8,3 @@\n a\n+  x: text(\"x\"),\n b"}}}),
                                  json::array({{{"filename", "src/db/schema.ts"}, {"patch", k_patch}}})});
  // Earlier review comments: another bot's with pgadvise's marker, ours
  // on lines this run no longer proposes anything for.
  const json reviews = json::array({json::array(
      {review_comment(301, "other-linter[bot]", "<!-- pgadvise-suggestion id=00000000000000aa -->\nnot ours",
                      "src/db/schema.ts", 22),
       review_comment(302, "github-actions[bot]", "<!-- pgadvise-suggestion id=00000000000000bb -->\nold",
                      "src/db/schema.ts", 21)})});
  const Outcome outcome = post_suggestions({{"user", {{"status", 403}}},
                                            {"pages", json::array({json::array()})},
                                            {"files", files},
                                            {"review_pages", reviews}},
                                           suggestions);
  EXPECT_EQ(outcome.exit_code, 0) << outcome.raw;
  const std::vector<json> posts = requests_of(outcome, "POST");
  ASSERT_EQ(posts.size(), 1U) << outcome.raw;
  EXPECT_EQ(posts[0]["path"], "/repos/acme/shop/pulls/7/comments");
  const json& body = posts[0]["body"];
  EXPECT_EQ(body["path"], "src/db/schema.ts");
  EXPECT_EQ(body["line"], 23) << body;
  EXPECT_EQ(body["side"], "RIGHT");
  EXPECT_EQ(body["commit_id"], "0123abcd");
  EXPECT_FALSE(body.contains("start_line")) << "one line: no range";
  EXPECT_EQ(first_line(body).rfind("<!-- pgadvise-suggestion id=", 0), 0U) << body;
  EXPECT_NE(body["body"].get<std::string>().find("```suggestion\n  index(\"sessions_token_idx\")"),
            std::string::npos)
      << body;
  // Ours no longer proposed is said so; the other bot's is left alone.
  const std::vector<json> patches = requests_of(outcome, "PATCH");
  ASSERT_EQ(patches.size(), 1U) << outcome.raw;
  EXPECT_EQ(patches[0]["path"], "/repos/acme/shop/pulls/comments/302");
  EXPECT_NE(patches[0]["body"]["body"].get<std::string>().find("No longer proposed"), std::string::npos);
  EXPECT_EQ(outcome.review_pages[0][0]["body"], "<!-- pgadvise-suggestion id=00000000000000aa -->\nnot ours");
  EXPECT_NE(outcome.out.find("1 suggestion posted"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("3 not on the pull request's changed lines"), std::string::npos) << outcome.out;

  // Run again on the same pull request: the suggestion is there, nothing is posted twice.
  json after = reviews;
  after[0] = outcome.review_pages[0];
  const Outcome again = post_suggestions({{"user", {{"status", 403}}},
                                          {"pages", json::array({json::array()})},
                                          {"files", files},
                                          {"review_pages", after}},
                                         suggestions);
  EXPECT_EQ(again.exit_code, 0) << again.raw;
  EXPECT_TRUE(requests_of(again, "POST").empty()) << again.raw;
  EXPECT_TRUE(requests_of(again, "PATCH").empty()) << again.raw;
  EXPECT_NE(again.out.find("1 already there"), std::string::npos) << again.out;
}

// --- The whole Action, its steps run as a runner would ---

// A bundle whose `pgadvise` is the one this build made, as the Action's
// bundle-path input takes it.
fs::path bundle(pgadvise::test::TempTree& tree) {
  const fs::path dir = tree.root() / "bundle" / "pgadvise-test";
  fs::create_directories(dir);
  {
    std::ofstream script(dir / "pgadvise");
    script << "#!/bin/sh\nexec '" << PGADVISE_BINARY << "' \"$@\"\n";
  }
  fs::permissions(dir / "pgadvise", fs::perms::owner_all, fs::perm_options::add);
  const fs::path tarball = tree.root() / "pgadvise-test-linux-x64.tar.gz";
  const auto tar =
      pgadvise::test::run_process("/usr/bin/env", {"tar", "-czf", tarball.string(), "-C",
                                                   (tree.root() / "bundle").string(), "pgadvise-test"});
  EXPECT_EQ(tar.exit_code, 0) << tar.err;
  return tarball;
}

// The lines of a file's text, 1-based, where `first` starts and the
// table's `});` / `);` after it ends.
std::pair<std::size_t, std::vector<std::string>> table_lines(const std::string& text,
                                                             const std::string& first) {
  std::istringstream in(text);
  std::vector<std::string> lines;
  std::size_t start = 0;
  std::size_t number = 0;
  for (std::string line; std::getline(in, line);) {
    ++number;
    if (start == 0 && line.rfind(first, 0) == 0) {
      start = number;
    }
    if (start != 0) {
      lines.push_back(line);
      if (line == "});" || line == ");") {
        break;
      }
    }
  }
  return {start, lines};
}

struct ActionRun {
  Outcome outcome;
  json result; // run_action.py's result.json
};

// The Action on a copy of fixtures/fix/two-configs, as a pull request that
// added its `sessions` table, against the stand-in API.
ActionRun run_action(const std::vector<std::string>& inputs, const std::string& event_name = "pull_request") {
  pgadvise::test::TempTree tree;
  const fs::path repo = tree.root() / "repo";
  fs::copy(fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "fix" / "two-configs", repo,
           fs::copy_options::recursive);
  const std::string schema = pgadvise::test::read_text(repo / "src" / "db" / "schema.ts");
  const auto [start, lines] = table_lines(schema, "export const sessions");
  std::string patch = "@@ -" + std::to_string(start - 1) + ",0 +" + std::to_string(start) + "," +
                      std::to_string(lines.size()) + " @@\n";
  for (const std::string& line : lines) {
    patch += "+" + line + "\n";
  }
  const fs::path event = tree.write(
      "event.json", json{{"pull_request", {{"number", 7}, {"head", {{"sha", "feedface0000"}}}}}}.dump());
  const fs::path state = tree.root() / "state";
  fs::create_directories(state);
  std::vector<std::string> program = {
      "python3",
      (fs::path(PGADVISE_SOURCE_DIR) / "tests" / "packaging" / "run_action.py").string(),
      k_action_dir.string(),
      repo.string(),
      state.string(),
      "bundle-path=" + bundle(tree).string(),
      "github-token=" + std::string(k_token),
      "fail-on=none",
      "upload-sarif=false",
      "annotations=false"};
  program.insert(program.end(), inputs.begin(), inputs.end());
  const json scenario = {
      {"user", {{"status", 403}}},
      {"pages", json::array({json::array()})},
      {"files", json::array({json::array({{{"filename", "src/db/schema.ts"}, {"patch", patch}}})})},
      {"review_pages", json::array({json::array()})}};
  ActionRun run;
  run.outcome =
      serve(scenario, program,
            {"GITHUB_EVENT_NAME=" + event_name, "GITHUB_EVENT_PATH=" + event.string(), "PGADVISE_PR_NUMBER="},
            repo.string());
  std::ifstream result(state / "result.json");
  run.result = json::parse(result, nullptr, false);
  return run;
}

std::string conclusion(const ActionRun& run, const std::string& step) {
  if (!run.result.is_object()) {
    return "(no result.json)";
  }
  for (const json& s : run.result["steps"]) {
    if (s["name"] == step) {
      return s["conclusion"];
    }
  }
  return "(no step " + step + ")";
}

TEST(GithubCommentPost, TheActionCommentsAndSuggestsOnAPullRequest) {
  const ActionRun run = run_action({"suggestions=true"});
  const Outcome& outcome = run.outcome;
  EXPECT_EQ(outcome.exit_code, 0) << outcome.raw;
  EXPECT_EQ(conclusion(run, "Comment on the pull request"), "success") << outcome.err;
  EXPECT_EQ(conclusion(run, "Suggest the fixes on the pull request's lines"), "success") << outcome.err;
  std::vector<json> comments;
  std::vector<json> reviews;
  for (const json& post : requests_of(outcome, "POST")) {
    (post["path"] == "/repos/acme/shop/issues/7/comments" ? comments : reviews).push_back(post);
  }
  ASSERT_EQ(comments.size(), 1U) << outcome.raw;
  const std::string comment = comments[0]["body"]["body"];
  EXPECT_EQ(comment.rfind("<!-- pgadvise-comment -->\n", 0), 0U) << comment;
  EXPECT_NE(comment.find("unindexed-foreign-key"), std::string::npos) << comment;
  // One suggestion: the sessions table is the pull request's; the other
  // tables' indexes are in the comment only.
  ASSERT_EQ(reviews.size(), 1U) << outcome.raw;
  const json& review = reviews[0]["body"];
  EXPECT_EQ(reviews[0]["path"], "/repos/acme/shop/pulls/7/comments");
  EXPECT_EQ(review["path"], "src/db/schema.ts");
  EXPECT_EQ(review["commit_id"], "feedface0000");
  const std::string body = review["body"];
  EXPECT_NE(body.find("```suggestion\n"), std::string::npos) << body;
  EXPECT_NE(body.find("sessions_user_id_idx"), std::string::npos) << body;
  EXPECT_NE(body.find("(safe)"), std::string::npos) << body;
  EXPECT_EQ(body.find("jsonb"), std::string::npos) << "an unsafe fix suggested by default:\n" << body;
}

TEST(GithubCommentPost, TheActionToldNotToCommentOrOutsideAPullRequestCallsNoApi) {
  const ActionRun off = run_action({"comment=false"});
  EXPECT_EQ(off.outcome.exit_code, 0) << off.outcome.raw;
  EXPECT_EQ(conclusion(off, "Comment on the pull request"), "skipped") << off.outcome.raw;
  EXPECT_EQ(conclusion(off, "Suggest the fixes on the pull request's lines"), "skipped") << off.outcome.raw;
  EXPECT_TRUE(off.outcome.requests.empty()) << off.outcome.raw;

  const ActionRun push = run_action({"suggestions=true"}, "push");
  EXPECT_EQ(push.outcome.exit_code, 0) << push.outcome.raw;
  EXPECT_EQ(conclusion(push, "Comment on the pull request"), "success") << push.outcome.raw;
  EXPECT_TRUE(push.outcome.requests.empty()) << push.outcome.raw;
  EXPECT_NE(push.outcome.out.find("not a pull request"), std::string::npos) << push.outcome.raw;
}

} // namespace github_comment_post_test
