// `pgadvise lint .` at the root of projects laid out the way real drizzle-kit
// (0.31 and 1.0, fixtures/discovery/generate.sh) leaves them: it must find
// the same unindexed foreign keys as when pointed at the migrations folder,
// and report nothing drizzle-kit generated as drift.
#include "cli/process.hpp"
#include "support/drizzle_files.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace drizzle_kit_layouts_cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::TempTree;

const fs::path k_layouts = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "discovery";

json lint_json(const fs::path& cwd, const std::vector<std::string>& paths, int* exit_code = nullptr) {
  pgadvise::test::ProcessOptions options;
  options.env.try_emplace("NO_COLOR", std::nullopt);
  options.cwd = cwd.string();
  std::vector<std::string> args = {"lint"};
  args.insert(args.end(), paths.begin(), paths.end());
  args.insert(args.end(), {"--format", "json"});
  const auto result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
  EXPECT_FALSE(result.timed_out) << "pgadvise hung";
  if (exit_code != nullptr) {
    *exit_code = result.exit_code;
  }
  json report = json::parse(result.out, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << "not JSON:\n" << result.out << result.err;
  return report.is_discarded() ? json::object() : report;
}

std::vector<json> findings_of(const json& report, std::string_view rule) {
  std::vector<json> out;
  for (const json& finding : report.value("findings", json::array())) {
    if (finding["rule"] == rule) {
      out.push_back(finding);
    }
  }
  return out;
}

// table.column of each unindexed foreign key.
std::set<std::string> unindexed_fks(const json& report) {
  std::set<std::string> out;
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    out.insert(finding["object"]["table"].get<std::string>() + "." + finding["object"]["columns"].dump());
  }
  return out;
}

bool any_note(const json& report, std::string_view text) {
  for (const json& note : report.value("notes", json::array())) {
    if (note.is_string() && note.get<std::string>().find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

std::string dump(const json& report) {
  return report.dump(2);
}

// `out: "drizzle"` in server/db/drizzle.config.ts, run by the package's
// scripts as `drizzle-kit generate --config ./server/db/drizzle.config.ts`:
// drizzle-kit wrote the migrations to <package>/drizzle/.
TEST(DrizzleKitLayoutsCli, ConfigInASubfolderResolvesOutFromThePackageFolder) {
  const fs::path root = k_layouts / "config-in-subfolder";
  const json at_root = lint_json(root, {"."});
  const json at_folder = lint_json(root, {"drizzle"});
  EXPECT_EQ(at_root["schema"]["source"], "sql") << dump(at_root);
  EXPECT_EQ(unindexed_fks(at_root).size(), 2U) << dump(at_root);
  EXPECT_EQ(unindexed_fks(at_root), unindexed_fks(at_folder));
  EXPECT_TRUE(findings_of(at_root, "snapshot-drift").empty()) << dump(at_root);
  EXPECT_TRUE(any_note(at_root, "`out` and `schema` resolved from ./")) << dump(at_root["notes"]);
  EXPECT_TRUE(any_note(at_root, "the script \"db:generate\" of package.json")) << dump(at_root["notes"]);
  // The config named on the command line resolves the same way.
  const json by_config = lint_json(root, {"server/db/drizzle.config.ts"});
  EXPECT_EQ(unindexed_fks(by_config), unindexed_fks(at_folder)) << dump(by_config["notes"]);
}

// configs/{postgresql,mysql,sqlite}.config.ts and drizzle/{postgresql,mysql,sqlite}/:
// only the PostgreSQL one is read; the others are skipped with a note.
TEST(DrizzleKitLayoutsCli, ThreeDialectsReadOnlyThePostgresqlConfig) {
  const fs::path root = k_layouts / "three-dialects";
  const json at_root = lint_json(root, {"."});
  const json at_folder = lint_json(root, {"drizzle/postgresql"});
  EXPECT_EQ(at_root["schema"]["source"], "sql") << dump(at_root);
  EXPECT_EQ(unindexed_fks(at_root).size(), 2U) << dump(at_root);
  EXPECT_EQ(unindexed_fks(at_root), unindexed_fks(at_folder));
  EXPECT_TRUE(findings_of(at_root, "snapshot-drift").empty()) << dump(at_root);
  EXPECT_TRUE(findings_of(at_root, "replay-warning").empty()) << dump(at_root);
  EXPECT_TRUE(findings_of(at_root, "parse-error").empty()) << dump(at_root);
  EXPECT_TRUE(any_note(at_root, "its dialect is mysql, and pgadvise reads PostgreSQL only"))
      << dump(at_root["notes"]);
  EXPECT_TRUE(any_note(at_root, "its dialect is sqlite, and pgadvise reads PostgreSQL only"))
      << dump(at_root["notes"]);
  // The MySQL folder named on its own is not replayed as PostgreSQL either.
  const json mysql = lint_json(root, {"drizzle/mysql"});
  EXPECT_TRUE(findings_of(mysql, "parse-error").empty()) << dump(mysql);
  EXPECT_TRUE(unindexed_fks(mysql).empty()) << dump(mysql);
  EXPECT_TRUE(any_note(mysql, "drizzle-kit generated it for mysql")) << dump(mysql["notes"]);
}

// drizzle-kit 1.0: <timestamp>_<name>/migration.sql + snapshot.json, no
// journal, foreign keys named ..._fkey and uniques ..._key.
TEST(DrizzleKitLayoutsCli, KitOnePointZeroLayoutIsNotDrift) {
  for (const std::string layout : {"kit-1.0", "kit-1.0-changes"}) {
    const fs::path root = k_layouts / layout;
    const json at_root = lint_json(root, {"."});
    const json at_folder = lint_json(root, {"drizzle"});
    EXPECT_EQ(at_root["schema"]["source"], "sql") << layout << dump(at_root);
    EXPECT_EQ(unindexed_fks(at_root).size(), 2U) << layout << dump(at_root);
    EXPECT_EQ(unindexed_fks(at_root), unindexed_fks(at_folder)) << layout;
    EXPECT_TRUE(findings_of(at_root, "snapshot-drift").empty()) << layout << dump(at_root);
    EXPECT_TRUE(findings_of(at_root, "replay-warning").empty()) << layout << dump(at_root);
    EXPECT_TRUE(findings_of(at_root, "parse-error").empty()) << layout << dump(at_root);
    // The newest folder's snapshot was read and compared.
    EXPECT_TRUE(any_note(at_root, "snapshot.json")) << layout << dump(at_root["notes"]);
    EXPECT_FALSE(any_note(at_root, "cannot compare")) << layout << dump(at_root["notes"]);
  }
}

// Every kind of constraint a schema leaves unnamed, as drizzle-kit 1.0 names it.
TEST(DrizzleKitLayoutsCli, KitOnePointZeroNamesAreNotDrift) {
  const json report = lint_json(k_layouts / "kit-1.0-names", {"."});
  EXPECT_EQ(report["schema"]["source"], "sql") << dump(report);
  EXPECT_EQ(report["input_summary"]["schema"]["tables"], 2) << dump(report["input_summary"]);
  EXPECT_TRUE(findings_of(report, "snapshot-drift").empty()) << dump(report);
  EXPECT_TRUE(findings_of(report, "parse-error").empty()) << dump(report);
}

// A Drizzle schema file, a folder of them or a glob is an input of its own.
TEST(DrizzleKitLayoutsCli, SchemaTsFileFolderOrGlobIsAnInput) {
  const fs::path root = k_layouts / "kit-1.0";
  for (const std::string input : {"src/db/schema.ts", "src/db", "src/**/*.ts"}) {
    int exit_code = 0;
    const json report = lint_json(root, {input}, &exit_code);
    EXPECT_EQ(exit_code, 1) << input;
    EXPECT_EQ(report["schema"]["source"], "drizzle-schema") << input << dump(report);
    EXPECT_EQ(unindexed_fks(report).size(), 2U) << input << dump(report);
  }
}

// A file named on the command line names only itself: its folder's project
// (here a Dockerfile running drizzle-kit push) is not scanned.
TEST(DrizzleKitLayoutsCli, AFileNamesOnlyItself) {
  TempTree tree;
  tree.write("package.json", "{\"name\":\"x\",\"scripts\":{\"db:push\":\"drizzle-kit push --force\"},"
                             "\"dependencies\":{\"drizzle-orm\":\"*\"}}\n");
  tree.write(
      "Dockerfile",
      "FROM node:20\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"-c\", \"npm run db:push && npm start\"]\n");
  tree.write("dump.sql", "CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY, a_id int "
                         "REFERENCES a(id));\n");
  const json file_only = lint_json(tree.root(), {"dump.sql"});
  EXPECT_EQ(unindexed_fks(file_only).size(), 1U) << dump(file_only);
  EXPECT_TRUE(findings_of(file_only, "drizzle-push-in-production").empty()) << dump(file_only);
  // The folder given as a project is still scanned.
  const json project = lint_json(tree.root(), {"."});
  EXPECT_FALSE(findings_of(project, "drizzle-push-in-production").empty()) << dump(project);
}

// Supabase's own tables exist before the first migration, as auth.users does.
TEST(DrizzleKitLayoutsCli, SupabasePlatformTablesNeedNoMigration) {
  TempTree tree;
  tree.write("supabase/migrations/20240101000000_init.sql",
             "CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users(id));\n"
             "CREATE POLICY \"read own\" ON storage.objects FOR SELECT USING (auth.uid() = owner);\n"
             "CREATE POLICY \"upload\" ON storage.buckets FOR INSERT WITH CHECK (true);\n"
             "ALTER TABLE realtime.messages ENABLE ROW LEVEL SECURITY;\n"
             "CREATE POLICY \"listen\" ON realtime.messages FOR SELECT USING (auth.uid() IS NOT NULL);\n");
  const json report = lint_json(tree.root(), {"supabase/migrations"});
  EXPECT_TRUE(findings_of(report, "replay-warning").empty()) << dump(report);
  EXPECT_EQ(report["input_summary"]["schema"]["tables"], 1) << dump(report["input_summary"]);
}

} // namespace drizzle_kit_layouts_cli_test
