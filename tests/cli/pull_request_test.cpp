// The CI workflow end to end: `pgadvise baseline` records what a project has
// accepted, `lint --baseline` fails only on what is new (fingerprints survive
// lines moving and migration files being renamed), and `--changed-since REF`
// keeps what a branch changed. On the bundled Drizzle app and on a generated
// 190-migration history.
#include "cli/process.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace pull_request_test {

using pgadvise::test::report_of;

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";

constexpr int k_history_size = 190;

// The FK a pull request adds without an index; line 7 holds the constraint.
constexpr std::string_view k_new_migration =
    "CREATE TABLE \"reactions\" (\n"
    "\t\"id\" serial PRIMARY KEY NOT NULL,\n"
    "\t\"post_id\" integer NOT NULL,\n"
    "\t\"body\" text NOT NULL\n"
    ");\n"
    "--> statement-breakpoint\n"
    "ALTER TABLE \"reactions\" ADD CONSTRAINT \"reactions_post_id_posts_id_fk\" "
    "FOREIGN KEY (\"post_id\") REFERENCES \"public\".\"posts\"(\"id\") ON "
    "DELETE cascade ON UPDATE no action;\n";
constexpr int k_new_fk_line = 7;

std::string read(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write(const fs::path& path, std::string_view text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Moves every line of a file down, as an edit to an old migration's comments would.
void prepend_lines(const fs::path& path, int count) {
  std::string text;
  for (int i = 0; i < count; ++i) {
    text += "-- reviewed in the pull request\n";
  }
  write(path, text + read(path));
}

class PullRequest : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgadvise-pr-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  // pgadvise run from the project directory, so reported paths are relative to it.
  [[nodiscard]] ProcessResult pgadvise(const std::vector<std::string>& args) const {
    ProcessOptions options;
    options.env.try_emplace("NO_COLOR", std::nullopt);
    options.env.try_emplace("GITHUB_STEP_SUMMARY", std::nullopt);
    options.cwd = m_root.string();
    ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
    EXPECT_FALSE(result.timed_out) << "pgadvise hung";
    return result;
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

  void commit_all(const std::string& message) const {
    git({"add", "-A"});
    git({"commit", "-q", "-m", message});
  }

  // The bundled Drizzle app, copied so the test can edit it.
  void copy_drizzle_app() const { fs::copy(k_fixtures / "drizzle-app", m_root, fs::copy_options::recursive); }

  // The app's next migration, in drizzle-kit's folder and journal.
  void add_drizzle_migration(const std::string& tag, std::string_view sql) const {
    write(m_root / "drizzle" / (tag + ".sql"), sql);
    const fs::path journal_path = m_root / "drizzle" / "meta" / "_journal.json";
    json journal = json::parse(read(journal_path));
    json entry = journal["entries"].back();
    entry["idx"] = entry["idx"].get<int>() + 1;
    entry["when"] = entry["when"].get<std::int64_t>() + 1000;
    entry["tag"] = tag;
    journal["entries"].push_back(entry);
    write(journal_path, journal.dump(2));
  }

  // A real-sized migration history: `count` migrations, each a table whose
  // FK to the previous one is indexed in even migrations and not in odd
  // ones, so about half of them carry a finding.
  void write_history(int count) const {
    for (int i = 0; i < count; ++i) {
      std::ostringstream sql;
      sql << "-- migration " << i << "\n";
      sql << "CREATE TABLE t" << i << " (\n  id bigserial PRIMARY KEY,\n  name text NOT NULL,\n"
          << "  created_at timestamptz NOT NULL DEFAULT now()";
      if (i > 0) {
        sql << ",\n  parent_id bigint NOT NULL REFERENCES t" << i - 1 << " (id)";
      }
      sql << "\n);\n";
      if (i > 0 && i % 2 == 0) {
        sql << "CREATE INDEX t" << i << "_parent_id_idx ON t" << i << " (parent_id);\n";
      }
      write(history_file(i), sql.str());
    }
  }
  [[nodiscard]] fs::path history_file(int i) const {
    std::ostringstream name;
    name << "migrations/" << std::setw(4) << std::setfill('0') << i << "_step.sql";
    return m_root / name.str();
  }

  fs::path m_root;
};

// A finding's file, or "" when it has no location (null in the report).
std::string file_of(const json& finding) {
  const json& location = finding["location"];
  return location.is_object() && location["file"].is_string() ? location["file"].get<std::string>() : "";
}

std::set<std::string> fingerprints(const json& report) {
  std::set<std::string> out;
  for (const json& finding : report["findings"]) {
    out.insert(finding.value("fingerprint", ""));
  }
  return out;
}

// The pull-request run the CI step exists for: a baseline on main, then a
// branch that adds an FK without an index while an old migration's lines
// move. Only the new finding is reported, and it fails the build.
TEST_F(PullRequest, BaselinedRunFailsOnExactlyTheNewForeignKey) {
  copy_drizzle_app();
  const ProcessResult recorded = pgadvise({"baseline", ".", "--output", "pgadvise-baseline.json"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  const json baseline = json::parse(read(m_root / "pgadvise-baseline.json"));
  EXPECT_EQ(baseline["kind"], "baseline");
  EXPECT_EQ(baseline["version"], 1);
  ASSERT_GT(baseline["findings"].size(), 3U);

  // Unchanged project: nothing new, exit 0, and the count is said.
  const ProcessResult clean =
      pgadvise({"lint", ".", "--baseline", "pgadvise-baseline.json", "--format", "json"});
  EXPECT_EQ(clean.exit_code, 0) << clean.out << clean.err;
  EXPECT_TRUE(report_of(clean)["findings"].empty());
  EXPECT_NE(clean.err.find(std::to_string(baseline["findings"].size()) + " findings are in the baseline"),
            std::string::npos)
      << clean.err;

  prepend_lines(m_root / "drizzle" / "0000_fast_thunderball.sql", 4);
  prepend_lines(m_root / "drizzle" / "0003_grey_jazinda.sql", 2);
  add_drizzle_migration("0007_reactions", k_new_migration);

  const ProcessResult json_run =
      pgadvise({"lint", ".", "--baseline", "pgadvise-baseline.json", "--format", "json"});
  EXPECT_EQ(json_run.exit_code, 1) << json_run.out << json_run.err;
  const json report = report_of(json_run);
  // What fails the build (at or above --fail-on high) is exactly the new FK. The
  // hand-written migration is also, rightly, a low snapshot-drift (no snapshot
  // was generated for it); nothing is reported from the migrations whose lines moved.
  std::vector<json> failing;
  for (const json& f : report["findings"]) {
    EXPECT_EQ(file_of(f), "drizzle/0007_reactions.sql") << f.dump();
    if (f["severity"] == "critical" || f["severity"] == "high") {
      failing.push_back(f);
    }
  }
  ASSERT_EQ(failing.size(), 1U) << report["findings"].dump(2);
  const json& finding = failing[0];
  EXPECT_EQ(finding["rule"], "unindexed-foreign-key");
  EXPECT_EQ(finding["object"]["table"], "reactions");
  EXPECT_EQ(finding["object"]["columns"], json::array({"post_id"}));
  EXPECT_EQ(finding["location"]["file"], "drizzle/0007_reactions.sql");
  EXPECT_EQ(finding["location"]["line"], k_new_fk_line);
  const ProcessResult medium_up = pgadvise(
      {"lint", ".", "--baseline", "pgadvise-baseline.json", "--format", "json", "--min-severity", "medium"});
  EXPECT_EQ(report_of(medium_up)["findings"].size(), 1U) << medium_up.out;

  const ProcessResult text_run = pgadvise({"lint", ".", "--baseline", "pgadvise-baseline.json"});
  EXPECT_EQ(text_run.exit_code, 1);
  // The text report's row: "file:line:col  severity  rule".
  EXPECT_NE(text_run.out.find("  drizzle/0007_reactions.sql:" + std::to_string(k_new_fk_line) + ":"),
            std::string::npos)
      << text_run.out;
  EXPECT_EQ(text_run.out.find("0000_fast_thunderball.sql"), std::string::npos) << text_run.out;
  EXPECT_EQ(text_run.out.find("0003_grey_jazinda.sql"), std::string::npos) << text_run.out;
}

TEST_F(PullRequest, RenamedMigrationKeepsItsFindingsBaselined) {
  copy_drizzle_app();
  ASSERT_EQ(pgadvise({"baseline", ".", "-o", "base.json"}).exit_code, 0);
  const json before = report_of(pgadvise({"lint", ".", "--format", "json"}));

  fs::rename(m_root / "drizzle" / "0003_grey_jazinda.sql", m_root / "drizzle" / "0003_posts_indexes.sql");
  const fs::path journal_path = m_root / "drizzle" / "meta" / "_journal.json";
  std::string journal = read(journal_path);
  journal.replace(journal.find("0003_grey_jazinda"), std::string_view("0003_grey_jazinda").size(),
                  "0003_posts_indexes");
  write(journal_path, journal);

  const json after = report_of(pgadvise({"lint", ".", "--format", "json"}));
  EXPECT_EQ(fingerprints(before), fingerprints(after));
  bool moved = false;
  for (const json& finding : after["findings"]) {
    moved = moved || file_of(finding) == "drizzle/0003_posts_indexes.sql";
  }
  EXPECT_TRUE(moved) << "no finding is located in the renamed file";
  const ProcessResult run = pgadvise({"lint", ".", "--baseline", "base.json", "--format", "json"});
  EXPECT_EQ(run.exit_code, 0) << run.out;
  EXPECT_TRUE(report_of(run)["findings"].empty());
}

TEST_F(PullRequest, BaselineOnARealSizedHistory) {
  write_history(k_history_size);
  const ProcessResult recorded = pgadvise({"baseline", ".", "-o", "base.json"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  const json baseline = json::parse(read(m_root / "base.json"));
  std::size_t fks = 0;
  for (const json& entry : baseline["findings"]) {
    fks += entry["rule"] == "unindexed-foreign-key" ? 1U : 0U;
  }
  EXPECT_EQ(fks, static_cast<std::size_t>(k_history_size / 2)); // the odd migrations

  for (int i = 0; i < k_history_size; i += 7) {
    prepend_lines(history_file(i), 3);
  }
  write(history_file(k_history_size),
        "CREATE TABLE audit (id bigserial PRIMARY KEY, t5_id bigint REFERENCES t5 (id));\n");
  // --min-severity medium: the new table's bigserial key is also a (low) serial-primary-key finding.
  const ProcessResult run =
      pgadvise({"lint", ".", "--baseline", "base.json", "--format", "json", "--min-severity", "medium"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const json report = report_of(run);
  ASSERT_EQ(report["findings"].size(), 1U) << report["findings"].dump(2);
  EXPECT_EQ(report["findings"][0]["rule"], "unindexed-foreign-key");
  EXPECT_EQ(report["findings"][0]["object"]["table"], "audit");
  EXPECT_EQ(report["findings"][0]["location"]["file"], "migrations/0190_step.sql");
}

TEST_F(PullRequest, BaselineThatIsNotOneIsAUsageError) {
  write_history(3);
  write(m_root / "bad.json", "{\"findings\": []}");
  const ProcessResult run = pgadvise({"lint", ".", "--baseline", "bad.json"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("bad.json"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("not a pgadvise baseline"), std::string::npos) << run.err;
}

// --changed-since on a branch: the new migration's FK is reported; findings
// in untouched migrations are not.
TEST_F(PullRequest, ChangedSinceKeepsWhatTheBranchChanged) {
  copy_drizzle_app();
  git({"init", "-q"});
  commit_all("main");
  git({"checkout", "-q", "-b", "feature"});
  add_drizzle_migration("0007_reactions", k_new_migration);
  commit_all("reactions");

  const ProcessResult run = pgadvise({"lint", ".", "--changed-since", "main", "--format", "json"});
  EXPECT_EQ(run.exit_code, 1) << run.err;
  const json report = report_of(run);
  std::set<std::string> files;
  bool new_fk = false;
  for (const json& finding : report["findings"]) {
    files.insert(file_of(finding));
    new_fk =
        new_fk || (finding["rule"] == "unindexed-foreign-key" && finding["object"]["table"] == "reactions");
  }
  EXPECT_TRUE(new_fk) << report["findings"].dump(2);
  // The journal changed too; every kept finding with a file is located in a changed one.
  for (const std::string& file : files) {
    EXPECT_TRUE(file.empty() || file == "drizzle/0007_reactions.sql" || file == "drizzle/meta/_journal.json")
        << file;
  }
  EXPECT_NE(run.err.find("outside what changed since main"), std::string::npos) << run.err;

  // Compared with the branch's own head and a clean tree: nothing changed.
  const ProcessResult unchanged = pgadvise({"lint", ".", "--changed-since", "feature", "--format", "json"});
  EXPECT_EQ(unchanged.exit_code, 0) << unchanged.err;
  EXPECT_TRUE(report_of(unchanged)["findings"].empty());
}

// A new (untracked, uncommitted) migration adds an FK to a table an old
// migration created: that finding is reported, the old ones are not.
TEST_F(PullRequest, ChangedSinceKeepsAnFkAddedToAnOldTable) {
  write_history(20);
  git({"init", "-q"});
  commit_all("history");
  // (With its timeouts set first: lock-timeout-missing has nothing to say.)
  write(history_file(20),
        "SET lock_timeout = '3s';\nSET statement_timeout = '1min';\n"
        "ALTER TABLE t3 ADD COLUMN owner_id bigint;\n"
        "ALTER TABLE t3 ADD CONSTRAINT t3_owner_fk FOREIGN KEY (owner_id) REFERENCES t1 (id);\n");
  const ProcessResult run = pgadvise({"lint", ".", "--changed-since", "HEAD", "--format", "json"});
  const json report = report_of(run);
  // Two problems of the new statement: no index on owner_id, and the FK
  // validated at once on a table that already exists.
  ASSERT_EQ(report["findings"].size(), 2U) << report["findings"].dump(2);
  std::set<std::string> rules;
  for (const json& finding : report["findings"]) {
    rules.insert(finding["rule"].get<std::string>());
    EXPECT_EQ(finding["object"]["table"], "t3");
    EXPECT_EQ(finding["object"]["columns"], json::array({"owner_id"}));
  }
  EXPECT_EQ(rules, (std::set<std::string>{"foreign-key-added-validating", "unindexed-foreign-key"}));
}

TEST_F(PullRequest, ChangedSinceOutsideGitIsAUsageError) {
  write_history(3);
  const ProcessResult run = pgadvise({"lint", ".", "--changed-since", "main"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("needs a git repository"), std::string::npos) << run.err;
}

TEST_F(PullRequest, ChangedSinceUnknownRefIsAUsageError) {
  write_history(3);
  git({"init", "-q"});
  commit_all("history");
  const ProcessResult run = pgadvise({"lint", ".", "--changed-since", "no-such-branch"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("no-such-branch"), std::string::npos) << run.err;
  const ProcessResult option_like = pgadvise({"lint", ".", "--changed-since=--output=x"});
  EXPECT_EQ(option_like.exit_code, 2);
  EXPECT_FALSE(fs::exists(m_root / "x"));
}

} // namespace pull_request_test
