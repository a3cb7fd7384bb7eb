// n-plus-one on a loop whose iterations a pool spreads over its backends,
// one at a time and further apart than a fan-out's gap (a helper that
// opens a transaction per row, under load): the rows are followed by the
// key value they share, the parent's key in the same column of each. The
// look-alikes share a value too and stay clean: one tenant's users at
// once, and one user's requests again.

#include "core/text.hpp"
#include "loaders/logs/reader.hpp"
#include "pg/parser.hpp"
#include "support/files.hpp"
#include "workload_test_support.hpp"

#include <cstdio>
#include <gtest/gtest.h>

namespace n_plus_one_shared_key_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "n-plus-one";

// A stderr log of the extended protocol (node-postgres): each statement an
// `execute <unnamed>` line and its DETAIL parameters, at millisecond times.
class Log {
public:
  void execute(double ms, int pid, const std::string& sql, const std::string& params) {
    line(ms, pid, "LOG:  execute <unnamed>: " + sql);
    line(ms, pid, "DETAIL:  parameters: " + params);
  }
  void statement(double ms, int pid, const std::string& sql) { line(ms, pid, "LOG:  statement: " + sql); }

  [[nodiscard]] loaders::LogReadResult read(const std::string& name) const {
    const std::string path = (test::scratch_dir() / name).string();
    write_text(path, m_text);
    loaders::LogReadOptions options;
    options.log_line_prefix = "%m [%p] %q%u@%d ";
    return loaders::read_logs({path}, options);
  }

private:
  void line(double ms, int pid, const std::string& text) {
    const auto whole = static_cast<long>(ms);
    const long seconds = whole / 1000;
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "2026-11-23 10:%02ld:%02ld.%03ld UTC", seconds / 60, seconds % 60,
                  whole % 1000);
    m_text += std::string(stamp) + " [" + std::to_string(pid) + "] app@desk " + text + "\n";
  }
  std::string m_text;
};

const std::string k_parent = "SELECT id, name FROM checklists WHERE public_id = $1";
const std::string k_copy = "INSERT INTO checklists (public_id, name) VALUES ($1, $2) RETURNING id";
const std::string k_last =
    "SELECT position FROM checklist_items WHERE checklist_id = $1 ORDER BY position DESC "
    "LIMIT $2";
const std::string k_add = "INSERT INTO checklist_items (public_id, checklist_id, title) VALUES ($1, $2, $3)";
const std::string k_session = "SELECT id, user_id FROM sessions WHERE token = $1 AND expires_at > $2";
const std::string k_member =
    "SELECT id, role_id FROM workspace_members WHERE user_id = $1 AND workspace_id = $2";

// Other users' statements, on the backends the loop's rows go to next.
const std::vector<std::string> k_others = {
    "SELECT id, title FROM tickets WHERE public_id = $1",
    "SELECT id, body FROM comments WHERE ticket_id = $1", "UPDATE tickets SET position = 1 WHERE id = $1",
    "SELECT name FROM tags WHERE ticket_id = $1", "SELECT id FROM stages WHERE project_id = $1"};

// One item added the way the helper does it: its own transaction.
void add_item(Log& log, double t, int pid, int checklist, int item) {
  const std::string id = std::to_string(checklist);
  log.statement(t, pid, "BEGIN");
  log.execute(t + 1, pid, k_last, "$1 = '" + id + "', $2 = '1'");
  log.execute(t + 3, pid, k_add,
              "$1 = 'pub-" + id + "-" + std::to_string(item) + "', $2 = '" + id + "', $3 = 'Step " +
                  std::to_string(item) + "'");
  log.statement(t + 4, pid, "COMMIT");
}

// Four copies of a checklist, each item on the next free backend 60 ms
// after the last (further apart than a fan-out's 50 ms), other users'
// statements in between on those backends; four single adds after the
// same lookup; one workspace's eight users opening a page at once, each
// after its own session lookup; one user's session looked up again and
// again on whatever backend is free.
Log pooled_traffic() {
  Log log;
  for (int request = 0; request < 4; ++request) {
    const double t = 2000.0 * request + 100;
    const int checklist = 700 + request;
    log.execute(t, 400, k_parent, "$1 = 'cl-" + std::to_string(request) + "'");
    log.execute(t + 5, 400, k_copy, "$1 = 'copy-" + std::to_string(request) + "', $2 = 'Copy'");
    // The first row on the request's own connection (the pool gives back
    // the one it released), the others wherever another user just finished.
    for (int item = 0; item < 6; ++item) {
      const int pid = item == 0 ? 400 : 410 + (item * 3 + request) % 8;
      const double at = t + 10 + 60.0 * item;
      if (item > 0) {
        log.execute(at - 20, pid, k_others[static_cast<std::size_t>(item - 1)],
                    "$1 = '" + std::to_string(request * 10 + item) + "'");
      }
      add_item(log, at, pid, checklist, item);
    }
    // Another user adds one item to another checklist meanwhile.
    log.execute(t + 500, 430, k_parent, "$1 = 'cl-single-" + std::to_string(request) + "'");
    add_item(log, t + 505, 430, 800 + request, 0);
  }
  for (int wave = 0; wave < 3; ++wave) {
    for (int user = 0; user < 8; ++user) {
      const double t = 9000.0 + 2000.0 * wave + 60.0 * user;
      const int pid = 440 + user;
      log.execute(t, pid, k_session,
                  "$1 = 'token-" + std::to_string(user) + "', $2 = '2026-11-23 10:00:0" +
                      std::to_string(wave) + "." + std::to_string(user) + "'");
      log.execute(t + 2, pid, k_member, "$1 = '" + std::to_string(user) + "', $2 = '1'");
    }
  }
  for (int again = 0; again < 8; ++again) {
    const double t = 16000.0 + 60.0 * again;
    log.execute(t, 450 + again % 5, k_session,
                "$1 = 'token-9', $2 = '2026-11-23 10:00:16." + std::to_string(again) + "'");
  }
  return log;
}

std::uint64_t fingerprint_of(const std::string& sql) {
  return pg::fingerprint(sql).value_or(0);
}

std::vector<const model::Repeat*> strands(const model::Workload& workload) {
  std::vector<const model::Repeat*> out;
  for (const model::Repeat& repeat : workload.repeats) {
    if (repeat.grouping == model::Repeat::Grouping::shared_key) {
      out.push_back(&repeat);
    }
  }
  return out;
}

std::string messages(const std::vector<core::Finding>& findings) {
  std::vector<std::string> out;
  for (const core::Finding& finding : findings) {
    out.push_back(finding.message);
  }
  return core::join(out, "\n");
}

// Each copy's six transactions are one strand by the checklist id they
// share, after the copy's own statements; nothing else is.
TEST(NPlusOneSharedKey, ALoopsRowsOnManyBackendsAreOneStrandByTheirParentsKey) {
  const loaders::LogReadResult read = pooled_traffic().read("shared-key.log");
  ASSERT_TRUE(read.usable);
  const std::vector<const model::Repeat*> found = strands(read.workload);
  ASSERT_EQ(found.size(), 4U);
  for (const model::Repeat* strand : found) {
    EXPECT_EQ(strand->fingerprint, fingerprint_of(k_add));
    EXPECT_NE(strand->transaction_shape, 0U);
    EXPECT_EQ(strand->count, 6U);
    EXPECT_EQ(strand->distinct_params, 6U);
    EXPECT_GE(strand->backends, 5U) << strand->backend_list;
    // The statements the loop's first transaction followed on its
    // connection: the copy, then the source's lookup.
    EXPECT_EQ(strand->candidates[0], fingerprint_of(k_copy));
    EXPECT_EQ(strand->candidates[1], fingerprint_of(k_parent));
  }
}

// The rule reports the loop once, as a transaction per row after the
// source's lookup, and says how its rows were joined; the single adds, the
// tenant's page and the user's repeated requests are not loops.
TEST(NPlusOneSharedKey, ATransactionPerRowSpreadOverThePoolIsReportedAndTheLookAlikesAreNot) {
  const loaders::LogReadResult read = pooled_traffic().read("shared-key-rule.log");
  const auto findings = run_workload_rule(k_rule, read.workload);
  ASSERT_EQ(findings.size(), 1U) << messages(findings);
  const core::Finding& finding = findings.front();
  EXPECT_EQ(finding.message.rfind(
                "A transaction per row: 4 bursts of transaction of INSERT INTO checklist_items", 0),
            0U)
      << finding.message;
  EXPECT_NE(finding.message.find("(6 per burst"), std::string::npos) << finding.message;
  EXPECT_NE(finding.message.find("executions of SELECT id, name FROM checklists"), std::string::npos)
      << finding.message;
  EXPECT_TRUE(std::any_of(finding.evidence.begin(), finding.evidence.end(), [](const core::Evidence& e) {
    return e.detail.find("joined by a key value they all share") != std::string::npos;
  }));
}

} // namespace n_plus_one_shared_key_test
