// .pgadvise.toml, `pgadvise init` and pgadvise-ignore comments through the
// binary, on the bundled Drizzle app and on a generated 190-migration
// history: the file is found, flags override it, bad keys stop the run with
// exit 2, and suppressions (and unused ones) show in the report.
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace config_cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::file_of;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;
using pgadvise::test::report_of;
using pgadvise::test::write_text;

const fs::path k_fixtures = fs::path(PGADVISE_SOURCE_DIR) / "fixtures";

class ConfigCli : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgadvise-config-cli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
    fs::create_directories(m_root / ".git"); // the config search stops here
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  // pgadvise run from the project (or `cwd`), so reported paths are relative to it.
  [[nodiscard]] ProcessResult pgadvise(const std::vector<std::string>& args, const fs::path& cwd = {}) const {
    return pgadvise::test::run_pgadvise_in((cwd.empty() ? m_root : cwd).string(), args);
  }

  void copy_drizzle_app() const { fs::copy(k_fixtures / "drizzle-app", m_root, fs::copy_options::recursive); }

  // 190 migrations; odd ones add an FK without an index.
  void write_history() const {
    for (int i = 0; i < 190; ++i) {
      std::ostringstream sql;
      sql << "CREATE TABLE t" << i << " (id bigserial PRIMARY KEY";
      if (i > 0) {
        sql << ", parent_id bigint REFERENCES t" << i - 1 << " (id)";
      }
      sql << ");\n";
      if (i > 0 && i % 2 == 0) {
        sql << "CREATE INDEX ON t" << i << " (parent_id);\n";
      }
      std::ostringstream name;
      name << "migrations/" << std::setw(4) << std::setfill('0') << i << (i < 100 ? "_legacy" : "_step")
           << ".sql";
      write_text(m_root / name.str(), sql.str());
    }
  }

  fs::path m_root;
};

std::multiset<std::string> rules_of(const json& report) {
  std::multiset<std::string> out;
  for (const json& f : report["findings"]) {
    out.insert(f["rule"].get<std::string>());
  }
  return out;
}

TEST_F(ConfigCli, FileFromAboveTheWorkingDirectoryShapesTheRun) {
  copy_drizzle_app();
  const json plain = report_of(pgadvise({"lint", "--format", "json"}));
  ASSERT_GT(rules_of(plain).count("unindexed-foreign-key"), 0U);
  ASSERT_GT(rules_of(plain).count("json-in-text-column"), 0U);

  write_text(m_root / ".pgadvise.toml", R"toml(fail_on = "none"
[inputs]
paths = ["drizzle"]
[rules.unindexed-foreign-key]
severity = "info"
[rules.json-in-text-column]
enabled = false
)toml");
  // Run from a subfolder: the file is found above it, and its paths are relative to it.
  const ProcessResult run = pgadvise({"lint", "--format", "json", "--min-severity", "info"}, m_root / "src");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const json report = report_of(run);
  EXPECT_EQ(rules_of(report).count("json-in-text-column"), 0U);
  for (const json& f : report["findings"]) {
    if (f["rule"] == "unindexed-foreign-key") {
      EXPECT_EQ(f["severity"], "info");
    }
  }
  // Flags override the file.
  const ProcessResult flagged = pgadvise(
      {"lint", "--format", "json", "--fail-on", "info", "--severity", "unindexed-foreign-key=critical"});
  EXPECT_EQ(flagged.exit_code, 1);
  const json flagged_report = report_of(flagged);
  for (const json& f : flagged_report["findings"]) {
    if (f["rule"] == "unindexed-foreign-key") {
      EXPECT_EQ(f["severity"], "critical");
    }
  }
  // min_severity from the file hides the info findings.
  const ProcessResult default_floor = pgadvise({"lint", "--format", "json"});
  EXPECT_EQ(rules_of(report_of(default_floor)).count("unindexed-foreign-key"), 0U);
}

TEST_F(ConfigCli, BadKeyIsExitTwoWithPathAndLine) {
  copy_drizzle_app();
  write_text(m_root / ".pgadvise.toml",
             "fail_on = \"high\"\n[rules.unindexed-foreign-key]\nseverty = \"low\"\n");
  const ProcessResult run = pgadvise({"lint"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find(".pgadvise.toml:3"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("rules.unindexed-foreign-key.severty"), std::string::npos) << run.err;
  EXPECT_TRUE(run.out.empty());
}

TEST_F(ConfigCli, ExplicitConfigAndIgnoreGlobsOnARealSizedHistory) {
  write_history();
  const json all = report_of(pgadvise({"lint", "--format", "json"}));
  ASSERT_EQ(rules_of(all).count("unindexed-foreign-key"), 95U);
  write_text(m_root / "ci" / "pgadvise.toml",
             "ignore = [\"migrations/*_legacy.sql\"]\n[inputs]\npaths = [\"../migrations\"]\n");
  const json kept = report_of(pgadvise({"lint", "--config", "ci/pgadvise.toml", "--format", "json"}));
  // The ignore glob is relative to the config's folder (ci/), so it matches nothing there ...
  EXPECT_EQ(rules_of(kept).count("unindexed-foreign-key"), 95U);
  write_text(m_root / "ci" / "pgadvise.toml", "ignore = [\"../migrations/*_legacy.sql\"]\n");
  const json some = report_of(pgadvise({"lint", "--config", "ci/pgadvise.toml", "--format", "json"}));
  // ... and written from there, it drops the 50 odd legacy migrations (1, 3, ..., 99).
  EXPECT_EQ(rules_of(some).count("unindexed-foreign-key"), 45U);
  for (const json& f : some["findings"]) {
    EXPECT_EQ(file_of(f).find("legacy"), std::string::npos) << f.dump();
  }
}

TEST_F(ConfigCli, MissingExplicitConfigIsExitTwo) {
  write_history();
  const ProcessResult run = pgadvise({"lint", "--config", "nope.toml"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("nope.toml"), std::string::npos) << run.err;
}

TEST_F(ConfigCli, BaselinePathFromTheConfig) {
  copy_drizzle_app();
  write_text(m_root / ".pgadvise.toml", "baseline = \"ci/baseline.json\"\n");
  // No baseline yet: lint runs as without one.
  EXPECT_EQ(pgadvise({"lint"}).exit_code, 1);
  const ProcessResult recorded = pgadvise({"baseline"});
  ASSERT_EQ(recorded.exit_code, 0) << recorded.err;
  EXPECT_TRUE(fs::exists(m_root / "ci" / "baseline.json"));
  const ProcessResult run = pgadvise({"lint", "--format", "json"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_TRUE(report_of(run)["findings"].empty());
}

TEST_F(ConfigCli, InitWritesAConfigThatLoadsAndRefusesToOverwrite) {
  copy_drizzle_app();
  write_text(m_root / "logs" / "postgresql.log", "2024-01-01 00:00:00 UTC [1] LOG:  statement: SELECT 1\n");
  const ProcessResult init = pgadvise({"init"});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  const std::string text = read_text(m_root / ".pgadvise.toml");
  EXPECT_NE(text.find("paths = [\"drizzle\"]"), std::string::npos) << text;
  EXPECT_NE(text.find("logs = [\"logs/postgresql.log\"]"), std::string::npos) << text;
  EXPECT_NE(text.find("# database_env"), std::string::npos) << text;
  // What init wrote is a config lint accepts.
  const ProcessResult lint = pgadvise({"lint", "--format", "json"});
  EXPECT_NE(lint.exit_code, 2) << lint.err;

  write_text(m_root / ".pgadvise.toml", "fail_on = \"none\"\n");
  const ProcessResult again = pgadvise({"init"});
  EXPECT_EQ(again.exit_code, 2);
  EXPECT_NE(again.err.find("--force"), std::string::npos) << again.err;
  EXPECT_EQ(read_text(m_root / ".pgadvise.toml"), "fail_on = \"none\"\n");
  EXPECT_EQ(pgadvise({"init", "--force"}).exit_code, 0);
  EXPECT_NE(read_text(m_root / ".pgadvise.toml"), "fail_on = \"none\"\n");
}

// [environments] reaches drizzle-push-in-production: the job deploying to
// the environment "dev" is this project's production.
TEST_F(ConfigCli, EnvironmentNamesDecideWherePushRuns) {
  fs::copy(k_fixtures / "push" / "github_actions", m_root, fs::copy_options::recursive);
  write_text(m_root / "migrations" / "0000_init.sql",
             "CREATE TABLE t (id bigint PRIMARY KEY);\n"); // a schema to lint
  auto dev_severity = [this]() {
    const json report = report_of(pgadvise({"lint", "--format", "json", "--min-severity", "info"}));
    for (const json& f : report["findings"]) {
      if (f["rule"] == "drizzle-push-in-production" && file_of(f) == ".github/workflows/dev-env.yml") {
        return f["severity"].get<std::string>();
      }
    }
    return std::string("none");
  };
  EXPECT_EQ(dev_severity(), "info");
  write_text(m_root / ".pgadvise.toml", "[environments]\nproduction = [\"dev\"]\n");
  EXPECT_EQ(dev_severity(), "critical");
}

// Suppressions in a migration of the fixture app: a statement's, a whole
// file's, one in schema.ts, and an unused one reported at its comment.
TEST_F(ConfigCli, SuppressionsOnTheFixtureApp) {
  copy_drizzle_app();
  const json before = report_of(pgadvise({"lint", "--format", "json"}));
  const auto before_rules = rules_of(before);
  ASSERT_GT(before_rules.count("json-in-text-column"), 0U);

  const fs::path first = m_root / "drizzle" / "0000_fast_thunderball.sql";
  write_text(first, "-- pgadvise-ignore-file json-in-text-column -- settings are read by the app only\n" +
                        read_text(first));
  const fs::path tokens = m_root / "drizzle" / "0005_audit_log_and_tokens.sql";
  write_text(tokens, "-- pgadvise-ignore duplicate-index, unindexed-foreign-key -- nothing to ignore here\n" +
                         read_text(tokens));
  const ProcessResult run = pgadvise({"lint", "--format", "json"});
  const json report = report_of(run);
  for (const json& f : report["findings"]) {
    EXPECT_FALSE(f["rule"] == "json-in-text-column" && file_of(f) == "drizzle/0000_fast_thunderball.sql")
        << f.dump();
  }
  std::vector<json> unused;
  for (const json& f : report["findings"]) {
    if (f["rule"] == "unused-suppression") {
      unused.push_back(f);
    }
  }
  ASSERT_EQ(unused.size(), 2U) << report["findings"].dump(2);
  for (const json& f : unused) {
    EXPECT_EQ(f["location"]["file"], "drizzle/0005_audit_log_and_tokens.sql");
    EXPECT_EQ(f["location"]["line"], 1);
    EXPECT_EQ(f["severity"], "low");
  }
}

TEST_F(ConfigCli, SuppressionsOnARealSizedHistory) {
  write_history();
  for (int i = 101; i < 190; i += 2) {
    std::ostringstream name;
    name << "migrations/" << std::setw(4) << std::setfill('0') << i << "_step.sql";
    write_text(m_root / name.str(),
               "-- pgadvise-ignore unindexed-foreign-key -- reviewed\n" + read_text(m_root / name.str()));
  }
  const json report = report_of(pgadvise({"lint", "--format", "json"}));
  EXPECT_EQ(rules_of(report).count("unindexed-foreign-key"), 50U); // the legacy half
  EXPECT_EQ(rules_of(report).count("unused-suppression"), 0U);
}

} // namespace config_cli_test
