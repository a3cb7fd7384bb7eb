#include "pg/connection.hpp"
#include "support/pg_cluster.hpp"

#include <chrono>
#include <gtest/gtest.h>

namespace pgadvise::pg {
namespace {

using test_support::ClusterTest;
using test_support::PgCluster;
using Clock = std::chrono::steady_clock;

constexpr std::string_view k_role = "pgadvise_conn_reader";
constexpr std::string_view k_password = "Corr3ct-Horse-Battery";
constexpr std::string_view k_wrong_password = "Wr0ng-Staple-Password";

class ConnectionTest : public ClusterTest {
protected:
  void SetUp() override {
    ClusterTest::SetUp();
    if (HasFatalFailure()) {
      return;
    }
    auto admin = cluster().admin();
    ASSERT_TRUE(admin.ok()) << admin.error().to_string();
    // Idempotent: every test of the binary run shares the cluster.
    const std::string role(k_role);
    auto created =
        admin->run_script("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role +
                          "') THEN CREATE ROLE " + role + " LOGIN PASSWORD '" + std::string(k_password) +
                          "'; END IF; END $$; CREATE TABLE IF NOT EXISTS conn_probe (id int);");
    ASSERT_TRUE(created.ok()) << created.error().to_string();
  }

  static ConnectOptions options_for(std::string conninfo) {
    ConnectOptions options;
    options.conninfo = std::move(conninfo);
    return options;
  }

  static std::string show(Connection& connection, const std::string& setting) {
    auto result = connection.query("SELECT current_setting($1)", {setting});
    return result.ok() && !result->rows.empty() ? result->rows[0][0].value_or("") : "<error>";
  }
};

TEST_F(ConnectionTest, SessionIsReadOnlyWithTimeoutsAndName) {
  auto connection = Connection::open(options_for(cluster().admin_conninfo()));
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  EXPECT_EQ(show(*connection, "default_transaction_read_only"), "on");
  EXPECT_EQ(show(*connection, "statement_timeout"), "30s");
  EXPECT_EQ(show(*connection, "lock_timeout"), "2s");
  EXPECT_EQ(show(*connection, "application_name"), "pgadvise");
  EXPECT_EQ(connection->server_version_num() / 10000, 15);
  EXPECT_EQ(connection->database(), "postgres");

  // Even the superuser cannot write through a pgadvise session.
  auto write = connection->query("INSERT INTO conn_probe VALUES (1)");
  ASSERT_FALSE(write.ok());
  EXPECT_EQ(write.error().kind, ErrorKind::read_only);
  EXPECT_EQ(write.error().sqlstate, "25006");
}

TEST_F(ConnectionTest, VerificationSessionMayWrite) {
  ConnectOptions options = options_for(cluster().admin_conninfo());
  options.read_only = false;
  options.statement_timeout = std::chrono::seconds(7);
  options.lock_timeout = std::chrono::milliseconds(1500);
  auto connection = Connection::open(options);
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  EXPECT_EQ(show(*connection, "default_transaction_read_only"), "off");
  EXPECT_EQ(show(*connection, "statement_timeout"), "7s");
  EXPECT_EQ(show(*connection, "lock_timeout"), "1500ms");
  auto write = connection->run_script("BEGIN; INSERT INTO conn_probe VALUES (1); ROLLBACK;");
  EXPECT_TRUE(write.ok()) << write.error().to_string();
}

TEST_F(ConnectionTest, ParameterizedQueryReturnsValuesAndNulls) {
  auto connection = Connection::open(options_for(cluster().admin_conninfo()));
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  auto result =
      connection->query("SELECT $1::int + 1 AS n, $2::text AS t, 'x''y' AS q", {"41", std::nullopt});
  ASSERT_TRUE(result.ok()) << result.error().to_string();
  ASSERT_EQ(result->rows.size(), 1U);
  EXPECT_EQ(result->columns, (std::vector<std::string>{"n", "t", "q"}));
  EXPECT_EQ(result->get(0, "n"), Value("42"));
  EXPECT_EQ(result->get(0, "t"), std::nullopt);
  EXPECT_EQ(result->get(0, "q"), Value("x'y"));
  EXPECT_EQ(result->get(0, "missing"), std::nullopt);

  // A parameter is a value, never SQL.
  auto injected = connection->query("SELECT $1::text", {"1; DROP TABLE conn_probe"});
  ASSERT_TRUE(injected.ok());
  EXPECT_EQ(injected->rows[0][0], Value("1; DROP TABLE conn_probe"));
}

TEST_F(ConnectionTest, QueryRefusesSeveralStatements) {
  auto connection = Connection::open(options_for(cluster().admin_conninfo()));
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  auto result = connection->query("SELECT 1; SET default_transaction_read_only = off");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().sqlstate, "42601");
  EXPECT_EQ(show(*connection, "default_transaction_read_only"), "on");
}

TEST_F(ConnectionTest, ErrorsAreLocated) {
  auto connection = Connection::open(options_for(cluster().admin_conninfo()));
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  auto result = connection->query("SELECT id FROM no_such_table", {}, "probe");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::query);
  EXPECT_EQ(result.error().sqlstate, "42P01");
  EXPECT_EQ(result.error().position, 16); // 1-based offset of no_such_table
  EXPECT_EQ(result.error().context, "probe");
  EXPECT_EQ(result.error().to_string().rfind("probe: ", 0), 0U);
  // The session survives a failed statement.
  EXPECT_TRUE(connection->query("SELECT 1").ok());
}

// A pipeline: one round trip, one implicit transaction, each statement
// still one statement through the extended protocol with its values as
// values; an error stops the statements behind it, and the session goes on.
TEST_F(ConnectionTest, PipelineRunsInOneTransactionAndStopsAtAnError) {
  ConnectOptions options = options_for(cluster().admin_conninfo());
  options.statement_timeout = std::chrono::milliseconds(300);
  auto connection = Connection::open(options);
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  auto results = connection->pipeline(
      {{"SELECT transaction_timestamp()::text AS t, $1::int + 1 AS n", {"41"}},
       {"SELECT pg_sleep(0.01)", {}},
       {"SELECT transaction_timestamp()::text AS t, $1::text AS v", {"1; DROP TABLE conn_probe"}}},
      "probe");
  ASSERT_EQ(results.size(), 3U);
  for (const auto& result : results) {
    ASSERT_TRUE(result.ok()) << result.error().to_string();
  }
  EXPECT_EQ(results[0]->get(0, "n"), Value("42"));
  EXPECT_EQ(results[0]->get(0, "t"), results[2]->get(0, "t")); // one transaction
  EXPECT_EQ(results[2]->get(0, "v"), Value("1; DROP TABLE conn_probe"));

  // Still read-only, still one statement per text, still under statement_timeout.
  auto failed = connection->pipeline(
      {{"SELECT 1", {}}, {"INSERT INTO conn_probe VALUES (1)", {}}, {"SELECT 2", {}}}, "probe");
  ASSERT_EQ(failed.size(), 3U);
  EXPECT_TRUE(failed[0].ok());
  ASSERT_FALSE(failed[1].ok());
  EXPECT_EQ(failed[1].error().kind, ErrorKind::read_only);
  EXPECT_EQ(failed[1].error().context, "probe");
  ASSERT_FALSE(failed[2].ok());
  EXPECT_EQ(failed[2].error().message.rfind("not run:", 0), 0U) << failed[2].error().message;
  auto two = connection->pipeline({{"SELECT 1; SET default_transaction_read_only = off", {}}});
  ASSERT_FALSE(two.front().ok());
  EXPECT_EQ(two.front().error().sqlstate, "42601");
  const auto start = Clock::now();
  auto slow = connection->pipeline({{"SELECT pg_sleep(5)", {}}, {"SELECT 1", {}}});
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(3));
  ASSERT_FALSE(slow[0].ok());
  EXPECT_EQ(slow[0].error().kind, ErrorKind::timeout);
  EXPECT_FALSE(slow[1].ok());
  EXPECT_EQ(show(*connection, "default_transaction_read_only"), "on");
  EXPECT_TRUE(connection->pipeline({}).empty());
}

TEST_F(ConnectionTest, StatementTimeoutIsItsOwnKind) {
  ConnectOptions options = options_for(cluster().admin_conninfo());
  options.statement_timeout = std::chrono::milliseconds(200);
  auto connection = Connection::open(options);
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  const auto start = Clock::now();
  auto result = connection->query("SELECT pg_sleep(5)");
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::timeout);
  EXPECT_EQ(result.error().sqlstate, "57014");
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  EXPECT_TRUE(connection->query("SELECT 1").ok());
}

TEST_F(ConnectionTest, ClientDeadlineCancelsWhatTheServerLetsRun) {
  ConnectOptions options = options_for(cluster().admin_conninfo());
  options.statement_timeout = std::chrono::milliseconds(200);
  options.client_grace = std::chrono::milliseconds(300);
  auto connection = Connection::open(options);
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  // As if a pooler dropped the setting: the server would let this run 5s.
  ASSERT_TRUE(connection->query("SET statement_timeout = 0").ok());
  const auto start = Clock::now();
  auto result = connection->query("SELECT pg_sleep(5)");
  const auto elapsed = Clock::now() - start;
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::timeout);
  EXPECT_LT(elapsed, std::chrono::seconds(3));
  EXPECT_TRUE(connection->query("SELECT 1").ok());
}

TEST_F(ConnectionTest, LockTimeoutIsItsOwnKind) {
  auto holder = cluster().admin();
  ASSERT_TRUE(holder.ok()) << holder.error().to_string();
  ASSERT_TRUE(holder->run_script("BEGIN; LOCK TABLE conn_probe IN ACCESS EXCLUSIVE MODE;").ok());
  ConnectOptions options = options_for(cluster().admin_conninfo());
  options.lock_timeout = std::chrono::milliseconds(200);
  auto connection = Connection::open(options);
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  auto result = connection->query("SELECT count(*) FROM conn_probe");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::lock_timeout);
  EXPECT_EQ(result.error().sqlstate, "55P03");
  ASSERT_TRUE(holder->run_script("ROLLBACK").ok());
}

TEST_F(ConnectionTest, PasswordRoleConnectsOverTcp) {
  auto connection = Connection::open(options_for(cluster().tcp_conninfo("postgres", k_role, k_password)));
  ASSERT_TRUE(connection.ok()) << connection.error().to_string();
  EXPECT_EQ(show(*connection, "application_name"), "pgadvise");
}

void expect_safe_connect_error(const DbResult<Connection>& result, std::string_view secret) {
  ASSERT_FALSE(result.ok());
  const std::string text = result.error().to_string();
  EXPECT_EQ(result.error().kind, ErrorKind::connect);
  EXPECT_EQ(text.find('\n'), std::string::npos) << text;
  EXPECT_EQ(text.find(secret), std::string::npos) << text;
  EXPECT_FALSE(text.empty());
}

TEST_F(ConnectionTest, WrongPasswordIsOneLineWithoutThePassword) {
  const std::string key_value = cluster().tcp_conninfo("postgres", k_role, k_wrong_password);
  auto by_key_value = Connection::open(options_for(key_value));
  expect_safe_connect_error(by_key_value, k_wrong_password);
  // The user still sees which server and role were meant.
  EXPECT_NE(by_key_value.error().message.find("user=" + std::string(k_role)), std::string::npos)
      << by_key_value.error().message;

  const std::string uri = "postgresql://" + std::string(k_role) + ":" + std::string(k_wrong_password) +
                          "@127.0.0.1:" + std::to_string(cluster().port()) + "/postgres";
  auto by_uri = Connection::open(options_for(uri));
  expect_safe_connect_error(by_uri, k_wrong_password);
  EXPECT_NE(by_uri.error().message.find(std::string(k_role) + ":***@"), std::string::npos)
      << by_uri.error().message;
}

TEST_F(ConnectionTest, UnreachablePortIsOneLine) {
  const int port = PgCluster::unused_port();
  ASSERT_NE(port, 0);
  ConnectOptions options = options_for("postgresql://someone:" + std::string(k_password) +
                                       "@127.0.0.1:" + std::to_string(port) + "/postgres");
  auto result = Connection::open(options);
  expect_safe_connect_error(result, k_password);
  EXPECT_NE(result.error().message.find(std::to_string(port)), std::string::npos) << result.error().message;
}

TEST_F(ConnectionTest, UnreachableHostGivesUpWithinConnectTimeout) {
  ConnectOptions options =
      options_for("host=192.0.2.1 port=5432 dbname=x user=u password=" + std::string(k_password));
  options.connect_timeout_seconds = 2;
  const auto start = Clock::now();
  auto result = Connection::open(options);
  expect_safe_connect_error(result, k_password);
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(10));
}

TEST(ConnectionNoServer, UnparsableConninfoDoesNotEchoIt) {
  ConnectOptions options;
  options.conninfo = "host=db password=hunter22 xyzzy-secret-part dbname=shop";
  auto result = Connection::open(options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().kind, ErrorKind::connect);
  EXPECT_EQ(result.error().message.find("hunter22"), std::string::npos) << result.error().message;
  EXPECT_EQ(result.error().message.find("xyzzy"), std::string::npos) << result.error().message;
}

} // namespace
} // namespace pgadvise::pg
