// drizzle-push-in-production through conditions: shell if/case/test/&&/||
// guards, GitHub `if:`, workflow_dispatch choices, matrices, branch filters
// and GitLab rules. Each fixture under fixtures/push/*_conditions holds
// planted production pushes and development look-alikes.

#include "engine/rule.hpp"
#include "loaders/project/scan.hpp"
#include "model/project.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace pgadvise;
using core::Severity;

const fs::path k_push = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "push";

std::vector<core::Finding> check(const std::string& fixture) {
  model::Project project;
  project.root = k_push / fixture;
  loaders::scan_project(project);
  const engine::Rule* rule = rules::find_rule("drizzle-push-in-production");
  if (rule == nullptr) {
    ADD_FAILURE() << "rule not registered";
    return {};
  }
  engine::RuleContext context;
  context.project = &project;
  context.severity = rule->meta().default_severity;
  std::vector<core::Finding> out;
  rule->check(context, out);
  return out;
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The one finding whose chain mentions `part` (a step label or file) and, when given, whose severity is
// `severity`.
const core::Finding* through(const std::vector<core::Finding>& findings, std::string_view part,
                             std::optional<Severity> severity = std::nullopt) {
  const core::Finding* found = nullptr;
  for (const core::Finding& finding : findings) {
    const bool on_chain =
        std::any_of(finding.evidence.begin(), finding.evidence.end(), [&](const core::Evidence& e) {
          return e.kind == "chain" && (contains(e.detail, part) || contains(e.location.file, part));
        });
    if (on_chain && (!severity || finding.severity == *severity)) {
      EXPECT_EQ(found, nullptr) << "two findings through " << part;
      found = &finding;
    }
  }
  return found;
}

const core::Evidence* evidence(const core::Finding& finding, std::string_view kind) {
  for (const core::Evidence& e : finding.evidence) {
    if (e.kind == kind) {
      return &e;
    }
  }
  return nullptr;
}

// The environment evidence says which, why, and where.
void expect_environment(const core::Finding* finding, std::string_view env, std::string_view why,
                        std::string_view file, int line) {
  ASSERT_NE(finding, nullptr);
  const core::Evidence* e = evidence(*finding, "environment");
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->detail.rfind(std::string(env) + ":", 0) == 0) << e->detail;
  EXPECT_TRUE(contains(e->detail, why)) << e->detail;
  EXPECT_EQ(e->location.file, file) << e->detail;
  EXPECT_EQ(e->location.line, line) << e->detail;
  EXPECT_TRUE(contains(finding->message, why)) << finding->message;
}

TEST(PushConditions, ShellIfElseInScripts) {
  const auto findings = check("shell_conditions");
  // Look-alike: only the development branch of the if pushes.
  const core::Finding* release = through(findings, "scripts/release.sh");
  expect_environment(release, "development", "APP_ENV is development", "scripts/release.sh", 4);
  EXPECT_EQ(release->severity, Severity::info);
  // Planted: `if [ "$APP_ENV" != production ]; then exit 0; fi` leaves production only.
  const core::Finding* guarded = through(findings, "scripts/guarded.sh");
  expect_environment(guarded, "production", "APP_ENV is production", "scripts/guarded.sh", 3);
  EXPECT_EQ(guarded->severity, Severity::critical);
  // [[ == prod* ]] / elif test "$APP_ENV" = preview: the push is the preview branch.
  const core::Finding* preview = through(findings, "scripts/preview.sh");
  expect_environment(preview, "staging", "APP_ENV is preview", "scripts/preview.sh", 5);
  EXPECT_EQ(preview->severity, Severity::medium);
}

TEST(PushConditions, ShellAndOrGuards) {
  const auto findings = check("shell_conditions");
  const core::Finding* web = through(findings, "scripts/web.sh");
  expect_environment(web, "development", "NODE_ENV is not production", "scripts/web.sh", 3);
  EXPECT_EQ(web->severity, Severity::info);
  const core::Finding* worker = through(findings, "scripts/worker.sh");
  expect_environment(worker, "production", "NODE_ENV is production", "scripts/worker.sh", 4);
  EXPECT_EQ(worker->severity, Severity::critical);
}

TEST(PushConditions, ShellCase) {
  const auto findings = check("shell_conditions");
  const core::Finding* dev = through(findings, "scripts/sync.sh", Severity::info);
  expect_environment(dev, "development", "DEPLOY_ENV is dev or development", "scripts/sync.sh", 4);
  const core::Finding* staging = through(findings, "scripts/sync.sh", Severity::medium);
  expect_environment(staging, "staging", "DEPLOY_ENV is staging", "scripts/sync.sh", 7);
  EXPECT_EQ(through(findings, "scripts/sync.sh", Severity::critical), nullptr);
}

TEST(PushConditions, UnreadableConditionKeepsTheVerdictAndSaysSo) {
  const auto findings = check("shell_conditions");
  const core::Finding* undecided = through(findings, "scripts/undecided.sh");
  ASSERT_NE(undecided, nullptr);
  EXPECT_EQ(undecided->severity, Severity::critical); // the Procfile process runs in production
  const core::Evidence* condition = evidence(*undecided, "condition");
  ASSERT_NE(condition, nullptr);
  EXPECT_TRUE(contains(condition->detail, "cannot tell")) << condition->detail;
  EXPECT_TRUE(contains(condition->detail, "-f /tmp/first-boot")) << condition->detail;
  EXPECT_EQ(condition->location.file, "scripts/undecided.sh");
  EXPECT_EQ(condition->location.line, 3);
}

TEST(PushConditions, WorkflowDispatchChoiceFeedsTheShell) {
  const auto findings = check("github_conditions");
  // The case: only the dev choice reaches `bun run db:push --force`.
  const core::Finding* apply = through(findings, "step \"Apply schema\"");
  expect_environment(apply, "development", "inputs.environment", ".github/workflows/database.yml", 28);
  EXPECT_EQ(apply->severity, Severity::info);
  EXPECT_TRUE(contains(apply->message, "ENVIRONMENT is dev")) << apply->message;
  EXPECT_TRUE(contains(apply->message, "the workflow_dispatch choice \"environment\"")) << apply->message;
  // Planted: every other choice pushes, production among them.
  const core::Finding* others = through(findings, "step \"Sync others\"");
  expect_environment(others, "production", "ENVIRONMENT is production or staging",
                     ".github/workflows/database.yml", 35);
  EXPECT_EQ(others->severity, Severity::critical);
}

TEST(PushConditions, MatrixLegs) {
  const auto findings = check("github_conditions");
  const core::Finding* dev = through(findings, "step \"Push dev schema\"");
  expect_environment(dev, "development", "matrix.env is dev", ".github/workflows/matrix.yml", 16);
  EXPECT_EQ(dev->severity, Severity::info);
  const core::Finding* every = through(findings, "step \"Push every schema\"");
  ASSERT_NE(every, nullptr);
  EXPECT_EQ(every->severity, Severity::critical);
  EXPECT_TRUE(contains(evidence(*every, "environment")->detail, "matrix.env is dev or prod"));
}

TEST(PushConditions, RefConditionsAndBranchFilters) {
  const auto findings = check("github_conditions");
  const core::Finding* release = through(findings, "job \"release\"");
  expect_environment(release, "production", "github.ref is refs/heads/main", ".github/workflows/branches.yml",
                     8);
  EXPECT_EQ(release->severity, Severity::critical);
  const core::Finding* preview = through(findings, "job \"preview\"");
  expect_environment(preview, "development", "github.ref_name is dev", ".github/workflows/branches.yml", 16);
  EXPECT_EQ(preview->severity, Severity::info);
  // on: push: branches: [dev] gives GITHUB_REF_NAME's only value.
  const core::Finding* sync = through(findings, "dev-only.yml");
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->severity, Severity::info);
  EXPECT_TRUE(contains(evidence(*sync, "environment")->detail, "the branch filter")) << sync->message;
}

TEST(PushConditions, InputsAndRepositoryVariables) {
  const auto findings = check("github_conditions");
  const core::Finding* staging = through(findings, "job \"staging\"");
  expect_environment(staging, "staging", "inputs.environment is staging or dev",
                     ".github/workflows/reusable.yml", 11);
  EXPECT_EQ(staging->severity, Severity::medium);
  const core::Finding* production = through(findings, "job \"production\"");
  expect_environment(production, "production", "vars.DEPLOY_TARGET is production",
                     ".github/workflows/reusable.yml", 17);
  EXPECT_EQ(production->severity, Severity::critical);
}

TEST(PushConditions, GitlabRulesOnlyAndEnvironment) {
  const auto findings = check("gitlab_conditions");
  const core::Finding* main = through(findings, "job \"schema_main\"");
  expect_environment(main, "production", "CI_COMMIT_BRANCH is main", ".gitlab-ci.yml", 7);
  EXPECT_EQ(main->severity, Severity::critical);
  const core::Finding* dev = through(findings, "job \"schema_dev\"");
  expect_environment(dev, "development", "CI_COMMIT_BRANCH is dev", ".gitlab-ci.yml", 15);
  EXPECT_EQ(dev->severity, Severity::info);
  const core::Finding* only = through(findings, "job \"schema_only\"");
  expect_environment(only, "development", "CI_COMMIT_REF_NAME is dev", ".gitlab-ci.yml", 24);
  const core::Finding* features = through(findings, "job \"schema_features\"");
  ASSERT_NE(features, nullptr);
  EXPECT_EQ(features->severity, Severity::info);
  EXPECT_TRUE(contains(features->message, "feature*")) << features->message;
  const core::Finding* prod = through(findings, "job \"schema_prod\"");
  ASSERT_NE(prod, nullptr);
  EXPECT_EQ(prod->severity, Severity::critical);
}

} // namespace
