// The change lens through the real binary: which migrations the change and
// convention rules judge with no flag (the newest), --all-migrations (and
// its config key), --baseline and --changed-since. --db is in
// lens_live_test.cpp.
#include "cli/process.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>

namespace cli_lens_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;

constexpr std::string_view k_lock_rule = "index-created-non-concurrently";
constexpr std::string_view k_convention_rule = "timestamp-without-time-zone";

void write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

std::string migration_name(int i) {
  std::ostringstream name;
  name << "migrations/" << std::setw(4) << std::setfill('0') << i << "_step.sql";
  return name.str();
}

// Migration i creates table t<i> with a timestamp column (a convention
// finding) and, from the second on, indexes t<i-1>, which an earlier
// migration created, without CONCURRENTLY (a lock finding).
std::string migration_sql(int i) {
  std::ostringstream sql;
  sql << "CREATE TABLE t" << i
      << " (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n  name text NOT NULL,\n"
         "  created_at timestamp NOT NULL DEFAULT now()\n);\n";
  if (i > 0) {
    sql << "CREATE INDEX t" << i - 1 << "_name_idx ON t" << i - 1 << " (name);\n";
  }
  return sql.str();
}

std::vector<json> of_rule(const json& report, std::string_view rule) {
  std::vector<json> out;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == rule) {
      out.push_back(finding);
    }
  }
  return out;
}

std::string file_of(const json& finding) {
  const json& location = finding["location"];
  return location.is_object() && location["file"].is_string() ? location["file"].get<std::string>() : "";
}

// The one low finding for a convention's existing columns: its evidence is
// each existing column (kind "existing").
bool is_summary(const json& finding) {
  const json& evidence = finding["evidence"];
  return evidence.is_array() && std::any_of(evidence.begin(), evidence.end(),
                                            [](const json& e) { return e.value("kind", "") == "existing"; });
}

std::set<std::string> files_of(const std::vector<json>& findings) {
  std::set<std::string> out;
  for (const json& finding : findings) {
    out.insert(file_of(finding));
  }
  return out;
}

class LensCli : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgadvise lens XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  void write_history(int from, int to) const {
    for (int i = from; i < to; ++i) {
      write(m_root / migration_name(i), migration_sql(i));
    }
  }

  [[nodiscard]] ProcessResult pgadvise(const std::vector<std::string>& args) const {
    ProcessOptions options;
    options.env.try_emplace("NO_COLOR", std::nullopt);
    options.env.try_emplace("GITHUB_STEP_SUMMARY", std::nullopt);
    options.cwd = m_root.string();
    ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
    EXPECT_FALSE(result.timed_out) << "pgadvise hung";
    return result;
  }

  [[nodiscard]] json report(std::vector<std::string> args) const {
    args.insert(args.begin(), {"lint", "."});
    args.insert(args.end(), {"--format", "json"});
    const ProcessResult run = pgadvise(args);
    EXPECT_NE(run.exit_code, 2) << run.err;
    json parsed = json::parse(run.out, nullptr, false);
    EXPECT_FALSE(parsed.is_discarded()) << run.out << run.err;
    return parsed.is_discarded() ? json::object({{"findings", json::array()}, {"notes", json::array()}})
                                 : parsed;
  }

  void git(const std::vector<std::string>& args) const {
    std::vector<std::string> full = {
        "-c", "user.name=pgadvise tests", "-c", "user.email=tests@example.invalid",
        "-c", "init.defaultBranch=main",  "-c", "commit.gpgsign=false"};
    full.insert(full.end(), args.begin(), args.end());
    ProcessOptions options;
    options.cwd = m_root.string();
    const ProcessResult result = pgadvise::test::run_process("/usr/bin/git", full, options);
    ASSERT_EQ(result.exit_code, 0) << "git " << args.front() << ": " << result.err;
  }

  fs::path m_root;
};

constexpr int k_history = 8;

TEST_F(LensCli, WithNoFlagOnlyTheNewestMigrationIsJudged) {
  write_history(0, k_history);
  const json out = report({});
  const std::vector<json> locks = of_rule(out, k_lock_rule);
  ASSERT_EQ(locks.size(), 1U) << out["findings"].dump(2);
  EXPECT_EQ(file_of(locks[0]), migration_name(k_history - 1));

  // The newest migration's own new column, and one summary of the existing ones.
  const std::vector<json> conventions = of_rule(out, k_convention_rule);
  ASSERT_EQ(conventions.size(), 2U) << json(conventions).dump(2);
  // The summary sits at the first existing column (migration 0000), with
  // every one as evidence; the newest migration's column is its own finding.
  EXPECT_EQ(files_of(conventions), (std::set<std::string>{migration_name(0), migration_name(k_history - 1)}));
  ASSERT_EQ(std::count_if(conventions.begin(), conventions.end(), is_summary), 1);
  for (const json& finding : conventions) {
    if (is_summary(finding)) {
      EXPECT_EQ(file_of(finding), migration_name(0));
      EXPECT_EQ(finding["severity"], "low");
      EXPECT_EQ(finding["evidence"].size(), static_cast<std::size_t>(k_history - 1));
      EXPECT_NE(finding["message"].get<std::string>().find("7 existing columns"), std::string::npos)
          << finding["message"];
    }
  }
  // State rules still judge everything: every table's key is fine, so
  // nothing else; the one note says what was not judged and how to.
  const std::string notes = out["notes"].dump();
  EXPECT_NE(notes.find("the 7 earlier migrations were not judged"), std::string::npos) << notes;
  EXPECT_NE(notes.find("--all-migrations"), std::string::npos) << notes;

  const ProcessResult text = pgadvise({"lint", "."});
  EXPECT_EQ(text.exit_code, 0) << text.err; // a medium lock finding is under the default --fail-on high
  std::size_t notes_shown = 0;
  for (std::size_t at = text.out.find("were not judged"); at != std::string::npos;
       at = text.out.find("were not judged", at + 1)) {
    ++notes_shown;
  }
  EXPECT_EQ(notes_shown, 1U) << text.out;
}

// A folder of several projects (a checkout folder, a monorepo with a
// database per package): each drizzle.config's migrations are trimmed as the
// first one's are, its newest migration judged, and the one note names them.
TEST_F(LensCli, EachDatabasesNewestMigrationIsJudged) {
  for (const std::string db : {"app", "billing"}) {
    write(m_root / db / "drizzle.config.ts",
          "export default { dialect: 'postgresql', out: './drizzle', schema: './schema.ts' };\n");
    for (int i = 0; i < 4; ++i) {
      // Tables of their own (billing's b0, b1, ...): one problem on two
      // databases' same-named tables would be one finding.
      const std::string sql =
          std::regex_replace(migration_sql(i), std::regex(R"(\bt(\d))"), db.substr(0, 1) + "$1");
      write(m_root / db / "drizzle" / fs::path(migration_name(i)).filename(), sql);
    }
  }
  const json out = report({});
  const std::vector<json> locks = of_rule(out, k_lock_rule);
  const std::set<std::string> newest = {"app/drizzle/0003_step.sql", "billing/drizzle/0003_step.sql"};
  EXPECT_EQ(files_of(locks), newest) << json(locks).dump(2);
  const std::string notes = out["notes"].dump();
  EXPECT_NE(notes.find("the newest migration of each of the 2 migration folders"), std::string::npos)
      << notes;
  EXPECT_NE(notes.find("the 6 earlier migrations were not judged"), std::string::npos) << notes;
}

// A type set by the newest migration is judged at its own statement, not
// folded into the existing columns of the CREATE TABLE that first made the
// column.
TEST_F(LensCli, ATypeChangeInTheNewestMigrationIsJudgedThere) {
  write_history(0, 2);
  write(m_root / migration_name(2), "ALTER TABLE t0 ALTER COLUMN created_at TYPE timestamptz;\n"
                                    "ALTER TABLE t1 ALTER COLUMN name TYPE timestamp USING now();\n");
  const json out = report({});
  const std::vector<json> conventions = of_rule(out, k_convention_rule);
  const auto at_change = std::find_if(conventions.begin(), conventions.end(), [&](const json& finding) {
    return !is_summary(finding) && file_of(finding) == migration_name(2);
  });
  ASSERT_NE(at_change, conventions.end()) << json(conventions).dump(2);
  EXPECT_EQ((*at_change)["location"]["line"], 2);
  EXPECT_EQ((*at_change)["object"]["columns"], json::array({"name"}));
  // t0.created_at became timestamptz there: it is no longer an existing
  // timestamp column; t1.created_at still is.
  for (const json& finding : conventions) {
    if (is_summary(finding)) {
      EXPECT_NE(finding["message"].get<std::string>().find("1 existing column"), std::string::npos)
          << finding["message"];
    }
  }
}

TEST_F(LensCli, AllMigrationsFlagAndConfigKeyJudgeEveryOne) {
  write_history(0, k_history);
  const json all = report({"--all-migrations"});
  EXPECT_EQ(of_rule(all, k_lock_rule).size(), static_cast<std::size_t>(k_history - 1));
  const std::vector<json> conventions = of_rule(all, k_convention_rule);
  EXPECT_EQ(conventions.size(), static_cast<std::size_t>(k_history));
  EXPECT_EQ(std::count_if(conventions.begin(), conventions.end(), is_summary), 0)
      << "no summary when every migration is judged";
  EXPECT_EQ(all["notes"].dump().find("were not judged"), std::string::npos);

  write(m_root / ".pgadvise.toml", "all_migrations = true\n");
  const json configured = report({});
  EXPECT_EQ(of_rule(configured, k_lock_rule).size(), static_cast<std::size_t>(k_history - 1));

  write(m_root / ".pgadvise.toml", "all_migrations = \"yes\"\n");
  const ProcessResult bad = pgadvise({"lint", "."});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("all_migrations"), std::string::npos) << bad.err;
}

// A baseline holds the old findings, so a run with it judges every
// migration: the pull request's two new ones, not only the newest.
TEST_F(LensCli, BaselineJudgesTheNewAndChangedMigrations) {
  write_history(0, k_history);
  const ProcessResult recorded = pgadvise({"baseline", ".", "-o", "base.json"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  std::ifstream in(m_root / "base.json");
  const json baseline = json::parse(in);
  std::size_t locks = 0;
  for (const json& entry : baseline["findings"]) {
    locks += entry["rule"] == k_lock_rule ? 1U : 0U;
  }
  EXPECT_EQ(locks, static_cast<std::size_t>(k_history - 1)) << "the baseline records every migration's";

  write_history(k_history, k_history + 2);
  const json out = report({"--baseline", "base.json"});
  EXPECT_EQ(files_of(of_rule(out, k_lock_rule)),
            (std::set<std::string>{migration_name(k_history), migration_name(k_history + 1)}));
  EXPECT_EQ(files_of(of_rule(out, k_convention_rule)),
            (std::set<std::string>{migration_name(k_history), migration_name(k_history + 1)}));
}

TEST_F(LensCli, ChangedSinceJudgesTheBranchsMigrations) {
  write_history(0, k_history);
  git({"init", "-q"});
  git({"add", "-A"});
  git({"commit", "-q", "-m", "history"});
  git({"checkout", "-q", "-b", "feature"});
  write_history(k_history, k_history + 2);
  git({"add", "-A"});
  git({"commit", "-q", "-m", "two migrations"});

  const json out = report({"--changed-since", "main"});
  EXPECT_EQ(files_of(of_rule(out, k_lock_rule)),
            (std::set<std::string>{migration_name(k_history), migration_name(k_history + 1)}));
  EXPECT_EQ(files_of(of_rule(out, k_convention_rule)),
            (std::set<std::string>{migration_name(k_history), migration_name(k_history + 1)}));
  EXPECT_EQ(out["notes"].dump().find("were not judged"), std::string::npos);
}

} // namespace cli_lens_test
