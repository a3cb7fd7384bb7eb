// fixtures/real-shapes/team-board: a tRPC app over repository modules and
// one node-postgres Pool of 10 (written after reading midday's and
// openstatus's tRPC routers and query modules), with real PostgreSQL 15 logs
// of 4 and of 12 users at once (bench/team-board.sh). Its three per-row
// loops are small -- 3 or 4 roles per permission check, 5 or 6 members per
// comment, 3 to 8 checklist items each copied in its own transaction -- and
// their statements hop the pool's connections between other users'. The
// code names each loop and its read; the log's request windows confirm it
// (most of the read's executions were each followed by two or more of the
// loop's statements). The look-alikes stay silent: users opening one task
// page at once, a loop over a constant list, a board read with inArray.

#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace team_board_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::findings_of;

const fs::path k_app = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "team-board";

json lint(const std::vector<std::string>& extra, const fs::path& dir = k_app) {
  std::vector<std::string> args = {"lint", ".", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(dir.string(), args);
  EXPECT_EQ(result.exit_code, 1) << result.err;
  return pgadvise::test::report_of(result);
}

std::string at(const json& finding) {
  return finding["location"].is_object() ? finding["location"]["file"].get<std::string>() + ":" +
                                               std::to_string(finding["location"]["line"].get<int>())
                                         : std::string("(no location)");
}

std::set<std::string> places(const json& report, std::string_view rule) {
  std::set<std::string> out;
  for (const json& finding : findings_of(report, rule)) {
    out.insert(at(finding));
  }
  return out;
}

// The permission check's Promise.all over 3-4 roles, the mention
// notifier's over 5-6 members, the checklist copy's for...of over 3-8 items.
const std::set<std::string> k_loops = {"src/server/trpc.ts:24", "src/server/routers/comment.ts:18",
                                       "src/server/routers/checklist.ts:19"};

std::string evidence_text(const json& finding) {
  std::string out;
  for (const json& evidence : finding["evidence"]) {
    out += evidence.value("detail", "") + "\n";
  }
  return out;
}

// Every loop is n-plus-one's, high or critical, with the log's lines in
// its evidence; query-in-loop has none left, and the look-alikes get
// nothing from either rule.
void expect_every_loop_confirmed(const json& report, const std::string& log_name) {
  EXPECT_EQ(places(report, "n-plus-one"), k_loops) << report.dump(2).substr(0, 6000);
  EXPECT_TRUE(findings_of(report, "query-in-loop").empty()) << places(report, "query-in-loop").size();
  for (const json& finding : findings_of(report, "n-plus-one")) {
    const std::string severity = finding["severity"];
    EXPECT_TRUE(severity == "high" || severity == "critical") << finding.dump(2);
    bool log_line = false;
    for (const json& evidence : finding["evidence"]) {
      log_line =
          log_line || (evidence["kind"] == "log" && evidence["location"].is_object() &&
                       evidence["location"]["file"].get<std::string>().find(log_name) != std::string::npos &&
                       evidence["location"]["line"].get<int>() > 0);
    }
    EXPECT_TRUE(log_line) << finding.dump(2);
    const std::string message = finding["message"];
    if (at(finding) == "src/server/trpc.ts:24") {
      EXPECT_EQ(finding["object"]["table"], "permissions");
      // After the roles read its rows come from, not a read that merely
      // runs less often (a comment's members read).
      EXPECT_NE(message.find("roles"), std::string::npos) << message;
      EXPECT_EQ(message.find("\"members\" inner join"), std::string::npos) << message;
    }
    if (at(finding) == "src/server/routers/comment.ts:18") {
      EXPECT_EQ(finding["object"]["table"], "notifications");
    }
    if (at(finding) == "src/server/routers/checklist.ts:19") {
      EXPECT_EQ(finding["object"]["table"], "checklist_items");
    }
  }
}

// 4 users, a second of think time: each permission check's 3 or 4 lookups
// run alone, under min-burst, on whichever connections are free. The log's
// request windows give each roles read its own: the loop is confirmed, in
// one sentence, with a read's and its lookups' log lines and how sure
// their attribution is. (Before, the counts alone named the members read
// as the parent: "14.5 per execution".)
TEST(TeamBoard, FourUsersOnAPoolOfTenEveryLoopConfirmedByTheLog) {
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15-4-users.log.gz").string()});
  expect_every_loop_confirmed(report, "postgresql-15-4-users.log.gz");
  for (const json& finding : findings_of(report, "n-plus-one")) {
    if (at(finding) != "src/server/trpc.ts:24") {
      continue;
    }
    const std::string message = finding["message"];
    EXPECT_EQ(
        message.rfind("Query in a loop, confirmed by the log: 3-4 permissions lookups after each of ", 0), 0U)
        << message;
    EXPECT_NE(message.find(" reads of roles ("), std::string::npos) << message;
    EXPECT_EQ(finding["severity"], "high") << message; // 465 lookups, 31 ms in all
    const std::string evidence = evidence_text(finding);
    EXPECT_NE(evidence.find("postgresql-15-4-users.log.gz:"), std::string::npos) << evidence;
    EXPECT_NE(evidence.find(" (the read), then lines "), std::string::npos) << evidence;
    EXPECT_NE(evidence.find("ran on the connection that request had just used"), std::string::npos)
        << evidence;
    EXPECT_NE(evidence.find("the attribution is"), std::string::npos) << evidence;
  }
}

// 12 users without sqlcommenter: the loops' statements of several users
// interleave on the pool; each loop is still found, after its own read.
TEST(TeamBoard, TwelveUsersWithoutTracesEveryLoopConfirmedByTheLog) {
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15-12-users.log.gz").string()});
  expect_every_loop_confirmed(report, "postgresql-15-12-users.log.gz");
}

// The request windows alone, on 12 users without sqlcommenter: with
// min-burst raised past every loop's size no burst confirms anything, and
// each loop is still confirmed, its statements given to their reads'
// executions, the evidence saying how sure that is (the checklist copy's
// sequential transactions all on their request's connection).
TEST(TeamBoard, TwelveUsersTheRequestWindowsAloneConfirmEveryLoop) {
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15-12-users.log.gz").string(), "--option",
                            "n-plus-one.min-burst=10"});
  expect_every_loop_confirmed(report, "postgresql-15-12-users.log.gz");
  for (const json& finding : findings_of(report, "n-plus-one")) {
    const std::string message = finding["message"];
    EXPECT_EQ(message.rfind("Query in a loop, confirmed by the log: ", 0), 0U) << message;
    const std::string evidence = evidence_text(finding);
    EXPECT_NE(evidence.find(" (the read), then lines "), std::string::npos) << evidence;
    if (at(finding) == "src/server/routers/checklist.ts:19") {
      EXPECT_NE(message.find("each in its own transaction"), std::string::npos) << message;
      EXPECT_NE(evidence.find("the attribution is near certain"), std::string::npos) << evidence;
    } else {
      EXPECT_NE(evidence.find("the attribution is"), std::string::npos) << evidence;
    }
  }
}

// Without the code, the log alone keeps min-burst: 3 or 4 lookups after a
// read are no N+1 on their counts.
TEST(TeamBoard, WithoutTheCodeTheLogAloneKeepsMinBurst) {
  const pgadvise::test::TempTree tree;
  const json report =
      lint({"--log", (k_app / "logs" / "postgresql-15-4-users.log.gz").string()}, tree.root());
  for (const json& finding : findings_of(report, "n-plus-one")) {
    EXPECT_NE(finding["object"]["table"], "permissions") << finding.dump(2);
  }
}

// From the code alone the same three loops are query-in-loop's, and the
// constant list, the one-page reads and the inArray board are none.
TEST(TeamBoard, FromTheCodeTheThreeLoopsAndNoLookAlike) {
  const json report = lint({});
  EXPECT_EQ(places(report, "query-in-loop"), k_loops);
  EXPECT_TRUE(findings_of(report, "n-plus-one").empty());
}

} // namespace team_board_test
