// `pgadvise fix` on projects whose fixes are not schema.ts entries: a new
// migration in a folder without a Drizzle schema (drizzle-kit 0.31's
// NNNN_ files and journal, drizzle-kit 1.0's folder per migration, plain
// numbered and Flyway-style folders), and `drizzle-kit push` turned into
// `migrate` in package.json, a CI step and a Dockerfile. Each test runs the
// built binary on a copy of the fixture, as a user would.
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"

#include <cctype>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <regex>

namespace fix_cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;
using pgadvise::test::run_pgadvise_in;
using pgadvise::test::TempTree;
using pgadvise::test::write_text;

fs::path fixture(const std::string& relative) {
  return fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / relative;
}

// The unindexed-foreign-key findings `pgadvise lint` reports in `dir`.
std::vector<std::string> unindexed_fks(const fs::path& dir) {
  const ProcessResult lint = run_pgadvise_in(dir.string(), {"lint", ".", "--format", "json"});
  const json report = json::parse(lint.out, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << lint.out << lint.err;
  std::vector<std::string> out;
  for (const json& finding : report.is_object() ? report["findings"] : json::array()) {
    if (finding.value("rule", "") == "unindexed-foreign-key") {
      out.push_back(finding["object"].value("table", "") + "." +
                    finding["object"]["columns"][0].get<std::string>());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

// fix --write for the foreign keys in `dir`, checked to change what lint reports.
ProcessResult fix_foreign_keys(const fs::path& dir) {
  const ProcessResult dry = run_pgadvise_in(dir.string(), {"fix", ".", "--rule", "unindexed-foreign-key"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  const ProcessResult written =
      run_pgadvise_in(dir.string(), {"fix", ".", "--rule", "unindexed-foreign-key", "--write"});
  EXPECT_EQ(written.exit_code, 0) << written.err;
  return dry;
}

TEST(FixCli, DrizzleKit031FolderGetsTheNextMigrationAndItsJournalEntry) {
  TempTree tree;
  const fs::path dir = tree.root() / "my app";
  fs::create_directories(dir / "drizzle");
  fs::copy(fixture("discovery/config-in-subfolder/drizzle"), dir / "drizzle", fs::copy_options::recursive);
  ASSERT_EQ(unindexed_fks(dir), (std::vector<std::string>{"comments.author_id", "posts.author_id"}));
  const std::string journal_before = read_text(dir / "drizzle/meta/_journal.json");

  const ProcessResult dry = fix_foreign_keys(dir);
  EXPECT_NE(dry.out.find("+++ b/drizzle/0002_pgadvise_fix.sql"), std::string::npos) << dry.out;
  const std::string sql = read_text(dir / "drizzle/0002_pgadvise_fix.sql");
  EXPECT_NE(sql.find("CREATE INDEX IF NOT EXISTS comments_author_id_idx ON comments (author_id);"),
            std::string::npos)
      << sql;
  EXPECT_NE(sql.find(";--> statement-breakpoint\n"), std::string::npos) << sql; // as drizzle-kit writes it
  EXPECT_EQ(sql.find("CONCURRENTLY"), std::string::npos) << sql; // the migrator's transaction refuses it

  // The journal gains the entry drizzle-kit migrate reads, written as drizzle-kit writes it.
  const std::string journal_text = read_text(dir / "drizzle/meta/_journal.json");
  const json journal = json::parse(journal_text);
  ASSERT_EQ(journal["entries"].size(), 3U);
  EXPECT_EQ(journal["entries"][2]["idx"], 2);
  EXPECT_EQ(journal["entries"][2]["tag"], "0002_pgadvise_fix");
  EXPECT_EQ(journal["entries"][2]["version"], "7");
  EXPECT_EQ(journal["entries"][2]["breakpoints"], true);
  EXPECT_GT(journal["entries"][2]["when"].get<std::int64_t>(),
            journal["entries"][1]["when"].get<std::int64_t>());
  EXPECT_EQ(journal_text.substr(0, journal_before.find("\n      \"tag\": \"0001_comments\"")),
            journal_before.substr(0, journal_before.find("\n      \"tag\": \"0001_comments\"")));

  EXPECT_TRUE(unindexed_fks(dir).empty());
  // Again: nothing to change.
  const ProcessResult again = run_pgadvise_in(dir.string(), {"fix", ".", "--rule", "unindexed-foreign-key"});
  EXPECT_EQ(again.out, "");
  EXPECT_NE(again.err.find("nothing to change"), std::string::npos) << again.err;
}

TEST(FixCli, DrizzleKit10FolderGetsATimestampedMigrationFolder) {
  TempTree tree;
  const fs::path dir = tree.root() / "app";
  fs::create_directories(dir / "drizzle");
  fs::copy(fixture("discovery/kit-1.0/drizzle"), dir / "drizzle", fs::copy_options::recursive);
  ASSERT_FALSE(unindexed_fks(dir).empty());
  fix_foreign_keys(dir);
  std::vector<std::string> added;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir / "drizzle")) {
    const std::string name = entry.path().filename().string();
    if (name.find("pgadvise_fix") != std::string::npos) {
      added.push_back(name);
    }
  }
  ASSERT_EQ(added.size(), 1U);
  EXPECT_TRUE(std::regex_match(added.front(), std::regex(R"(\d{14}_pgadvise_fix)"))) << added.front();
  const std::string sql = read_text(dir / "drizzle" / added.front() / "migration.sql");
  EXPECT_NE(sql.find("CREATE INDEX IF NOT EXISTS"), std::string::npos) << sql;
  EXPECT_TRUE(unindexed_fks(dir).empty());
}

struct PlainFolder {
  std::vector<std::string> files; // the folder's migrations, oldest first
  std::string expected;           // the new file's name
};

// gtest prints a case by this (not as its bytes) and names it by its first file.
void PrintTo(const PlainFolder& folder, std::ostream* out) {
  *out << folder.files[0] << ", " << folder.files[1] << " -> " << folder.expected;
}

class FixCliPlain : public ::testing::TestWithParam<PlainFolder> {};

TEST_P(FixCliPlain, NextFileFollowsTheFoldersNaming) {
  TempTree tree;
  const fs::path dir = tree.root() / "db";
  const PlainFolder& folder = GetParam();
  write_text(dir / "migrations" / folder.files[0], "CREATE TABLE users (id bigint PRIMARY KEY);\n");
  write_text(dir / "migrations" / folder.files[1],
             "CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users (id));\n");
  ASSERT_EQ(unindexed_fks(dir), std::vector<std::string>{"orders.user_id"});
  fix_foreign_keys(dir);
  const std::string sql = read_text(dir / "migrations" / folder.expected);
  EXPECT_EQ(sql, "-- pgadvise fix (unindexed-foreign-key): 1 index\n"
                 "CREATE INDEX IF NOT EXISTS orders_user_id_idx ON orders (user_id);\n");
  EXPECT_TRUE(unindexed_fks(dir).empty());
}

INSTANTIATE_TEST_SUITE_P(
    Naming, FixCliPlain,
    ::testing::Values(PlainFolder{{"0001_users.sql", "0002_orders.sql"}, "0003_pgadvise_fix.sql"},
                      // numbers compared as numbers: 10 is newer than 9
                      PlainFolder{{"9_users.sql", "10_orders.sql"}, "11_pgadvise_fix.sql"},
                      PlainFolder{{"V1__users.sql", "V2__orders.sql"}, "V3__pgadvise_fix.sql"}),
    [](const ::testing::TestParamInfo<PlainFolder>& test) {
      std::string name;
      for (const char c : test.param.files[0]) {
        name += std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
      }
      return name;
    });

// `pgadvise fix --dry-run`, as a user coming from ESLint types it, was a
// usage error (exit 2, "argument was not expected"): it is the default,
// the same diff, and it refuses --write.
TEST(FixCli, DryRunIsTheDefaultDiffAndExcludesWrite) {
  const std::string dir = fixture("real-shapes/deploy-panel").string();
  const ProcessResult plain = run_pgadvise_in(dir, {"fix", "."});
  const ProcessResult dry = run_pgadvise_in(dir, {"fix", ".", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out, plain.out);
  EXPECT_NE(dry.out.find("+++ b/packages/server/src/db/schema/deployment.ts"), std::string::npos) << dry.out;
  EXPECT_EQ(run_pgadvise_in(dir, {"fix", ".", "--dry-run", "--write"}).exit_code, 2);
}

TEST(FixCli, PushInProductionBecomesMigrateInTheDockerfileAndCi) {
  TempTree tree;
  const fs::path dir = tree.root() / "app";
  fs::copy(fixture("fix/push"), dir, fs::copy_options::recursive);
  write_text(dir / ".github/workflows/deploy.yml", "name: deploy\n"
                                                   "on:\n"
                                                   "  push:\n"
                                                   "    branches: [main]\n"
                                                   "jobs:\n"
                                                   "  deploy:\n"
                                                   "    runs-on: ubuntu-latest\n"
                                                   "    environment: production\n"
                                                   "    steps:\n"
                                                   "      - uses: actions/checkout@v4\n"
                                                   "      - run: npm ci\n"
                                                   "      - run: npx drizzle-kit push --force\n"
                                                   "        env:\n"
                                                   "          DATABASE_URL: ${{ secrets.DATABASE_URL }}\n");
  const std::vector<std::string> select = {"fix", ".", "--rule", "drizzle-push-in-production"};
  const ProcessResult dry = run_pgadvise_in(dir.string(), select);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("-CMD [\"sh\", \"-c\", \"npm run db:push && npm start\"]"), std::string::npos)
      << dry.out;
  EXPECT_NE(
      dry.out.find("-      - run: npx drizzle-kit push --force\n+      - run: npx drizzle-kit migrate\n"),
      std::string::npos)
      << dry.out;
  // No migrations yet: the note says to generate and commit the first.
  EXPECT_NE(dry.err.find("generate the first one"), std::string::npos) << dry.err;

  std::vector<std::string> write = select;
  write.emplace_back("--write");
  ASSERT_EQ(run_pgadvise_in(dir.string(), write).exit_code, 0);
  EXPECT_EQ(read_text(dir / ".github/workflows/deploy.yml").find("drizzle-kit push"), std::string::npos);
  EXPECT_EQ(read_text(dir / "Dockerfile").find("db:push"), std::string::npos)
      << read_text(dir / "Dockerfile");
  // lint no longer finds push reaching production.
  const ProcessResult lint =
      run_pgadvise_in(dir.string(), {"lint", ".", "--rule", "drizzle-push-in-production"});
  EXPECT_EQ(lint.out.find("drizzle-push-in-production"), std::string::npos) << lint.out;
}

// --rule picks an unsafe fix (duplicate-index drops an index): without
// --unsafe-fixes nothing is written for it and the header says what the
// flag would apply; with it, the entry goes.
TEST(FixCli, ARuleWhoseFixIsUnsafeNamesTheFlagAndTheFlagAppliesIt) {
  TempTree tree;
  const fs::path dir = tree.root() / "app";
  fs::copy(fixture("fix/two-configs"), dir, fs::copy_options::recursive);
  const std::string schema_before = read_text(dir / "src/db/schema.ts");

  const ProcessResult asked =
      run_pgadvise_in(dir.string(), {"fix", ".", "--rule", "duplicate-index", "--write"});
  EXPECT_EQ(asked.exit_code, 0) << asked.err;
  EXPECT_EQ(read_text(dir / "src/db/schema.ts"), schema_before);
  EXPECT_NE(asked.err.find("nothing to change"), std::string::npos) << asked.err;
  EXPECT_NE(
      asked.err.find("not applied: the 1 unsafe fix (duplicate-index 1) you asked for, since it drops an "
                     "index: --unsafe-fixes applies it"),
      std::string::npos)
      << asked.err;

  const ProcessResult flagged =
      run_pgadvise_in(dir.string(), {"fix", ".", "--rule", "duplicate-index", "--unsafe-fixes"});
  EXPECT_EQ(flagged.exit_code, 0) << flagged.err;
  EXPECT_EQ(flagged.out.rfind("--- a/src/db/schema.ts", 0), 0U) << "no header line: nothing left out\n"
                                                                << flagged.out;
  EXPECT_NE(flagged.out.find("\n-    index(\"projects_by_name_idx\").on(t.name),\n"), std::string::npos)
      << flagged.out;
}

// --suggestions FILE: the safe changes as review suggestions, each on the
// lines of the file as it is, with the findings it answers; nothing written.
TEST(FixCli, SuggestionsFileCarriesTheSafeChangesAnchoredOnTheFilesLines) {
  TempTree tree;
  const fs::path dir = tree.root() / "app";
  fs::copy(fixture("fix/two-configs"), dir, fs::copy_options::recursive);
  const std::string schema_before = read_text(dir / "src/db/schema.ts");
  const ProcessResult fix =
      run_pgadvise_in(dir.string(), {"fix", ".", "--suggestions", (tree.root() / "s.json").string()});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_EQ(read_text(dir / "src/db/schema.ts"), schema_before);
  const json file = json::parse(read_text(tree.root() / "s.json"), nullptr, false);
  ASSERT_TRUE(file.is_object()) << read_text(tree.root() / "s.json");
  EXPECT_EQ(file["version"], 1);
  std::vector<std::string> lines;
  for (std::size_t start = 0; start <= schema_before.size();) {
    const std::size_t end = std::min(schema_before.find('\n', start), schema_before.size());
    lines.push_back(schema_before.substr(start, end - start));
    start = end + 1;
  }
  std::size_t indexes = 0;
  for (const json& s : file["suggestions"]) {
    EXPECT_EQ(s["path"], "src/db/schema.ts") << s;
    EXPECT_EQ(s["applicability"], "safe") << s;
    const std::size_t first = s["start_line"];
    const std::size_t last = s["line"];
    ASSERT_EQ(s["original"].size(), last - first + 1) << s;
    for (std::size_t l = first; l <= last; ++l) {
      EXPECT_EQ(s["original"][l - first], lines[l - 1]) << "line " << l << " of " << s;
    }
    const std::string body = s["body"];
    EXPECT_NE(body.find("```suggestion\n"), std::string::npos) << body;
    EXPECT_EQ(body.find("jsonb"), std::string::npos) << "an unsafe change suggested:\n" << body;
    if (body.find("index(\"") != std::string::npos) {
      EXPECT_NE(body.find("unindexed-foreign-key"), std::string::npos) << body;
      ++indexes;
    }
  }
  EXPECT_GE(indexes, 3U) << file.dump(2);
}

} // namespace fix_cli_test
