// writes-outside-transaction on a connection that carries several requests
// at once, as postgres.js drives it: each query goes to the next free
// connection (pipelined when none is), so one backend's log interleaves
// the writes of unrelated requests. Only the writes that share a value (the
// ticket's id in the UPDATE's key and in the notification's row) are one
// request's sequence.

#include "loaders/logs/reader.hpp"
#include "support/files.hpp"
#include "workload_test_support.hpp"

#include <cstdio>
#include <gtest/gtest.h>

namespace writes_outside_transaction_pipelined_test {

using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "writes-outside-transaction";

const std::string k_move = R"(update "tickets" set "stage_id" = $1 where "tickets"."id" = $2)";
const std::string k_notify =
    R"(insert into "notifications" ("id", "user_id", "ticket_id", "kind") values (default, $1, $2, $3))";
const std::string k_archive = R"(update "tickets" set "archived_at" = $1 where "tickets"."id" = $2)";
const std::string k_event =
    R"(insert into "ticket_events" ("id", "ticket_id", "kind") values (default, $1, $2))";
const std::string k_comment =
    R"(insert into "comments" ("id", "ticket_id", "author_id", "body") values (default, $1, $2, $3) returning "id")";

// One backend's stderr log, the extended protocol's `execute <unnamed>`
// lines with their DETAIL parameters, one statement per millisecond.
struct Backend {
  int pid = 0;
  long ms = 0;
  std::string text;

  void execute(const std::string& sql, const std::string& params) {
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "2026-11-24 09:%02ld:%02ld.%03ld UTC", ms / 60000, ms / 1000 % 60,
                  ms % 1000);
    const std::string prefix = std::string(stamp) + " [" + std::to_string(pid) + "] flowdesk@flowdesk ";
    text += prefix + "LOG:  execute <unnamed>: " + sql + "\n";
    text += prefix + "DETAIL:  parameters: " + params + "\n";
    ++ms;
  }
};

// Three rounds 400 ms apart on one backend: a ticket moved (its stage, then
// a watcher's notification for the same ticket) while other users archive
// a ticket, comment on a third and record an event of a fourth (of the
// same kind as the notification: a word links nothing), their writes in
// between.
std::string pipelined_log(bool linked) {
  Backend backend{4711, 0, {}};
  for (int round = 0; round < 3; ++round) {
    const std::string moved = std::to_string(5101 + round);
    const std::string notified = linked ? moved : std::to_string(5301 + round);
    backend.ms = 1000 + 400L * round;
    backend.execute(k_archive, "$1 = '2026-11-24 09:00:01.2', $2 = '" + std::to_string(6202 + round) + "'");
    backend.execute(k_move, "$1 = '17', $2 = '" + moved + "'");
    backend.execute(k_comment, "$1 = '" + std::to_string(6310 + round) + "', $2 = '32', $3 = 'on it'");
    backend.execute(k_event, "$1 = '" + std::to_string(7001 + round) + "', $2 = 'ticket.moved'");
    backend.execute(k_notify, "$1 = '31', $2 = '" + notified + "', $3 = 'ticket.moved'");
  }
  return backend.text;
}

std::vector<core::Finding> lint(const std::string& name, const std::string& text) {
  const std::string path = (test::scratch_dir() / name).string();
  write_text(path, text);
  loaders::LogReadOptions options;
  options.log_line_prefix = "%m [%p] %q%u@%d ";
  const loaders::LogReadResult read = loaders::read_logs({path}, options);
  return run_workload_rule(k_rule, read.workload);
}

TEST(WritesOutsideTransactionPipelined, OneRequestsLinkedWritesAreASequenceOthersInBetweenAreNot) {
  const auto findings = lint("pipelined-linked.log", pipelined_log(true));
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].message, "2 writes to tickets, notifications ran one after another in autocommit, "
                                 "without a transaction, 3 times");
  EXPECT_EQ(findings[0].location.line, 3); // the first round's stage update
  EXPECT_EQ(findings[0].evidence.size(), 3U) << "the sequence and its two steps";
}

TEST(WritesOutsideTransactionPipelined, InterleavedWritesSharingNoValueAreNoSequence) {
  // The same statements in the same order, but no write shares a value with
  // another: four requests' single writes, not one request's four.
  EXPECT_TRUE(lint("pipelined-unlinked.log", pipelined_log(false)).empty());
}

// An order and its items, the order's new id coming back from RETURNING
// (the log never shows it), with another user's archive in between.
TEST(WritesOutsideTransactionPipelined, AChildRowOfANewRowIsLinkedByItsParentsKeyColumn) {
  Backend backend{4712, 0, {}};
  for (int round = 0; round < 3; ++round) {
    const std::string product = std::to_string(710 + round);
    backend.ms = 1000 + 400L * round;
    backend.execute(
        R"(insert into "orders" ("id", "customer_id", "total") values (default, $1, $2) returning "id")",
        "$1 = '" + std::to_string(88 + round) + "', $2 = '59.90'");
    backend.execute(k_archive, "$1 = '2026-11-24 09:00:01.2', $2 = '" + std::to_string(6202 + round) + "'");
    backend.execute(R"(insert into "order_items" ("order_id", "product_id", "quantity") values ($1, $2, $3))",
                    "$1 = '" + std::to_string(9001 + round) + "', $2 = '" + product + "', $3 = '1'");
    backend.execute(
        R"(update "inventory" set "in_stock" = "in_stock" - $1 where "inventory"."product_id" = $2)",
        "$1 = '1', $2 = '" + product + "'");
  }
  const auto findings = lint("returning.log", backend.text);
  ASSERT_EQ(findings.size(), 1U);
  EXPECT_EQ(findings[0].message, "3 writes to orders, order_items, inventory ran one after another in "
                                 "autocommit, without a transaction, 3 times");
}

} // namespace writes_outside_transaction_pipelined_test
