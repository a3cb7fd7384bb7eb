// writes-outside-transaction on the real traffic of fixtures/nplus1-app
// (bench/nplus1-app.sh) through both drivers: fixtures/logs/nplus1-app
// (node-postgres: a request's statements mostly on the connection it got
// back last) and fixtures/logs/nplus1-app-pgjs (postgres.js: each query on
// the next idle connection, so every backend interleaves several requests'
// writes). The app runs one multi-table write outside a transaction,
// ticket.move (routers/ticket.ts: ticketRepo.moveTo, then notifyWatchers'
// createNotification per watcher, all on ctx.db); every other write is a
// single table's or inside db.transaction. On every log the rule reports
// exactly that sequence, never an interleaving of other requests' writes
// (the archive of one stage, a comment, a copied checklist).

#include "loaders/logs/reader.hpp"
#include "workload_test_support.hpp"

#include <cctype>
#include <filesystem>
#include <gtest/gtest.h>
#include <set>

namespace writes_outside_transaction_app_traffic_test {

namespace fs = std::filesystem;
using namespace pgadvise;
using namespace pgadvise::test;

constexpr std::string_view k_rule = "writes-outside-transaction";

// The steps of each reported sequence.
std::set<std::vector<std::string>> sequences(const fs::path& log) {
  loaders::LogReadOptions options;
  options.log_line_prefix = "%m [%p] %q%u@%d/%a ";
  const loaders::LogReadResult read = loaders::read_logs({log.string()}, options);
  std::set<std::vector<std::string>> out;
  for (const core::Finding& finding : run_workload_rule(k_rule, read.workload)) {
    std::vector<std::string> steps;
    for (const core::Evidence& evidence : finding.evidence) {
      if (evidence.kind == core::Evidence::Kind::query) {
        steps.push_back(evidence.detail);
      }
    }
    out.insert(steps);
  }
  return out;
}

class AppWrites : public ::testing::TestWithParam<std::string> {};

TEST_P(AppWrites, OnlyTheTicketMoveIsASequenceOutsideATransaction) {
  const fs::path log = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "logs" / GetParam();
  ASSERT_TRUE(fs::exists(log)) << log;
  const std::set<std::vector<std::string>> expected = {
      {R"(step 1: update "tickets" set "stage_id" = $1 where "tickets"."id" = $2)",
       R"(step 2: insert into "notifications" ("id", "user_id", "ticket_id", "kind", "read_at", "created_at") )"
       R"(values (default, $1, $2, $3, default, default))"}};
  EXPECT_EQ(sequences(log), expected) << GetParam();
}

INSTANTIATE_TEST_SUITE_P(BothDrivers, AppWrites,
                         ::testing::Values("nplus1-app-pgjs/s1-c4.log.xz", "nplus1-app-pgjs/s2-c4.log.xz",
                                           "nplus1-app-pgjs/s1-c12.log.xz", "nplus1-app-pgjs/s2-c12.log.xz",
                                           "nplus1-app/s1-c4.log.xz", "nplus1-app/s2-c4.log.xz",
                                           "nplus1-app/s3-c4.log.xz", "nplus1-app/s1-c12.log.xz",
                                           "nplus1-app/s2-c12.log.xz", "nplus1-app/s3-c12.log.xz"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param;
                           for (char& c : name) {
                             c = std::isalnum(static_cast<unsigned char>(c)) != 0 ? c : '_';
                           }
                           return name;
                         });

} // namespace writes_outside_transaction_app_traffic_test
