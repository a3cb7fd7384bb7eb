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

#include <algorithm>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace query_in_loop_test {

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

// pg_stat_statements alone has no order: n-plus-one reports the feed's
// author lookup (fixtures/logs/drizzle-loop/feed.log's statement, called
// 3,000 times) as a likely N+1 and this rule the loop that issues it. One
// problem, one finding: consolidate merges the two (the same batched SQL),
// with the loop's Drizzle fix (n-plus-one names both loops that read users
// by id, the feed's and the traffic driver's, so it stays at its row); the
// loops the statistics do not show stay this rule's alone.
TEST(QueryInLoopApp, WithPgStatStatementsAloneEachLoopIsOneFinding) {
  const TempTree tree;
  const fs::path app = tree.copy(k_source / "fixtures/drizzle-loop-app", "loop blog");
  const std::string header =
      pgadvise::test::lines_of(
          pgadvise::test::read_text(k_source / "fixtures/rules/n-plus-one/bad_likely_lookups.pgss.csv"))
          .front();
  std::string row =
      R"(10,5,t,4242,"select ""id"", ""email"", ""name"" from ""users"" where ""users"".""id"" = $1",)"
      "0,0,0,0,0,0,3000,7.66,0.0015,0.05,0.00255,0.002,3000";
  for (std::size_t columns = 18; columns < pgadvise::test::count_of(header, ",") + 1; ++columns) {
    row += ",0";
  }
  const fs::path csv = app / "pgss.csv";
  pgadvise::test::write_text(csv, header + "\n" + row + "\n");
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
      app.string(), {"lint", ".", "--pgss", csv.string(), "--format", "json"});
  const json report = pgadvise::test::report_of(result);
  std::map<std::string, std::vector<std::string>> loops; // loop -> the rules of its finding
  for (const json& finding : pgadvise::test::findings_of(report, "query-in-loop")) {
    // Merged under n-plus-one's likely N+1 (at its pg_stat_statements row
    // when two loops read the table), this rule's finding is its evidence.
    std::string loop = where(finding);
    for (const json& evidence : finding["evidence"]) {
      if (evidence["kind"] == "finding" &&
          evidence["detail"].get<std::string>().rfind("query-in-loop:", 0) == 0) {
        loop = where(evidence);
      }
    }
    std::vector<std::string> rules;
    for (const json& id :
         finding.contains("rule_ids") ? finding["rule_ids"] : json::array({finding["rule"]})) {
      rules.push_back(id.get<std::string>());
    }
    std::sort(rules.begin(), rules.end());
    EXPECT_TRUE(loops.emplace(loop, rules).second) << "a loop reported twice: " << loop;
    EXPECT_NE(finding["fix"]["drizzle"].get<std::string>().find("inArray("), std::string::npos) << finding;
  }
  const std::vector<std::string> both = {"n-plus-one", "query-in-loop"};
  const std::vector<std::string> alone = {"query-in-loop"};
  EXPECT_EQ(loops, (std::map<std::string, std::vector<std::string>>{{"src/routes/feed.ts:9", both},
                                                                    {"src/routes/discussion.ts:8", alone},
                                                                    {"src/routes/invite.ts:8", alone}}))
      << result.out.substr(0, 4000);
  EXPECT_EQ(pgadvise::test::findings_of(report, "n-plus-one").size(), 1U);
}

// A deploy panel in the shape of Dokploy's packages/server services (the
// schema in one package, re-exported to the app drizzle-kit runs in; the
// services' loops): a key compared with a literal is a condition every row
// shares, never the batch's key. Before, failInterruptedDeployments' fix
// updated `inArray(deployments.state, ids)` (the rows' state, not their
// application), and readyAppsPerProject's grouped by `applications.status`,
// whose only key is the literal "done": each project's applications come
// through the joined environments. A template literal in the fields keeps
// its backquotes (`sql<number>count(*)` before).
TEST(QueryInLoop, DeployPanelBatchesByTheRowsKeyNotALiteralAndKeepsTemplates) {
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
      (k_source / "fixtures" / "real-shapes" / "deploy-panel").string(), {"lint", ".", "--format", "json"});
  ASSERT_LE(result.exit_code, 1) << result.err;
  std::map<std::string, std::string> fixes;
  for (const json& finding :
       pgadvise::test::findings_of(pgadvise::test::report_of(result), "query-in-loop")) {
    fixes[finding["location"]["file"].get<std::string>() + ":" +
          std::to_string(finding["location"]["line"].get<int>())] =
        finding["fix"]["drizzle"].get<std::string>();
  }
  ASSERT_EQ(fixes.size(), 3U);
  const std::string& fail = fixes["packages/server/src/services/deployment.ts:12"];
  EXPECT_NE(
      fail.find("update(deployments).set({ state: \"error\" }).where(and(inArray(deployments.applicationId, "
                "apps.map((app) => app.applicationId)), eq(deployments.state, \"running\")));"),
      std::string::npos)
      << fail;
  EXPECT_EQ(fail.find("inArray(deployments.state"), std::string::npos) << fail;
  const std::string& ready = fixes["packages/server/src/services/project.ts:15"];
  EXPECT_EQ(
      ready.rfind("// not batched: packages/server/src/services/project.ts:17:24 compares applications only "
                  "with literals (applications.status = \"done\")",
                  0),
      0U)
      << ready;
  EXPECT_EQ(ready.find("inArray(applications.status"), std::string::npos) << ready;
  const std::string& counts = fixes["packages/server/src/services/deployment.ts:23"];
  EXPECT_NE(
      counts.find("db.select({ applicationId: deployments.applicationId, total: sql<number>`count(*)` })"
                  ".from(deployments).where(inArray(deployments.applicationId, apps.map((app) => "
                  "app.applicationId))).groupBy(deployments.applicationId);"),
      std::string::npos)
      << counts;
}

// A model class in lobe-chat's shape deletes an agent per row only when a
// read in the same iteration found no other session using it. Before, the
// fix was a plain `delete(agents).where(inArray(agents.id, agentIds))`:
// applied, it deletes the agents still in use. The fix now opens with the
// warning and the `if`'s line; the unconditional update loop has none.
TEST(QueryInLoop, AWriteUnderTheLoopsOwnIfWarnsThatTheBatchDropsTheTest) {
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
      (k_source / "fixtures" / "real-shapes" / "chat-models").string(), {"lint", ".", "--format", "json"});
  ASSERT_LE(result.exit_code, 1) << result.err;
  std::map<std::string, std::string> fixes;
  for (const json& finding :
       pgadvise::test::findings_of(pgadvise::test::report_of(result), "query-in-loop")) {
    fixes[finding["location"]["file"].get<std::string>() + ":" +
          std::to_string(finding["location"]["line"].get<int>())] =
        finding["fix"]["drizzle"].get<std::string>();
  }
  ASSERT_EQ(fixes.size(), 2U);
  const std::string& drop = fixes["packages/database/src/models/session.ts:30"];
  EXPECT_EQ(
      drop.rfind("// careful: the loop runs this delete only under the test at "
                 "packages/database/src/models/session.ts:37:7: one delete for all rows without it writes "
                 "rows the loop leaves alone.",
                 0),
      0U)
      << drop;
  const std::string& pin = fixes["packages/database/src/models/session.ts:45"];
  EXPECT_EQ(pin.find("careful"), std::string::npos) << pin;
  EXPECT_EQ(
      pin.rfind("await this.db.update(sessions).set({ pinned: true }).where(and(inArray(sessions.id, ids), ",
                0),
      0U)
      << pin;
}

} // namespace query_in_loop_test
