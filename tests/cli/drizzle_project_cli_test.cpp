// The pgadvise binary on Drizzle projects: a push-only project (schema.ts,
// no migrations) is linted from its schema.ts, and Drizzle fixes say where
// the line goes and which commands generate and apply the migration.
#include "cli/process.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>

namespace drizzle_project_cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::report_of;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";

pgadvise::test::ProcessResult pgadvise_run(const std::vector<std::string>& args) {
  pgadvise::test::ProcessOptions options;
  options.env.try_emplace("NO_COLOR", std::nullopt);
  pgadvise::test::ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
  EXPECT_FALSE(result.timed_out) << "pgadvise hung";
  return result;
}

TEST(DrizzleProjectCli, PushOnlyProjectIsLintedFromItsSchemaTs) {
  const auto result = pgadvise_run({"lint", (k_fixtures / "push-only-app").string(), "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err; // critical unindexed FKs
  const json report = report_of(result);
  ASSERT_TRUE(report.contains("schema"));
  EXPECT_EQ(report["schema"]["source"], "drizzle-schema");
  std::set<std::string> rules;
  for (const json& finding : report["findings"]) {
    rules.insert(finding["rule"].get<std::string>());
    ASSERT_TRUE(finding["location"].is_object()) << finding.dump();
    const std::string file = finding["location"]["file"].get<std::string>();
    if (finding["rule"] != "drizzle-push-in-production") {
      EXPECT_NE(file.find("push-only-app/src/db/schema.ts"), std::string::npos) << file;
      EXPECT_TRUE(finding["location"]["line"].is_number());
    }
  }
  // Every schema rule ran on it and found what the app plants.
  for (const char* rule : {"unindexed-foreign-key", "json-in-text-column", "json-column-not-jsonb",
                           "missing-primary-key", "duplicate-index", "redundant-index"}) {
    EXPECT_EQ(rules.count(rule), 1U) << rule;
  }
}

TEST(DrizzleProjectCli, IndexFixNamesTheSchemaFileTableAndCommands) {
  const auto result = pgadvise_run({"lint", (k_fixtures / "push-only-app").string(), "--format", "json",
                                    "--rule", "unindexed-foreign-key"});
  const json report = report_of(result);
  bool saw_posts = false;
  for (const json& finding : report["findings"]) {
    const json& fix = finding["fix"];
    ASSERT_TRUE(fix.is_object());
    EXPECT_EQ(fix["kind"], "sql");
    EXPECT_NE(fix["drizzle_file"].get<std::string>().find("push-only-app/src/db/schema.ts:"),
              std::string::npos);
    // No generate/migrate scripts in its package.json: drizzle-kit through npx.
    EXPECT_EQ(fix["commands"], "npx drizzle-kit generate && npx drizzle-kit migrate");
    if (finding["object"]["table"] == "posts") {
      saw_posts = true;
      // The property and the callback parameter schema.ts uses: `(t) => [...]`.
      EXPECT_EQ(fix["drizzle"], "index(\"posts_author_id_idx\").on(t.authorId)");
      EXPECT_EQ(fix["drizzle_table"], "posts");
    }
  }
  EXPECT_TRUE(saw_posts);
}

TEST(DrizzleProjectCli, MigrationBasedAppUsesItsOwnScriptsAndSchemaTsProperties) {
  const auto result = pgadvise_run({"lint", (k_fixtures / "drizzle-app").string(), "--format", "json",
                                    "--rule", "unindexed-foreign-key", "--rule", "json-in-text-column"});
  const json report = report_of(result);
  EXPECT_EQ(report["schema"]["source"], "sql");
  std::size_t fixes = 0;
  for (const json& finding : report["findings"]) {
    const json& fix = finding["fix"];
    if (finding["object"]["table"] == "users" && finding["rule"] == "json-in-text-column") {
      EXPECT_FALSE(fix.is_object()); // users.settings: only its name says JSON, so no conversion
      continue;
    }
    ASSERT_TRUE(fix.is_object());
    ++fixes;
    // Located in the SQL, but the Drizzle line goes in schema.ts.
    EXPECT_NE(finding["location"]["file"].get<std::string>().find("drizzle-app/drizzle/"), std::string::npos);
    EXPECT_NE(fix["drizzle_file"].get<std::string>().find("drizzle-app/src/db/schema.ts:"),
              std::string::npos);
    EXPECT_EQ(fix["commands"], "npm run db:generate && npm run db:migrate");
    if (finding["object"]["table"] == "organizations") {
      EXPECT_EQ(fix["drizzle"], "metadata: jsonb(\"metadata\").$type<Record<string, unknown>>().default({})");
    }
  }
  EXPECT_EQ(fixes, 4U); // three unindexed FKs, one JSON-in-text column with a JSON default
}

// A project with no schema (only CI and scripts): the report says where
// pgadvise looked once, not once from discovery and again from loading.
TEST(DrizzleProjectCli, ProjectWithoutSchemaSaysWhereItLookedOnce) {
  const auto result =
      pgadvise_run({"lint", (k_fixtures / "push" / "github_actions").string(), "--format", "json"});
  const json report = report_of(result);
  std::size_t looked = 0;
  for (const auto& note : report.value("notes", json::array())) {
    if (note.get<std::string>().find("drizzle.config.{ts,js,mjs,cjs,json}") != std::string::npos) {
      ++looked;
    }
  }
  EXPECT_EQ(looked, 1U) << report.value("notes", json::array()).dump(2);
}

TEST(DrizzleProjectCli, VerboseSaysWhichSchemaSourceWasUsed) {
  const auto push_only = pgadvise_run({"lint", (k_fixtures / "push-only-app").string(), "-v"});
  EXPECT_NE(push_only.out.find("schema source: Drizzle schema"), std::string::npos) << push_only.out;
  const auto migrated = pgadvise_run({"lint", (k_fixtures / "drizzle-app").string(), "--format", "json"});
  const json report = report_of(migrated);
  bool sql = false;
  bool schema_ts = false;
  for (const json& note : report["notes"]) {
    const std::string text = note.get<std::string>();
    sql = sql || text.rfind("schema source: SQL replay", 0) == 0;
    schema_ts = schema_ts || text.find("read for Drizzle property names") != std::string::npos;
  }
  EXPECT_TRUE(sql);
  EXPECT_TRUE(schema_ts);
}

} // namespace drizzle_project_cli_test
