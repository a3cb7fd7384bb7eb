// drizzle-push-in-production through conditions: shell if/case/test/&&/||
// guards, GitHub `if:`, workflow_dispatch choices, matrices, branch filters
// and GitLab rules. Each fixture under fixtures/push/*_conditions holds
// planted production pushes and development look-alikes.

#include "engine/rule.hpp"
#include "loaders/project/scan.hpp"
#include "model/project.hpp"
#include "rules/registry.hpp"
#include "support/rule_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

namespace push_conditions_test {

namespace fs = std::filesystem;
using namespace pgadvise;
using core::Severity;
using pgadvise::test::evidence_of;

const fs::path k_push = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "push";

std::vector<core::Finding> check(const std::string& fixture) {
  return pgadvise::test::run_project_rule("drizzle-push-in-production",
                                          pgadvise::test::scanned_project(k_push / fixture));
}

bool contains(std::string_view text, std::string_view part) {
  return text.find(part) != std::string_view::npos;
}

// The one finding whose chain mentions `part` (a step label or file) and, when given, whose severity is
// `severity`. The result points into `findings`, so a temporary list is refused.
const core::Finding* through(std::vector<core::Finding>&& findings, std::string_view part,
                             std::optional<Severity> severity = std::nullopt) = delete;
const core::Finding* through(const std::vector<core::Finding>& findings, std::string_view part,
                             std::optional<Severity> severity = std::nullopt) {
  const core::Finding* found = nullptr;
  for (const core::Finding& finding : findings) {
    const bool on_chain =
        std::any_of(finding.evidence.begin(), finding.evidence.end(), [&](const core::Evidence& e) {
          return e.kind == core::Evidence::Kind::chain &&
                 (contains(e.detail, part) || contains(e.location.file, part));
        });
    if (on_chain && (!severity || finding.severity == *severity)) {
      EXPECT_EQ(found, nullptr) << "two findings through " << part;
      found = &finding;
    }
  }
  return found;
}

// The environment evidence says which, why, and where.
void expect_environment(const core::Finding* finding, std::string_view env, std::string_view why,
                        std::string_view file, int line) {
  ASSERT_NE(finding, nullptr);
  const core::Evidence* e = evidence_of(*finding, core::Evidence::Kind::environment);
  ASSERT_NE(e, nullptr);
  EXPECT_TRUE(e->detail.rfind(std::string(env) + ":", 0) == 0) << e->detail;
  EXPECT_TRUE(contains(e->detail, why)) << e->detail;
  EXPECT_EQ(e->location.file, file) << e->detail;
  EXPECT_EQ(e->location.line, line) << e->detail;
  EXPECT_TRUE(contains(finding->message, why)) << finding->message;
}

// One push of a fixture, the environment its conditions place it in and the
// severity that follows.
struct PushCase {
  const char* name;
  const char* fixture;
  const char* through; // a step label or file on the finding's chain
  // When a file holds several pushes: the one with `severity`.
  bool pick_by_severity;
  const char* environment;
  const char* why; // the condition, in the environment evidence and the message
  const char* file;
  int line;
  Severity severity;
};

void PrintTo(const PushCase& c, std::ostream* out) {
  *out << c.name << " (" << c.fixture << ", " << c.through << ")";
}

const PushCase k_cases[] = {
    // Look-alike: only the development branch of the if pushes.
    {"ShellIfElse", "shell_conditions", "scripts/release.sh", false, "development", "APP_ENV is development",
     "scripts/release.sh", 4, Severity::info},
    // Planted: `if [ "$APP_ENV" != production ]; then exit 0; fi` leaves production only.
    {"ShellIfExitGuard", "shell_conditions", "scripts/guarded.sh", false, "production",
     "APP_ENV is production", "scripts/guarded.sh", 3, Severity::critical},
    // [[ == prod* ]] / elif test "$APP_ENV" = preview: the push is the preview branch.
    {"ShellElifTest", "shell_conditions", "scripts/preview.sh", false, "staging", "APP_ENV is preview",
     "scripts/preview.sh", 5, Severity::medium},
    {"ShellOrGuard", "shell_conditions", "scripts/web.sh", false, "development", "NODE_ENV is not production",
     "scripts/web.sh", 3, Severity::info},
    {"ShellAndGuard", "shell_conditions", "scripts/worker.sh", false, "production", "NODE_ENV is production",
     "scripts/worker.sh", 4, Severity::critical},
    {"ShellCaseDevelopment", "shell_conditions", "scripts/sync.sh", true, "development",
     "DEPLOY_ENV is dev or development", "scripts/sync.sh", 4, Severity::info},
    {"ShellCaseStaging", "shell_conditions", "scripts/sync.sh", true, "staging", "DEPLOY_ENV is staging",
     "scripts/sync.sh", 7, Severity::medium},
    // The case: only the dev choice reaches `bun run db:push --force`.
    {"WorkflowDispatchChoice", "github_conditions", "step \"Apply schema\"", false, "development",
     "inputs.environment", ".github/workflows/database.yml", 28, Severity::info},
    // Planted: every other choice pushes, production among them.
    {"WorkflowDispatchOtherChoices", "github_conditions", "step \"Sync others\"", false, "production",
     "ENVIRONMENT is production or staging", ".github/workflows/database.yml", 35, Severity::critical},
    {"MatrixLeg", "github_conditions", "step \"Push dev schema\"", false, "development", "matrix.env is dev",
     ".github/workflows/matrix.yml", 16, Severity::info},
    {"RefCondition", "github_conditions", "job \"release\"", false, "production",
     "github.ref is refs/heads/main", ".github/workflows/branches.yml", 8, Severity::critical},
    {"RefNameCondition", "github_conditions", "job \"preview\"", false, "development",
     "github.ref_name is dev", ".github/workflows/branches.yml", 16, Severity::info},
    {"ReusableWorkflowInputs", "github_conditions", "job \"staging\"", false, "staging",
     "inputs.environment is staging or dev", ".github/workflows/reusable.yml", 11, Severity::medium},
    {"RepositoryVariables", "github_conditions", "job \"production\"", false, "production",
     "vars.DEPLOY_TARGET is production", ".github/workflows/reusable.yml", 17, Severity::critical},
    {"GitlabRulesMain", "gitlab_conditions", "job \"schema_main\"", false, "production",
     "CI_COMMIT_BRANCH is main", ".gitlab-ci.yml", 7, Severity::critical},
    {"GitlabRulesDev", "gitlab_conditions", "job \"schema_dev\"", false, "development",
     "CI_COMMIT_BRANCH is dev", ".gitlab-ci.yml", 15, Severity::info},
    {"GitlabOnly", "gitlab_conditions", "job \"schema_only\"", false, "development",
     "CI_COMMIT_REF_NAME is dev", ".gitlab-ci.yml", 24, Severity::info},
};

class PushEnvironment : public ::testing::TestWithParam<PushCase> {};

TEST_P(PushEnvironment, ConditionsGiveTheEnvironmentAndSeverity) {
  const PushCase& c = GetParam();
  const auto findings = check(c.fixture);
  const core::Finding* push =
      through(findings, c.through, c.pick_by_severity ? std::optional<Severity>(c.severity) : std::nullopt);
  ASSERT_NE(push, nullptr) << "no finding through " << c.through;
  expect_environment(push, c.environment, c.why, c.file, c.line);
  EXPECT_EQ(push->severity, c.severity);
}

INSTANTIATE_TEST_SUITE_P(PushConditions, PushEnvironment, ::testing::ValuesIn(k_cases),
                         [](const ::testing::TestParamInfo<PushCase>& test) { return test.param.name; });

TEST(PushConditions, ShellCaseHasNoProductionBranch) {
  const auto shell = check("shell_conditions");
  EXPECT_EQ(through(shell, "scripts/sync.sh", Severity::critical), nullptr);
}

TEST(PushConditions, UnreadableConditionKeepsTheVerdictAndSaysSo) {
  const auto findings = check("shell_conditions");
  const core::Finding* undecided = through(findings, "scripts/undecided.sh");
  ASSERT_NE(undecided, nullptr);
  EXPECT_EQ(undecided->severity, Severity::critical); // the Procfile process runs in production
  const core::Evidence* condition = evidence_of(*undecided, core::Evidence::Kind::condition);
  ASSERT_NE(condition, nullptr);
  EXPECT_TRUE(contains(condition->detail, "cannot tell")) << condition->detail;
  EXPECT_TRUE(contains(condition->detail, "-f /tmp/first-boot")) << condition->detail;
  EXPECT_EQ(condition->location.file, "scripts/undecided.sh");
  EXPECT_EQ(condition->location.line, 3);
}

TEST(PushConditions, WorkflowDispatchChoiceIsNamedInTheMessage) {
  const auto findings = check("github_conditions"); // `through` points into it
  const core::Finding* apply = through(findings, "step \"Apply schema\"");
  ASSERT_NE(apply, nullptr);
  EXPECT_TRUE(contains(apply->message, "ENVIRONMENT is dev")) << apply->message;
  EXPECT_TRUE(contains(apply->message, "the workflow_dispatch choice \"environment\"")) << apply->message;
}

TEST(PushConditions, MatrixLegsThatIncludeProductionAreCritical) {
  const auto findings = check("github_conditions");
  const core::Finding* every = through(findings, "step \"Push every schema\"");
  ASSERT_NE(every, nullptr);
  EXPECT_EQ(every->severity, Severity::critical);
  ASSERT_NE(evidence_of(*every, core::Evidence::Kind::environment), nullptr);
  EXPECT_TRUE(
      contains(evidence_of(*every, core::Evidence::Kind::environment)->detail, "matrix.env is dev or prod"));
}

TEST(PushConditions, BranchFilterGivesTheRefName) {
  // on: push: branches: [dev] gives GITHUB_REF_NAME's only value.
  const auto findings = check("github_conditions");
  const core::Finding* sync = through(findings, "dev-only.yml");
  ASSERT_NE(sync, nullptr);
  EXPECT_EQ(sync->severity, Severity::info);
  ASSERT_NE(evidence_of(*sync, core::Evidence::Kind::environment), nullptr);
  EXPECT_TRUE(contains(evidence_of(*sync, core::Evidence::Kind::environment)->detail, "the branch filter"))
      << sync->message;
}

TEST(PushConditions, GitlabWildcardRulesAndEnvironments) {
  const auto findings = check("gitlab_conditions");
  const core::Finding* features = through(findings, "job \"schema_features\"");
  ASSERT_NE(features, nullptr);
  EXPECT_EQ(features->severity, Severity::info);
  EXPECT_TRUE(contains(features->message, "feature*")) << features->message;
  const core::Finding* prod = through(findings, "job \"schema_prod\"");
  ASSERT_NE(prod, nullptr);
  EXPECT_EQ(prod->severity, Severity::critical);
}

} // namespace push_conditions_test
