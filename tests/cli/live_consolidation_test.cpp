// One finding per problem on the live demo: `pgadvise lint --db --log` over
// the demo's database and workload (scripts/demo-setup.sh and
// demo-workload.sh at a reduced size) proposes each CREATE INDEX in exactly
// one finding, which names every rule that found it, and the default text
// report gives each finding one line and its fix at most two.
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/demo_scripts.hpp"
#include "support/pg_cluster.hpp"
#include "support/reports.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace live_consolidation_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::count_of;
using pgadvise::test::ProcessResult;
using pgadvise::test::report_of;
using pgadvise::test::rows_and_fix_lines;
using pgadvise::test::run_demo_database;
using pgadvise::test::run_pgadvise_in;

const fs::path k_root = PGADVISE_SOURCE_DIR;

class LiveConsolidation : public pgadvise::test_support::ClusterTest {};

TEST_F(LiveConsolidation, EachCreateIndexOfTheDemoIsInExactlyOneFinding) {
  const std::string database = "consolidate_" + std::to_string(getpid());
  std::string pattern = (fs::temp_directory_path() / "pgadvise-consolidate-XXXXXX").string();
  ASSERT_NE(mkdtemp(pattern.data()), nullptr);
  const fs::path tmp = pattern;
  const fs::path log = tmp / "workload.log";
  run_demo_database(cluster(), database, log);
  ASSERT_FALSE(HasFailure());
  const std::string db = cluster().admin_conninfo(database);
  const std::vector<std::string> args{"lint", "fixtures/drizzle-app", "--log", log.string(), "--db", db};
  std::vector<std::string> json_args = args;
  json_args.insert(json_args.end(), {"--format", "json"});
  // From the source tree, so the report's paths are relative to it.
  const ProcessResult json_run = run_pgadvise_in(k_root.string(), json_args);
  const ProcessResult text_run = run_pgadvise_in(k_root.string(), args);
  fs::remove_all(tmp);
  ASSERT_LE(json_run.exit_code, 1) << json_run.err;
  ASSERT_LE(text_run.exit_code, 1) << text_run.err;
  const json report = report_of(json_run);
  ASSERT_FALSE(HasFailure());
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
  // One proposal per table the workload's index set indexes: the index the
  // set chose (HypoPG is in the demo database) leading with the column.
  const auto one_leading = [&](const std::string& table, const std::string& column) {
    std::vector<std::string> found;
    for (const auto& [on, rules] : rules_of) {
      if (on.rfind(" ON " + table + " (" + column, 0) == 0) {
        found.push_back(on);
      }
    }
    EXPECT_EQ(found.size(), 1U) << table << " (" << column << "...)\n" << json_run.out;
    return found.empty() ? rules_of.end() : rules_of.find(found.front());
  };
  // The foreign key memberships(user_id), the logged filter on it and the
  // confirmed sequential scan: one finding, the foreign key's.
  const auto memberships = one_leading("memberships", "user_id");
  ASSERT_NE(memberships, rules_of.end()) << json_run.out;
  EXPECT_EQ(memberships->second.front(), "unindexed-foreign-key");
  EXPECT_GE(memberships->second.size(), 2U);
  // posts(author_id) for the foreign key and the logged query on author_id
  // and created_at: one index proposed, the foreign key's finding.
  const auto posts = one_leading("posts", "author_id");
  ASSERT_NE(posts, rules_of.end()) << json_run.out;
  EXPECT_EQ(posts->second.front(), "unindexed-foreign-key");

  // The text report: one line per finding and its fix in at most two; the
  // help and safety notes come once, after them.
  const auto [rows, fix_lines] = rows_and_fix_lines(text_run.out);
  EXPECT_EQ(rows, report["findings"].size()) << text_run.out;
  EXPECT_LE(fix_lines, 2U) << text_run.out;
  EXPECT_EQ(count_of(text_run.out, "CREATE INDEX CONCURRENTLY cannot run inside a transaction block"), 1U);
}

} // namespace live_consolidation_test
