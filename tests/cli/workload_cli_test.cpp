// End-to-end tests of `pgadvise lint --log / --pgss / --queries` on the real
// PostgreSQL 15 logs in fixtures/logs (fixtures/logs/regenerate.sh).
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <zlib.h>

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;
using pgadvise::test::run_pgadvise;

namespace workload_cli_test {

std::string log_fixture(const std::string& name) {
  return std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/" + name;
}

// Single-quotes a path for sh -c.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

class WorkloadCli : public ::testing::Test {
protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "pgadvise-wcli-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_root = pattern;
    m_empty = m_root / "empty"; // a project without any schema
    fs::create_directories(m_empty);
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_root, ignored);
  }

  std::string write(const std::string& name, const std::string& content) const {
    const fs::path path = m_root / name;
    std::ofstream(path, std::ios::binary) << content;
    return path.string();
  }

  static ProcessResult shell(const std::string& command, ProcessOptions options = {}) {
    options.env.try_emplace("NO_COLOR", std::nullopt);
    ProcessResult result = pgadvise::test::run_process("/bin/sh", {"-c", command}, options);
    EXPECT_FALSE(result.timed_out) << "pgadvise hung";
    return result;
  }

  // `pgadvise lint EMPTY_PROJECT ARGS... --format json`, parsed.
  json lint_json(std::vector<std::string> args, int* exit_code = nullptr) const {
    args.insert(args.begin(), {"lint", m_empty.string(), "--format", "json", "--fail-on", "none"});
    const ProcessResult result = run_pgadvise(args);
    if (exit_code != nullptr) {
      *exit_code = result.exit_code;
    }
    EXPECT_EQ(result.exit_code, 0) << result.err;
    json report = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << "not JSON:\n" << result.out << result.err;
    return report;
  }

  fs::path m_root;
  fs::path m_empty;
};

bool has_note(const json& report, const std::string& needle) {
  if (!report.is_object() || !report.contains("notes")) {
    return false;
  }
  return std::any_of(report["notes"].begin(), report["notes"].end(), [&](const json& note) {
    return note.get<std::string>().find(needle) != std::string::npos;
  });
}

std::vector<json> parse_errors(const json& report) {
  std::vector<json> out;
  if (!report.is_object() || !report.contains("findings")) {
    return out;
  }
  for (const json& finding : report["findings"]) {
    if (finding.value("rule", "") == "parse-error") {
      out.push_back(finding);
    }
  }
  return out;
}

// The parse-error finding at `line` of the file whose path ends with `file`.
const json* finding_at(const std::vector<json>& findings, const std::string& file, int line) {
  for (const json& finding : findings) {
    const json& location = finding["location"];
    if (location.is_object() && location["line"].is_number() && location["line"].get<int>() == line &&
        location["file"].get<std::string>().size() >= file.size() &&
        location["file"].get<std::string>().compare(location["file"].get<std::string>().size() - file.size(),
                                                    file.size(), file) == 0) {
      return &finding;
    }
  }
  return nullptr;
}

bool skipped(const json& report, const std::string& rule) {
  return std::any_of(report["skipped_rules"].begin(), report["skipped_rules"].end(),
                     [&](const json& entry) { return entry.value("rule", "") == rule; });
}

bool ran(const json& report, const std::string& rule) {
  return std::any_of(report["rules_run"].begin(), report["rules_run"].end(),
                     [&](const json& id) { return id.get<std::string>() == rule; });
}

TEST_F(WorkloadCli, LogWithoutSchemaRunsWithSchemaRulesSkipped) {
  const json report = lint_json({"--log", log_fixture("stderr_debian.log")});
  EXPECT_EQ(report["schema"]["source"], "none");
  EXPECT_TRUE(has_note(report, "stderr log (log_line_prefix '%m [%p] %q%u@%d ')")) << report["notes"].dump(2);
  EXPECT_TRUE(skipped(report, "unindexed-foreign-key"));
  EXPECT_FALSE(ran(report, "unindexed-foreign-key"));
  const auto& inputs = report["inputs"];
  EXPECT_NE(std::find(inputs.begin(), inputs.end(), json(log_fixture("stderr_debian.log"))), inputs.end())
      << inputs.dump();
  EXPECT_TRUE(parse_errors(report).empty()) << report["findings"].dump(2); // a clean real log
}

TEST_F(WorkloadCli, WithoutSchemaOrWorkloadItIsStillNoSchemaFound) {
  const ProcessResult result = run_pgadvise({"lint", m_empty.string()});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no schema found"), std::string::npos) << result.err;
}

TEST_F(WorkloadCli, EveryLogFormatIsDetected) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"stderr_pgbadger.log", "user=%u,db=%d,app=%a,client=%h"},
      {"stderr_rds.log", "'%t:%r:%u@%d:[%p]:'"},
      {"stderr_pidline.log", "'%m [%p-%l] '"},
      {"csvlog.csv", "csvlog"},
      {"jsonlog.json", "jsonlog"},
      {"drizzle_app.log", "Drizzle logger output"},
  };
  for (const auto& [file, description] : cases) {
    const json report = lint_json({"--log", log_fixture(file)});
    EXPECT_TRUE(has_note(report, description)) << file << ": " << report["notes"].dump(2);
    EXPECT_TRUE(parse_errors(report).empty()) << file << ": " << report["findings"].dump(2);
  }
}

TEST_F(WorkloadCli, StdinGzipAndManyFiles) {
  const ProcessResult piped =
      shell("cat " + shell_quote(log_fixture("csvlog.csv")) + " | " + shell_quote(PGADVISE_BINARY) +
            " lint " + shell_quote(m_empty.string()) + " --log - --format json --fail-on none");
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  const json from_stdin = json::parse(piped.out, nullptr, false);
  ASSERT_FALSE(from_stdin.is_discarded()) << piped.out;
  EXPECT_TRUE(has_note(from_stdin, "read <stdin>: csvlog")) << from_stdin["notes"].dump(2);

  const std::string text = read_text(log_fixture("stderr_debian.log"));
  const std::string gz_path = (m_root / "postgresql.log.1.gz").string();
  gzFile gz = gzopen(gz_path.c_str(), "wb");
  ASSERT_NE(gz, nullptr);
  gzwrite(gz, text.data(), static_cast<unsigned>(text.size()));
  gzclose(gz);
  const json report = lint_json({"--log", gz_path, "--log", log_fixture("stderr_rds.log")});
  EXPECT_TRUE(has_note(report, "postgresql.log.1.gz: stderr log")) << report["notes"].dump(2);
  EXPECT_TRUE(has_note(report, "stderr_rds.log: stderr log")) << report["notes"].dump(2);
}

TEST_F(WorkloadCli, PgssAndQueryFiles) {
  const json pgss = lint_json({"--pgss", log_fixture("pgss.csv"), "--pgss", log_fixture("pgss.json")});
  EXPECT_TRUE(has_note(pgss, "pg_stat_statements entries")) << pgss["notes"].dump(2);

  const std::string sql =
      write("queries.sql", "SELECT * FROM users WHERE id = 1;\nUPDATE posts SET title = 'x';\n");
  // A Drizzle logger capture with no .log name: --queries says what it is.
  const std::string drizzle = write("app-output.txt", read_text(log_fixture("drizzle_app.log")));
  const json queries = lint_json({"--queries", sql, "--queries", drizzle});
  EXPECT_TRUE(has_note(queries, "queries.sql: SQL file, 2 statements")) << queries["notes"].dump(2);
  EXPECT_TRUE(has_note(queries, "app-output.txt: Drizzle logger output, 6 statements"))
      << queries["notes"].dump(2);
}

TEST_F(WorkloadCli, BadLinesAreLocatedFindingsAndTheRestIsRead) {
  const std::string good = read_text(log_fixture("stderr_debian.log"));
  const std::string line =
      "2026-11-21 16:09:00.455 UTC [15178] postgres@postgres LOG:  duration: 0.1 ms  statement: ";
  std::string bad = good;
  bad += "2026-11-21 16:09:00.45\n"; // truncated line
  bad += (std::string("\x7f"
                      "ELF") +
          std::string(2, '\0') + "\x01\x02\x03\x04 binary") +
         "\n";                                                            // binary blob
  bad += line + "SELECT '\xff\xfe' AS broken;\n";                         // invalid UTF-8
  bad += line + "SELECT '" + std::string(10 * 1024 * 1024, 'x') + "';\n"; // a 10 MB statement
  const std::string path = write("bad.log", bad);
  const int base = static_cast<int>(std::count(good.begin(), good.end(), '\n'));

  const json report = lint_json({"--log", path});
  const std::vector<json> errors = parse_errors(report);
  for (int offset = 1; offset <= 4; ++offset) {
    EXPECT_NE(finding_at(errors, "bad.log", base + offset), nullptr) << "line " << base + offset << "\n"
                                                                     << report["findings"].dump(2);
  }
  EXPECT_TRUE(has_note(report, "bad.log: stderr log")) << report["notes"].dump(2);
}

TEST_F(WorkloadCli, UnknownPrefixIsNamedAndGivenPrefixIsUsed) {
  const json guessed = lint_json({"--log", log_fixture("stderr_session.log")});
  const std::vector<json> errors = parse_errors(guessed);
  const json* warning = finding_at(errors, "stderr_session.log", 1);
  ASSERT_NE(warning, nullptr) << guessed["findings"].dump(2);
  const std::string message = (*warning)["message"].get<std::string>();
  EXPECT_NE(message.find("assumed"), std::string::npos) << message;
  EXPECT_NE(message.find("first lines"), std::string::npos) << message;

  const json given = lint_json(
      {"--log", log_fixture("stderr_session.log"), "--log-line-prefix", "%m %c %x %v [%p] %q%u@%d/%a "});
  EXPECT_TRUE(parse_errors(given).empty()) << given["findings"].dump(2);
  EXPECT_TRUE(has_note(given, "'%m %c %x %v [%p] %q%u@%d/%a '")) << given["notes"].dump(2);
}

TEST_F(WorkloadCli, NothingReadableWithoutSchemaExplainsAndExitsTwo) {
  const std::string path = write("notes.txt", "hello world\nthis is not a log\n");
  const ProcessResult result = run_pgadvise({"lint", m_empty.string(), "--log", path});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("no queries could be read"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("hello world"), std::string::npos) << result.err; // the first lines are quoted
  EXPECT_NE(result.err.find("notes.txt:1"), std::string::npos) << result.err;
}

TEST_F(WorkloadCli, UsageErrors) {
  const ProcessResult missing =
      run_pgadvise({"lint", m_empty.string(), "--log", (m_root / "nope.log").string()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("nope.log"), std::string::npos) << missing.err;

  const ProcessResult prefix = run_pgadvise(
      {"lint", m_empty.string(), "--log", log_fixture("stderr_debian.log"), "--log-line-prefix", "%m %Z "});
  EXPECT_EQ(prefix.exit_code, 2);
  EXPECT_NE(prefix.err.find("%Z"), std::string::npos) << prefix.err;

  const ProcessResult twice = run_pgadvise({"lint", m_empty.string(), "--log", "-", "--pgss", "-"});
  EXPECT_EQ(twice.exit_code, 2);
  EXPECT_NE(twice.err.find("only once"), std::string::npos) << twice.err;
}

TEST_F(WorkloadCli, ProgressLineOnlyOnATerminal) {
  // A slow producer makes the read take over a second, whatever the machine:
  // the first 1.2 MB (more than format detection reads ahead) come at once,
  // the rest a second later.
  const std::string fixture = shell_quote(log_fixture("stderr_debian.log"));
  const std::string command = "(for i in $(seq 100); do cat " + fixture + "; done; sleep 1; cat " + fixture +
                              ") | " + shell_quote(PGADVISE_BINARY) + " lint " +
                              shell_quote(m_empty.string()) + " --log - --fail-on none";
  ProcessOptions tty;
  tty.tty = true;
  const ProcessResult on_tty = shell(command, tty);
  EXPECT_EQ(on_tty.exit_code, 0) << on_tty.out;
  EXPECT_NE(on_tty.out.find("pgadvise: reading <stdin>"), std::string::npos) << on_tty.out;

  const ProcessResult piped = shell(command);
  EXPECT_EQ(piped.exit_code, 0) << piped.err;
  EXPECT_EQ(piped.err.find("pgadvise: reading"), std::string::npos) << piped.err;
}

TEST_F(WorkloadCli, SchemaAndLogTogetherRunBothKindsOfRules) {
  const fs::path project = m_root / "project";
  fs::create_directories(project / "migrations");
  std::ofstream(project / "migrations" / "0001_init.sql")
      << "CREATE TABLE users (id serial PRIMARY KEY, email text NOT NULL);\n"
         "CREATE TABLE posts (id serial PRIMARY KEY, user_id int NOT NULL REFERENCES users(id), title "
         "text);\n";
  const ProcessResult result =
      run_pgadvise({"lint", project.string(), "--log", log_fixture("stderr_debian.log"), "--format", "json",
                    "--fail-on", "none"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const json report = json::parse(result.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << result.out;
  EXPECT_NE(report["schema"]["source"], "none");
  EXPECT_TRUE(ran(report, "unindexed-foreign-key"));
  EXPECT_TRUE(ran(report, "n-plus-one")); // the workload reached the engine
  // The N+1 burst of the fixture points at its first child statement in the log.
  bool burst = false;
  for (const json& finding : report["findings"]) {
    if (finding.value("rule", "") == "n-plus-one" && finding["location"].is_object()) {
      const std::string file = finding["location"]["file"].get<std::string>();
      burst =
          burst || (file.find("stderr_debian.log") != std::string::npos && finding["location"]["line"] == 17);
    }
  }
  EXPECT_TRUE(burst) << report["findings"].dump(2);
}

} // namespace workload_cli_test
