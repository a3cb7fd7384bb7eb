// The project scanner: the small YAML/TOML readers, the command parser that
// finds drizzle-kit push and script calls, and the per-format readers run on
// the projects under fixtures/push/.

#include "loaders/project/command.hpp"
#include "loaders/project/scan.hpp"
#include "loaders/project/toml.hpp"
#include "loaders/project/yaml.hpp"
#include "model/project.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace project_scan_test {

namespace fs = std::filesystem;
using namespace pgadvise;
using model::InvocationKind;

const fs::path k_push = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "push";

model::Project scan(const std::string& name) {
  model::Project project;
  project.root = k_push / name;
  loaders::scan_project(project);
  return project;
}

std::vector<model::Invocation> parse(std::string_view command, std::string cwd = {}) {
  loaders::ShellState state;
  state.cwd = std::move(cwd);
  return loaders::parse_invocations(command, state);
}

const model::ExecutionSite* find_site(const model::Project& project, std::string_view file,
                                      std::string_view label) {
  for (const model::ExecutionSite& site : project.sites) {
    if (site.file == file && site.label == label) {
      return &site;
    }
  }
  return nullptr;
}

// --- YAML ---

TEST(ProjectScanYaml, ReadsNestedMapsListsAndBlockScalarLines) {
  const auto doc = loaders::yaml::parse("jobs:\n"
                                        "  deploy:\n"
                                        "    environment: { name: production, url: x }\n"
                                        "    steps:\n"
                                        "      - name: Push\n"
                                        "        run: |\n"
                                        "          echo one\n"
                                        "\n"
                                        "          npm run db:push # trailing\n"
                                        "      - run: npm test\n");
  EXPECT_TRUE(doc.problems.empty());
  const auto* deploy = doc.root.get("jobs")->get("deploy");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->get("environment")->get_scalar("name"), "production");
  const auto* steps = deploy->get("steps");
  ASSERT_TRUE(steps->is_seq());
  ASSERT_EQ(steps->items.size(), 2U);
  const auto* run = steps->items[0].get("run");
  EXPECT_TRUE(run->block_scalar);
  EXPECT_EQ(run->line, 7); // first content line; line + i is the i-th line
  EXPECT_EQ(run->scalar, "echo one\n\nnpm run db:push # trailing");
  EXPECT_EQ(steps->items[1].get("run")->line, 10);
}

TEST(ProjectScanYaml, FlowListsAnchorsMergesAndQuotedKeys) {
  const auto doc = loaders::yaml::parse(".base: &base\n"
                                        "  image: node:20\n"
                                        "  stage: test\n"
                                        "job:\n"
                                        "  <<: *base\n"
                                        "  stage: deploy\n"
                                        "  only: [main, 'release/*']\n"
                                        "\"on\":\n"
                                        "  push:\n"
                                        "    branches:\n"
                                        "    - main\n");
  EXPECT_TRUE(doc.problems.empty());
  const auto* job = doc.root.get("job");
  EXPECT_EQ(job->get_scalar("image"), "node:20");
  EXPECT_EQ(job->get_scalar("stage"), "deploy"); // own key beats the merged one
  const auto* only = job->get("only");
  ASSERT_EQ(only->items.size(), 2U);
  EXPECT_EQ(only->items[1].scalar, "release/*");
  const auto* branches = doc.root.get("on")->get("push")->get("branches");
  ASSERT_NE(branches, nullptr);
  ASSERT_EQ(branches->items.size(), 1U);
  EXPECT_EQ(branches->items[0].scalar, "main");
}

// yaml-cpp stops at the first error of a document: one located problem, and
// the scanner goes on with the project's other files (ProjectScan tests).
TEST(ProjectScanYaml, MalformedInputIsReportedWithItsLine) {
  const auto doc = loaders::yaml::parse("a: 1\n"
                                        "b:\n"
                                        "\t- x\n"
                                        "d: fine\n");
  ASSERT_EQ(doc.problems.size(), 1U);
  EXPECT_EQ(doc.problems[0].line, 3); // tab indentation
  EXPECT_FALSE(doc.problems[0].message.empty());
}

TEST(ProjectScanYaml, SurvivesHostileInput) {
  const std::string deep(5000, '[');
  const auto doc = loaders::yaml::parse("a: " + deep + "\n- - - -\n:\n  : :\n" + std::string(3000, '-'));
  EXPECT_FALSE(doc.problems.empty());
}

// --- TOML ---

TEST(ProjectScanToml, TablesStringsArraysAndLines) {
  const auto doc = loaders::toml::parse("app = 'x'\n"
                                        "[deploy]\n"
                                        "  release_command = \"npx drizzle-kit push\" # comment\n"
                                        "[context.\"deploy-preview\"]\n"
                                        "command = '''\nnpm run a\n'''\n"
                                        "cmds = [\"a\",\n  'b']\n");
  EXPECT_TRUE(doc.problems.empty());
  const auto* release = doc.find("deploy", "release_command");
  ASSERT_NE(release, nullptr);
  EXPECT_EQ(release->text, "npx drizzle-kit push");
  EXPECT_EQ(release->line, 3);
  const auto* command = doc.find("context.deploy-preview", "command");
  ASSERT_NE(command, nullptr);
  EXPECT_EQ(command->text, "npm run a\n");
  const auto* cmds = doc.find("context.deploy-preview", "cmds");
  ASSERT_NE(cmds, nullptr);
  EXPECT_EQ(cmds->array, (std::vector<std::string>{"a", "b"}));
}

// --- commands ---

TEST(ProjectScanCommand, FindsDrizzleKitPushHoweverInvoked) {
  const std::vector<std::string> forms = {
      "drizzle-kit push",
      "npx drizzle-kit push",
      "npx --yes drizzle-kit@0.24.0 push",
      "pnpm dlx drizzle-kit push",
      "pnpm exec drizzle-kit push",
      "pnpm drizzle-kit push",
      "yarn drizzle-kit push",
      "yarn dlx drizzle-kit push",
      "bunx drizzle-kit push",
      "bun x drizzle-kit push",
      "bun run drizzle-kit push",
      "npm exec -- drizzle-kit push",
      "./node_modules/.bin/drizzle-kit push",
      "node node_modules/drizzle-kit/bin.cjs push",
      "drizzle-kit push:pg",
      "exec npx drizzle-kit push",
      "NODE_ENV=production npx drizzle-kit push",
  };
  for (const std::string& form : forms) {
    const auto found = parse(form);
    ASSERT_EQ(found.size(), 1U) << form;
    EXPECT_EQ(found[0].kind, InvocationKind::drizzle_push) << form;
  }
  EXPECT_TRUE(parse("echo 'run drizzle-kit push first'").empty());
  EXPECT_TRUE(parse("# npx drizzle-kit push").empty());
  EXPECT_TRUE(parse("npm install drizzle-kit").empty());
  ASSERT_EQ(parse("npx drizzle-kit generate").size(), 1U); // discovery reads its --config
  EXPECT_EQ(parse("npx drizzle-kit generate")[0].kind, InvocationKind::drizzle_generate);
  EXPECT_TRUE(parse("npx drizzle-kit studio").empty());
  ASSERT_EQ(parse("npx drizzle-kit migrate").size(), 1U);
  EXPECT_EQ(parse("npx drizzle-kit migrate")[0].kind, InvocationKind::drizzle_migrate);
}

TEST(ProjectScanCommand, ReadsForceAndConfig) {
  auto found = parse("npx drizzle-kit push --force --config=drizzle.prod.config.ts");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].force);
  EXPECT_EQ(found[0].config, "drizzle.prod.config.ts");
  found = parse("drizzle-kit push --config drizzle/config.ts");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_FALSE(found[0].force);
  EXPECT_EQ(found[0].config, "drizzle/config.ts");
}

TEST(ProjectScanCommand, FindsScriptCallsAndWhereTheyRun) {
  struct Case {
    std::string command;
    std::string target;
    std::string dir;
    std::string workspace;
  };
  const std::vector<Case> cases = {
      {"npm run db:push", "db:push", "", ""},
      {"npm run-script db:push", "db:push", "", ""},
      {"npm --prefix server run db:push", "db:push", "server", ""},
      {"npm run db:push --prefix=server", "db:push", "server", ""},
      {"npm run db:push -w api", "db:push", "", "api"},
      {"npm run db:push --workspaces", "db:push", "", "*"},
      {"npm start", "start", "", ""},
      {"pnpm db:push", "db:push", "", ""},
      {"pnpm run db:push", "db:push", "", ""},
      {"pnpm --filter @acme/db db:push", "db:push", "", "@acme/db"},
      {"pnpm -r run db:push", "db:push", "", "*"},
      {"pnpm -C apps/api db:push", "db:push", "apps/api", ""},
      {"yarn db:push", "db:push", "", ""},
      {"yarn run db:push", "db:push", "", ""},
      {"yarn workspace api db:push", "db:push", "", "api"},
      {"yarn --cwd server db:push", "db:push", "server", ""},
      {"bun run db:push", "db:push", "", ""},
      {"turbo run db:push --filter=api", "db:push", "", "api"},
      {"turbo db:push", "db:push", "", "*"},
      {"npx turbo run db:push", "db:push", "", "*"},
      {"cd server && npm run db:push", "db:push", "server", ""},
      {"cross-env NODE_ENV=production npm run db:push", "db:push", "", ""},
      {"dotenv -e .env.production -- npm run db:push", "db:push", "", ""},
      {"npx dotenv -e .env -- pnpm db:push", "db:push", "", ""},
      {"sh -c \"npm run db:push\"", "db:push", "", ""},
      {"bash -ec 'cd server; npm run db:push'", "db:push", "server", ""},
      {"run-s build db:push", "db:push", "", ""},
      {"concurrently \"npm:db:push\"", "db:push", "", ""},
  };
  for (const Case& c : cases) {
    const auto found = parse(c.command);
    const auto it = std::find_if(found.begin(), found.end(), [&](const model::Invocation& inv) {
      return inv.kind == InvocationKind::run_script && inv.target == c.target;
    });
    ASSERT_NE(it, found.end()) << c.command;
    EXPECT_EQ(it->package_dir, c.dir) << c.command;
    EXPECT_EQ(it->workspace, c.workspace) << c.command;
  }
  // Built-in package-manager commands are not scripts.
  EXPECT_TRUE(parse("pnpm install --frozen-lockfile").empty());
  EXPECT_TRUE(parse("yarn add drizzle-kit").empty());
  EXPECT_TRUE(parse("bun install").empty());
  EXPECT_TRUE(parse("npm ci").empty());
}

TEST(ProjectScanCommand, SplitsChainsAndCarriesEnvAndForwardedForce) {
  const auto found = parse("npm run build && npm run db:push -- --force; npm start || true");
  ASSERT_EQ(found.size(), 3U);
  EXPECT_EQ(found[0].target, "build");
  EXPECT_EQ(found[1].target, "db:push");
  EXPECT_TRUE(found[1].force);
  EXPECT_EQ(found[1].text, "npm run db:push -- --force");
  EXPECT_FALSE(found[2].force);

  const auto wrapped =
      parse("cross-env NODE_ENV=production dotenv -e .env.production -- npx drizzle-kit push");
  ASSERT_EQ(wrapped.size(), 1U);
  EXPECT_NE(std::find(wrapped[0].env.begin(), wrapped[0].env.end(), "NODE_ENV=production"),
            wrapped[0].env.end());
  EXPECT_NE(std::find(wrapped[0].env.begin(), wrapped[0].env.end(), "dotenv:.env.production"),
            wrapped[0].env.end());
}

TEST(ProjectScanCommand, FindsShellScriptsAndMakeTargets) {
  auto found = parse("./docker-entrypoint.sh", "server");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].kind, InvocationKind::run_file);
  EXPECT_EQ(found[0].target, "server/docker-entrypoint.sh");
  found = parse("sh scripts/migrate.sh && /app/entrypoint.sh");
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].target, "scripts/migrate.sh");
  EXPECT_EQ(found[1].target, "/app/entrypoint.sh");
  // Wrappers run the command after `--`.
  found = parse("./wait-for-it.sh db:5432 -- npm run db:push");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].kind, InvocationKind::run_script);
  EXPECT_EQ(found[0].target, "db:push");
  found = parse("make -C infra deploy");
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].kind, InvocationKind::make_target);
  EXPECT_EQ(found[0].makefile, "infra/Makefile");
  EXPECT_EQ(found[0].target, "deploy");
}

TEST(ProjectScanCommand, ScriptTextKeepsLinesAndSkipsComments) {
  loaders::ShellState state;
  const auto commands = loaders::parse_script_text("#!/bin/sh\n"
                                                   "# npm run db:push\n"
                                                   "export NODE_ENV=production\n"
                                                   "npm run a \\\n"
                                                   "  --silent\n"
                                                   "cat <<EOF\n"
                                                   "npm run in-heredoc\n"
                                                   "EOF\n"
                                                   "npm run b\n",
                                                   "x.sh", 1, state);
  ASSERT_EQ(commands.size(), 2U);
  EXPECT_EQ(commands[0].location.line, 4);
  EXPECT_EQ(commands[0].invocations[0].target, "a");
  EXPECT_EQ(commands[1].location.line, 9);
  EXPECT_EQ(commands[1].invocations[0].target, "b");
  // exported variables reach later lines
  EXPECT_NE(std::find(commands[1].invocations[0].env.begin(), commands[1].invocations[0].env.end(),
                      "NODE_ENV=production"),
            commands[1].invocations[0].env.end());
}

// --- the scanner on fixture projects ---

TEST(ProjectScan, DockerfileStagesEntrypointAndItsScript) {
  const model::Project project = scan("docker_entrypoint");
  EXPECT_TRUE(project.scanned);
  EXPECT_TRUE(project.scan_notes.empty());
  const auto* entrypoint = find_site(project, "server/Dockerfile", "ENTRYPOINT");
  ASSERT_NE(entrypoint, nullptr);
  EXPECT_TRUE(entrypoint->context.final_stage);
  ASSERT_EQ(entrypoint->commands.size(), 1U);
  EXPECT_EQ(entrypoint->commands[0].location.line, 23);
  EXPECT_EQ(entrypoint->commands[0].invocations[0].target, "server/docker-entrypoint.sh");
  // The builder stage's CMD is recorded but is not the final stage.
  const auto builder_cmd =
      std::find_if(project.sites.begin(), project.sites.end(),
                   [](const model::ExecutionSite& s) { return s.label == "CMD" && !s.context.final_stage; });
  ASSERT_NE(builder_cmd, project.sites.end());
  EXPECT_EQ(builder_cmd->commands[0].location.line, 13);
  const auto script =
      std::find_if(project.command_files.begin(), project.command_files.end(),
                   [](const model::CommandFile& f) { return f.path == "server/docker-entrypoint.sh"; });
  ASSERT_NE(script, project.command_files.end());
  ASSERT_EQ(script->commands.size(), 1U); // the commented-out line is not a command
  EXPECT_EQ(script->commands[0].location.line, 6);
  ASSERT_EQ(project.packages.size(), 1U);
  EXPECT_EQ(project.packages[0].dir, "server");
  EXPECT_EQ(project.packages[0].package_manager, "npm");
  const model::Script* push = project.packages[0].find_script("db:push");
  ASSERT_NE(push, nullptr);
  EXPECT_EQ(push->command.location.line, 7);
}

TEST(ProjectScan, GithubWorkflowJobsStepsAndContext) {
  const model::Project project = scan("github_actions");
  const auto* deploy =
      find_site(project, ".github/workflows/deploy.yml", "job \"deploy\" step \"Sync schema and deploy\"");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->context.environment, "production");
  EXPECT_EQ(deploy->context.environment_location.line, 13);
  EXPECT_EQ(deploy->context.branches, std::vector<std::string>{"main"});
  ASSERT_FALSE(deploy->commands.empty());
  EXPECT_EQ(deploy->commands[0].location.line, 26); // inside the `run: |` block
  EXPECT_TRUE(deploy->commands[0].invocations[0].force);
  const auto env = deploy->context.env;
  EXPECT_NE(
      std::find_if(env.begin(), env.end(), [](const model::EnvVar& v) { return v.name == "DATABASE_URL"; }),
      env.end());

  const auto* test =
      find_site(project, ".github/workflows/ci.yml", "job \"test\" step \"Prepare test database\"");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->context.services, std::vector<std::string>{"postgres:16"});
  EXPECT_NE(std::find(test->context.triggers.begin(), test->context.triggers.end(), "pull_request"),
            test->context.triggers.end());
  const auto* dev = find_site(project, ".github/workflows/dev-env.yml", "job \"sync\" step 1");
  ASSERT_NE(dev, nullptr);
  EXPECT_EQ(dev->context.environment, "dev");
  EXPECT_EQ(project.packages[0].package_manager, "pnpm");
}

TEST(ProjectScan, GitlabJobsWithTemplatesOnlyAndServices) {
  const model::Project project = scan("gitlab");
  const auto* deploy = find_site(project, ".gitlab-ci.yml", "job \"deploy_production\"");
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(deploy->context.environment, "production");
  EXPECT_EQ(deploy->context.branches, std::vector<std::string>{"main"});
  const auto* test = find_site(project, ".gitlab-ci.yml", "job \"test\"");
  ASSERT_NE(test, nullptr);
  EXPECT_EQ(test->context.services, std::vector<std::string>{"postgres:16"});
  // Templates (.node) are not jobs.
  EXPECT_EQ(find_site(project, ".gitlab-ci.yml", "job \".node\""), nullptr);
  EXPECT_EQ(project.packages[0].package_manager, "yarn");
}

TEST(ProjectScan, PlatformConfigs) {
  const model::Project procfile = scan("procfile");
  ASSERT_NE(find_site(procfile, "Procfile", "release"), nullptr);
  EXPECT_EQ(find_site(procfile, "Procfile", "release")->commands[0].location.line, 1);

  const model::Project fly = scan("fly");
  const auto* release = find_site(fly, "fly.toml", "release_command");
  ASSERT_NE(release, nullptr);
  EXPECT_EQ(release->commands[0].location.line, 5);
  EXPECT_EQ(release->commands[0].invocations[0].kind, InvocationKind::drizzle_push);

  const model::Project render = scan("render");
  const auto* pre_deploy = find_site(render, "render.yaml", "service \"api\" preDeployCommand");
  ASSERT_NE(pre_deploy, nullptr);
  EXPECT_EQ(pre_deploy->commands[0].invocations[0].package_dir, "api"); // rootDir

  const model::Project railway = scan("railway");
  const auto* start = find_site(railway, "railway.json", "startCommand");
  ASSERT_NE(start, nullptr);
  EXPECT_EQ(start->commands[0].location.line, 5);

  const model::Project vercel = scan("vercel");
  ASSERT_NE(find_site(vercel, "vercel.json", "buildCommand"), nullptr);
  EXPECT_EQ(vercel.packages[0].package_manager, "bun");

  const model::Project netlify = scan("netlify");
  const auto* preview = find_site(netlify, "netlify.toml", "context \"deploy-preview\" command");
  ASSERT_NE(preview, nullptr);
  EXPECT_EQ(preview->commands[0].location.line, 6);
  EXPECT_NE(std::find(netlify.deploy_configs.begin(), netlify.deploy_configs.end(), "netlify.toml"),
            netlify.deploy_configs.end());
}

TEST(ProjectScan, ComposeMakefileAndWorkspaces) {
  const model::Project compose = scan("compose");
  const auto* api = find_site(compose, "docker-compose.prod.yml", "service \"api\" command");
  ASSERT_NE(api, nullptr);
  EXPECT_EQ(api->commands[0].invocations[0].package_dir, "api"); // build context
  EXPECT_EQ(api->commands[0].invocations[0].target, "db:push");

  const model::Project make = scan("makefile");
  const auto deploy = std::find_if(make.command_files.begin(), make.command_files.end(),
                                   [](const model::CommandFile& f) { return f.target == "deploy"; });
  ASSERT_NE(deploy, make.command_files.end());
  ASSERT_FALSE(deploy->commands.empty());
  EXPECT_EQ(deploy->commands[0].invocations[0].kind, InvocationKind::make_target); // prerequisite db-push
  const auto push = std::find_if(make.command_files.begin(), make.command_files.end(),
                                 [](const model::CommandFile& f) { return f.target == "db-push"; });
  ASSERT_NE(push, make.command_files.end());
  EXPECT_EQ(push->commands[0].location.line, 9);

  const model::Project mono = scan("workspaces");
  const model::Package* root = nullptr;
  for (const model::Package& package : mono.packages) {
    EXPECT_EQ(package.package_manager, "pnpm") << package.manifest;
    if (package.dir.empty()) {
      root = &package;
    }
  }
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(root->workspace_globs, (std::vector<std::string>{"apps/*", "packages/*"}));
  // WORKDIR /repo/apps/api maps onto the apps/api package.
  const auto* cmd = find_site(mono, "apps/api/Dockerfile", "CMD");
  ASSERT_NE(cmd, nullptr);
  EXPECT_EQ(cmd->commands[0].invocations[0].package_dir, "apps/api");
  EXPECT_EQ(cmd->commands[0].invocations[0].workspace, "@acme/db");
}

TEST(ProjectScan, ReadmesAndCommentsAreNotCommands) {
  const model::Project project = scan("false_positives");
  for (const model::ExecutionSite& site : project.sites) {
    for (const model::Command& command : site.commands) {
      for (const model::Invocation& inv : command.invocations) {
        EXPECT_NE(inv.kind, InvocationKind::drizzle_push) << site.file << " " << site.label;
        EXPECT_NE(inv.target, "db:push") << site.file << " " << site.label;
      }
    }
  }
  for (const model::CommandFile& file : project.command_files) {
    EXPECT_EQ(file.path.find(".md"), std::string::npos);
  }
}

TEST(ProjectScan, MalformedFilesGiveLocatedNotesNotCrashes) {
  const model::Project project = scan("malformed");
  EXPECT_TRUE(project.scanned);
  const auto note_in = [&project](std::string_view file) -> const model::ScanNote* {
    for (const model::ScanNote& note : project.scan_notes) {
      if (note.location.file == file) {
        return &note;
      }
    }
    return nullptr;
  };
  const auto* json = note_in("package.json");
  ASSERT_NE(json, nullptr);
  EXPECT_EQ(json->location.line, 5); // the `}` after the trailing comma
  const auto* yaml = note_in(".github/workflows/deploy.yml");
  ASSERT_NE(yaml, nullptr);
  EXPECT_GT(yaml->location.line, 0);
  EXPECT_EQ(yaml->message.rfind("malformed YAML: ", 0), 0U) << yaml->message;
  const auto* toml = note_in("netlify.toml");
  ASSERT_NE(toml, nullptr);
  EXPECT_EQ(toml->location.line, 1);
  EXPECT_EQ(toml->message.rfind("malformed TOML: ", 0), 0U) << toml->message;
  const auto* procfile = note_in("Procfile");
  ASSERT_NE(procfile, nullptr);
  EXPECT_EQ(procfile->location.line, 2);
  // The readable part of a broken file is still used.
  EXPECT_NE(find_site(project, "Procfile", "release"), nullptr);
}

TEST(ProjectScan, MissingRootIsEmptyNotAnError) {
  model::Project project;
  project.root = k_push / "does-not-exist";
  loaders::scan_project(project);
  EXPECT_TRUE(project.scanned);
  EXPECT_TRUE(project.sites.empty());
}

} // namespace project_scan_test
