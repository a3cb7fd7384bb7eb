// `pgadvise lint --db` through the real binary against a real PostgreSQL 15
// (tests/support/pg_cluster): the demo's pieces at a reduced size, a whole
// live run as a role that may only SELECT (and the database's counters show
// it wrote nothing), a query that hits statement_timeout, and connection
// errors that are one line without the password.
#include "cli/process.hpp"
#include "support/cli.hpp"
#include "support/demo_scripts.hpp"
#include "support/files.hpp"
#include "support/pg_cluster.hpp"
#include "support/reports.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <tuple>
#include <unistd.h>

namespace live_safety_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::findings_of;
using pgadvise::test::line_count;
using pgadvise::test::parse_report;
using pgadvise::test::ProcessOptions;
using pgadvise::test::ProcessResult;
using pgadvise::test::run_pgadvise;
using pgadvise::test_support::PgCluster;

const fs::path k_root = PGADVISE_SOURCE_DIR;
constexpr std::string_view k_reader_password = "Reader-Secret-7731";
constexpr std::string_view k_wrong_password = "Wrong-Secret-4242";

// What the statistics system says was written in one database.
struct WriteCounters {
  std::int64_t tup_inserted = 0;
  std::int64_t tup_updated = 0;
  std::int64_t tup_deleted = 0;
  std::int64_t xact_commit = 0;
  std::int64_t xact_rollback = 0;
  std::int64_t seq_scans = 0;                // summed over user tables: moves only when a query reads a table
  std::map<std::string, std::string> tables; // table -> "n_tup_ins/n_tup_upd/n_tup_del"

  // What a write would move: rows inserted, updated and deleted, in the
  // whole database and per table.
  [[nodiscard]] auto writes() const { return std::tie(tup_inserted, tup_updated, tup_deleted, tables); }
};

class LiveCli : public pgadvise::test_support::ClusterTest {
protected:
  void SetUp() override {
    ClusterTest::SetUp();
    std::string pattern = (fs::temp_directory_path() / "pgadvise-live-XXXXXX").string();
    ASSERT_NE(mkdtemp(pattern.data()), nullptr);
    m_tmp = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(m_tmp, ignored);
  }

  static void admin_script(const std::string& database, const std::string& sql) {
    auto admin = cluster().admin(database);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    auto done = admin->run_script(sql, "test set-up");
    ASSERT_TRUE(done.ok()) << done.error().to_string();
  }

  // A role that may connect and SELECT, nothing else.
  static std::string select_only_role(const std::string& database) {
    static int roles = 0;
    const std::string role = "reader_" + std::to_string(getpid()) + "_" + std::to_string(++roles);
    admin_script(database, "CREATE ROLE " + role + " LOGIN PASSWORD '" + std::string(k_reader_password) +
                               "'; GRANT CONNECT ON DATABASE " + database + " TO " + role +
                               "; GRANT USAGE ON SCHEMA public, drizzle TO " + role +
                               "; GRANT SELECT ON ALL TABLES IN SCHEMA public, drizzle TO " + role + ";");
    return role;
  }

  // Waits until no other session is connected to `database` and its
  // counters stopped moving: a backend sends its statistics as it exits, a
  // moment after the client saw the connection close. With `min_seq_scans`,
  // also until that many sequential scans were counted: proof that the
  // session that ran them has reported. (xact_commit cannot serve: reading
  // pg_stat_user_tables adds transactions of its own.)
  static WriteCounters settled_counters(const std::string& database, std::int64_t min_seq_scans = 0) {
    WriteCounters last;
    bool have_last = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      WriteCounters now = read_counters(database);
      const bool quiet = other_sessions(database) == 0 && now.seq_scans >= min_seq_scans;
      if (quiet && have_last && now.writes() == last.writes() && now.seq_scans == last.seq_scans) {
        return now;
      }
      last = now;
      have_last = quiet;
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
    }
    ADD_FAILURE() << "the statistics of " << database << " did not settle";
    return last;
  }

  // Database-wide counters are read from another database, so reading them
  // adds no transaction to `database`.
  static WriteCounters read_counters(const std::string& database) {
    WriteCounters out;
    {
      auto admin = cluster().admin("postgres");
      EXPECT_TRUE(admin.ok());
      if (!admin.ok()) {
        return out;
      }
      auto rows = admin->query("SELECT tup_inserted, tup_updated, tup_deleted, xact_commit, xact_rollback "
                               "FROM pg_stat_database WHERE datname = $1",
                               {database});
      EXPECT_TRUE(rows.ok() && rows->rows.size() == 1);
      if (rows.ok() && rows->rows.size() == 1) {
        out.tup_inserted = std::stoll(rows->get(0, "tup_inserted").value_or("0"));
        out.tup_updated = std::stoll(rows->get(0, "tup_updated").value_or("0"));
        out.tup_deleted = std::stoll(rows->get(0, "tup_deleted").value_or("0"));
        out.xact_commit = std::stoll(rows->get(0, "xact_commit").value_or("0"));
        out.xact_rollback = std::stoll(rows->get(0, "xact_rollback").value_or("0"));
      }
    }
    auto in_db = cluster().admin(database);
    EXPECT_TRUE(in_db.ok());
    if (in_db.ok()) {
      auto rows =
          in_db->query("SELECT schemaname || '.' || relname AS t, n_tup_ins || '/' || n_tup_upd || '/' || "
                       "n_tup_del AS w, seq_scan FROM pg_stat_user_tables");
      EXPECT_TRUE(rows.ok());
      for (std::size_t r = 0; rows.ok() && r < rows->rows.size(); ++r) {
        out.tables[rows->get(r, "t").value_or("")] = rows->get(r, "w").value_or("");
        out.seq_scans += std::stoll(rows->get(r, "seq_scan").value_or("0"));
      }
    }
    return out;
  }

  static int other_sessions(const std::string& database) {
    auto admin = cluster().admin("postgres");
    if (!admin.ok()) {
      return -1;
    }
    auto rows = admin->query("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", {database});
    return rows.ok() ? std::stoi(rows->get(0, "count").value_or("-1")) : -1;
  }

  // The demo's data and workload steps at a reduced size, into a new
  // database; returns the workload's server log (the lines it added).
  fs::path demo_database(const std::string& database) {
    const fs::path log = m_tmp / "workload.log";
    pgadvise::test::run_demo_database(cluster(), database, log);
    return log;
  }

  fs::path m_tmp;
};

TEST_F(LiveCli, DemoPipelineAsASelectOnlyRoleWritesNothing) {
  const std::string database = "demo_" + std::to_string(getpid());
  const fs::path log = demo_database(database);
  ASSERT_FALSE(HasFailure());
  const std::string role = select_only_role(database);

  const WriteCounters before = settled_counters(database);
  const fs::path migration = m_tmp / "0007_indexes.sql";
  const ProcessResult run =
      run_pgadvise({"lint", (k_root / "fixtures/drizzle-app").string(), "--log", log.string(), "--db",
                    cluster().tcp_conninfo(database, role, k_reader_password), "--format", "json", "--verify",
                    "hypopg", "--emit-migration", migration.string()});
  // pgadvise's EXPLAIN ANALYZE scanned tables: wait until those scans are
  // counted, so the comparison below includes its session.
  const WriteCounters after = settled_counters(database, before.seq_scans + 1);

  ASSERT_LE(run.exit_code, 1) << run.err;
  EXPECT_EQ(run.err.find(k_reader_password), std::string::npos);
  EXPECT_EQ(run.out.find(k_reader_password), std::string::npos);
  const json report = parse_report(run.out);
  EXPECT_EQ(report["schema"]["source"], "live");
  EXPECT_EQ(run.err.find("warning"), std::string::npos) << run.err; // the project's own database

  // Nothing written: no row inserted, updated or deleted in any table or
  // in the database as a whole (the workload's INSERT and UPDATE were not
  // analyzed: that needs --allow-dml-analyze), while pgadvise's own reads
  // did run (more sequential scans, more transactions).
  EXPECT_EQ(after.writes(), before.writes());
  EXPECT_GT(after.seq_scans, before.seq_scans);
  EXPECT_GT(after.xact_commit, before.xact_commit);

  // Files and database combined: the live catalog's foreign key keeps the
  // location of the migration that declared it.
  bool author_fk = false;
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    if (finding["object"]["constraint"] == "posts_author_id_users_id_fk") {
      author_fk = true;
      ASSERT_TRUE(finding["location"].is_object());
      EXPECT_EQ(fs::path(finding["location"]["file"].get<std::string>()).filename(),
                "0000_fast_thunderball.sql");
    }
  }
  EXPECT_TRUE(author_fk) << run.out;
  // The workload log was read: the N+1 burst of users lookups is there.
  bool users_burst = false;
  for (const json& finding : findings_of(report, "n-plus-one")) {
    users_burst = users_burst || finding["object"]["table"] == "users";
  }
  EXPECT_TRUE(users_burst) << run.out;
  // demo-setup.sh recorded the migrations as drizzle-orm does: nothing edited.
  EXPECT_TRUE(findings_of(report, "migration-edited-after-apply").empty());
  // drizzle's own bookkeeping table is not part of the schema the rules judge.
  for (const json& finding : report["findings"]) {
    EXPECT_NE(finding["object"]["table"], "__drizzle_migrations") << finding.dump();
  }
  // EXPLAIN ANALYZE confirmed the posts(author_id) scan.
  bool confirmed = false;
  for (const json& finding : findings_of(report, "seq-scan-confirmed")) {
    confirmed = confirmed || finding["object"]["table"] == "posts";
  }
  EXPECT_TRUE(confirmed) << run.out;
  // --emit-migration wrote the verified proposals, as a Drizzle migration.
  const std::string text = pgadvise::test::read_text(migration);
  EXPECT_NE(text.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS"), std::string::npos) << text;
  EXPECT_NE(text.find("ON posts (author_id"), std::string::npos) << text;
}

TEST_F(LiveCli, WithoutAWorkloadTheQueriesComeFromPgStatStatements) {
  const std::string database = cluster().create_database("pgss");
  ASSERT_FALSE(database.empty());
  admin_script(database,
               "CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg;"
               "CREATE TABLE orders (id int PRIMARY KEY, customer_id int NOT NULL, total int NOT NULL);"
               "INSERT INTO orders SELECT g, g % 5000, g % 97 FROM generate_series(1, 50000) g; ANALYZE;");
  {
    auto admin = cluster().admin(database);
    ASSERT_TRUE(admin.ok());
    for (int customer = 1; customer <= 20; ++customer) {
      ASSERT_TRUE(
          admin->query("SELECT id, total FROM orders WHERE customer_id = $1", {std::to_string(customer)})
              .ok());
    }
  }
  const ProcessResult run =
      run_pgadvise({"lint", "--db", cluster().admin_conninfo(database), "--format", "json"});
  ASSERT_LE(run.exit_code, 1) << run.err;
  const json report = parse_report(run.out);
  bool from_pgss = false;
  for (const json& note : report["notes"]) {
    from_pgss =
        from_pgss || note.get<std::string>().find("queries: from the database's pg_stat_statements") == 0;
  }
  EXPECT_TRUE(from_pgss) << run.out;
  bool orders_scan = false;
  for (const json& finding : findings_of(report, "seq-scan-confirmed")) {
    orders_scan = orders_scan || finding["object"]["table"] == "orders";
  }
  EXPECT_TRUE(orders_scan) << run.out;

  // pgadvise's own statements (catalog reads, EXPLAIN) are now in
  // pg_stat_statements too, but are not taken for the application's.
  const auto statements_read = [](const json& of) {
    for (const json& note : of["notes"]) {
      const std::string text = note.get<std::string>();
      if (text.rfind("pg_stat_statements: ", 0) == 0) {
        return text;
      }
    }
    return std::string();
  };
  const ProcessResult again =
      run_pgadvise({"lint", "--db", cluster().admin_conninfo(database), "--format", "json"});
  ASSERT_LE(again.exit_code, 1) << again.err;
  EXPECT_FALSE(statements_read(report).empty());
  EXPECT_EQ(statements_read(parse_report(again.out)), statements_read(report));
}

// scripts/demo.sh as README command 1 runs it, minus install and build
// (PGADVISE_BIN) and at a small size, with its cluster under a TMPDIR of
// ours so we can check that nothing is left behind.
ProcessResult run_demo(const fs::path& root_tmp, const std::string& binary) {
  const fs::path tmp = root_tmp / "tmp";
  fs::create_directories(tmp);
  fs::permissions(root_tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(tmp, fs::perms::all); // the server's user creates its directory there
  ProcessOptions options;
  options.env["TMPDIR"] = tmp.string();
  options.env["PGADVISE_BIN"] = binary;
  options.env["PGADVISE_DEMO_SCALE"] = "0.1";
  options.env["PGADVISE_DEMO_TRANSACTIONS"] = "5";
  options.env["NO_COLOR"] = std::nullopt;
  for (const char* name : {"PGHOST", "PGPORT", "PGUSER", "PGDATABASE", "PGOPTIONS", "PGPASSWORD"}) {
    options.env[name] = std::nullopt;
  }
  options.timeout = std::chrono::seconds(300);
  ProcessResult run = pgadvise::test::run_process(
      "/bin/bash", {(k_root / "scripts/demo.sh").string(), "--format", "json"}, options);
  EXPECT_FALSE(run.timed_out);
  return run;
}

TEST_F(LiveCli, DemoScriptRunsEndToEndAndRemovesItsCluster) {
  const ProcessResult run = run_demo(m_tmp, PGADVISE_BINARY);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  const json report = parse_report(run.out);
  EXPECT_EQ(report["schema"]["source"], "live");
  EXPECT_FALSE(findings_of(report, "seq-scan-confirmed").empty()) << run.out;
  EXPECT_FALSE(findings_of(report, "n-plus-one").empty()) << run.out;
  EXPECT_TRUE(fs::is_empty(m_tmp / "tmp")) << "the demo left its cluster directory behind";
}

TEST_F(LiveCli, DemoScriptRemovesItsClusterWhenAStepFails) {
  const ProcessResult run = run_demo(m_tmp, (m_tmp / "no-such-pgadvise").string());
  EXPECT_NE(run.exit_code, 0);
  EXPECT_TRUE(fs::is_empty(m_tmp / "tmp")) << "the demo left its cluster directory behind";
}

TEST_F(LiveCli, AQueryThatHitsTheStatementTimeoutIsReported) {
  const std::string database = cluster().create_database("sleepy");
  ASSERT_FALSE(database.empty());
  admin_script(database,
               "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t SELECT generate_series(1, 100);");
  const fs::path queries = m_tmp / "queries.sql";
  std::ofstream(queries) << "SELECT pg_sleep(30), id FROM t WHERE id = 1;\n";

  const auto start = std::chrono::steady_clock::now();
  const ProcessResult run =
      run_pgadvise({"lint", "--queries", queries.string(), "--db", cluster().admin_conninfo(database),
                    "--statement-timeout", "300", "--format", "json"});
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_LE(run.exit_code, 1) << run.err;
  // Cancelled by the server, not waited out (pg_sleep(30) would take 30 s).
  EXPECT_LT(took, std::chrono::seconds(25));
  EXPECT_NE(run.err.find("timed out"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("pg_sleep"), std::string::npos) << run.err;
  const json report = parse_report(run.out);
  bool noted = false;
  for (const json& note : report["notes"]) {
    const std::string text = note.get<std::string>();
    noted =
        noted || (text.find("timed out") != std::string::npos && text.find("pg_sleep") != std::string::npos);
  }
  EXPECT_TRUE(noted) << run.out;
}

TEST_F(LiveCli, AWrongPasswordIsOneLineWithoutThePassword) {
  const std::string database = cluster().create_database("auth");
  ASSERT_FALSE(database.empty());
  admin_script(database, "CREATE SCHEMA drizzle;");
  const std::string role = select_only_role(database);
  const std::string uri = "postgresql://" + role + ":" + std::string(k_wrong_password) +
                          "@127.0.0.1:" + std::to_string(cluster().port()) + "/" + database;
  for (const std::string& target : {cluster().tcp_conninfo(database, role, k_wrong_password), uri}) {
    SCOPED_TRACE(target);
    const ProcessResult run = run_pgadvise({"lint", "--db", target});
    EXPECT_EQ(run.exit_code, 2);
    EXPECT_EQ(line_count(run.err), 1U) << run.err;
    EXPECT_NE(run.err.find("password authentication failed"), std::string::npos) << run.err;
    EXPECT_EQ(run.err.find(k_wrong_password), std::string::npos) << run.err;
    EXPECT_EQ(run.out, "");
  }
  // The PG* environment (bare --db), password from PGPASSWORD.
  ProcessOptions env;
  env.env["PGHOST"] = "127.0.0.1";
  env.env["PGPORT"] = std::to_string(cluster().port());
  env.env["PGUSER"] = role;
  env.env["PGDATABASE"] = database;
  env.env["PGPASSWORD"] = std::string(k_wrong_password);
  const ProcessResult run = pgadvise::test::run_process(PGADVISE_BINARY, {"lint", "--db"}, env);
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(line_count(run.err), 1U) << run.err;
  EXPECT_EQ(run.err.find(k_wrong_password), std::string::npos) << run.err;
}

TEST_F(LiveCli, AnUnreachableHostIsOneLineWithoutThePassword) {
  const int port = PgCluster::unused_port();
  const std::string target = "host=127.0.0.1 port=" + std::to_string(port) + " user=app password='" +
                             std::string(k_wrong_password) + "' dbname=app connect_timeout=3";
  const ProcessResult run = run_pgadvise({"lint", "--db", target});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(line_count(run.err), 1U) << run.err;
  EXPECT_NE(run.err.find("cannot connect"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find(std::to_string(port)), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find(k_wrong_password), std::string::npos) << run.err;
}

TEST_F(LiveCli, AValueThatIsNotAConnectionStringIsAUsageError) {
  const ProcessResult run = run_pgadvise({"lint", "--db", "production"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(line_count(run.err), 1U) << run.err;
  EXPECT_NE(run.err.find("--db"), std::string::npos) << run.err;
}

// --db names a database that holds none of the project's tables (an empty
// one, another app's, a staging URL with a different name) and has no
// pg_stat_statements: the report alone is clean, so both are said on
// stderr (and in the JSON notes), for lint and advise alike.
TEST_F(LiveCli, TheWrongDatabaseAndNoQueriesAreWarnings) {
  const std::string database = cluster().create_database("wrongdb");
  ASSERT_FALSE(database.empty());
  const std::string project = (k_root / "fixtures/drizzle-app").string();
  const ProcessResult run =
      run_pgadvise({"lint", project, "--db", cluster().admin_conninfo(database), "--format", "json"});
  ASSERT_LE(run.exit_code, 1) << run.err;
  EXPECT_NE(run.err.find("pgadvise: warning: none of the "), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("is in database " + database + ", which has 0 tables"), std::string::npos)
      << run.err;
  EXPECT_NE(run.err.find("pgadvise: warning: no queries: pg_stat_statements is not installed in " + database),
            std::string::npos)
      << run.err;
  const json report = parse_report(run.out);
  bool noted = false;
  for (const json& note : report["notes"]) {
    noted = noted || note.get<std::string>().rfind("warning: none of the ", 0) == 0;
  }
  EXPECT_TRUE(noted) << run.out;

  const ProcessResult advise = run_pgadvise({"advise", project, "--db", cluster().admin_conninfo(database)});
  EXPECT_EQ(advise.exit_code, 2);
  EXPECT_NE(advise.err.find("pgadvise: warning: none of the "), std::string::npos) << advise.err;
  EXPECT_NE(advise.err.find("no queries: pg_stat_statements is not installed"), std::string::npos)
      << advise.err;
}

} // namespace live_safety_test
