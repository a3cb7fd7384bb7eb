// seed-in-production over fixtures/push/seeds (three planted deploy paths
// and four look-alikes) and the program-file reader behind it.

#include "engine/rule.hpp"
#include "loaders/project/command.hpp"
#include "loaders/project/scan.hpp"
#include "model/project.hpp"
#include "rules/registry.hpp"
#include "support/rule_runner.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace seed_in_production_test {

namespace fs = std::filesystem;
using namespace pgadvise;
using pgadvise::test::evidence_of;

constexpr std::string_view k_id = "seed-in-production";
const fs::path k_seeds = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "push" / "seeds";

model::Project scan() {
  return pgadvise::test::scanned_project(k_seeds);
}

std::vector<core::Finding> check(const model::Project& project) {
  return pgadvise::test::run_project_rule(k_id, project);
}

const core::Finding* about(const std::vector<core::Finding>& findings, std::string_view program) {
  const core::Finding* found = nullptr;
  for (const core::Finding& finding : findings) {
    if (finding.object.constraint == program) {
      EXPECT_EQ(found, nullptr) << "two findings about " << program;
      found = &finding;
    }
  }
  return found;
}

TEST(SeedInProduction, Metadata) {
  const engine::Rule* rule = rules::find_rule(k_id);
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->meta().category, engine::Category::project);
  EXPECT_EQ(rule->meta().default_severity, core::Severity::critical);
  EXPECT_EQ(rule->meta().inputs, std::vector<engine::Input>{engine::Input::project});
}

TEST(SeedInProduction, ProgramsCommandsRunAreRead) {
  loaders::ShellState state;
  const auto tsx = loaders::parse_invocations("npx tsx --tsconfig tsconfig.json src/db/seed.ts", state);
  ASSERT_EQ(tsx.size(), 1U);
  EXPECT_EQ(tsx[0].kind, model::InvocationKind::run_program);
  EXPECT_EQ(tsx[0].target, "src/db/seed.ts");
  state.cwd = "apps/api";
  const auto node = loaders::parse_invocations("node -r dotenv/config ./scripts/seed.js", state);
  ASSERT_EQ(node.size(), 1U);
  EXPECT_EQ(node[0].target, "apps/api/scripts/seed.js");
  const auto bun = loaders::parse_invocations("bun run scripts/seed.ts", state);
  ASSERT_EQ(bun.size(), 1U);
  EXPECT_EQ(bun[0].kind, model::InvocationKind::run_program);
  EXPECT_TRUE(loaders::parse_invocations("node -e \"console.log(1)\"", state).empty());

  const model::Project project = scan();
  const auto program = [&project](std::string_view path) -> const model::ProgramFile* {
    for (const model::ProgramFile& p : project.programs) {
      if (p.path == path) {
        return &p;
      }
    }
    return nullptr;
  };
  const model::ProgramFile* seed = program("src/db/seed.ts");
  ASSERT_NE(seed, nullptr);
  EXPECT_TRUE(seed->seed);
  ASSERT_EQ(seed->deletions.size(), 1U);
  EXPECT_EQ(seed->deletions[0].what, "TRUNCATE");
  EXPECT_EQ(seed->deletions[0].location.line, 7);
  const model::ProgramFile* reset = program("scripts/reset.ts");
  ASSERT_NE(reset, nullptr);
  EXPECT_TRUE(reset->seed); // imports drizzle-seed
  ASSERT_EQ(reset->deletions.size(), 1U);
  EXPECT_EQ(reset->deletions[0].what, "reset(");
  const model::ProgramFile* demo = program("src/db/seed-demo.ts");
  ASSERT_NE(demo, nullptr);
  EXPECT_TRUE(demo->deletions.empty()); // inserts only
  const model::ProgramFile* cleanup = program("scripts/cleanup.js");
  ASSERT_NE(cleanup, nullptr);
  EXPECT_FALSE(cleanup->seed);
}

TEST(SeedInProduction, DeletingSeedsOnDeployPathsAreReported) {
  const auto findings = check(scan());
  ASSERT_EQ(findings.size(), 3U);

  const core::Finding* container = about(findings, "src/db/seed.ts");
  ASSERT_NE(container, nullptr);
  EXPECT_EQ(container->severity, core::Severity::critical);
  EXPECT_EQ(container->location.file, "Dockerfile");
  EXPECT_EQ(container->location.line, 6);
  EXPECT_NE(container->message.find("TRUNCATE"), std::string::npos) << container->message;
  EXPECT_NE(container->message.find("src/db/seed.ts:7"), std::string::npos) << container->message;
  const core::Evidence* deletes = evidence_of(*container, core::Evidence::Kind::deletes);
  ASSERT_NE(deletes, nullptr);
  EXPECT_EQ(deletes->location.file, "src/db/seed.ts");
  EXPECT_EQ(deletes->location.line, 7);
  ASSERT_NE(evidence_of(*container, core::Evidence::Kind::environment), nullptr);
  EXPECT_EQ(evidence_of(*container, core::Evidence::Kind::environment)->location.file, "Dockerfile");

  const core::Finding* workflow = about(findings, "scripts/seed-users.ts");
  ASSERT_NE(workflow, nullptr);
  EXPECT_EQ(workflow->severity, core::Severity::critical);
  EXPECT_EQ(workflow->location.file, ".github/workflows/deploy.yml");
  EXPECT_EQ(workflow->location.line, 14);
  EXPECT_NE(workflow->message.find("db.delete("), std::string::npos) << workflow->message;

  const core::Finding* postinstall = about(findings, "scripts/seed-lookups.js");
  ASSERT_NE(postinstall, nullptr);
  EXPECT_EQ(postinstall->location.file, "package.json");
  EXPECT_NE(postinstall->message.find("DELETE FROM"), std::string::npos) << postinstall->message;
}

TEST(SeedInProduction, LookAlikesStayQuiet) {
  const auto findings = check(scan());
  // An insert-only seed on the release phase, drizzle-seed's reset() behind `npm run dev`,
  // a scheduled cleanup that is no seed, and a reseed guarded to the dev database.
  EXPECT_EQ(about(findings, "src/db/seed-demo.ts"), nullptr);
  EXPECT_EQ(about(findings, "scripts/reset.ts"), nullptr);
  EXPECT_EQ(about(findings, "scripts/cleanup.js"), nullptr);
  for (const core::Finding& finding : findings) {
    EXPECT_EQ(finding.location.line == 20 && finding.location.file == ".github/workflows/deploy.yml", false)
        << finding.message;
  }
}

} // namespace seed_in_production_test
