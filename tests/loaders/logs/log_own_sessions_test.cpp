#include "loaders/logs/log_test_support.hpp"

#include <gtest/gtest.h>

using namespace pgadvise;
using namespace pgadvise::testing;

namespace log_own_sessions_test {

// The log `text`, written as `name`, read: it keeps `kept` statements and
// says it left `own` out.
loaders::LogReadResult expect_read(const std::string& name, const std::string& text, std::uint64_t kept,
                                   const std::string& own) {
  loaders::LogReadResult read = loaders::read_logs({write_temp(name, text)});
  EXPECT_TRUE(read.usable);
  EXPECT_EQ(read.workload.statements, kept);
  EXPECT_TRUE(std::any_of(read.notes.begin(), read.notes.end(), [&](const std::string& note) {
    return note.find(own + " of pgadvise's own sessions") != std::string::npos;
  })) << ::testing::PrintToString(read.notes);
  return read;
}

// pgadvise's own EXPLAINs and catalog reads, logged during an earlier
// `lint --db` run, are not the application's workload: a second run over
// the same log reads only the application's statements, and says so.
TEST(LogOwnSessions, PgadvisesOwnStatementsAreLeftOutByApplicationName) {
  const loaders::LogReadResult read = expect_read(
      "own_app_name.log",
      "2026-11-24 08:00:00.100 UTC [101] app@shop/web LOG:  statement: SELECT id FROM orders WHERE user_id = "
      "1\n"
      "2026-11-24 08:00:00.200 UTC [202] app@shop/pgadvise LOG:  statement: SELECT c.relname FROM "
      "pg_catalog.pg_class c\n"
      "2026-11-24 08:00:00.300 UTC [202] app@shop/pgadvise LOG:  statement: EXPLAIN (FORMAT JSON) SELECT id "
      "FROM orders WHERE user_id = 1\n"
      "2026-11-24 08:00:00.400 UTC [101] app@shop/web LOG:  statement: SELECT id FROM orders WHERE user_id = "
      "2\n",
      2, "2 statements");
  EXPECT_EQ(read.workload.queries.size(), 1U);
  EXPECT_NE(stats_of(read.workload, "SELECT id FROM orders WHERE user_id = 1"), nullptr);
}

// Without %a in the prefix, the connection line names the application.
TEST(LogOwnSessions, TheConnectionLineNamesPgadvisesSessionWithoutPercentA) {
  expect_read(
      "own_connection.log",
      "2026-11-24 08:00:00.050 UTC [202] LOG:  connection received: host=127.0.0.1 port=5000\n"
      "2026-11-24 08:00:00.060 UTC [202] LOG:  connection authorized: user=app database=shop "
      "application_name=pgadvise\n"
      "2026-11-24 08:00:00.100 UTC [101] LOG:  statement: SELECT id FROM orders WHERE user_id = 1\n"
      "2026-11-24 08:00:00.200 UTC [202] LOG:  statement: SELECT c.relname FROM pg_catalog.pg_class c\n",
      1, "1 statement");
}

} // namespace log_own_sessions_test
