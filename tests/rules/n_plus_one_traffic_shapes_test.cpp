// n-plus-one on the shapes a pooled application's traffic takes, written as
// PostgreSQL 15 logs them (log_statement = all, prefix '%m [%p] %q%u@%d '):
// a Promise.all over rows on many backends, a transaction per row, a loop
// body that varies per row, a loop over a constant list, requests marked
// with a sqlcommenter traceparent; and the look-alike that must stay clean,
// many users opening the same page at once.

#include "core/text.hpp"
#include "loaders/logs/reader.hpp"
#include "pg/parser.hpp"
#include "support/files.hpp"
#include "workload_test_support.hpp"

#include <cstdio>
#include <gtest/gtest.h>

namespace n_plus_one_traffic_shapes_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "n-plus-one";

// A stderr log written statement by statement, at millisecond times.
class Log {
public:
  explicit Log(bool milliseconds = true) : m_milliseconds(milliseconds) {}

  void at(double ms, int pid, const std::string& sql) {
    const auto whole = static_cast<long>(ms);
    const long seconds = whole / 1000;
    char stamp[64];
    if (m_milliseconds) {
      std::snprintf(stamp, sizeof stamp, "2026-11-23 10:%02ld:%02ld.%03ld UTC", seconds / 60, seconds % 60,
                    whole % 1000);
    } else {
      std::snprintf(stamp, sizeof stamp, "2026-11-23 10:%02ld:%02ld UTC", seconds / 60, seconds % 60);
    }
    m_text += std::string(stamp) + " [" + std::to_string(pid) + "] app@shop LOG:  statement: " + sql + "\n";
  }

  // An extended-protocol execution and its parameters, as
  // log_statement = all writes them.
  void execute(double ms, int pid, const std::string& sql, const std::string& params) {
    at(ms, pid, sql);
    const std::size_t line = m_text.rfind('\n', m_text.size() - 2) + 1; // the line just written
    const std::size_t statement = m_text.find("LOG:  statement: ", line);
    const std::string prefix = m_text.substr(line, statement - line);
    m_text.replace(statement, 17, "LOG:  execute <unnamed>: ");
    m_text += prefix + "DETAIL:  parameters: " + params + "\n";
  }

  [[nodiscard]] loaders::LogReadResult read(const std::string& name) const {
    const std::string path = (test::scratch_dir() / name).string();
    write_text(path, m_text);
    loaders::LogReadOptions options;
    options.log_line_prefix = m_milliseconds ? "%m [%p] %q%u@%d " : "%t [%p] %q%u@%d ";
    return loaders::read_logs({path}, options);
  }

private:
  bool m_milliseconds;
  std::string m_text;
};

std::string messages(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& finding : findings) {
    out.push_back(finding.message);
  }
  return core::join(out, "\n");
}

bool evidence_says(const core::Finding& finding, std::string_view text) {
  return std::any_of(finding.evidence.begin(), finding.evidence.end(),
                     [&](const core::Evidence& e) { return e.detail.find(text) != std::string::npos; });
}

// A page of roles, then each role's permissions at once on six backends
// (`Promise.all(roles.map(...))` on a pg Pool), four times a second apart.
Log permissions_fan_out(bool milliseconds = true) {
  Log log(milliseconds);
  for (int request = 0; request < 4; ++request) {
    const double t = 1000.0 * request + 100;
    log.at(t, 100 + request % 2,
           "SELECT id, name FROM roles WHERE workspace_id = " + std::to_string(request + 1));
    for (int role = 0; role < 6; ++role) {
      log.at(t + 3 + 0.4 * role, 110 + role,
             "SELECT permission FROM role_permissions WHERE role_id = " +
                 std::to_string(10 * request + role));
    }
  }
  return log;
}

TEST(NPlusOneTrafficShapes, APromiseAllOnManyBackendsIsOneFanOutPerRequest) {
  const loaders::LogReadResult read = permissions_fan_out().read("fan-out.log");
  const auto findings = run_workload_rule(k_rule, read.workload);
  ASSERT_EQ(findings.size(), 1U) << messages(findings);
  const core::Finding& finding = findings.front();
  EXPECT_NE(finding.message.find("4 bursts of SELECT permission FROM role_permissions WHERE role_id = $1 "
                                 "(6 per burst"),
            std::string::npos)
      << finding.message;
  EXPECT_NE(finding.message.find("after 100% of 4 executions of SELECT id, name FROM roles"),
            std::string::npos)
      << finding.message;
  // The evidence names the backends and the window.
  EXPECT_TRUE(evidence_says(finding, "several backends")) << finding.evidence.front().detail;
  EXPECT_TRUE(evidence_says(finding, "pid 110, pid 111")) << finding.evidence.front().detail;
  EXPECT_TRUE(evidence_says(finding, "of each other"));
  EXPECT_TRUE(read.workload.subsecond_timestamps);
}

// Without milliseconds a fan-out cannot be told from concurrent requests:
// nothing is reported and a note says why.
TEST(NPlusOneTrafficShapes, WithoutMillisecondsFanOutsAreNotJudgedAndANoteSaysSo) {
  const loaders::LogReadResult seconds = permissions_fan_out(false).read("fan-out-seconds.log");
  EXPECT_TRUE(run_workload_rule(k_rule, seconds.workload).empty());
  const auto noted = [](const loaders::LogReadResult& read) {
    return std::any_of(read.notes.begin(), read.notes.end(), [](const std::string& note) {
      return note.find("fan-outs were not judged") != std::string::npos;
    });
  };
  EXPECT_TRUE(noted(seconds));
  EXPECT_FALSE(noted(permissions_fan_out().read("fan-out-ms.log")));
}

// Eight users open a board at the same moment: each runs its board's
// lookup, then its lists once. The children crowd onto many backends within
// milliseconds, but each follows its own parent: not a fan-out.
TEST(NPlusOneTrafficShapes, ManyUsersOpeningOnePageAtOnceAreNotAFanOut) {
  Log log;
  for (int wave = 0; wave < 5; ++wave) {
    for (int user = 0; user < 8; ++user) {
      const double t = 1000.0 * wave + 100 + 0.3 * user;
      log.at(t, 200 + user, "SELECT id, title FROM boards WHERE id = " + std::to_string(wave * 10 + user));
      log.at(t + 2.5, 200 + user,
             "SELECT id, name FROM lists WHERE board_id = " + std::to_string(wave * 10 + user));
    }
  }
  const loaders::LogReadResult read = log.read("same-page.log");
  const auto findings = run_workload_rule(k_rule, read.workload);
  EXPECT_TRUE(findings.empty()) << messages(findings);
}

// A request that looks up a key another of its statements looked up just
// before (a shipment's history, then the same shipment's latest event, on
// whichever connections the pool hands out) runs its own lookup: the
// loader counts it after that statement. A loop's lookups, each of its own
// row's key, are never counted, nor the first lookup of a key.
TEST(NPlusOneTrafficShapes, ALookupOfAKeyTheRequestJustReadIsItsOwn) {
  const std::string history = "SELECT kind FROM events WHERE shipment_id = $1 ORDER BY recorded_at";
  const std::string latest =
      "SELECT id, kind FROM events WHERE shipment_id = $1 ORDER BY recorded_at DESC LIMIT 1";
  const std::string recent = "SELECT id FROM shipments WHERE customer_id = $1 LIMIT 10";
  Log log;
  for (int request = 0; request < 4; ++request) {
    const double t = 1000.0 * request + 100;
    const std::string id = "'" + std::to_string(500 + request) + "'";
    log.execute(t, 100, history, "$1 = " + id);
    log.execute(t + 240, 101 + request % 2, latest, "$1 = " + id); // waited for a connection
    log.execute(t + 400, 103, recent, "$1 = '" + std::to_string(7 + request) + "'");
    for (int row = 0; row < 5; ++row) {
      log.execute(t + 403 + row, 110 + row, latest,
                  "$1 = '" + std::to_string(900 + 10 * request + row) + "'");
    }
  }
  const loaders::LogReadResult read = log.read("own-lookup.log");
  const std::uint64_t history_id = pg::fingerprint(history).value_or(0);
  const std::uint64_t latest_id = pg::fingerprint(latest).value_or(0);
  ASSERT_NE(read.workload.find(history_id), nullptr);
  ASSERT_NE(read.workload.find(latest_id), nullptr);
  ASSERT_NE(history_id, 0U);
  ASSERT_NE(latest_id, 0U);
  const auto own = read.workload.key_after.find({latest_id, history_id});
  ASSERT_NE(own, read.workload.key_after.end());
  EXPECT_EQ(own->second, 4U);
  EXPECT_EQ(read.workload.key_after.size(), 1U);
}

// A key is a table's column: an order page's customers looked up one per
// row while another user's product lookups of the same id values (7, 8,
// ...) run just before each on other backends are the loop's own rows, not
// lookups of a row the request had already read. Only the same table's
// column again (a customer re-read by its own request) is counted.
TEST(NPlusOneTrafficShapes, EqualIdsOfTwoTablesAreTwoRowsNotOneRequestsOwnLookup) {
  const std::string orders = "SELECT id, customer_id FROM orders WHERE shop_id = $1 LIMIT 20";
  const std::string customer = "SELECT id, name FROM customers WHERE id = $1";
  const std::string product = "SELECT id, title FROM products WHERE id = $1";
  const std::string customer_again = "SELECT id, email FROM customers WHERE id = $1";
  Log log;
  for (int request = 0; request < 4; ++request) {
    const double t = 1000.0 * request + 100;
    log.execute(t, 100, orders, "$1 = '" + std::to_string(3 + request) + "'");
    for (int row = 0; row < 5; ++row) {
      const std::string id = "'" + std::to_string(10 * request + row + 7) + "'";
      log.execute(t + 3 + 8 * row, 120 + row, product, "$1 = " + id); // another user's page
      log.execute(t + 5 + 8 * row, 110 + row, customer, "$1 = " + id);
    }
    // The request reads its first customer again, by the same table's id.
    log.execute(t + 60, 101, customer_again, "$1 = '" + std::to_string(10 * request + 7) + "'");
  }
  const loaders::LogReadResult read = log.read("two-tables-equal-ids.log");
  const std::uint64_t customer_id = pg::fingerprint(customer).value_or(0);
  const std::uint64_t product_id = pg::fingerprint(product).value_or(0);
  const std::uint64_t again_id = pg::fingerprint(customer_again).value_or(0);
  ASSERT_NE(read.workload.find(customer_id), nullptr);
  ASSERT_NE(read.workload.find(product_id), nullptr);
  EXPECT_EQ(read.workload.key_after.count({customer_id, product_id}), 0U);
  EXPECT_EQ(read.workload.key_after.count({product_id, customer_id}), 0U);
  const auto own = read.workload.key_after.find({again_id, customer_id});
  ASSERT_NE(own, read.workload.key_after.end());
  EXPECT_EQ(own->second, 4U);
  EXPECT_EQ(read.workload.key_after.size(), 1U);
}

// A scheduler's job (midday's recurring invoices): one read of the due
// schedules, once in the log, then seven statements per row on one
// connection in autocommit, a millisecond apart: the row's invoice looked
// up, its customer, the next number, the insert, its update, the schedule
// read and updated. One loop with a seven-statement body, though its read
// ran once.
TEST(NPlusOneTrafficShapes, AJobsSevenStatementsPerRowAfterItsOneReadAreOneLoop) {
  const std::string due = "SELECT id, team_id, customer_id FROM invoice_recurring WHERE status = $1 AND "
                          "next_scheduled_at <= $2";
  const std::vector<std::string> body = {
      "SELECT id, status FROM invoices WHERE invoice_recurring_id = $1 AND recurring_sequence = $2 LIMIT $3",
      "SELECT id, name, email FROM customers WHERE id = $1 AND team_id = $2",
      "SELECT max(invoice_number) FROM invoices WHERE team_id = $1",
      "INSERT INTO invoices (id, team_id, customer_id, invoice_number) VALUES ($1, $2, $3, $4)",
      "UPDATE invoices SET status = $1, sent_to = $2 WHERE id = $3 AND team_id = $4",
      "SELECT id, invoices_generated FROM invoice_recurring WHERE id = $1 AND team_id = $2",
      "UPDATE invoice_recurring SET invoices_generated = $1, next_scheduled_at = $2 WHERE id = $3 AND "
      "team_id = $4"};
  const auto rows = [&](Log& log, double t, int pid, int first, int count) {
    for (int row = first; row < first + count; ++row) {
      const std::string id = "'" + std::to_string(1000 + row) + "'";
      for (std::size_t step = 0; step < body.size(); ++step) {
        log.execute(t + 1 + 8.0 * (row - first) + static_cast<double>(step), pid, body[step],
                    "$1 = " + id + ", $2 = '" + std::to_string(row % 7 + 2) + "', $3 = " + id + ", $4 = '1'");
      }
    }
  };
  Log job;
  job.execute(100, 500, due, "$1 = 'active', $2 = '2026-11-23 10:00:00+00'");
  rows(job, 100, 500, 0, 30);
  const loaders::LogReadResult read = job.read("job-loop.log");
  const auto findings = run_workload_rule(k_rule, read.workload);
  ASSERT_EQ(findings.size(), 1U) << messages(findings);
  const std::string& message = findings.front().message;
  EXPECT_EQ(message.rfind("Row-by-row inserts: 1 burst of INSERT INTO invoices", 0), 0U) << message;
  EXPECT_NE(message.find("(30 per burst"), std::string::npos) << message;
  EXPECT_NE(
      message.find("after 100% of 1 execution of SELECT id, team_id, customer_id FROM invoice_recurring"),
      std::string::npos)
      << message;
  EXPECT_NE(message.find("per row also UPDATE invoices"), std::string::npos) << message;

  // The same read once, then a dozen rows: too few to tell from one page's
  // work, with nothing to compare the read's one execution with.
  Log short_job;
  short_job.execute(100, 510, due, "$1 = 'active', $2 = '2026-11-23 10:00:00+00'");
  rows(short_job, 100, 510, 0, 12);
  const loaders::LogReadResult short_read = short_job.read("short-job.log");
  EXPECT_TRUE(run_workload_rule(k_rule, short_read.workload).empty())
      << messages(run_workload_rule(k_rule, short_read.workload));
}

// The same job with its writes in a transaction per row: two lookups,
// then BEGIN, insert, update, COMMIT, per row. The lookups and the
// transaction are one loop's body: one finding, not one for the reads and
// one for the transaction.
TEST(NPlusOneTrafficShapes, AJobsReadsAndItsTransactionPerRowAreOneLoop) {
  Log job;
  job.execute(100, 520, "SELECT id, team_id FROM invoice_recurring WHERE status = $1", "$1 = 'active'");
  for (int row = 0; row < 30; ++row) {
    const std::string id = "'" + std::to_string(2000 + row) + "'";
    const double t = 105 + 8.0 * row;
    job.execute(t, 520, "SELECT id, email FROM customers WHERE id = $1", "$1 = " + id);
    job.execute(t + 1, 520, "SELECT max(invoice_number) FROM invoices WHERE team_id = $1", "$1 = " + id);
    job.at(t + 2, 520, "BEGIN");
    job.execute(t + 3, 520, "INSERT INTO invoices (team_id, invoice_number) VALUES ($1, $2)",
                "$1 = " + id + ", $2 = 'INV-" + std::to_string(row) + "'");
    job.execute(t + 4, 520, "UPDATE invoice_recurring SET invoices_generated = $1 WHERE id = $2",
                "$1 = '3', $2 = " + id);
    job.at(t + 5, 520, "COMMIT");
  }
  const loaders::LogReadResult read = job.read("job-transactions.log");
  const auto findings = run_workload_rule(k_rule, read.workload);
  ASSERT_EQ(findings.size(), 1U) << messages(findings);
  const std::string& message = findings.front().message;
  EXPECT_EQ(message.rfind("A transaction per row: 1 burst of transaction of INSERT INTO invoices", 0), 0U)
      << message;
  EXPECT_NE(message.find("per row also SELECT id, email FROM customers"), std::string::npos) << message;
}

// A loop calling a helper that opens its own transaction (`db.transaction`
// per checklist item): BEGIN; the last position; INSERT; COMMIT, per row,
// on whichever connection the pool hands out.
TEST(NPlusOneTrafficShapes, ATransactionPerRowIsALoopOnOneOrSeveralConnections) {
  for (const int connections : {1, 2}) {
    Log log;
    for (int request = 0; request < 3; ++request) {
      const double t = 1000.0 * request + 100;
      log.at(t, 301, "SELECT id, title FROM items WHERE list_id = " + std::to_string(request + 1));
      for (int row = 0; row < 6; ++row) {
        const int pid = 301 + row % connections;
        const double start = t + 2 + 4.0 * row;
        const std::string n = std::to_string(request * 10 + row);
        log.at(start, pid, "BEGIN");
        log.at(start + 0.5, pid,
               "SELECT position FROM items WHERE list_id = 9" + n + " ORDER BY position DESC LIMIT 1");
        log.at(start + 1, pid, "INSERT INTO items (list_id, title) VALUES (9" + n + ", 'step " + n + "')");
        log.at(start + 1.5, pid, "COMMIT");
      }
    }
    const loaders::LogReadResult read = log.read("transaction-per-row.log");
    const auto findings = run_workload_rule(k_rule, read.workload);
    ASSERT_EQ(findings.size(), 1U) << connections << ":\n" << messages(findings);
    const core::Finding& finding = findings.front();
    EXPECT_EQ(finding.message.rfind("A transaction per row: 3 bursts of transaction of INSERT INTO items", 0),
              0U)
        << finding.message;
    EXPECT_NE(finding.message.find("after 100% of 3 executions of SELECT id, title FROM items"),
              std::string::npos)
        << finding.message;
    EXPECT_TRUE(
        evidence_says(finding, "each row is a transaction of its own (BEGIN; SELECT position FROM items"));
    ASSERT_TRUE(finding.fix);
    EXPECT_NE(finding.help.find("one statement, in one transaction"), std::string::npos) << finding.help;
  }
}

// Copying a board inside one transaction: per card an insert, a label for
// some cards, one of two activity inserts. The card insert repeats after
// the source cards' query, with optional statements in between.
TEST(NPlusOneTrafficShapes, ALoopBodyThatVariesPerRowIsStillOneLoop) {
  Log log;
  for (int copy = 0; copy < 2; ++copy) {
    const double t = 1000.0 * copy + 100;
    log.at(t, 400, "BEGIN");
    log.at(t + 1, 400, "SELECT id, title FROM cards WHERE board_id = " + std::to_string(copy + 1));
    double at = t + 2;
    for (int card = 0; card < 7; ++card) {
      const std::string n = std::to_string(copy * 10 + card);
      log.at(at += 0.5, 400, "INSERT INTO cards (board_id, title) VALUES (5" + n + ", 'card " + n + "')");
      if (card % 2 == 0) {
        log.at(at += 0.5, 400, "INSERT INTO card_labels (card_id, label) VALUES (" + n + ", 'x')");
      }
      log.at(at += 0.5, 400,
             std::string(card % 3 == 0 ? "INSERT INTO card_events (card_id, kind) VALUES ("
                                       : "INSERT INTO card_archive_events (card_id, kind) VALUES (") +
                 n + ", 'copied')");
    }
    log.at(at + 1, 400, "COMMIT");
  }
  const loaders::LogReadResult read = log.read("copy.log");
  const auto findings = run_workload_rule(k_rule, read.workload);
  ASSERT_EQ(findings.size(), 1U) << messages(findings);
  const core::Finding& finding = findings.front();
  EXPECT_EQ(finding.message.rfind("Row-by-row inserts: 2 bursts of INSERT INTO cards (board_id, title)", 0),
            0U)
      << finding.message;
  EXPECT_NE(finding.message.find("(7 per burst"), std::string::npos) << finding.message;
  EXPECT_TRUE(evidence_says(finding, "the loop body varies per row"));
}

// Three system roles looked up one by one, the same five names every time:
// a loop over a list fixed in the code, at most info, and the finding says
// why.
TEST(NPlusOneTrafficShapes, ALoopOverAConstantListIsInfoAndSaysWhy) {
  Log log;
  const char* names[] = {"owner", "admin", "member", "guest", "viewer"};
  for (int request = 0; request < 3; ++request) {
    const double t = 1000.0 * request + 100;
    log.at(t, 500, "SELECT id, name FROM workspaces WHERE owner_id = " + std::to_string(request + 1));
    for (int i = 0; i < 5; ++i) {
      log.at(t + 1 + 0.5 * i, 500, std::string("SELECT id FROM roles WHERE name = '") + names[i] + "'");
    }
  }
  const loaders::LogReadResult read = log.read("constant-list.log");
  const auto findings = run_workload_rule(k_rule, read.workload);
  ASSERT_EQ(findings.size(), 1U) << messages(findings);
  EXPECT_EQ(findings.front().severity, core::Severity::info);
  EXPECT_EQ(findings.front().message.rfind("A loop over a constant list, not N+1: ", 0), 0U)
      << findings.front().message;
  EXPECT_TRUE(evidence_says(findings.front(), "the same 5 parameter sets"));
}

// With sqlcommenter's traceparent on every statement (a span id each), a
// request's statements are grouped by its trace id on whichever backend
// they ran: exact, whatever else ran at the same time.
TEST(NPlusOneTrafficShapes, ATraceparentGroupsARequestsStatementsExactly) {
  Log log;
  const auto traced = [](const std::string& sql, int request, int span) {
    char trace[128];
    std::snprintf(trace, sizeof trace, " /*traceparent='00-%032x-%016x-01'*/", 0xabc000 + request,
                  0x100 + span);
    return sql + trace;
  };
  for (int request = 0; request < 3; ++request) {
    const double t = 1000.0 * request + 100;
    log.at(
        t, 600,
        traced("SELECT id, title FROM posts WHERE author_id = " + std::to_string(request + 1), request, 0));
    for (int row = 0; row < 5; ++row) {
      // Another request's lookup of the same table in between, on another backend.
      log.at(t + 1 + row, 620,
             traced("SELECT id, body FROM comments WHERE post_id = 7", 900 + request * 10 + row, 0));
      log.at(t + 1.5 + row, 610 + row,
             traced("SELECT id, body FROM comments WHERE post_id = " + std::to_string(request * 10 + row),
                    request, row + 1));
    }
  }
  const loaders::LogReadResult read = log.read("traced.log");
  EXPECT_EQ(read.workload.traced_statements, read.workload.statements);
  const auto findings = run_workload_rule(k_rule, read.workload);
  ASSERT_EQ(findings.size(), 1U) << messages(findings);
  EXPECT_NE(findings.front().message.find("3 bursts of SELECT id, body FROM comments WHERE post_id = $1"),
            std::string::npos)
      << findings.front().message;
  EXPECT_NE(findings.front().message.find("(5 per burst"), std::string::npos) << findings.front().message;
  EXPECT_TRUE(evidence_says(findings.front(), "traceparent trace id"));
}

} // namespace n_plus_one_traffic_shapes_test
