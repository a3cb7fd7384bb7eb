// `pgadvise stats` against a throwaway PostgreSQL 15, then `pgadvise lint
// --stats` on the same schema from files, with no database: the severities
// of the unindexed foreign keys follow the real table sizes.
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/pg_cluster.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>

namespace stats_cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;
using pgadvise::test::run_pgadvise;

constexpr std::string_view k_schema = R"sql(
CREATE TABLE customers (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, note text);
CREATE TABLE orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));
CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customers (id));
)sql";

class StatsCli : public pgadvise::test_support::ClusterTest {
protected:
  static std::map<std::string, std::string> fk_severities(const std::string& report_text) {
    std::map<std::string, std::string> out;
    const json report = json::parse(report_text, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << report_text;
    if (report.is_object()) {
      for (const json& finding : report["findings"]) {
        if (finding.value("rule", "") == "unindexed-foreign-key") {
          out[finding["object"]["table"].get<std::string>()] = finding["severity"].get<std::string>();
        }
      }
    }
    return out;
  }
};

TEST_F(StatsCli, StatisticsFromADatabaseScaleUnindexedForeignKeysOffline) {
  const std::string database = cluster().create_database("stats");
  ASSERT_FALSE(database.empty());
  {
    auto admin = cluster().admin(database);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    const std::string setup =
        std::string(k_schema) +
        "INSERT INTO customers (note) SELECT 'private-note-' || g FROM generate_series(1, 1000) g;"
        "INSERT INTO orders (customer_id) SELECT 1 + g % 1000 FROM generate_series(1, 1000000) g;"
        "INSERT INTO tags (customer_id) SELECT 1 + g % 1000 FROM generate_series(1, 200) g;"
        "ANALYZE;";
    auto done = admin->run_script(setup, "stats test set-up");
    ASSERT_TRUE(done.ok()) << done.error().to_string();
  }
  const pgadvise::test::TempTree tree; // removed even when an assertion stops the test
  const fs::path& dir = tree.root();
  const fs::path schema = dir / "schema.sql";
  const fs::path stats = dir / "stats.json";
  std::ofstream(schema) << k_schema;

  const ProcessResult exported =
      run_pgadvise({"stats", "--db", cluster().admin_conninfo(database), "--output", stats.string()});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  const std::string text = read_text(stats);
  const json file = json::parse(text, nullptr, false);
  ASSERT_FALSE(file.is_discarded()) << text;
  EXPECT_EQ(file["format"], "pgadvise-stats");
  // Shape numbers only: no value of the data, no most-common values.
  EXPECT_EQ(text.find("private-note"), std::string::npos);
  EXPECT_EQ(text.find("most_common"), std::string::npos);
  bool orders_counted = false;
  for (const json& table : file["tables"]) {
    if (table["name"] == "orders") {
      orders_counted = table["rows"].get<double>() > 900'000 && table["counters"]["n_tup_ins"] == 1'000'000;
    }
  }
  EXPECT_TRUE(orders_counted) << text;

  const ProcessResult without = run_pgadvise({"lint", schema.string(), "--format", "json"});
  ASSERT_LE(without.exit_code, 1) << without.err;
  const auto plain = fk_severities(without.out);
  EXPECT_EQ(plain.at("orders"), "critical");
  EXPECT_EQ(plain.at("tags"), "critical");

  const ProcessResult with =
      run_pgadvise({"lint", schema.string(), "--stats", stats.string(), "--format", "json"});
  ASSERT_LE(with.exit_code, 1) << with.err;
  const auto scaled = fk_severities(with.out);
  EXPECT_EQ(scaled.at("orders"), "critical");
  EXPECT_EQ(scaled.at("tags"), "low");

  const ProcessResult bad = run_pgadvise({"lint", schema.string(), "--stats", schema.string()});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("is not a pgadvise statistics file"), std::string::npos) << bad.err;
}

} // namespace stats_cli_test
