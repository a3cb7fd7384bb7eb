// The live half end to end against the harness's PostgreSQL 15 + HypoPG
// cluster: a sequential scan found by EXPLAIN ANALYZE, confirmed, an index
// proposed, verified with HypoPG and for real (rolled back), and, once the
// test applies it as the superuser, used by the planner. Plus the safety
// contract: timeouts are values, DML is not run, nothing is written.

#include "advisor/live_advisor_support.hpp"
#include "advisor/live_analysis_run.hpp"
#include "advisor/migration_writer.hpp"
#include "advisor/plan_analysis_confirm.hpp"
#include "app/lint/run_rules.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/runner.hpp"
#include "loaders/live/catalog.hpp"
#include "pg/explain.hpp"
#include "rules/registry.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <chrono>
#include <gtest/gtest.h>
#include <map>
#include <string>
#include <thread>
#include <vector>

namespace pgadvise::advisor {
namespace live_advisor_test {

using test_support::add_query;
using test_support::ClusterTest;

constexpr std::string_view k_shop_sql = R"sql(
CREATE EXTENSION hypopg;
CREATE TABLE customers (
  id integer PRIMARY KEY,
  email text NOT NULL,
  region text NOT NULL
);
CREATE TABLE orders (
  id bigint PRIMARY KEY,
  customer_id integer NOT NULL REFERENCES customers (id),
  status text NOT NULL,
  total numeric(10,2) NOT NULL,
  created_at timestamptz NOT NULL,
  deleted_at timestamptz
);
INSERT INTO customers
  SELECT g, 'user' || g || '@example.com', (ARRAY['eu','us','apac'])[1 + g % 3] FROM generate_series(1, 20000) g;
INSERT INTO orders
  SELECT g, 1 + (g::bigint * 7919) % 20000, (ARRAY['paid','shipped','pending','cancelled'])[1 + g % 4],
         (g % 500) + 0.99, timestamptz '2024-01-01' + g * interval '1 minute',
         CASE WHEN g % 50 = 0 THEN timestamptz '2024-06-01' END
  FROM generate_series(1, 300000) g;
ANALYZE;
)sql";

constexpr std::string_view k_by_customer = "SELECT id, total FROM orders WHERE customer_id = $1";
constexpr std::string_view k_by_customer_status =
    "SELECT id, total FROM orders WHERE customer_id = 4242 AND status = 'paid'";

class LiveAdvisor : public ClusterTest {
protected:
  static void SetUpTestSuite() {
    auto& pg = test_support::PgCluster::instance();
    if (!pg.ok()) {
      return; // SetUp fails the test with the cluster's error
    }
    s_database = pg.create_database("advisor", &s_error);
    if (s_database.empty()) {
      return;
    }
    auto admin = pg.admin(s_database);
    if (!admin.ok()) {
      s_error = admin.error().to_string();
      return;
    }
    if (auto applied = admin->run_script(k_shop_sql, "shop"); !applied.ok()) {
      s_error = applied.error().to_string();
    }
  }

  void SetUp() override {
    ClusterTest::SetUp();
    ASSERT_TRUE(s_error.empty()) << s_error;
    ASSERT_FALSE(s_database.empty());
  }

  static pg::ConnectOptions options(bool read_only = true) {
    pg::ConnectOptions connect;
    connect.conninfo = cluster().admin_conninfo(s_database);
    connect.read_only = read_only;
    connect.statement_timeout = std::chrono::milliseconds(20'000);
    return connect;
  }

  static inline std::string s_database;
  static inline std::string s_error;
};

const model::PlanIssue* issue_on(const model::LiveAnalysis& live, std::uint64_t fingerprint,
                                 std::string_view table) {
  for (const model::PlanIssue& issue : live.issues) {
    if (issue.fingerprint == fingerprint && issue.table == table) {
      return &issue;
    }
  }
  return nullptr;
}

bool index_exists(pg::Connection& connection, const std::string& name) {
  auto found = connection.query("SELECT 1 FROM pg_class WHERE relname = $1", {pg::Value(name)});
  return found.ok() && !found->rows.empty();
}

TEST_F(LiveAdvisor, FindsConfirmsProposesVerifiesAndTheAppliedIndexIsUsed) {
  model::Workload workload;
  const auto by_customer = add_query(workload, k_by_customer, 500, 25'000, "$1 = '4242'").fingerprint;
  const auto by_status = add_query(workload, k_by_customer_status, 40, 2'000).fingerprint;

  auto connection = pg::Connection::open(options());
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  ASSERT_TRUE(connection->read_only()) << "HypoPG verification runs in the read-only session";
  auto catalog = loaders::load_live_catalog(*connection);
  ASSERT_TRUE(catalog.ok()) << catalog.error().to_string();

  LiveOptions live_options;
  live_options.connect = options();
  live_options.verify = VerifyMode::hypopg;
  const model::LiveAnalysis live = run_live_analysis(*connection, catalog->catalog, workload, live_options);

  // Explained with the logged value, under ANALYZE.
  const model::ExplainedQuery* explained = live.find_query(by_customer);
  ASSERT_NE(explained, nullptr);
  EXPECT_EQ(explained->error, "");
  EXPECT_EQ(explained->method, model::ParamMethod::logged);
  EXPECT_EQ(explained->mode, model::ExplainMode::analyze);
  ASSERT_TRUE(explained->plan.has_value());
  EXPECT_TRUE(explained->plan->analyzed());

  // The seq scan is found with measured evidence.
  const model::PlanIssue* issue = issue_on(live, by_customer, "orders");
  ASSERT_NE(issue, nullptr);
  EXPECT_EQ(issue->kind, model::PlanIssueKind::seq_scan_filter);
  EXPECT_TRUE(issue->analyzed);
  EXPECT_EQ(issue->columns, std::vector<std::string>{"customer_id"});
  EXPECT_GT(issue->rows_removed, 290'000);
  EXPECT_LT(issue->rows_returned, 100);
  EXPECT_GT(issue->shared_hit + issue->shared_read, 0);

  // One index serves both queries, verified with HypoPG in the read-only session.
  ASSERT_FALSE(live.proposals.empty());
  const model::IndexProposal& proposal = live.proposals.front();
  EXPECT_EQ(proposal.table, "orders");
  EXPECT_EQ(proposal.columns, (std::vector<std::string>{"customer_id", "status"}));
  EXPECT_EQ(proposal.name, "orders_customer_id_status_idx");
  EXPECT_NE(std::find(proposal.serves.begin(), proposal.serves.end(), by_customer), proposal.serves.end());
  EXPECT_NE(std::find(proposal.serves.begin(), proposal.serves.end(), by_status), proposal.serves.end());
  EXPECT_EQ(proposal.method, model::VerifyMethod::hypopg);
  EXPECT_TRUE(proposal.used_by_planner) << proposal.note;
  EXPECT_TRUE(proposal.verified) << proposal.note;
  EXPECT_LT(proposal.cost_after, proposal.cost_before / 2);
  EXPECT_EQ(proposal.ddl, "CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_customer_id_status_idx ON orders "
                          "(customer_id, status);");
  EXPECT_FALSE(index_exists(*connection, proposal.name)) << "HypoPG must not create a real index";

  // seq-scan-confirmed reports it with the plan evidence and the verified fix.
  core::Settings settings;
  settings.only_rules = {"seq-scan-confirmed"};
  settings.min_severity = core::Severity::info;
  engine::RunInput input;
  input.catalog = &catalog->catalog;
  input.workload = &workload;
  input.live_analysis = &live;
  const engine::RunReport report = app::run_rules(input, settings);
  ASSERT_EQ(report.rules_run, std::vector<std::string>{"seq-scan-confirmed"});
  const auto finding =
      std::find_if(report.findings.begin(), report.findings.end(), [&](const core::Finding& f) {
        return f.object.table == "orders" && f.object.constraint == proposal.name;
      });
  ASSERT_NE(finding, report.findings.end());
  EXPECT_EQ(finding->severity, core::Severity::high);
  ASSERT_TRUE(finding->fix.has_value());
  EXPECT_EQ(finding->fix->statements(), proposal.ddl);
  EXPECT_TRUE(std::any_of(finding->evidence.begin(), finding->evidence.end(),
                          [](const core::Evidence& e) { return e.kind == core::Evidence::Kind::plan; }));

  // An unindexed-foreign-key finding on orders(customer_id) is confirmed by the plan.
  engine::RunInput fk_input = input;
  core::Settings fk_settings = settings;
  fk_settings.only_rules = {"unindexed-foreign-key"};
  engine::RunReport fk_report = app::run_rules(fk_input, fk_settings);
  ASSERT_FALSE(fk_report.findings.empty());
  EXPECT_EQ(confirm_findings(fk_report.findings, live, &workload, test_support::confirmed_by_plan), 1U);
  EXPECT_NE(fk_report.findings.front().message.find("confirmed"), std::string::npos);
  EXPECT_EQ(fk_report.findings.front().evidence.back().kind, core::Evidence::Kind::plan);

  // --verify=real: a real index in a rolled-back transaction, measured times.
  std::map<std::uint64_t, pg::ExplainRequest> requests;
  requests[by_customer] = pg::request_for(*workload.find(by_customer));
  requests[by_status] = pg::request_for(*workload.find(by_status));
  auto read_write = pg::Connection::open(options(false));
  ASSERT_TRUE(read_write.ok()) << read_write.error().to_string();
  model::IndexProposal real = proposal;
  verify_for_real(*read_write, real, requests, 0.5);
  EXPECT_EQ(real.method, model::VerifyMethod::real);
  EXPECT_TRUE(real.used_by_planner) << real.note;
  EXPECT_TRUE(real.verified) << real.note;
  ASSERT_TRUE(real.ms_before.has_value());
  ASSERT_TRUE(real.ms_after.has_value());
  EXPECT_LT(*real.ms_after, *real.ms_before);
  EXPECT_FALSE(index_exists(*connection, proposal.name)) << "the real index must be rolled back";

  // The migration carries the DDL and says what it serves.
  const std::string migration = render_migration(live, &workload);
  EXPECT_NE(migration.find(proposal.ddl), std::string::npos);
  EXPECT_NE(migration.find("-- orders_customer_id_status_idx on orders serves 2 queries:"),
            std::string::npos);

  // Applied by the test (superuser, outside pgadvise), the planner uses it.
  auto admin = cluster().admin(s_database);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->query(proposal.ddl).ok());
  ASSERT_TRUE(admin->query("ANALYZE orders").ok());
  pg::ExplainOptions explain_options;
  const model::ExplainedQuery after =
      pg::explain_query(*connection, pg::request_for(*workload.find(by_customer)), explain_options);
  ASSERT_TRUE(after.plan.has_value()) << after.error;
  const auto used = model::indexes_used(*after.plan);
  EXPECT_NE(std::find(used.begin(), used.end(), proposal.name), used.end());
  ASSERT_TRUE(admin->query("DROP INDEX " + proposal.name).ok());
}

TEST_F(LiveAdvisor, AWholeRunAsASelectOnlyRoleSucceeds) {
  auto admin = cluster().admin(s_database);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(
      admin
          ->run_script("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'advisor_reader') "
                       "THEN CREATE ROLE advisor_reader LOGIN PASSWORD 'reader secret'; END IF; END $$; "
                       "GRANT SELECT ON ALL TABLES IN SCHEMA public TO advisor_reader;")
          .ok());
  model::Workload workload;
  const auto by_customer = add_query(workload, k_by_customer, 500, 25'000, "$1 = '77'").fingerprint;
  add_query(workload, "SELECT pg_sleep(30)", 1, 30'000);

  pg::ConnectOptions reader;
  reader.conninfo = cluster().tcp_conninfo(s_database, "advisor_reader", "reader secret");
  reader.statement_timeout = std::chrono::milliseconds(2'000);
  auto connection = pg::Connection::open(reader);
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  auto catalog = loaders::load_live_catalog(*connection);
  ASSERT_TRUE(catalog.ok()) << catalog.error().to_string();
  LiveOptions live_options;
  live_options.connect = reader;
  const model::LiveAnalysis live = run_live_analysis(*connection, catalog->catalog, workload, live_options);

  const model::ExplainedQuery* explained = live.find_query(by_customer);
  ASSERT_NE(explained, nullptr);
  EXPECT_EQ(explained->error, "");
  EXPECT_NE(issue_on(live, by_customer, "orders"), nullptr);
  ASSERT_FALSE(live.proposals.empty());
  EXPECT_EQ(live.proposals.front().method, model::VerifyMethod::hypopg);
  EXPECT_TRUE(live.proposals.front().verified) << live.proposals.front().note;
  // The pg_sleep query hit the statement timeout and is reported, not waited for.
  const auto timed_out = std::count_if(live.queries.begin(), live.queries.end(),
                                       [](const model::ExplainedQuery& q) { return q.timed_out; });
  EXPECT_EQ(timed_out, 1);
  ASSERT_EQ(live.notes.size(), 1U);
  EXPECT_NE(live.notes.front().find("timed out"), std::string::npos);
  for (const model::ExplainedQuery& query : live.queries) {
    EXPECT_EQ(query.error.find("reader secret"), std::string::npos);
  }
}

constexpr std::string_view k_small_sql = R"sql(
CREATE TABLE items (id integer PRIMARY KEY, v integer NOT NULL, label text NOT NULL);
INSERT INTO items SELECT g, g % 10, 'item ' || g FROM generate_series(1, 2000) g;
ANALYZE items;
)sql";

struct Counters {
  std::int64_t seq_scan = 0;
  std::int64_t written = 0; // n_tup_ins + n_tup_upd + n_tup_del
};

Counters read_counters(pg::Connection& admin) {
  (void)admin.query("SELECT pg_stat_clear_snapshot()");
  auto rows =
      admin.query("SELECT seq_scan::text, (n_tup_ins + n_tup_upd + n_tup_del)::text FROM pg_stat_user_tables "
                  "WHERE relname = 'items'");
  Counters out;
  if (rows.ok() && !rows->rows.empty()) {
    out.seq_scan = std::stoll(rows->rows[0][0].value_or("0"));
    out.written = std::stoll(rows->rows[0][1].value_or("0"));
  }
  return out;
}

class LiveExplainSafety : public ClusterTest {};

TEST_F(LiveExplainSafety, TimeoutsAreValuesDmlIsNotRunAndNothingIsWritten) {
  std::string why;
  const std::string database = cluster().create_database("explain", &why);
  ASSERT_FALSE(database.empty()) << why;
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->run_script(k_small_sql).ok());
  ASSERT_TRUE(admin->query("SELECT pg_stat_force_next_flush()").ok());
  const Counters before = read_counters(*admin);

  model::Workload workload;
  const auto sleep = add_query(workload, "SELECT pg_sleep(5)", 1, 5000).fingerprint;
  const auto update = add_query(workload, "UPDATE items SET v = v + 1 WHERE id = 5", 10, 10).fingerprint;
  const auto remove = add_query(workload, "DELETE FROM items WHERE id = $1", 3, 3, "$1 = '7'").fingerprint;
  const auto by_v =
      add_query(workload, "SELECT id FROM items WHERE v = $1 AND label <> $2", 50, 50).fingerprint;
  const auto cte =
      add_query(workload, "WITH x AS (UPDATE items SET v = 0 RETURNING id) SELECT count(*) FROM x", 1, 1)
          .fingerprint;
  // Run under ANALYZE it would end the explain session itself.
  const auto terminate =
      add_query(workload, "SELECT pg_terminate_backend(pg_backend_pid())", 1, 1).fingerprint;
  std::vector<pg::ExplainRequest> requests;
  for (const model::QueryStats& query : workload.queries) {
    requests.push_back(pg::request_for(query));
  }
  pg::ConnectOptions connect;
  connect.conninfo = cluster().admin_conninfo(database); // even a superuser session stays read-only
  connect.statement_timeout = std::chrono::milliseconds(300);
  pg::ExplainOptions explain;
  explain.parallel = 2;
  const auto results = pg::explain_queries(connect, requests, explain);
  ASSERT_EQ(results.size(), requests.size());
  std::map<std::uint64_t, const model::ExplainedQuery*> by_fingerprint;
  for (std::size_t i = 0; i < results.size(); ++i) {
    EXPECT_EQ(results[i].fingerprint, requests[i].fingerprint) << "results stay in request order";
    by_fingerprint[results[i].fingerprint] = &results[i];
  }

  EXPECT_TRUE(by_fingerprint[sleep]->timed_out);
  EXPECT_FALSE(by_fingerprint[sleep]->plan.has_value());
  EXPECT_NE(by_fingerprint[sleep]->error.find("timed out"), std::string::npos);

  for (auto dml : {update, remove, cte, terminate}) {
    const model::ExplainedQuery& query = *by_fingerprint[dml];
    EXPECT_EQ(query.mode, model::ExplainMode::plain) << query.normalized;
    ASSERT_TRUE(query.plan.has_value()) << query.error;
    EXPECT_FALSE(query.plan->analyzed()) << query.normalized;
  }
  EXPECT_EQ(by_fingerprint[remove]->method, model::ParamMethod::logged);

  const model::ExplainedQuery& stats_query = *by_fingerprint[by_v];
  EXPECT_EQ(stats_query.method, model::ParamMethod::pg_stats) << stats_query.error;
  ASSERT_TRUE(stats_query.plan.has_value()) << stats_query.error;
  EXPECT_TRUE(stats_query.plan->analyzed());
  EXPECT_GT(stats_query.plan->root.actual_rows.value_or(0), 0) << "a typical value from pg_stats finds rows";

  // The pgadvise sessions are closed; their statistics reach the shared
  // counters when they exit. The seq scan of the SELECT shows they arrived.
  Counters after = read_counters(*admin);
  for (int attempt = 0; attempt < 100 && after.seq_scan == before.seq_scan; ++attempt) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    after = read_counters(*admin);
  }
  EXPECT_GT(after.seq_scan, before.seq_scan) << "statistics of the explain sessions never arrived";
  EXPECT_EQ(after.written, before.written) << "EXPLAIN wrote rows";
}

TEST_F(LiveExplainSafety, DmlAnalyzeIsRolledBack) {
  std::string why;
  const std::string database = cluster().create_database("explaindml", &why);
  ASSERT_FALSE(database.empty()) << why;
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->run_script(k_small_sql).ok());

  model::Workload workload;
  add_query(workload, "UPDATE items SET v = v + 100 WHERE id <= 50", 1, 1);
  pg::ConnectOptions connect;
  connect.conninfo = cluster().admin_conninfo(database);
  auto connection = pg::Connection::open(connect);
  ASSERT_TRUE(connection.ok());
  pg::ExplainOptions explain;
  explain.allow_dml_analyze = true;
  const auto result = pg::explain_query(*connection, pg::request_for(workload.queries.front()), explain);
  EXPECT_EQ(result.mode, model::ExplainMode::analyze_rolled_back);
  ASSERT_TRUE(result.plan.has_value()) << result.error;
  EXPECT_TRUE(result.plan->analyzed());
  auto sum = admin->query("SELECT sum(v)::text FROM items WHERE id <= 50");
  ASSERT_TRUE(sum.ok());
  auto expected = admin->query("SELECT sum(g % 10)::text FROM generate_series(1, 50) g");
  ASSERT_TRUE(expected.ok());
  EXPECT_EQ(sum->rows[0][0], expected->rows[0][0]) << "the UPDATE must be rolled back";

  // A statement failing inside the rolled-back transaction leaves the
  // session usable for the next prepared statement.
  add_query(workload, "UPDATE items SET v = v / $1 WHERE id = 1", 1, 1, "$1 = '0'");
  add_query(workload, "SELECT id FROM items WHERE v = $1", 1, 1, "$1 = '3'");
  const auto failed = pg::explain_query(*connection, pg::request_for(workload.queries[1]), explain);
  EXPECT_FALSE(failed.plan.has_value());
  EXPECT_NE(failed.error.find("division by zero"), std::string::npos) << failed.error;
  const auto next = pg::explain_query(*connection, pg::request_for(workload.queries[2]), explain);
  EXPECT_TRUE(next.plan.has_value()) << next.error;
  EXPECT_EQ(next.method, model::ParamMethod::logged);
}

TEST_F(LiveExplainSafety, WithoutHypoPgProposalsSayTheyAreNotVerified) {
  std::string why;
  const std::string database = cluster().create_database("nohypopg", &why);
  ASSERT_FALSE(database.empty()) << why;
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok());
  ASSERT_TRUE(admin->run_script(k_small_sql).ok());

  model::Workload workload;
  const auto by_label =
      add_query(workload, "SELECT id FROM items WHERE label = 'item 5'", 100, 300).fingerprint;
  pg::ConnectOptions connect;
  connect.conninfo = cluster().admin_conninfo(database);
  auto connection = pg::Connection::open(connect);
  ASSERT_TRUE(connection.ok());
  auto catalog = loaders::load_live_catalog(*connection);
  ASSERT_TRUE(catalog.ok());
  LiveOptions options;
  options.connect = connect;
  options.plan.min_table_rows = 1000; // a small table keeps the test fast
  options.advisor.min_table_rows = 1000;
  const model::LiveAnalysis live = run_live_analysis(*connection, catalog->catalog, workload, options);
  ASSERT_NE(issue_on(live, by_label, "items"), nullptr);
  ASSERT_EQ(live.proposals.size(), 1U);
  EXPECT_EQ(live.proposals.front().columns, std::vector<std::string>{"label"});
  EXPECT_EQ(live.proposals.front().method, model::VerifyMethod::none);
  EXPECT_FALSE(live.proposals.front().verified);
  EXPECT_EQ(live.proposals.front().note, "HypoPG is not installed");
  ASSERT_EQ(live.notes.size(), 1U);
  EXPECT_NE(live.notes.front().find("HypoPG is not installed"), std::string::npos);
  const std::string migration = render_migration(live, &workload);
  EXPECT_NE(migration.find("-- not verified: HypoPG is not installed"), std::string::npos);
  EXPECT_NE(migration.find(live.proposals.front().ddl), std::string::npos);
}

TEST(LiveExplain, AnUnreachableServerGivesErrorsNotAHang) {
  pg::ConnectOptions connect;
  connect.conninfo = "host=127.0.0.1 port=" + std::to_string(test_support::PgCluster::unused_port()) +
                     " user=nobody password=hunter2 dbname=x";
  pg::ExplainRequest request;
  request.fingerprint = 1;
  request.sql = "SELECT 1";
  const auto results = pg::explain_queries(connect, {request, request, request}, pg::ExplainOptions{});
  ASSERT_EQ(results.size(), 3U);
  for (const model::ExplainedQuery& result : results) {
    EXPECT_FALSE(result.plan.has_value());
    EXPECT_NE(result.error.find("cannot connect"), std::string::npos) << result.error;
    EXPECT_EQ(result.error.find("hunter2"), std::string::npos);
  }
}

} // namespace live_advisor_test
} // namespace pgadvise::advisor
