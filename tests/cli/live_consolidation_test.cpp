// One finding per problem on the live demo: `pgadvise lint --db --log` over
// the demo's database and workload (scripts/demo-setup.sh and
// demo-workload.sh at a reduced size) proposes each CREATE INDEX in exactly
// one finding, which names every rule that found it, and the default text
// report gives each finding one line and its fix at most two.
#include "cli/process.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test_support::PgCluster;

const fs::path k_root = PGADVISE_SOURCE_DIR;

std::size_t count_of(const std::string& text, std::string_view needle) {
  std::size_t count = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++count;
  }
  return count;
}

// Walks the findings part of a default text report (from the first blank
// line to the closing "Rules" section): a finding's row starts with two
// spaces and a non-space, its fix lines with more spaces. Returns the rows
// and the most lines any fix took.
std::pair<std::size_t, std::size_t> rows_and_fix_lines(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::size_t rows = 0;
  std::size_t below = 0;
  std::size_t worst = 0;
  bool started = false;
  while (std::getline(in, line)) {
    if (!started) {
      started = line.empty();
      continue;
    }
    // The foreign keys' block of DDL, the rules section and the summary follow the entries.
    if (line.rfind("The ", 0) == 0 || line.rfind("Rules", 0) == 0 || line.rfind("To do", 0) == 0) {
      break;
    }
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      ++rows;
      below = 0;
    } else if (line.size() > 2 && line[2] == ' ') {
      worst = std::max(worst, ++below);
    } else {
      below = 0; // a file's name
    }
  }
  return {rows, worst};
}

class LiveConsolidation : public pgadvise::test_support::ClusterTest {
protected:
  static ProcessResult demo_script(const std::string& script, const std::vector<std::string>& args) {
    ProcessOptions options;
    options.env["PGHOST"] = cluster().directory().string();
    options.env["PGPORT"] = std::to_string(cluster().port());
    options.env["PGUSER"] = std::string(PgCluster::k_superuser);
    options.env["PGDATABASE"] = "postgres";
    options.env["PGOPTIONS"] = std::nullopt;
    if (const char* bindir = std::getenv("PGADVISE_PG_BINDIR"); bindir != nullptr && *bindir != '\0') {
      options.env["PG_BINDIR"] = bindir;
    }
    options.timeout = std::chrono::seconds(300);
    std::vector<std::string> argv{(k_root / "scripts" / script).string()};
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessResult result = pgadvise::test::run_process("/bin/bash", argv, options);
    EXPECT_FALSE(result.timed_out) << script << " hung";
    return result;
  }

  static ProcessResult pgadvise(const std::vector<std::string>& args) {
    ProcessOptions options;
    options.env.try_emplace("NO_COLOR", std::nullopt);
    options.env.try_emplace("PGPASSWORD", std::nullopt);
    options.cwd = k_root.string();
    ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
    EXPECT_FALSE(result.timed_out) << "pgadvise hung";
    return result;
  }
};

TEST_F(LiveConsolidation, EachCreateIndexOfTheDemoIsInExactlyOneFinding) {
  const std::string database = "consolidate_" + std::to_string(getpid());
  const ProcessResult setup = demo_script("demo-setup.sh", {database, "0.1"});
  ASSERT_EQ(setup.exit_code, 0) << setup.out << setup.err;
  const fs::path server_log = cluster().directory() / "server.log";
  const auto offset = fs::exists(server_log) ? fs::file_size(server_log) : 0;
  const ProcessResult workload = demo_script("demo-workload.sh", {database, "0.1", "8"});
  ASSERT_EQ(workload.exit_code, 0) << workload.out << workload.err;
  std::string pattern = (fs::temp_directory_path() / "pgadvise-consolidate-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path tmp = pattern;
  const fs::path log = tmp / "workload.log";
  {
    std::ifstream in(server_log, std::ios::binary);
    in.seekg(static_cast<std::streamoff>(offset));
    std::ofstream(log, std::ios::binary) << in.rdbuf();
  }
  const std::string db = cluster().admin_conninfo(database);
  const std::vector<std::string> args{"lint", "fixtures/drizzle-app", "--log", log.string(), "--db", db};
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  const ProcessResult json_run = pgadvise(json_args);
  const ProcessResult text_run = pgadvise(args);
  fs::remove_all(tmp);
  ASSERT_LE(json_run.exit_code, 1) << json_run.err;
  ASSERT_LE(text_run.exit_code, 1) << text_run.err;
  const json report = json::parse(json_run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << json_run.out;
  ASSERT_EQ(report["schema"]["source"], "live");

  // Every CREATE INDEX in one finding: by its text and by table + columns.
  std::map<std::string, std::size_t> by_ddl;
  std::map<std::string, std::vector<std::string>> rules_of;
  for (const json& finding : report["findings"]) {
    ASSERT_TRUE(finding["rule_ids"].is_array());
    EXPECT_EQ(finding["rule_ids"][0], finding["rule"]);
    if (!finding["fix"].is_object() || !finding["fix"]["ddl"].is_string()) {
      continue;
    }
    const std::string ddl = finding["fix"]["ddl"].get<std::string>();
    if (ddl.rfind("CREATE INDEX", 0) != 0) {
      continue;
    }
    ++by_ddl[ddl];
    const std::string on = ddl.substr(ddl.find(" ON "));
    EXPECT_EQ(rules_of.count(on), 0U) << "two findings create " << on;
    rules_of[on] = finding["rule_ids"].get<std::vector<std::string>>();
  }
  ASSERT_GE(by_ddl.size(), 3U) << json_run.out;
  for (const auto& [ddl, findings] : by_ddl) {
    EXPECT_EQ(findings, 1U) << ddl;
    // In its entry, and an unindexed foreign key's once more in the block of them all.
    EXPECT_GE(count_of(text_run.out, ddl), 1U) << ddl << "\n" << text_run.out;
    EXPECT_LE(count_of(text_run.out, ddl), 2U) << ddl << "\n" << text_run.out;
  }
  // The foreign key memberships(user_id), the logged filter on it and the
  // confirmed sequential scan: one finding, the foreign key's.
  const auto memberships = rules_of.find(" ON memberships (user_id);");
  ASSERT_NE(memberships, rules_of.end()) << json_run.out;
  EXPECT_EQ(memberships->second.front(), "unindexed-foreign-key");
  EXPECT_GE(memberships->second.size(), 2U);
  // posts(author_id) for the foreign key is served by the logged query's
  // (author_id, created_at): only the composite is proposed.
  EXPECT_EQ(rules_of.count(" ON posts (author_id);"), 0U) << json_run.out;
  const auto composite = rules_of.find(" ON posts (author_id, created_at);");
  ASSERT_NE(composite, rules_of.end()) << json_run.out;
  EXPECT_EQ(composite->second.front(), "unindexed-foreign-key");

  // The text report: one line per finding and its fix in at most two; the
  // help and safety notes come once, after them.
  const auto [rows, fix_lines] = rows_and_fix_lines(text_run.out);
  EXPECT_EQ(rows, report["findings"].size()) << text_run.out;
  EXPECT_LE(fix_lines, 2U) << text_run.out;
  EXPECT_EQ(count_of(text_run.out, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"), 1U);
}

} // namespace
