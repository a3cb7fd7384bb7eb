// `pgadvise lint --verify-locks` through the real binary: it starts a
// throwaway PostgreSQL cluster of its own (the local server binaries; as
// root, run as the postgres user), runs the fixture's migrations one
// statement at a time, and each change finding says what PostgreSQL did.
#include "cli/process.hpp"
#include "support/files.hpp"
#include "support/pg_cluster.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <string>

namespace verify_locks_cli_test {

using nlohmann::json;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;

ProcessResult lint(const std::vector<std::string>& extra) {
  std::vector<std::string> args{"lint", "fixtures/verify-locks", "--all-migrations"};
  args.insert(args.end(), extra.begin(), extra.end());
  ProcessOptions options;
  options.cwd = PGADVISE_SOURCE_DIR;
  options.env.try_emplace("NO_COLOR", std::nullopt);
  ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
  EXPECT_FALSE(result.timed_out);
  return result;
}

const json* finding_of(const json& report, std::string_view rule) {
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == rule) {
      return &finding;
    }
  }
  return nullptr;
}

std::string observed(const json& finding) {
  for (const json& evidence : finding["evidence"]) {
    if (evidence["kind"] == "observed") {
      return evidence["detail"].get<std::string>();
    }
  }
  return {};
}

TEST(VerifyLocksCli, EachChangeFindingSaysWhatPostgreSQLDid) {
  const ProcessResult run = lint({"--verify-locks", "--format", "json"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const json report = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << run.out;

  const json* rewrite = finding_of(report, "column-type-change-rewrite");
  ASSERT_NE(rewrite, nullptr) << report["findings"].dump(2);
  EXPECT_NE(observed(*rewrite).find("on PostgreSQL 15"), std::string::npos) << observed(*rewrite);
  EXPECT_NE(observed(*rewrite).find("ACCESS EXCLUSIVE on orders, table rewritten"), std::string::npos)
      << observed(*rewrite);
  EXPECT_NE((*rewrite)["message"].get<std::string>().find("-- observed on PostgreSQL 15"), std::string::npos);

  const json* volatile_default = finding_of(report, "column-added-with-volatile-default");
  ASSERT_NE(volatile_default, nullptr);
  EXPECT_NE(observed(*volatile_default).find("table rewritten"), std::string::npos)
      << observed(*volatile_default);

  const json* not_null = finding_of(report, "not-null-added-validating");
  ASSERT_NE(not_null, nullptr);
  EXPECT_NE(observed(*not_null).find("ACCESS EXCLUSIVE on orders"), std::string::npos);
  EXPECT_EQ(observed(*not_null).find("rewritten"), std::string::npos) << observed(*not_null);

  const json* foreign_key = finding_of(report, "foreign-key-added-validating");
  ASSERT_NE(foreign_key, nullptr);
  EXPECT_NE(observed(*foreign_key).find("SHARE ROW EXCLUSIVE on customers, orders"), std::string::npos)
      << observed(*foreign_key);

  // drizzle-kit's .concurrently() index: refused inside a transaction.
  const json* concurrently = finding_of(report, "concurrently-in-transaction");
  ASSERT_NE(concurrently, nullptr);
  EXPECT_NE(observed(*concurrently).find("refused inside a transaction"), std::string::npos)
      << observed(*concurrently);

  // TRUNCATE takes ACCESS EXCLUSIVE with no lock_timeout before it: the
  // rule predicts what the server did (a new, empty file: "rewritten").
  const json* truncate = nullptr;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == "lock-timeout-missing" &&
        finding["location"]["file"] == "fixtures/verify-locks/drizzle/0003_clear_imports.sql") {
      truncate = &finding;
    }
  }
  ASSERT_NE(truncate, nullptr) << report["findings"].dump(2);
  EXPECT_EQ((*truncate)["object"]["table"], "order_imports");
  EXPECT_NE(observed(*truncate).find("ACCESS EXCLUSIVE on order_imports"), std::string::npos)
      << observed(*truncate);
  EXPECT_EQ(observed(*truncate).find("predicted"), std::string::npos) << observed(*truncate);
  EXPECT_EQ(finding_of(report, "lock-observed"), nullptr) << "every ACCESS EXCLUSIVE statement is judged";

  // Per statement, in the notes: each of the four migrations' nine statements.
  std::size_t statements = 0;
  for (const json& note : report["notes"]) {
    const std::string text = note.get<std::string>();
    statements += text.rfind("--verify-locks: fixtures/verify-locks/drizzle/", 0) == 0 ? 1U : 0U;
  }
  EXPECT_EQ(statements, 9U) << report["notes"].dump(2);
}

TEST(VerifyLocksCli, WithoutTheFlagNothingIsObserved) {
  const ProcessResult run = lint({"--format", "json"});
  const json report = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded());
  for (const json& finding : report["findings"]) {
    EXPECT_EQ(observed(finding), "") << finding.dump(2);
    EXPECT_NE(finding["rule"], "lock-observed");
  }
}

TEST(VerifyLocksCli, TheServerFlagNeedsDb) {
  const ProcessResult run = lint({"--verify-locks-on-db-server"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_NE(run.err.find("needs --db"), std::string::npos) << run.err;
}

// --verify-locks-on-db-server: a scratch database on --db's server, dropped
// after; the database --db names gets nothing.
class VerifyLocksServer : public pgadvise::test_support::ClusterTest {};

TEST_F(VerifyLocksServer, UsesAScratchDatabaseAndLeavesNothingBehind) {
  std::string why;
  const std::string database = cluster().create_database("verify_target", &why);
  ASSERT_FALSE(database.empty()) << why;
  // The database as production has it: the tables of the first migrations.
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok());
  const std::filesystem::path drizzle =
      std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures/verify-locks/drizzle";
  for (const char* file : {"0000_init.sql", "0002_order_imports.sql"}) {
    auto applied = admin->run_script(pgadvise::test::read_text(drizzle / file));
    ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  }
  const std::string k_relations = "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                  "c.relnamespace WHERE n.nspname = 'public'";
  auto before = admin->query(k_relations);
  ASSERT_TRUE(before.ok());
  const ProcessResult run = lint({"--db", cluster().admin_conninfo(database), "--no-explain",
                                  "--verify-locks-on-db-server", "--format", "json"});
  ASSERT_EQ(run.exit_code, 1) << run.err;
  const json report = json::parse(run.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << run.out;
  const json* rewrite = finding_of(report, "column-type-change-rewrite");
  ASSERT_NE(rewrite, nullptr) << report["findings"].dump(2);
  EXPECT_NE(observed(*rewrite).find("ACCESS EXCLUSIVE on orders, table rewritten"), std::string::npos)
      << observed(*rewrite);
  EXPECT_NE(report["notes"].dump().find("scratch database pgadvise_verify_"), std::string::npos);

  auto scratch = admin->query("SELECT count(*) FROM pg_database WHERE datname LIKE 'pgadvise\\_verify\\_%'");
  ASSERT_TRUE(scratch.ok()) << scratch.error().to_string();
  EXPECT_EQ(scratch->rows[0][0], "0") << "the scratch database is dropped";
  auto after = admin->query(k_relations);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(after->rows[0][0], before->rows[0][0]) << "the --db database is never written";
}

} // namespace verify_locks_cli_test
