// The pgadvise binary at the root of whole repositories: drizzle.config.* in
// subfolders, several databases, push-only apps without migrations, no schema
// at all, and runs started outside any project.
#include "cli/process.hpp"
#include "support/drizzle_files.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace repository_discovery_cli_test {

using pgadvise::test::report_of;

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::TempTree;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";

pgadvise::test::ProcessResult pgadvise_in(const fs::path& cwd, const std::vector<std::string>& args) {
  pgadvise::test::ProcessOptions options;
  options.env.try_emplace("NO_COLOR", std::nullopt);
  options.cwd = cwd.string();
  pgadvise::test::ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
  EXPECT_FALSE(result.timed_out) << "pgadvise hung";
  return result;
}

std::vector<json> findings_of(const json& report, std::string_view rule) {
  std::vector<json> out;
  if (report.contains("findings")) {
    for (const json& finding : report["findings"]) {
      if (finding["rule"] == rule) {
        out.push_back(finding);
      }
    }
  }
  return out;
}

std::string file_of(const json& finding) {
  return finding.contains("location") && finding["location"].is_object()
             ? finding["location"]["file"].get<std::string>()
             : std::string{};
}

// A push-only app whose config sits in server/, reached from its Dockerfile.
void write_push_only_server(const TempTree& tree) {
  tree.write("README.md", "a repository\n");
  tree.write("server/drizzle.config.ts",
             "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({\n  dialect: "
             "'postgresql',\n  schema: './src/db/postgres/schema.ts',\n});\n");
  tree.write("server/src/db/postgres/schema.ts",
             "import { pgTable, serial, integer } from 'drizzle-orm/pg-core';\n"
             "export const users = pgTable('users', { id: serial('id').primaryKey() });\n"
             "export const posts = pgTable('posts', {\n  id: serial('id').primaryKey(),\n"
             "  authorId: integer('author_id').references(() => users.id),\n});\n");
  tree.write("server/package.json",
             "{\n  \"name\": \"server\",\n  \"scripts\": {\n    \"db:push\": "
             "\"drizzle-kit push\"\n  },\n  \"dependencies\": {\"drizzle-orm\": \"*\"}\n}\n");
  tree.write("server/docker-entrypoint.sh",
             "#!/bin/sh\nset -e\nnpm run db:push -- --force\nexec node dist/index.js\n");
  tree.write("server/Dockerfile",
             "FROM node:20\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"./docker-entrypoint.sh\"]\n");
}

TEST(RepositoryDiscoveryCli, PushOnlyAppInASubfolderIsFoundFromTheRoot) {
  TempTree tree;
  write_push_only_server(tree);
  const auto result = pgadvise_in(tree.root(), {"lint", ".", "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json report = report_of(result);
  EXPECT_EQ(report["schema"]["source"], "drizzle-schema");
  const auto pushes = findings_of(report, "drizzle-push-in-production");
  ASSERT_EQ(pushes.size(), 1U) << result.out;
  EXPECT_EQ(pushes[0]["severity"], "critical");
  EXPECT_EQ(file_of(pushes[0]), "server/Dockerfile"); // relative to where pgadvise runs
  const auto fks = findings_of(report, "unindexed-foreign-key");
  ASSERT_EQ(fks.size(), 1U);
  EXPECT_EQ(file_of(fks[0]), "server/src/db/postgres/schema.ts");
}

TEST(RepositoryDiscoveryCli, LocationsAreRelativeToWhereTheUserRunsIt) {
  TempTree tree;
  write_push_only_server(tree);
  const std::string name = tree.root().filename().string();
  const auto result = pgadvise_in(tree.root().parent_path(), {"lint", name + "/server", "--format", "json"});
  const json report = report_of(result);
  const auto pushes = findings_of(report, "drizzle-push-in-production");
  ASSERT_EQ(pushes.size(), 1U) << result.out << result.err;
  EXPECT_EQ(file_of(pushes[0]), name + "/server/Dockerfile");
}

TEST(RepositoryDiscoveryCli, TwoDatabasesAreEachLintedAndNamed) {
  TempTree tree;
  tree.write("package.json", "{\"name\":\"mono\",\"private\":true,\"workspaces\":[\"packages/*\"]}\n");
  tree.write("turbo.json", "{\"tasks\":{}}\n");
  for (const std::string db : {"auth", "db"}) {
    tree.write("packages/" + db + "/package.json", "{\"name\":\"@mono/" + db + "\"}\n");
    tree.write("packages/" + db + "/drizzle.config.ts",
               "export default { dialect: 'postgresql', out: './migrations', schema: './schema.ts' };\n");
    tree.write("packages/" + db + "/migrations/0000_init.sql",
               "CREATE TABLE \"" + db +
                   "_owner\" (\"id\" serial PRIMARY KEY NOT NULL);\n"
                   "--> statement-breakpoint\nCREATE TABLE \"" +
                   db +
                   "_item\" (\"id\" serial PRIMARY KEY NOT "
                   "NULL, \"owner_id\" integer REFERENCES \"" +
                   db + "_owner\"(\"id\"));\n");
  }
  const auto result = pgadvise_in(tree.root(), {"lint", "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json report = report_of(result);
  std::set<std::string> tables;
  std::set<std::string> databases;
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    tables.insert(finding["object"]["table"].get<std::string>());
    for (const json& evidence : finding["evidence"]) {
      if (evidence["kind"] == "database") {
        databases.insert(evidence["detail"].get<std::string>());
      }
    }
  }
  EXPECT_EQ(tables, (std::set<std::string>{"auth_item", "db_item"})) << result.out;
  EXPECT_EQ(databases,
            (std::set<std::string>{"packages/auth/drizzle.config.ts", "packages/db/drizzle.config.ts"}));
}

TEST(RepositoryDiscoveryCli, NoSchemaStillRunsTheProjectRulesAndExitsOnFindings) {
  TempTree tree;
  tree.write("package.json", "{\n  \"scripts\": {\n    \"release\": \"drizzle-kit push --force\"\n  }\n}\n");
  tree.write("Procfile", "release: npm run release\nweb: node index.js\n");
  const auto result = pgadvise_in(tree.root(), {"lint", ".", "--format", "json"});
  EXPECT_EQ(result.exit_code, 1) << result.err;
  const json report = report_of(result);
  EXPECT_EQ(findings_of(report, "drizzle-push-in-production").size(), 1U) << result.out;
  EXPECT_NE(report.dump().find("no schema found"), std::string::npos);
  // Nothing that fails: exit 0, not a usage error.
  const auto quiet = pgadvise_in(tree.root(), {"lint", ".", "--format", "json", "--fail-on", "none"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
}

TEST(RepositoryDiscoveryCli, LogAloneOutsideAProjectReadsOnlyTheLog) {
  TempTree tree;
  // A checkout that is not the user's project, with an app deep inside.
  tree.write("examples/app/drizzle.config.ts",
             "export default { dialect: 'postgresql', out: './drizzle' };\n");
  tree.write("examples/app/drizzle/0000_init.sql",
             "CREATE TABLE \"a\" (\"id\" serial PRIMARY KEY);\n--> statement-breakpoint\n"
             "CREATE TABLE \"b\" (\"id\" serial PRIMARY KEY, \"a_id\" integer REFERENCES \"a\"(\"id\"));\n");
  const auto result =
      pgadvise_in(tree.root(), {"lint", "--log", (k_fixtures / "logs" / "stderr_debian.log").string(),
                                "--format", "json"});
  EXPECT_NE(result.exit_code, 2) << result.err;
  const json report = report_of(result);
  EXPECT_TRUE(findings_of(report, "unindexed-foreign-key").empty()) << result.out;
  EXPECT_EQ(report.dump().find("examples/app"), std::string::npos);
}

} // namespace repository_discovery_cli_test
