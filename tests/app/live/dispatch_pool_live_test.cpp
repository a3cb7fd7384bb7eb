// Every live path on fixtures/real-shapes/dispatch-pool as a user runs them,
// against a throwaway PostgreSQL 15: its drizzle-kit migrations applied and
// recorded as drizzle-orm's migrator records them, the data of
// bench/dispatch-pool/seed.sql (300,000 tracking events), the app's own
// statements run so pg_stat_statements holds them, then `lint --db`,
// `advise`, `explain` and `fix` as a role with a password over TCP. Each
// finds what the app has (the unindexed foreign keys its statements scan,
// the loops, the JSON kept as text: one finding for that one problem), none
// writes a row or leaves an index, every pgadvise session sets its
// timeouts and read-only mode first, and the password is in no output.
#include "core/sha256.hpp"
#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/pg_cluster.hpp"
#include "support/reports.hpp"
#include "support/test_label.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <unistd.h>

namespace dispatch_pool_live_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::finding_objects;
using pgadvise::test::findings_of;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;

const fs::path k_root = PGADVISE_SOURCE_DIR;
const fs::path k_app = k_root / "fixtures" / "real-shapes" / "dispatch-pool";
constexpr std::string_view k_password = "Dispatch-Secret-5521";

class DispatchPoolLive : public pgadvise::test_support::ClusterTest {
protected:
  void SetUp() override {
    const std::string mislabeled = pgadvise::test::label_mismatch("cluster");
    ASSERT_TRUE(mislabeled.empty()) << mislabeled;
    ClusterTest::SetUp();
  }

  static void script(const std::string& database, const std::string& sql, const std::string& what) {
    auto admin = cluster().admin(database);
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    auto done = admin->run_script(sql, what);
    ASSERT_TRUE(done.ok()) << what << ": " << done.error().to_string();
  }

  // The migrations as `drizzle-kit migrate` applies them: each file's
  // statements, and its row in drizzle.__drizzle_migrations (the file's
  // SHA-256 and the journal's `when`), so nothing reads as edited or pending.
  static std::string migrated() {
    const std::string database = cluster().create_database("dispatch");
    EXPECT_FALSE(database.empty());
    std::string setup = "CREATE EXTENSION pg_stat_statements; CREATE EXTENSION hypopg; CREATE SCHEMA drizzle;"
                        "CREATE TABLE drizzle.__drizzle_migrations (id serial PRIMARY KEY, hash text NOT "
                        "NULL, created_at bigint);";
    const json journal = json::parse(read_text(k_app / "drizzle" / "meta" / "_journal.json"));
    for (const json& entry : journal["entries"]) {
      const std::string file = read_text(k_app / "drizzle" / (entry["tag"].get<std::string>() + ".sql"));
      std::string sql = file;
      for (std::size_t at = sql.find("--> statement-breakpoint"); at != std::string::npos;
           at = sql.find("--> statement-breakpoint")) {
        sql.replace(at, std::string_view("--> statement-breakpoint").size(), "\n");
      }
      setup += sql + ";\nINSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('" +
               pgadvise::core::sha256_hex(file) + "', " + std::to_string(entry["when"].get<long long>()) +
               ");";
    }
    script(database, setup, "migrations");
    script(database, read_text(k_root / "bench" / "dispatch-pool" / "seed.sql"), "seed");
    return database;
  }

  // The statements the app's handlers send (as logs/postgresql-15.log.gz
  // shows them), over the extended protocol as node-postgres sends them.
  static void run_app(const std::string& database) {
    auto app = cluster().admin(database);
    ASSERT_TRUE(app.ok()) << app.error().to_string();
    const auto run = [&](const std::string& sql, const std::vector<pgadvise::pg::Value>& params) {
      auto done = app->query(sql, params);
      ASSERT_TRUE(done.ok()) << sql << ": " << done.error().to_string();
    };
    for (int customer = 1; customer <= 12; ++customer) {
      run("select \"id\", \"reference\", \"customer_id\", \"courier_id\", \"depot_id\", \"status\", "
          "\"weight_kg\", \"created_at\", \"delivered_at\" from \"shipments\" where "
          "\"shipments\".\"customer_id\" "
          "= $1 order by \"shipments\".\"created_at\" desc limit $2",
          {std::to_string(customer * 97), "10"});
    }
    for (int shipment = 1; shipment <= 30; ++shipment) {
      run("select \"id\", \"shipment_id\", \"kind\", \"payload\", \"recorded_at\" from \"tracking_events\" "
          "where "
          "\"tracking_events\".\"shipment_id\" = $1 order by \"tracking_events\".\"recorded_at\" desc limit "
          "$2",
          {std::to_string(shipment * 311), "1"});
    }
    for (int courier = 1; courier <= 30; ++courier) {
      run("select \"id\", \"reference\", \"status\" from \"shipments\" where \"shipments\".\"courier_id\" = "
          "$1",
          {std::to_string(courier)});
    }
    for (int i = 0; i < 3; ++i) {
      run("select \"id\", \"name\" from \"customers\" where (\"customers\".\"prefs\"::jsonb ->> 'tier') = $1 "
          "limit $2",
          {"priority", "100"});
      run("select \"id\", \"shipment_id\" from \"tracking_events\" where "
          "(\"tracking_events\".\"payload\"::jsonb "
          "->> 'status' = 'failed' and \"tracking_events\".\"recorded_at\" >= $1) limit $2",
          {"2020-01-01 00:00:00+00", "50"});
    }
  }

  static std::string role_for(const std::string& database) {
    static int roles = 0; // one per test: a role is the cluster's, not the database's
    const std::string role = "dispatch_" + std::to_string(getpid()) + "_" + std::to_string(++roles);
    script(database,
           "CREATE ROLE " + role + " LOGIN PASSWORD '" + std::string(k_password) +
               "'; GRANT pg_read_all_stats TO " + role + "; GRANT USAGE ON SCHEMA drizzle TO " + role +
               "; GRANT SELECT ON ALL TABLES IN SCHEMA public, drizzle TO " + role + ";",
           "role");
    return role;
  }

  // What a write would change: every table's rows (hashed), every relation
  // and index by name.
  static std::string contents(const std::string& database) {
    auto admin = cluster().admin(database);
    EXPECT_TRUE(admin.ok());
    if (!admin.ok()) {
      return {};
    }
    std::string out;
    for (const char* table : {"customers", "depots", "couriers", "shipments", "tracking_events",
                              "drizzle.__drizzle_migrations"}) {
      auto rows = admin->query(std::string("SELECT count(*) || ' ' || md5(string_agg(t::text, '|' ORDER BY "
                                           "t::text)) AS h FROM ") +
                               table + " t");
      EXPECT_TRUE(rows.ok()) << table;
      out += std::string(table) + " " + (rows.ok() ? rows->get(0, "h").value_or("") : "") + "\n";
    }
    auto relations =
        admin->query("SELECT string_agg(relname::text || ':' || relkind::text, ',' ORDER BY relname) AS r "
                     "FROM pg_class WHERE relnamespace = 'public'::regnamespace");
    EXPECT_TRUE(relations.ok());
    out += relations.ok() ? relations->get(0, "r").value_or("") : "";
    return out;
  }

  // pgadvise in the fixture with the role's password in the conninfo; the
  // password never comes back.
  static ProcessResult run(const std::vector<std::string>& args) {
    ProcessResult result = pgadvise::test::run_pgadvise_in(k_app.string(), args);
    EXPECT_EQ(result.out.find(k_password), std::string::npos) << result.out;
    EXPECT_EQ(result.err.find(k_password), std::string::npos) << result.err;
    EXPECT_FALSE(result.timed_out);
    return result;
  }
};

TEST_F(DispatchPoolLive, LintAdviseExplainAndFixReadOnlyWithTimeoutsAndNoPassword) {
  const std::string database = migrated();
  ASSERT_FALSE(HasFailure());
  run_app(database);
  ASSERT_FALSE(HasFailure());
  const std::string role = role_for(database);
  const std::string db = cluster().tcp_conninfo(database, role, k_password);
  const std::string before = contents(database);

  // lint --db: the live catalog with the migrations' locations; the loops
  // read from the code (pg_stat_statements has no order to confirm them).
  const ProcessResult lint = run({"lint", ".", "--db", db, "--format", "json"});
  ASSERT_EQ(lint.exit_code, 1) << lint.err;
  const json report = pgadvise::test::parse_report(lint.out);
  EXPECT_EQ(report["schema"]["source"], "live");
  EXPECT_EQ(finding_objects(report, "unindexed-foreign-key"),
            (std::set<std::string>{"shipments(customer_id)", "shipments(courier_id)",
                                   "tracking_events(shipment_id)"}));
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    ASSERT_TRUE(finding["location"].is_object()) << finding.dump(2);
    EXPECT_EQ(finding["location"]["file"], "drizzle/0000_init.sql");
  }
  std::set<std::string> loops;
  for (const json& finding : findings_of(report, "query-in-loop")) {
    loops.insert(finding["location"]["file"].get<std::string>() + ":" +
                 std::to_string(finding["location"]["line"].get<int>()));
  }
  EXPECT_EQ(loops, (std::set<std::string>{"src/handlers/dashboard.ts:7", "src/handlers/depot.ts:10"}));
  EXPECT_EQ(finding_objects(report, "json-in-text-column"),
            (std::set<std::string>{"customers(prefs)", "tracking_events(payload)"}));
  // A filter on JSON kept as text, seen only in pg_stat_statements (its key
  // a parameter there, so no expression index): one problem, one finding,
  // json-in-text-column's, with the confirmed scan folded in; its message
  // says where the queries came from.
  for (const json& finding : report["findings"]) {
    EXPECT_FALSE(finding["rule"] == "seq-scan-confirmed" && finding["object"]["table"] == "customers")
        << finding.dump(2);
  }
  for (const json& finding : findings_of(report, "json-in-text-column")) {
    EXPECT_NE(finding["message"].get<std::string>().find("1 query in pg_stat_statements treats it as JSON"),
              std::string::npos)
        << finding.dump(2);
    if (finding["object"]["table"] == "customers") {
      EXPECT_EQ(finding["rule_ids"], json::array({"json-in-text-column", "seq-scan-confirmed"}))
          << finding.dump(2);
      EXPECT_EQ(finding["fix"]["ddl"],
                "ALTER TABLE customers ALTER COLUMN prefs TYPE jsonb USING prefs::jsonb;");
    }
  }
  // Applied as the migrator applies them: nothing drifted, nothing pending.
  for (const char* rule : {"migration-edited-after-apply", "snapshot-drift", "lock-timeout-missing",
                           "index-created-non-concurrently"}) {
    EXPECT_TRUE(findings_of(report, rule).empty()) << rule << "\n" << lint.out.substr(0, 6000);
  }

  // advise: the workload's index set, the scanned foreign keys first.
  const ProcessResult advise = run({"advise", "--db", db, "--time-limit", "5"});
  EXPECT_EQ(advise.exit_code, 0) << advise.err;
  EXPECT_NE(advise.out.find("ON tracking_events (shipment_id"), std::string::npos) << advise.out;
  EXPECT_NE(advise.out.find("ON shipments (courier_id)"), std::string::npos) << advise.out;

  // explain: one of the app's statements, its plan and the proposal HypoPG
  // verified.
  const ProcessResult explain =
      run({"explain", "--db", db,
           "select id, shipment_id, kind from tracking_events where shipment_id = 4242 order by "
           "recorded_at desc limit 1"});
  EXPECT_LE(explain.exit_code, 1) << explain.err;
  EXPECT_NE(explain.out.find("Seq Scan on tracking_events"), std::string::npos) << explain.out;
  EXPECT_NE(explain.out.find("verified (hypopg)"), std::string::npos) << explain.out;
  // The statement given is not a logged one: its JSON filter is "1 query", "1 call".
  const ProcessResult json_filter = run(
      {"explain", "--db", db, "select id, name from customers where (prefs::jsonb ->> 'tier') = 'priority'"});
  EXPECT_NE(json_filter.out.find("customers.prefs is text but 1 query treats it as JSON (casts or JSON "
                                 "operators, 1 call)"),
            std::string::npos)
      << json_filter.out;
  EXPECT_EQ(json_filter.out.find("logged"), std::string::npos) << json_filter.out;

  // fix --db: the diff, nothing written (no --write).
  std::string schema_before;
  for (const char* file : {"customers.ts", "fleet.ts", "shipments.ts", "tracking.ts"}) {
    schema_before += read_text(k_app / "src" / "db" / "schema" / file);
  }
  const ProcessResult fix = run({"fix", ".", "--db", db});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_NE(fix.out.find("index('shipments_courier_id_idx').on(t.courierId)"), std::string::npos) << fix.out;
  std::string schema_after;
  for (const char* file : {"customers.ts", "fleet.ts", "shipments.ts", "tracking.ts"}) {
    schema_after += read_text(k_app / "src" / "db" / "schema" / file);
  }
  EXPECT_EQ(schema_after, schema_before);

  // Nothing written, no index (hypothetical or real) left behind.
  EXPECT_EQ(contents(database), before);

  // Every pgadvise session set its timeouts and read-only mode before
  // anything else (pg_stat_statements keeps the role's SET statements).
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok());
  auto sets = admin->query("SELECT query FROM pg_stat_statements s JOIN pg_roles r ON r.oid = s.userid "
                           "WHERE r.rolname = $1 AND query LIKE 'SET %'",
                           {role});
  ASSERT_TRUE(sets.ok()) << sets.error().to_string();
  std::string texts;
  for (std::size_t r = 0; r < sets->rows.size(); ++r) {
    texts += sets->get(r, "query").value_or("") + "\n";
  }
  EXPECT_NE(texts.find("SET statement_timeout"), std::string::npos) << texts;
  EXPECT_NE(texts.find("SET lock_timeout"), std::string::npos) << texts;
  EXPECT_NE(texts.find("SET default_transaction_read_only = on"), std::string::npos) << texts;
}

// The same database, linted twice: the same answer. What a baseline and a
// reviewer read -- each finding's rule, object, fingerprint and fix (the
// index set's DDL and Drizzle lines), and the notes, with the index set's
// count of what-if plans -- is identical; only what EXPLAIN ANALYZE
// measures (milliseconds, and the scans it adds to pg_stat_user_tables)
// may differ, and with the scans it adds, table-mostly-seq-scanned, which
// judges those counters. pgadvise's own read of drizzle's migrations table is not
// taken for the application's (it would count one more call each run),
// and the data loaded without VACUUM (autovacuum is off here) is said to
// price index-only scans as a fresh load does.
TEST_F(DispatchPoolLive, TwoLintRunsOnOneDatabaseGiveTheSameAnswer) {
  const std::string database = migrated();
  ASSERT_FALSE(HasFailure());
  run_app(database);
  ASSERT_FALSE(HasFailure());
  const std::string role = role_for(database);
  const std::string db = cluster().tcp_conninfo(database, role, k_password);
  const auto answer = [&]() {
    const ProcessResult lint = run({"lint", ".", "--db", db, "--format", "json"});
    EXPECT_EQ(lint.exit_code, 1) << lint.err;
    const json report = pgadvise::test::parse_report(lint.out);
    json kept = json::object();
    kept["notes"] = report["notes"];
    kept["findings"] = json::array();
    for (const json& finding : report["findings"]) {
      if (finding["rule"] == "table-mostly-seq-scanned") {
        continue; // judges pg_stat_user_tables' scan counters, which EXPLAIN ANALYZE's own scans raise
      }
      kept["findings"].push_back({{"rule", finding["rule"]},
                                  {"rule_ids", finding["rule_ids"]},
                                  {"object", finding["object"]},
                                  {"fingerprint", finding["fingerprint"]},
                                  {"fix", finding.contains("fix") ? finding["fix"] : json()}});
    }
    kept["statements"] = report["input_summary"]["workload"]["statements"];
    return kept;
  };
  const json first = answer();
  const json second = answer();
  EXPECT_EQ(first.dump(2), second.dump(2));
  std::string notes;
  for (const json& note : first["notes"]) {
    notes += note.get<std::string>() + "\n";
  }
  EXPECT_NE(notes.find("indexes chosen for the whole workload"), std::string::npos) << notes;
  EXPECT_NE(notes.find("few pages are all-visible in shipments (0% of "), std::string::npos) << notes;
  EXPECT_EQ(first.dump().find("FROM drizzle.__drizzle_migrations"), std::string::npos) << notes;
  // The default text report says it too, under its header, before the
  // findings whose index proposals it qualifies (not only under -v).
  const ProcessResult text = run({"lint", ".", "--db", db});
  EXPECT_EQ(text.exit_code, 1) << text.err;
  const std::size_t caveat =
      text.out.find("    note: index set: few pages are all-visible in shipments (0% of ");
  EXPECT_NE(caveat, std::string::npos) << text.out;
  EXPECT_EQ(text.out.rfind("Schema: ", 0), 0U) << text.out;
  EXPECT_LT(caveat, text.out.find("\nDo first:")) << text.out;
}

} // namespace dispatch_pool_live_test
