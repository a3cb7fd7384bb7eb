// query-in-loop on fixtures/nplus1-app without a workload: the app's eight
// per-row loops (fixtures/nplus1-app/README.md, the same set n-plus-one
// finds in the app's logs), each at its loop's file:line with the chain of
// helpers down to the Drizzle call and the Drizzle fix for that loop, and
// none of the look-alikes (the loop over three system roles, the batched
// inArray reads, the one relational query, the helper called once). With a
// log, n-plus-one judges the loops and this rule says nothing.

#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace query_in_loop_app_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::TempTree;

const fs::path k_source = PGADVISE_SOURCE_DIR;

// Each loop: the first helper of its chain ("" when the query is in the
// loop's body, or the chain starts at a call the test does not name) and a
// piece of its fix.
const std::map<std::string, std::pair<std::string, std::string>>& loops() {
  static const std::map<std::string, std::pair<std::string, std::string>> k_loops = {
      {"apps/api/src/routers/role.ts:13",
       {"permissionRepo.listForRole()", "inArray(rolePermissions.roleId, roles.map((role) => role.id))"}},
      {"apps/api/src/routers/comment.ts:27",
       {"memberRepo.findByHandle()", "inArray(users.handle, parseMentions(input.body))"}},
      {"apps/api/src/routers/checklist.ts:31",
       {"checklistRepo.createItem()", "createItem() opens a transaction for each row"}},
      {"apps/api/src/services/project-copy.ts:28",
       {"ticketRepo.insertCopy()", ".values(tickets.map((ticket) =>"}},
      {"apps/api/src/services/notify.ts:6",
       {"createNotification()", "db.insert(notifications).values(watchers.map((watcher) =>"}},
      {"apps/api/src/routers/stage.ts:16",
       {"archiveTicket()", "inArray(tickets.id, open.map((ticket) => ticket.id))"}},
      {"apps/api/src/services/digest.service.ts:15",
       {"this.activity.latestFor()",
        "inArray(ticketEvents.ticketId, watched.map((watch) => watch.ticketId))"}},
      {"apps/api/src/routers/ticket.ts:24",
       {"tagStore.forTicket()", "inArray(ticketTags.ticketId, rows.map((row) => row.id))"}},
  };
  return k_loops;
}

std::string where(const json& finding) {
  return finding["location"]["file"].get<std::string>() + ":" +
         std::to_string(finding["location"]["line"].get<int>());
}

// The query-in-loop findings of `pgadvise lint . [extra...]` run in a copy of the app.
std::vector<json> findings(const std::vector<std::string>& extra = {}) {
  const TempTree tree;
  const fs::path app = tree.copy(k_source / "fixtures/nplus1-app", "flow desk");
  std::vector<std::string> args = {"lint", ".", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(app.string(), args);
  EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
  return pgadvise::test::findings_of(pgadvise::test::report_of(result), "query-in-loop");
}

TEST(QueryInLoopApp, WithoutALogTheEightLoopsAtTheirLinesWithChainAndFix) {
  std::set<std::string> places;
  for (const json& finding : findings()) {
    const std::string at = where(finding);
    places.insert(at);
    const auto loop = loops().find(at);
    if (loop == loops().end()) {
      ADD_FAILURE() << "not one of the app's loops: " << at << ": " << finding["message"];
      continue;
    }
    const std::string chain = pgadvise::test::evidence_details(finding, "code");
    EXPECT_NE(chain.find("loop at " + at + ":"), std::string::npos) << chain;
    EXPECT_NE(chain.find(" -> " + loop->second.first), std::string::npos) << chain;
    EXPECT_NE(chain.find(" -> the Drizzle call at "), std::string::npos) << chain;
    const std::string fix = finding["fix"]["drizzle"].get<std::string>();
    EXPECT_NE(fix.find(loop->second.second), std::string::npos) << at << "\n" << fix;
    EXPECT_EQ(finding["fix"]["drizzle_file"], at);
    // Every loop of the app reads rows a query read before it, or writes per row.
    EXPECT_EQ(finding["severity"], "medium") << at;
    const std::string message = finding["message"].get<std::string>();
    EXPECT_NE(message.find("read from the code"), std::string::npos) << message;
    EXPECT_NE(message.find("--log"), std::string::npos) << message;
    EXPECT_EQ(message.find("opens a transaction of its own") != std::string::npos,
              at == "apps/api/src/routers/checklist.ts:31")
        << message;
  }
  std::set<std::string> expected;
  for (const auto& [at, loop] : loops()) {
    expected.insert(at);
  }
  EXPECT_EQ(places, expected);
}

// A log's order shows which loops run per row: n-plus-one reports them
// (critical), this rule nothing, so no loop is reported twice.
TEST(QueryInLoopApp, WithALogOnlyNPlusOneReportsTheLoops) {
  EXPECT_TRUE(findings({"--log", (k_source / "fixtures/logs/nplus1-app/s1-c4.log.xz").string()}).empty());
}

} // namespace query_in_loop_app_test
