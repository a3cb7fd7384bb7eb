// `pgadvise advise` end to end against a throwaway PostgreSQL 15 with
// HypoPG: the set for a logged workload, explained in text and JSON, under
// a budget and without one; nothing written to the database; a database
// without HypoPG refused with exit 2.
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/pg_cluster.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace advise_cli_test {

using nlohmann::json;
using pgadvise::test::ProcessResult;
using pgadvise::test::run_pgadvise_in;

// Statement by statement (each committed synchronously, so VACUUM can mark
// the pages all-visible and index-only scans are priced as they would run).
const std::vector<std::string> k_setup = {
    "CREATE EXTENSION hypopg",
    "SET synchronous_commit = on",
    "SET default_statistics_target = 10000",
    "CREATE TABLE posts (id integer PRIMARY KEY, title text NOT NULL)",
    "INSERT INTO posts SELECT g, 'post ' || g FROM generate_series(1, 50000) g",
    "CREATE TABLE post_tags (post_id integer NOT NULL REFERENCES posts (id), tag_id integer NOT NULL, "
    "PRIMARY KEY (post_id, tag_id))",
    "INSERT INTO post_tags SELECT p, 1 + (p * 13 + k * 101) % 500 FROM generate_series(1, 50000) p, "
    "generate_series(0, 3) k",
    "CREATE INDEX post_tags_tag_id_only ON post_tags (tag_id) WHERE tag_id < 0",
    "VACUUM ANALYZE",
};

constexpr std::string_view k_queries = "SELECT post_id FROM post_tags WHERE tag_id = 17;\n"
                                       "SELECT title FROM posts WHERE title = 'post 42';\n";

class AdviseCli : public pgadvise::test_support::ClusterTest {
protected:
  void SetUp() override {
    ClusterTest::SetUp();
    m_database = cluster().create_database("advise");
    ASSERT_FALSE(m_database.empty());
    auto admin = cluster().admin(m_database);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    for (const std::string& statement : k_setup) {
      auto done = admin->query(statement);
      ASSERT_TRUE(done.ok()) << statement << ": " << done.error().to_string();
    }
    m_tree.write("queries.sql", k_queries);
  }

  ProcessResult advise(std::vector<std::string> more) {
    std::vector<std::string> args = {"advise", "--db", cluster().admin_conninfo(m_database), "--queries",
                                     "queries.sql"};
    args.insert(args.end(), more.begin(), more.end());
    return run_pgadvise_in(m_tree.root().string(), args);
  }

  std::string m_database;
  pgadvise::test::TempTree m_tree; // holds the workload; pgadvise runs there, beside no project
};

TEST_F(AdviseCli, TheSetExplainedInTextAndJsonUnderABudgetAndWithout) {
  const ProcessResult text = advise({});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_NE(text.out.find("Index set for 2 queries of the workload"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("no storage budget"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("serves: SELECT post_id FROM post_tags WHERE tag_id = $1"), std::string::npos)
      << text.out;

  const ProcessResult full = advise({"--format", "json"});
  ASSERT_EQ(full.exit_code, 0) << full.err;
  const json set = json::parse(full.out, nullptr, false);
  ASSERT_TRUE(set.is_object()) << full.out;
  ASSERT_EQ(set["indexes"].size(), 2U) << full.out;
  double shares = 0;
  bool tags_covered = false;
  for (const json& index : set["indexes"]) {
    shares += index["share"].get<double>();
    EXPECT_GT(index["size_bytes"].get<double>(), 0);
    EXPECT_FALSE(index["queries"].empty()) << index.dump();
    if (index["table"] == "post_tags") {
      // The lookup by tag answered from the index alone: (tag_id) and post_id in it.
      EXPECT_EQ(index["columns"][0], "tag_id") << index.dump();
      const std::string ddl = index["ddl"].get<std::string>();
      tags_covered = ddl.find("post_id") != std::string::npos;
    }
  }
  EXPECT_TRUE(tags_covered) << full.out;
  EXPECT_NEAR(shares, 1.0, 1e-9);
  EXPECT_LT(set["relative_cost"].get<double>(), 0.1);

  // Room for one index: the one that saves the most.
  const ProcessResult small = advise({"--format", "json", "--budget", "5MB"});
  ASSERT_EQ(small.exit_code, 0) << small.err;
  const json one = json::parse(small.out, nullptr, false);
  ASSERT_TRUE(one.is_object()) << small.out;
  EXPECT_EQ(one["budget_bytes"], 5 * 1024 * 1024);
  EXPECT_EQ(one["indexes"].size(), 1U) << small.out;
  EXPECT_LE(one["size_bytes"].get<double>(), 5.0 * 1024 * 1024);
  EXPECT_GT(one["relative_cost"].get<double>(), set["relative_cost"].get<double>());

  // Nothing was created: HypoPG's indexes live in the session's memory only.
  auto admin = cluster().admin(m_database);
  ASSERT_TRUE(admin.ok());
  auto indexes = admin->query("SELECT count(*)::text FROM pg_indexes WHERE schemaname = 'public'");
  ASSERT_TRUE(indexes.ok());
  EXPECT_EQ(indexes->rows[0][0].value_or(""), "3"); // the two primary keys and the partial index
}

TEST_F(AdviseCli, ABadBudgetAndADatabaseWithoutHypoPgAreUsageErrors) {
  const ProcessResult bad = advise({"--budget", "lots"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--budget"), std::string::npos) << bad.err;

  auto admin = cluster().admin(m_database);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->query("DROP EXTENSION hypopg").ok());
  const ProcessResult without = advise({});
  EXPECT_EQ(without.exit_code, 2);
  EXPECT_NE(without.err.find("HypoPG is not installed"), std::string::npos) << without.err;
}

} // namespace advise_cli_test
