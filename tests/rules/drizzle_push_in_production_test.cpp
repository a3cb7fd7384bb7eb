// drizzle-push-in-production over the projects in fixtures/push/ (one per
// place push can hide).

#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/project/scan.hpp"
#include "model/project.hpp"
#include "rules/project/reach/push_reach.hpp"
#include "rules/registry.hpp"
#include "support/files.hpp"
#include "support/rule_fixtures.hpp"
#include "support/rule_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace drizzle_push_in_production_test {

namespace fs = std::filesystem;
using namespace pgadvise;

constexpr std::string_view k_id = "drizzle-push-in-production";
const fs::path k_push = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "push";

using pgadvise::test::scanned_project;

const core::Evidence* environment(const core::Finding& finding) {
  return pgadvise::test::evidence_of(finding, core::Evidence::Kind::environment);
}

// Every finding of the rule, info included.
std::vector<core::Finding> check(const model::Project& project) {
  return pgadvise::test::run_project_rule(k_id, project);
}

std::vector<core::Finding> check(const std::string& fixture) {
  return check(scanned_project(k_push / fixture));
}

std::string chain(const core::Finding& finding) {
  std::vector<rules::reach::ChainStep> steps;
  for (const core::Evidence& evidence : finding.evidence) {
    if (evidence.kind == core::Evidence::Kind::chain) {
      steps.push_back({evidence.location, evidence.detail});
    }
  }
  return rules::reach::render_chain(steps);
}

const core::Finding* at(const std::vector<core::Finding>& findings, std::string_view file, int line) {
  for (const core::Finding& finding : findings) {
    if (finding.location.file == file && finding.location.line == line) {
      return &finding;
    }
  }
  return nullptr;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.rfind(prefix, 0) == 0;
}

// The finding at file:line, its severity checked; null (and a failure) when there is none.
const core::Finding* graded_at(const std::vector<core::Finding>& findings, std::string_view file, int line,
                               core::Severity severity) {
  const core::Finding* found = at(findings, file, line);
  if (found == nullptr) {
    ADD_FAILURE() << "no finding at " << file << ":" << line;
    return nullptr;
  }
  EXPECT_EQ(found->severity, severity) << file << ":" << line;
  return found;
}

// The environment the finding at file:line was placed in ("" when there is
// no such finding or it says none), its severity checked on the way.
std::string environment_at(const std::vector<core::Finding>& findings, std::string_view file, int line,
                           core::Severity severity) {
  const core::Finding* found = graded_at(findings, file, line, severity);
  const core::Evidence* env = found == nullptr ? nullptr : environment(*found);
  return env == nullptr ? "" : env->detail;
}

TEST(DrizzlePushInProduction, Metadata) {
  const engine::Rule* rule = rules::find_rule(k_id);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->meta().category, engine::Category::project);
  EXPECT_EQ(rule->meta().default_severity, core::Severity::critical);
  EXPECT_EQ(rule->meta().inputs, std::vector<engine::Input>{engine::Input::project});
  EXPECT_TRUE(rule->meta().has_fix);
}

TEST(DrizzlePushInProduction, EntrypointChainWithFileAndLineAtEachStep) {
  const auto findings = check("docker_entrypoint");
  ASSERT_EQ(findings.size(), 2U);
  // The builder stage's CMD never runs in the shipped image: info.
  EXPECT_NE(graded_at(findings, "server/Dockerfile", 13, core::Severity::info), nullptr);
  const core::Finding* entry = at(findings, "server/Dockerfile", 23);
  ASSERT_NE(entry, nullptr);
  const core::Finding& f = *entry;
  EXPECT_EQ(f.rule, k_id);
  EXPECT_EQ(f.severity, core::Severity::critical);
  EXPECT_EQ(f.location.file, "server/Dockerfile");
  EXPECT_EQ(f.location.line, 23);
  EXPECT_EQ(f.object.constraint, "db:push");
  EXPECT_EQ(chain(f),
            "server/Dockerfile:23 ENTRYPOINT -> server/docker-entrypoint.sh:6 npm run db:push -- --force -> "
            "server/package.json:7 \"db:push\" -> drizzle-kit push --force");
  // --force in production is called out.
  EXPECT_NE(f.message.find("--force skips"), std::string::npos);
  const core::Evidence* env = environment(f);
  ASSERT_NE(env, nullptr);
  EXPECT_TRUE(starts_with(env->detail, "production: "));
  EXPECT_FALSE(f.fingerprint.empty());
  // Fix: npm (package-lock.json), no migrate script -> npx drizzle-kit migrate where the push is called.
  ASSERT_TRUE(f.fix.has_value());
  EXPECT_NE(f.fix->statements().find("npx drizzle-kit generate\n"), std::string::npos);
  EXPECT_NE(f.fix->statements().find(
                "server/docker-entrypoint.sh:6, replace `npm run db:push -- --force` with:\nnpx "
                "drizzle-kit migrate\n"),
            std::string::npos)
      << f.fix->statements();
  EXPECT_FALSE(f.fix->safety_note.empty());
}

TEST(DrizzlePushInProduction, GithubActionsClassifiedByEnvironmentServicesAndSecrets) {
  const auto findings = check("github_actions");
  const core::Finding* deploy =
      graded_at(findings, ".github/workflows/deploy.yml", 26, core::Severity::critical);
  ASSERT_NE(deploy, nullptr);
  ASSERT_NE(environment(*deploy), nullptr);
  EXPECT_EQ(environment(*deploy)->detail, "production: environment \"production\"");
  EXPECT_EQ(environment(*deploy)->location.line, 13);
  EXPECT_EQ(chain(*deploy), ".github/workflows/deploy.yml:26 job \"deploy\" step \"Sync schema and deploy\": "
                            "pnpm db:push --force -> package.json:5 \"db:push\" -> drizzle-kit push --force");
  // pnpm (packageManager) and the project's own db:migrate script, same --config.
  ASSERT_TRUE(deploy->fix.has_value());
  EXPECT_NE(deploy->fix->statements().find("pnpm exec drizzle-kit generate --config drizzle.config.ts\n"),
            std::string::npos)
      << deploy->fix->statements();
  EXPECT_NE(deploy->fix->statements().find("replace `pnpm db:push --force` with:\npnpm db:migrate\n"),
            std::string::npos)
      << deploy->fix->statements();

  // A push against the CI job's own postgres service: info (hidden by default).
  EXPECT_TRUE(
      starts_with(environment_at(findings, ".github/workflows/ci.yml", 21, core::Severity::info), "test: "));

  // environment: dev -> development, info.
  EXPECT_EQ(environment_at(findings, ".github/workflows/dev-env.yml", 8, core::Severity::info),
            "development: environment \"dev\"");

  // A STAGING_ secret -> staging, medium.
  EXPECT_TRUE(
      starts_with(environment_at(findings, ".github/workflows/nightly.yml", 12, core::Severity::medium),
                  "staging: uses "));
  EXPECT_EQ(findings.size(), 4U);
}

// A project's own environment names (.pgadvise.toml [environments]) come
// before the built-in words: here the environment "dev" is its production.
TEST(DrizzlePushInProduction, ProjectEnvironmentNamesOverrideTheBuiltInWords) {
  const auto findings = pgadvise::test::run_project_rule(k_id, scanned_project(k_push / "github_actions"),
                                                         {{"production-names", "qa, dev"}});
  EXPECT_EQ(environment_at(findings, ".github/workflows/dev-env.yml", 8, core::Severity::critical),
            "production: environment \"dev\"");
}

TEST(DrizzlePushInProduction, GitlabDeployJobAndTestJob) {
  const auto findings = check("gitlab");
  ASSERT_EQ(findings.size(), 2U);
  const core::Finding* deploy = graded_at(findings, ".gitlab-ci.yml", 32, core::Severity::critical);
  ASSERT_NE(deploy, nullptr);
  EXPECT_EQ(chain(*deploy),
            ".gitlab-ci.yml:32 job \"deploy_production\": yarn migrate:deploy -> package.json:5 "
            "\"migrate:deploy\" -> package.json:4 \"db:push\" -> drizzle-kit push");
  EXPECT_EQ(deploy->object.constraint, "db:push");
  EXPECT_NE(graded_at(findings, ".gitlab-ci.yml", 19, core::Severity::info), nullptr);
}

TEST(DrizzlePushInProduction, PlatformReleaseSteps) {
  const auto procfile = check("procfile");
  ASSERT_EQ(procfile.size(), 1U);
  EXPECT_EQ(procfile[0].severity, core::Severity::critical);
  EXPECT_EQ(chain(procfile[0]),
            "Procfile:1 release: npm run db:push -> package.json:4 \"db:push\" -> drizzle-kit push");

  const auto fly = check("fly");
  ASSERT_EQ(fly.size(), 1U);
  EXPECT_EQ(fly[0].severity, core::Severity::critical);
  EXPECT_EQ(fly[0].location, (core::SourceLocation{"fly.toml", 5, 0}));
  EXPECT_NE(fly[0].message.find("--force skips"), std::string::npos);
  ASSERT_TRUE(fly[0].fix.has_value());
  EXPECT_NE(fly[0].fix->statements().find(
                "replace `npx drizzle-kit push --force` with:\nnpx drizzle-kit migrate\n"),
            std::string::npos);

  const auto render = check("render");
  ASSERT_EQ(render.size(), 1U);
  EXPECT_EQ(chain(render[0]), "render.yaml:7 service \"api\" preDeployCommand: npm run db:sync -> "
                              "api/package.json:1 \"db:sync\" -> drizzle-kit push");

  const auto railway = check("railway");
  ASSERT_EQ(railway.size(), 1U);
  EXPECT_EQ(railway[0].location, (core::SourceLocation{"railway.json", 5, 0}));
  EXPECT_EQ(railway[0].severity, core::Severity::critical);

  const auto vercel = check("vercel");
  ASSERT_EQ(vercel.size(), 1U);
  EXPECT_EQ(vercel[0].location.file, "vercel.json");
  ASSERT_TRUE(vercel[0].fix.has_value());
  EXPECT_NE(vercel[0].fix->statements().find("bunx drizzle-kit generate"), std::string::npos); // bun.lockb
  EXPECT_NE(vercel[0].fix->statements().find("with:\nbunx drizzle-kit migrate\n"), std::string::npos);

  // A deploy preview is staging, not production.
  const auto netlify = check("netlify");
  ASSERT_EQ(netlify.size(), 1U);
  EXPECT_EQ(netlify[0].severity, core::Severity::medium);
  EXPECT_EQ(environment(netlify[0])->detail, "staging: context \"deploy-preview\"");
}

TEST(DrizzlePushInProduction, ComposeMakefileLifecycleWorkspacesAndWrappers) {
  const auto compose = check("compose");
  EXPECT_EQ(environment_at(compose, "docker-compose.prod.yml", 7, core::Severity::critical),
            "production: NODE_ENV=production");
  // DATABASE_URL on the compose `db` service.
  EXPECT_NE(graded_at(compose, "docker-compose.yml", 8, core::Severity::info), nullptr);

  const auto make = check("makefile");
  ASSERT_EQ(make.size(), 1U);
  EXPECT_EQ(make[0].severity, core::Severity::critical);
  EXPECT_EQ(chain(make[0]), "Makefile:5 deploy: db-push -> Makefile:9 drizzle-kit push");
  EXPECT_EQ(environment(make[0])->detail, "production: target \"deploy\"");

  // CMD npm start -> npm's prestart hook: one finding, from the Dockerfile.
  const auto lifecycle = check("lifecycle");
  ASSERT_EQ(lifecycle.size(), 1U);
  EXPECT_EQ(chain(lifecycle[0]),
            "Dockerfile:4 CMD npm start -> package.json:4 \"prestart\" -> drizzle-kit push");
  EXPECT_EQ(lifecycle[0].object.constraint, "prestart");

  const auto mono = check("workspaces");
  const core::Finding* docker = graded_at(mono, "apps/api/Dockerfile", 6, core::Severity::critical);
  ASSERT_NE(docker, nullptr);
  EXPECT_EQ(chain(*docker), "apps/api/Dockerfile:6 CMD pnpm --filter @acme/db db:push -> "
                            "packages/db/package.json:4 \"db:push\" -> drizzle-kit push");
  ASSERT_TRUE(docker->fix.has_value());
  EXPECT_NE(docker->fix->statements().find("with:\npnpm --filter @acme/db db:migrate\n"), std::string::npos)
      << docker->fix->statements();
  const core::Finding* release = graded_at(mono, "package.json", 5, core::Severity::critical);
  ASSERT_NE(release, nullptr);
  EXPECT_EQ(chain(*release),
            "package.json:5 \"release\" -> packages/db/package.json:4 \"db:push\" -> drizzle-kit push");

  const auto wrappers = check("wrappers");
  ASSERT_EQ(wrappers.size(), 1U);
  EXPECT_EQ(wrappers[0].severity, core::Severity::critical);
  EXPECT_EQ(chain(wrappers[0]),
            "scripts/sync-db.sh:4 npm run schema:sync -> package.json:1 \"schema:sync\" -> "
            "drizzle-kit push");
  EXPECT_EQ(environment(wrappers[0])->detail, "production: loads .env.production");
}

TEST(DrizzlePushInProduction, LifecycleScriptsAreProductionOnlyWhereTheProjectDeploys) {
  const auto undeployed = check("lifecycle_undeployed");
  ASSERT_EQ(undeployed.size(), 1U);
  EXPECT_EQ(undeployed[0].severity, core::Severity::low);
  EXPECT_TRUE(starts_with(environment(undeployed[0])->detail, "unknown: "));
  EXPECT_EQ(chain(undeployed[0]), "package.json:1 \"postinstall\" -> drizzle-kit push");

  const auto deployed = check("lifecycle_deployed"); // has a Procfile
  ASSERT_EQ(deployed.size(), 1U);
  EXPECT_EQ(deployed[0].severity, core::Severity::critical);
  EXPECT_EQ(environment(deployed[0])->detail,
            "production: \"postinstall\" runs where the app is deployed (Procfile)");
}

TEST(DrizzlePushInProduction, FalsePositivesStayBelowTheDefaultFloor) {
  const auto findings = check("false_positives");
  std::vector<std::string> objects;
  for (const core::Finding& finding : findings) {
    EXPECT_EQ(finding.severity, core::Severity::info) << finding.message;
    EXPECT_TRUE(starts_with(environment(finding)->detail, "development: ")) << finding.message;
    objects.push_back(finding.object.constraint);
  }
  std::sort(objects.begin(), objects.end());
  // The uncalled db:push script and the dev script; not the README, the
  // docs, the commented-out RUN or the commented-out workflow step.
  EXPECT_EQ(objects, (std::vector<std::string>{"db:push", "dev"}));
}

TEST(DrizzlePushInProduction, MalformedProjectStillReportsWhatItCouldRead) {
  const auto findings = check("malformed");
  const core::Finding* release = graded_at(findings, "Procfile", 1, core::Severity::critical);
  ASSERT_NE(release, nullptr);
}

TEST(DrizzlePushInProduction, FingerprintsIgnoreLineNumbers) {
  model::Project project = scanned_project(k_push / "procfile");
  const auto before = check(project);
  ASSERT_EQ(before.size(), 1U);
  for (model::ExecutionSite& site : project.sites) {
    for (model::Command& command : site.commands) {
      command.location.line += 10;
    }
  }
  const auto after = check(project);
  ASSERT_EQ(after.size(), 1U);
  EXPECT_NE(before[0].location.line, after[0].location.line);
  EXPECT_EQ(before[0].fingerprint, after[0].fingerprint);
}

TEST(DrizzlePushInProduction, EmptyOrUnscannedProjectGivesNothing) {
  model::Project project;
  EXPECT_TRUE(check(project).empty());
}

// The rule's fixtures run in tests/rules/rule_fixtures_test.cpp; what that
// driver cannot say: the good ones do push, where it is harmless (info,
// hidden at the default floor).
TEST(DrizzlePushInProductionFixtures, GoodProjectsPushOnlyWhereItIsHarmless) {
  const auto good = test_support::rule_fixtures(k_id, "good_");
  ASSERT_FALSE(good.empty());
  for (const fs::path& dir : good) {
    SCOPED_TRACE(dir.filename().string());
    const test_support::FixtureRun run = test_support::run_fixture(k_id, dir, core::Settings{}.min_severity);
    ASSERT_TRUE(run.error.empty()) << run.error;
    EXPECT_TRUE(run.report.findings.empty());
    EXPECT_GT(run.report.hidden, 0U);
  }
}

namespace reach_scale {

void write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// A tree of `count` workspace packages whose scripts share names, as a folder
// of checkouts or a monorepo with copied example apps looks: every "build"
// runs `turbo run build`, which names every package's "build" again. Only
// packages/p0 pushes. Enumerating the paths never ends; each script is read once.
fs::path shared_names_tree(int count) {
  const fs::path root = fs::temp_directory_path() / ("pgadvise-reach-" + std::to_string(::getpid()));
  fs::remove_all(root);
  write(
      root / "package.json",
      R"({"name":"root","workspaces":["packages/*"],"scripts":{"build":"turbo run build","start":"npm run build"}})");
  write(root / "Dockerfile", "FROM node:20\nCMD [\"npm\", \"start\"]\n");
  for (int i = 0; i < count; ++i) {
    const std::string name = "p" + std::to_string(i);
    std::string scripts =
        R"("build":"turbo run build && npm run lint","lint":"npm run build","dev":"turbo run dev")";
    if (i == 0) {
      scripts += R"(,"db:push":"drizzle-kit push --force","prebuild":"npm run db:push")";
    }
    write(root / "packages" / name / "package.json",
          R"({"name":")" + name + R"(","scripts":{)" + scripts + "}}");
  }
  return root;
}

} // namespace reach_scale

TEST(DrizzlePushInProduction, HundredsOfPackagesSharingScriptNamesAreEachReadOnce) {
  const fs::path root = reach_scale::shared_names_tree(300);
  const model::Project project = scanned_project(root);
  ASSERT_EQ(project.packages.size(), 301U);
  const auto findings = check(project);
  fs::remove_all(root);
  // The deployment reaches the one push, through the shared names, once.
  const core::Finding* deploy = graded_at(findings, "Dockerfile", 2, core::Severity::critical);
  ASSERT_NE(deploy, nullptr);
  const std::string text = chain(*deploy);
  EXPECT_TRUE(starts_with(text, "Dockerfile:2 CMD npm start -> package.json:1 \"start\"")) << text;
  EXPECT_NE(
      text.find(
          "packages/p0/package.json:1 \"build\" -> \"prebuild\" -> \"db:push\" -> drizzle-kit push --force"),
      std::string::npos)
      << text;
  std::size_t from_dockerfile = 0;
  for (const core::Finding& finding : findings) {
    from_dockerfile += finding.location.file == "Dockerfile" ? 1U : 0U;
  }
  EXPECT_EQ(from_dockerfile, 1U);
}

// A folder of two checkouts, each a pnpm workspace (a user's ~/code, our
// fixtures/real-shapes): shop's root "build" is `turbo run build` and its
// Dockerfile runs it; only the other checkout's worker pushes in its build.
// turbo runs the builds of shop's own workspace: no finding names shop,
// and the worker's own deployment still reaches its push. A third
// checkout's start script is not "deployed" by the others' Dockerfiles.
TEST(DrizzlePushInProduction, OneCheckoutsTurboRunNeverRunsAnotherCheckoutsScripts) {
  const pgadvise::test::TempTree tree;
  tree.write("shop/pnpm-workspace.yaml", "packages:\n  - apps/*\n  - packages/*\n");
  tree.write("shop/package.json", R"({"name":"shop","private":true,"scripts":{"build":"turbo run build"}})");
  tree.write("shop/apps/web/package.json", R"({"name":"@shop/web","scripts":{"build":"next build"}})");
  tree.write("shop/packages/db/package.json",
             R"({"name":"@acme/db","scripts":{"build":"tsc","generate":"drizzle-kit generate"}})");
  tree.write("shop/Dockerfile", "FROM node:20\nRUN pnpm install && pnpm build\nCMD [\"pnpm\", \"start\"]\n");
  tree.write("jobs/pnpm-workspace.yaml", "packages:\n  - packages/*\n");
  tree.write("jobs/package.json", R"({"name":"jobs","private":true,"scripts":{"build":"turbo run build"}})");
  tree.write("jobs/packages/db/package.json",
             R"({"name":"@acme/db","scripts":{"build":"drizzle-kit push --force && tsc"}})");
  tree.write("jobs/Dockerfile", "FROM node:20\nRUN pnpm install && pnpm build\n");
  // A third checkout with no deployment config of its own.
  tree.write("tools/package.json",
             R"({"name":"tools","scripts":{"start":"drizzle-kit push --force && node index.js"}})");
  const std::vector<core::Finding> findings = check(scanned_project(tree.root()));
  for (const core::Finding& finding : findings) {
    if (starts_with(std::string(finding.location.file), "tools/")) {
      EXPECT_EQ(finding.message.find("Dockerfile"), std::string::npos) << finding.message;
      EXPECT_NE(finding.message.find("no deployment config found"), std::string::npos) << finding.message;
    }
  }
  ASSERT_NE(at(findings, "tools/package.json", 1), nullptr);
  for (const core::Finding& finding : findings) {
    EXPECT_FALSE(starts_with(std::string(finding.location.file), "shop/")) << chain(finding);
  }
  const core::Finding* jobs = at(findings, "jobs/Dockerfile", 2);
  ASSERT_NE(jobs, nullptr);
  EXPECT_NE(chain(*jobs).find("jobs/packages/db/package.json:1 \"build\" -> drizzle-kit push --force"),
            std::string::npos)
      << chain(*jobs);
}

TEST(DrizzlePushInProduction, ChainLongerThanTheBoundStopsWithALocatedNote) {
  const fs::path root = fs::temp_directory_path() / ("pgadvise-chain-" + std::to_string(::getpid()));
  fs::remove_all(root);
  std::string scripts = R"("start":"npm run s0")";
  for (int i = 0; i < 40; ++i) {
    scripts += ",\n\"s" + std::to_string(i) + "\":\"npm run s" + std::to_string(i + 1) + "\"";
  }
  scripts += ",\n\"s40\":\"drizzle-kit push\"";
  reach_scale::write(root / "package.json", "{\"scripts\":{\n" + scripts + "}}");
  const model::Project project = scanned_project(root);
  const auto findings = check(project);
  fs::remove_all(root);
  const core::Finding* note = nullptr;
  for (const core::Finding& finding : findings) {
    if (finding.message.find("search for drizzle-kit push stopped") != std::string::npos) {
      note = &finding;
    }
  }
  ASSERT_NE(note, nullptr);
  EXPECT_EQ(note->severity, core::Severity::info);
  EXPECT_EQ(note->location.file, "package.json");
  EXPECT_GT(note->location.line, 20);
}

} // namespace drizzle_push_in_production_test
