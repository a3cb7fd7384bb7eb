#include "loaders/logs/log_test_support.hpp"
#include "loaders/logs/reader.hpp"
#include "support/files.hpp"

#include <fstream>
#include <gtest/gtest.h>

using namespace pgadvise;
using namespace pgadvise::testing;

namespace log_formats_test {

constexpr const char* k_parent = "SELECT id, email FROM users WHERE id <= 5 ORDER BY id";
constexpr const char* k_child = "SELECT id, title FROM posts WHERE user_id = 1";
constexpr const char* k_bench_user = "SELECT id, email FROM users WHERE id = $1";
constexpr const char* k_multi_line =
    "SELECT u.id, u.email FROM users u WHERE u.created_at > now() - interval '1 day' "
    "AND u.email LIKE 'x' ORDER BY u.id LIMIT 10 OFFSET 20";
constexpr const char* k_bench_posts =
    "SELECT id, title FROM posts WHERE user_id = $1 ORDER BY id DESC LIMIT 5";

struct Expect {
  bool durations = true;
  bool parameters = true;  // extended protocol with DETAIL parameter lines
  bool connections = true; // log_connections / log_disconnections
};

// What every fixture shows, whatever the format (see fixtures/logs/README.md).
void expect_workload(const loaders::LogReadResult& result, Expect expect) {
  const model::Workload& w = result.workload;
  ASSERT_TRUE(result.usable);
  EXPECT_TRUE(w.warnings.empty()) << w.warnings.front().location.to_string() << ": "
                                  << w.warnings.front().message;
  EXPECT_TRUE(w.ordered);

  // The N+1 burst: 5 child statements with different literals, grouped under
  // one fingerprint, repeated inside the transaction right after the parent.
  const model::QueryStats* child = stats_of(w, k_child);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->calls, 5U);
  EXPECT_EQ(child->shape.kind, model::StatementKind::select);
  EXPECT_NE(child->example.find("user_id = 1"), std::string::npos);
  EXPECT_EQ(child->normalized.rfind("SELECT id, title FROM posts WHERE user_id = $1", 0), 0U)
      << child->normalized;
  const model::Repeat* repeat = repeat_of(w, k_child);
  ASSERT_NE(repeat, nullptr);
  EXPECT_EQ(repeat->count, 5U);
  EXPECT_EQ(repeat->distinct_params, 5U);
  EXPECT_TRUE(repeat->in_transaction);
  EXPECT_TRUE(repeat->consecutive);
  EXPECT_EQ(repeat->parent_fingerprint, fp(k_parent));
  EXPECT_GT(repeat->location.line, 0);
  const model::RepeatPattern* pattern = w.find_pattern(fp(k_child), fp(k_parent));
  ASSERT_NE(pattern, nullptr);
  EXPECT_EQ(pattern->max_count, 5U);

  // pgbench: 2 clients x 3 transactions; each statement counted once per
  // execution (not for its parse and bind lines).
  const std::string user_sql = expect.parameters ? k_bench_user : "SELECT id, email FROM users WHERE id = 1";
  const std::string posts_sql =
      expect.parameters ? k_bench_posts
                        : "SELECT id, title FROM posts WHERE user_id = 1 ORDER BY id DESC LIMIT 5";
  const model::QueryStats* user = stats_of(w, user_sql);
  ASSERT_NE(user, nullptr);
  EXPECT_EQ(user->calls, 6U);
  const model::QueryStats* posts = stats_of(w, posts_sql);
  ASSERT_NE(posts, nullptr);
  EXPECT_EQ(posts->calls, 6U);
  EXPECT_EQ(posts->max_limit.value_or(-1), 5); // a literal LIMIT, even in a prepared statement
  if (expect.parameters) {
    EXPECT_EQ(user->example_params.rfind("$1 = '", 0), 0U) << user->example_params;
  }

  // The multi-line statement: one statement, its lines joined back without
  // the log's continuation tabs (stderr) or quoting (csvlog, jsonlog).
  const model::QueryStats* multi = stats_of(w, k_multi_line);
  ASSERT_NE(multi, nullptr);
  EXPECT_EQ(multi->calls, 1U);
  EXPECT_NE(multi->example.find("  FROM users u\n WHERE u.created_at"), std::string::npos) << multi->example;
  EXPECT_EQ(multi->example.find('\t'), std::string::npos) << multi->example;
  EXPECT_EQ(multi->max_offset.value_or(-1), 20);

  // The failing statement, the UPDATE without WHERE, the DELETE.
  const model::QueryStats* missing = stats_of(w, "SELECT * FROM missing_table");
  ASSERT_NE(missing, nullptr);
  EXPECT_EQ(missing->errors, 1U);
  const model::QueryStats* update = stats_of(w, "UPDATE posts SET body = 'x'");
  ASSERT_NE(update, nullptr);
  EXPECT_EQ(update->shape.kind, model::StatementKind::update);
  EXPECT_FALSE(update->shape.has_where);
  const model::QueryStats* del = stats_of(w, "DELETE FROM posts WHERE id IN (1, 2, 3) AND body IS NULL");
  ASSERT_NE(del, nullptr);
  EXPECT_TRUE(del->shape.has_where);

  if (expect.durations) {
    EXPECT_TRUE(w.has_durations);
    EXPECT_EQ(child->timed_calls, 5U);
    EXPECT_GT(child->total_ms, 0.0);
    EXPECT_GE(child->max_ms, child->mean_ms());
    EXPECT_EQ(user->timed_calls, 6U);
  } else {
    EXPECT_FALSE(w.has_durations);
    EXPECT_EQ(child->timed_calls, 0U);
  }
  if (expect.connections) {
    // set-up psql, app psql, pgbench's check connection, 2 pgbench clients
    EXPECT_EQ(w.connections.connections_authorized, 5U);
    EXPECT_EQ(w.connections.connections_received, 5U);
    EXPECT_EQ(w.connections.disconnections, 5U);
    ASSERT_TRUE(w.connections.median_session_ms().has_value());
    const auto pgbench =
        std::count_if(w.sessions.begin(), w.sessions.end(), [](const model::SessionRecord& s) {
          return s.application == "pgbench" && s.user == "postgres" && s.database == "postgres" &&
                 s.duration_ms.has_value();
        });
    EXPECT_EQ(pgbench, 3);
  }
}

TEST(LogFormats, StderrDebianPrefixDetected) {
  const auto result = loaders::read_logs({log_fixture("stderr_debian.log")});
  ASSERT_FALSE(result.workload.sources.empty());
  EXPECT_NE(result.workload.sources[0].description.find("'%m [%p] %q%u@%d '"), std::string::npos);
  expect_workload(result, {});
}

TEST(LogFormats, StderrPgbadgerPrefixWithSeparateDurationLines) {
  const auto result = loaders::read_logs({log_fixture("stderr_pgbadger.log")});
  EXPECT_NE(result.workload.sources[0].description.find("user=%u,db=%d,app=%a,client=%h"), std::string::npos);
  expect_workload(result, {});
}

TEST(LogFormats, StderrRdsPrefixPreparedProtocol) {
  const auto result = loaders::read_logs({log_fixture("stderr_rds.log")});
  EXPECT_NE(result.workload.sources[0].description.find("'%t:%r:%u@%d:[%p]:'"), std::string::npos);
  expect_workload(result, {});
}

TEST(LogFormats, StderrPidLinePrefixWithoutDurations) {
  const auto result = loaders::read_logs({log_fixture("stderr_pidline.log")});
  EXPECT_NE(result.workload.sources[0].description.find("'%m [%p-%l] '"), std::string::npos);
  expect_workload(result, {false, false, false});
}

TEST(LogFormats, StderrGivenPrefixWithSessionIdsAndVirtualXids) {
  loaders::LogReadOptions options;
  options.log_line_prefix = "%m %c %x %v [%p] %q%u@%d/%a ";
  const auto result = loaders::read_logs({log_fixture("stderr_session.log")}, options);
  expect_workload(result, {});
  const model::Repeat* repeat = repeat_of(result.workload, k_child);
  ASSERT_NE(repeat, nullptr);
  EXPECT_NE(repeat->session.find('.'), std::string::npos) << repeat->session;         // a %c session id
  EXPECT_NE(repeat->transaction.find('/'), std::string::npos) << repeat->transaction; // a virtual xid
}

TEST(LogFormats, Csvlog) {
  expect_workload(loaders::read_logs({log_fixture("csvlog.csv")}), {});
}

TEST(LogFormats, Jsonlog) {
  expect_workload(loaders::read_logs({log_fixture("jsonlog.json")}), {});
}

TEST(LogFormats, AutoExplainJsonPlansAreKept) {
  const auto result = loaders::read_logs({log_fixture("auto_explain_json.log")});
  const model::Workload& w = result.workload;
  ASSERT_FALSE(w.plans.empty());
  const auto it = std::find_if(w.plans.begin(), w.plans.end(),
                               [](const model::LoggedPlan& p) { return p.fingerprint == fp(k_parent); });
  ASSERT_NE(it, w.plans.end());
  EXPECT_EQ(it->format, model::PlanFormat::json);
  EXPECT_EQ(it->plan.front(), '{');
  EXPECT_NE(it->plan.find("\"Node Type\""), std::string::npos);
  EXPECT_EQ(it->plan.find("\n\t"), std::string::npos); // log formatting removed
  EXPECT_GT(it->duration_ms, 0.0);
  EXPECT_EQ(it->occurrences, 1U);
  const auto child = std::find_if(w.plans.begin(), w.plans.end(),
                                  [](const model::LoggedPlan& p) { return p.fingerprint == fp(k_child); });
  ASSERT_NE(child, w.plans.end());
  EXPECT_EQ(child->occurrences, 5U); // one kept per fingerprint: the slowest
}

TEST(LogFormats, AutoExplainTextPlansAreKept) {
  const auto result = loaders::read_logs({log_fixture("auto_explain_text.log")});
  const model::Workload& w = result.workload;
  const auto it = std::find_if(w.plans.begin(), w.plans.end(),
                               [](const model::LoggedPlan& p) { return p.fingerprint == fp(k_parent); });
  ASSERT_NE(it, w.plans.end());
  EXPECT_EQ(it->format, model::PlanFormat::text);
  EXPECT_NE(it->query.find("FROM users"), std::string::npos);
  EXPECT_NE(it->plan.find("Sort  (cost="), std::string::npos);
  // log_min_duration_statement was on too: the statements are counted.
  const model::QueryStats* child = stats_of(w, k_child);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->calls, 5U);
}

TEST(LogFormats, DrizzleLoggerOutput) {
  const auto result = loaders::read_logs({log_fixture("drizzle_app.log")});
  const model::Workload& w = result.workload;
  ASSERT_TRUE(result.usable);
  EXPECT_EQ(w.statements, 6U);
  const std::string posts = R"(select "id", "title" from "posts" where "posts"."user_id" = $1)";
  const model::QueryStats* stats = stats_of(w, posts);
  ASSERT_NE(stats, nullptr);
  EXPECT_EQ(stats->calls, 3U);
  EXPECT_EQ(stats->example_params, "[1]");
  const model::Repeat* repeat = repeat_of(w, posts);
  ASSERT_NE(repeat, nullptr);
  EXPECT_EQ(repeat->count, 3U);
  EXPECT_EQ(repeat->distinct_params, 3U);
  EXPECT_EQ(repeat->parent_fingerprint,
            fp(R"(select "id", "email" from "users" where "users"."id" <= $1 order by "users"."id")"));
  EXPECT_EQ(repeat->location.line, 6);
  const model::QueryStats* insert =
      stats_of(w, R"(insert into "posts" ("user_id", "title", "body") values ($1, $2, $3) returning "id")");
  ASSERT_NE(insert, nullptr);
  EXPECT_EQ(insert->shape.kind, model::StatementKind::insert);
}

TEST(LogFormats, PlainSqlFileStatementsAreQueriesWithoutOrder) {
  const std::string path = (pgadvise::test::scratch_dir() / "queries.sql").string();
  {
    std::ofstream out(path);
    out << "-- report queries\nSELECT * FROM users WHERE id = 1;\n\nSELECT * FROM users WHERE id = 2;\n"
           "UPDATE posts SET title = 'x';\n";
  }
  const auto result = loaders::read_logs({path});
  const model::Workload& w = result.workload;
  const model::QueryStats* select = stats_of(w, "SELECT * FROM users WHERE id = 1");
  ASSERT_NE(select, nullptr);
  EXPECT_EQ(select->calls, 2U);
  EXPECT_TRUE(select->shape.select_star);
  EXPECT_EQ(select->first_seen.line, 2);
  EXPECT_TRUE(w.repeats.empty()); // a .sql file has no execution order
  EXPECT_FALSE(w.ordered);
}

TEST(LogFormats, PgssCsvAndJsonAgree) {
  const auto csv = loaders::read_pgss(log_fixture("pgss.csv"));
  const auto json = loaders::read_pgss(log_fixture("pgss.json"));
  for (const auto* result : {&csv, &json}) {
    ASSERT_TRUE(result->usable);
    const model::Workload& w = result->workload;
    EXPECT_FALSE(w.ordered);
    EXPECT_TRUE(w.warnings.empty());
    const model::QueryStats* child = stats_of(w, k_child);
    ASSERT_NE(child, nullptr);
    EXPECT_EQ(child->calls, 5U);
    EXPECT_GT(child->total_ms, 0.0);
    ASSERT_TRUE(child->rows.has_value());
    const model::QueryStats* user = stats_of(w, k_bench_user);
    ASSERT_NE(user, nullptr);
    EXPECT_EQ(user->calls, 6U);
    const model::QueryStats* multi =
        stats_of(w, "SELECT u.id, u.email FROM users u WHERE u.created_at > now() - "
                    "interval '1 day' AND u.email LIKE 'x' ORDER BY u.id LIMIT 10 OFFSET 20");
    ASSERT_NE(multi, nullptr);
    EXPECT_TRUE(multi->shape.has_offset);
  }
  EXPECT_EQ(csv.workload.queries.size(), json.workload.queries.size());
}

} // namespace log_formats_test
