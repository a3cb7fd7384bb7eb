// The conditions commands run under: shell tests, if/elif/else, case, &&/||
// guards and early exits, and the CI expression language (GitHub `if:`,
// GitLab `rules: if:`), each read into model::Guard.

#include "loaders/project/command.hpp"
#include "loaders/project/conditions.hpp"
#include "loaders/project/scan.hpp"
#include "model/project.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace conditions_test {

namespace fs = std::filesystem;
using namespace pgadvise;
using model::Guard;
using model::InvocationKind;

const fs::path k_push = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "push";

std::vector<std::string> words(std::initializer_list<const char*> list) {
  return {list.begin(), list.end()};
}

// The invocations of a script text, read line by line as a shell file is.
std::vector<model::Invocation> script(std::string_view text) {
  loaders::ShellState state;
  std::vector<model::Invocation> out;
  for (const model::Command& command : loaders::parse_script_text(text, "run.sh", 1, state)) {
    out.insert(out.end(), command.invocations.begin(), command.invocations.end());
  }
  return out;
}

const model::Invocation* find(const std::vector<model::Invocation>& invocations, InvocationKind kind,
                              std::string_view target = {}) {
  for (const model::Invocation& inv : invocations) {
    if (inv.kind == kind && (target.empty() || inv.target == target)) {
      return &inv;
    }
  }
  return nullptr;
}

// The guards of the `npm run TARGET` (or `bun run`) among `invocations`; a
// failure when there is none.
std::vector<Guard> script_guards(const std::vector<model::Invocation>& invocations, std::string_view target) {
  const model::Invocation* found = find(invocations, InvocationKind::run_script, target);
  if (found == nullptr) {
    ADD_FAILURE() << "no run of " << target;
    return {};
  }
  return found->guards;
}

TEST(ShellConditions, VariableReferences) {
  EXPECT_EQ(loaders::variable_of("$APP_ENV"), "APP_ENV");
  EXPECT_EQ(loaders::variable_of("${ENVIRONMENT}"), "ENVIRONMENT");
  EXPECT_EQ(loaders::variable_of("${DEPLOY_ENV:-dev}"), "DEPLOY_ENV");
  EXPECT_EQ(loaders::variable_of("${{ github.event.inputs.environment }}"), "inputs.environment");
  EXPECT_EQ(loaders::variable_of("${{ env.TARGET }}"), "TARGET");
  EXPECT_EQ(loaders::variable_of("${{ secrets.DATABASE_URL }}"), "secrets.DATABASE_URL");
  EXPECT_EQ(loaders::variable_of("dev"), "");
  EXPECT_EQ(loaders::variable_of("$(cat env)"), "");
  EXPECT_EQ(loaders::variable_of("postgres://$USER@x"), "");
}

TEST(ShellConditions, TestCommands) {
  const auto equal = loaders::parse_test(words({"[", "$ENVIRONMENT", "=", "dev", "]"}), {});
  ASSERT_TRUE(equal.has_value());
  EXPECT_EQ(equal->variable, "ENVIRONMENT");
  EXPECT_EQ(equal->values, std::vector<std::string>{"dev"});
  EXPECT_FALSE(equal->negated);

  const auto reversed = loaders::parse_test(words({"test", "production", "!=", "$NODE_ENV"}), {});
  ASSERT_TRUE(reversed.has_value());
  EXPECT_EQ(reversed->variable, "NODE_ENV");
  EXPECT_TRUE(reversed->negated);

  const auto either =
      loaders::parse_test(words({"[[", "$E", "==", "dev", "||", "$E", "==", "local", "]]"}), {});
  ASSERT_TRUE(either.has_value());
  EXPECT_EQ(either->values, (std::vector<std::string>{"dev", "local"}));

  const auto not_test = loaders::parse_test(words({"!", "[", "$E", "=", "prod", "]"}), {});
  ASSERT_TRUE(not_test.has_value());
  EXPECT_TRUE(not_test->negated);

  // A test of something else is a guard pgadvise cannot read; a command is no test.
  const auto file_test = loaders::parse_test(words({"[", "-f", "/tmp/x", "]"}), {});
  ASSERT_TRUE(file_test.has_value());
  EXPECT_TRUE(file_test->variable.empty());
  EXPECT_FALSE(loaders::parse_test(words({"npm", "run", "x"}), {}).has_value());
}

TEST(ShellConditions, IfElseOnOneLine) {
  const auto found = script(
      R"(if [ "${ENVIRONMENT}" = "dev" ]; then bun run db:push --force; else bun run ./scripts/migrate.ts; fi)");
  const std::vector<Guard> push = script_guards(found, "db:push");
  ASSERT_EQ(push.size(), 1U);
  EXPECT_EQ(push[0].variable, "ENVIRONMENT");
  EXPECT_EQ(push[0].values, std::vector<std::string>{"dev"});
  EXPECT_FALSE(push[0].negated);
  EXPECT_EQ(push[0].location.line, 1);
}

TEST(ShellConditions, ElifAndElseBranchesNegateEarlierOnes) {
  const auto found = script("if [ \"$E\" = production ]; then\n"
                            "  npm run db:migrate\n"
                            "elif [ \"$E\" = staging ]; then\n"
                            "  npm run stage\n"
                            "else\n"
                            "  npm run db:push\n"
                            "fi\n"
                            "npm run after\n");
  EXPECT_EQ(script_guards(found, "db:migrate").size(), 1U);
  const std::vector<Guard> stage = script_guards(found, "stage");
  ASSERT_EQ(stage.size(), 2U);
  EXPECT_TRUE(stage[0].negated);  // not production
  EXPECT_FALSE(stage[1].negated); // staging
  EXPECT_EQ(stage[1].location.line, 3);
  const std::vector<Guard> push = script_guards(found, "db:push");
  ASSERT_EQ(push.size(), 2U);
  EXPECT_TRUE(push[0].negated);
  EXPECT_TRUE(push[1].negated);
  EXPECT_TRUE(script_guards(found, "after").empty()); // after the fi: unguarded
}

TEST(ShellConditions, CaseBranchesAndFallback) {
  const auto found = script("case \"${DEPLOY_ENV:-dev}\" in\n"
                            "  dev|development)\n"
                            "    npm run db:push\n"
                            "    ;;\n"
                            "  prod*) npm run db:migrate ;;\n"
                            "  *) npm run other ;;\n"
                            "esac\n"
                            "npm run after\n");
  const std::vector<Guard> push = script_guards(found, "db:push");
  ASSERT_EQ(push.size(), 1U);
  EXPECT_EQ(push[0].variable, "DEPLOY_ENV");
  EXPECT_EQ(push[0].values, (std::vector<std::string>{"dev", "development"}));
  EXPECT_EQ(push[0].location.line, 2);
  const std::vector<Guard> migrate = script_guards(found, "db:migrate");
  ASSERT_EQ(migrate.size(), 1U);
  EXPECT_EQ(migrate[0].values, std::vector<std::string>{"prod*"});
  const std::vector<Guard> other = script_guards(found, "other");
  ASSERT_EQ(other.size(), 1U);
  EXPECT_TRUE(other[0].negated);
  EXPECT_EQ(other[0].values, (std::vector<std::string>{"dev", "development", "prod*"}));
  EXPECT_TRUE(script_guards(found, "after").empty()); // after the fi: unguarded
}

TEST(ShellConditions, AndOrGuardsAndEarlyExits) {
  const auto and_guard = script("[ \"$NODE_ENV\" != production ] && drizzle-kit push");
  const model::Invocation* push = find(and_guard, InvocationKind::drizzle_push);
  ASSERT_NE(push, nullptr);
  ASSERT_EQ(push->guards.size(), 1U);
  EXPECT_EQ(push->guards[0].variable, "NODE_ENV");
  EXPECT_TRUE(push->guards[0].negated);

  const auto or_guard = script("[ \"$NODE_ENV\" = production ] || drizzle-kit push");
  ASSERT_NE(find(or_guard, InvocationKind::drizzle_push), nullptr);
  EXPECT_TRUE(find(or_guard, InvocationKind::drizzle_push)->guards.at(0).negated);

  // `|| exit 0` guards every later line; a guard ends with its line.
  const auto early = script("[ \"$NODE_ENV\" = production ] || exit 0\nnpx drizzle-kit push\n");
  push = find(early, InvocationKind::drizzle_push);
  ASSERT_NE(push, nullptr);
  ASSERT_EQ(push->guards.size(), 1U);
  EXPECT_FALSE(push->guards[0].negated);
  EXPECT_EQ(push->guards[0].values, std::vector<std::string>{"production"});

  const auto if_exit = script("if [ \"$APP_ENV\" != production ]; then\n  exit 0\nfi\nnpm run db:push\n");
  const model::Invocation* after_if = find(if_exit, InvocationKind::run_script, "db:push");
  ASSERT_NE(after_if, nullptr);
  ASSERT_EQ(after_if->guards.size(), 1U);
  EXPECT_FALSE(after_if->guards[0].negated);

  // `cmd || exit 1` says nothing about the environment.
  const auto maybe = script("npm run check || exit 1\nnpm run db:push\n");
  const model::Invocation* unguarded = find(maybe, InvocationKind::run_script, "db:push");
  ASSERT_NE(unguarded, nullptr);
  EXPECT_TRUE(unguarded->guards.empty());

  // `[ c ] && a || b`: b runs when c does not hold.
  const auto ternary = script("[ \"$NODE_ENV\" = production ] && echo skip || drizzle-kit push");
  push = find(ternary, InvocationKind::drizzle_push);
  ASSERT_NE(push, nullptr);
  ASSERT_EQ(push->guards.size(), 1U);
  EXPECT_TRUE(push->guards[0].negated);

  const auto line_only = script("[ \"$E\" = dev ] && echo dev\nnpm run db:push\n");
  ASSERT_NE(find(line_only, InvocationKind::run_script, "db:push"), nullptr);
  EXPECT_TRUE(find(line_only, InvocationKind::run_script, "db:push")->guards.empty());
}

TEST(ShellConditions, NestedShellInheritsGuards) {
  const auto found = script("if [ \"$E\" = dev ]; then sh -c 'npm run db:push'; fi");
  const model::Invocation* push = find(found, InvocationKind::run_script, "db:push");
  ASSERT_NE(push, nullptr);
  ASSERT_EQ(push->guards.size(), 1U);
  EXPECT_EQ(push->guards[0].variable, "E");
}

TEST(ShellConditions, DeepNestingAndManyExitsAreBounded) {
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += "if [ \"$X\" = a ]; then\n";
  }
  for (int i = 0; i < 3000; ++i) {
    text += "[ \"$Y\" = b" + std::to_string(i) + " ] || exit 0\n";
  }
  text += "npx drizzle-kit push\n";
  for (int i = 0; i < 3000; ++i) {
    text += "fi\n";
  }
  const auto found = script(text);
  const model::Invocation* push = find(found, InvocationKind::drizzle_push);
  ASSERT_NE(push, nullptr);
  EXPECT_LE(push->guards.size(), 64U);
  EXPECT_GE(push->guards.size(), 32U);
}

TEST(CiConditions, GithubExpressions) {
  const auto ref = loaders::parse_ci_expression("github.ref == 'refs/heads/dev'", {"w.yml", 4, 0});
  ASSERT_EQ(ref.size(), 1U);
  EXPECT_EQ(ref[0].variable, "github.ref");
  EXPECT_EQ(ref[0].values, std::vector<std::string>{"refs/heads/dev"});
  EXPECT_EQ(ref[0].location.line, 4);

  const auto input =
      loaders::parse_ci_expression("${{ github.event.inputs.environment != 'production' && success() }}", {});
  ASSERT_EQ(input.size(), 1U);
  EXPECT_EQ(input[0].variable, "inputs.environment");
  EXPECT_TRUE(input[0].negated);

  const auto either =
      loaders::parse_ci_expression("inputs.environment == 'staging' || inputs.environment == 'dev'", {});
  ASSERT_EQ(either.size(), 1U);
  EXPECT_EQ(either[0].values, (std::vector<std::string>{"staging", "dev"}));

  const auto tags = loaders::parse_ci_expression("startsWith(github.ref, 'refs/tags/')", {});
  ASSERT_EQ(tags.size(), 1U);
  EXPECT_EQ(tags[0].values, std::vector<std::string>{"refs/tags/*"});

  const auto vars = loaders::parse_ci_expression("vars.DEPLOY_TARGET == 'production'", {});
  ASSERT_EQ(vars.size(), 1U);
  EXPECT_EQ(vars[0].variable, "vars.DEPLOY_TARGET");

  const auto unreadable =
      loaders::parse_ci_expression("contains(github.event.head_commit.message, 'db')", {});
  ASSERT_EQ(unreadable.size(), 1U);
  EXPECT_TRUE(unreadable[0].variable.empty());
}

TEST(CiConditions, GitlabExpressions) {
  const auto branch = loaders::parse_ci_expression("$CI_COMMIT_BRANCH == \"main\"", {});
  ASSERT_EQ(branch.size(), 1U);
  EXPECT_EQ(branch[0].variable, "CI_COMMIT_BRANCH");
  EXPECT_EQ(branch[0].values, std::vector<std::string>{"main"});

  const auto default_branch = loaders::parse_ci_expression("$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH", {});
  ASSERT_EQ(default_branch.size(), 1U);
  EXPECT_EQ(default_branch[0].values, std::vector<std::string>{"$CI_DEFAULT_BRANCH"});

  const auto regex = loaders::parse_ci_expression("$CI_COMMIT_BRANCH =~ /^feature/", {});
  ASSERT_EQ(regex.size(), 1U);
  EXPECT_EQ(regex[0].values, std::vector<std::string>{"feature*"});
}

TEST(CiConditions, WorkflowFactsAreRecorded) {
  model::Project project;
  project.root = k_push / "github_conditions";
  loaders::scan_project(project);
  const auto site =
      std::find_if(project.sites.begin(), project.sites.end(), [](const model::ExecutionSite& s) {
        return s.file == ".github/workflows/database.yml" &&
               s.label == "job \"schema\" step \"Apply schema\"";
      });
  ASSERT_NE(site, project.sites.end());
  const auto& domains = site->context.domains;
  const auto choice = std::find_if(domains.begin(), domains.end(), [](const model::VariableDomain& d) {
    return d.variable == "inputs.environment";
  });
  ASSERT_NE(choice, domains.end());
  EXPECT_EQ(choice->values, (std::vector<std::string>{"production", "staging", "dev"}));
  EXPECT_EQ(site->context.environment_variable, "inputs.environment");
  const auto env = std::find_if(site->context.env.begin(), site->context.env.end(),
                                [](const model::EnvVar& v) { return v.name == "ENVIRONMENT"; });
  ASSERT_NE(env, site->context.env.end());
  EXPECT_EQ(env->refers_to, "inputs.environment");

  const auto matrix =
      std::find_if(project.sites.begin(), project.sites.end(), [](const model::ExecutionSite& s) {
        return s.file == ".github/workflows/matrix.yml" &&
               s.label == "job \"databases\" step \"Push dev schema\"";
      });
  ASSERT_NE(matrix, project.sites.end());
  ASSERT_EQ(matrix->context.guards.size(), 1U);
  EXPECT_EQ(matrix->context.guards[0].variable, "matrix.env");
  EXPECT_EQ(matrix->context.guards[0].location.line, 16);
}

} // namespace conditions_test
