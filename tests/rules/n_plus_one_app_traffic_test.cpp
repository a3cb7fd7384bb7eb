// issue 29's whole answer on real traffic: fixtures/nplus1-app is a monorepo
// app (tRPC routers over repository helpers of a workspace package) and
// fixtures/logs/nplus1-app the PostgreSQL 15 logs of concurrent virtual users
// calling it over one pg Pool (bench/nplus1-app.sh; 3 seeds x 2 concurrency
// levels, and sqlcommenter traceparent). On every log, n-plus-one reports
// exactly the app's eight per-row loops, each at its loop's file:line (the
// `for`, or `Promise.all(`), with the chain of helpers down to the Drizzle
// call and the Drizzle fix for that loop, and none of the look-alikes
// (not_found_yet() lists the loops some logs do not show yet).

#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace n_plus_one_app_traffic_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::TempTree;

const fs::path k_source = PGADVISE_SOURCE_DIR;

// Each loop of fixtures/nplus1-app/README.md: where it is, the helper it
// calls first, and what its fix says.
struct Loop {
  std::string callee;
  std::vector<std::string> fix;
};

const std::map<std::string, Loop>& loops() {
  static const std::map<std::string, Loop> k_loops = {
      {"apps/api/src/routers/role.ts:13",
       {"permissionRepo.listForRole()",
        {"inArray(rolePermissions.roleId, roles.map((role) => role.id))",
         "db.query.workspaceRoles.findMany({ with: { permissions: true } })"}}},
      {"apps/api/src/routers/comment.ts:27",
       {"memberRepo.findByHandle()", {"inArray(users.handle, parseMentions(input.body))"}}},
      {"apps/api/src/routers/checklist.ts:31",
       {"checklistRepo.createItem()",
        {"createItem() opens a transaction for each row", ".values(source.items.map((item) =>"}}},
      {"apps/api/src/services/project-copy.ts:28", {"", {".values(tickets.map((ticket) =>"}}},
      {"apps/api/src/services/notify.ts:6",
       {"createNotification()", {"db.insert(notifications).values(watchers.map((watcher) =>"}}},
      {"apps/api/src/routers/stage.ts:16",
       {"archiveTicket()", {"db.update(tickets)", "inArray(tickets.id, open.map((ticket) => ticket.id))"}}},
      {"apps/api/src/services/digest.service.ts:15",
       {"this.activity.latestFor()",
        {"inArray(ticketEvents.ticketId, watched.map((watch) => "
         "watch.ticketId))"}}},
      {"apps/api/src/routers/ticket.ts:24",
       {"tagStore.forTicket()",
        {"inArray(ticketTags.ticketId, rows.map((row) => row.id))",
         "db.query.tickets.findMany({ with: { tags: true } })"}}},
  };
  return k_loops;
}

// The loops a log does not show yet, by log (empty: the exact set). Each
// entry is a gap, never a finding to expect.
const std::map<std::string, std::set<std::string>>& not_found_yet() {
  // None now: postgres.js's logs (fixtures/logs/nplus1-app-pgjs) missed
  // ticket.ts:24 (s1-c4), role.ts:13 and stage.ts:16 (s1-c12) until a
  // connection's run that spans several requests' fan-outs stopped counting
  // as holding the executions of each of them.
  static const std::map<std::string, std::set<std::string>> k_missing = {};
  return k_missing;
}

class AppTraffic : public ::testing::TestWithParam<std::string> {
protected:
  TempTree m_tree;
  fs::path m_app;

  void SetUp() override { m_app = m_tree.copy(k_source / "fixtures/nplus1-app", "flow desk"); }

  // The n-plus-one findings of `pgadvise lint . --log LOG` run in the app
  // (pgjs-NAME: fixtures/logs/nplus1-app-pgjs/NAME, the app on drizzle-orm's
  // postgres-js driver).
  [[nodiscard]] std::vector<json> findings(const std::string& log) const {
    const fs::path file = log.rfind("pgjs-", 0) == 0
                              ? k_source / "fixtures/logs/nplus1-app-pgjs" / log.substr(5)
                              : k_source / "fixtures/logs/nplus1-app" / log;
    const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
        m_app.string(), {"lint", ".", "--log", file.string(), "--format", "json"});
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
    const json report = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << result.out;
    std::vector<json> out;
    for (const json& finding : report.is_discarded() ? json::array() : report["findings"]) {
      if (finding["rule"] == "n-plus-one") {
        out.push_back(finding);
      }
    }
    return out;
  }
};

std::string where(const json& finding) {
  const json& location = finding["location"];
  return location.is_null()
             ? std::string("(no location)")
             : location["file"].get<std::string>() + ":" + std::to_string(location["line"].get<int>());
}

std::string code_evidence(const json& finding) {
  return pgadvise::test::evidence_details(finding, "code");
}

std::string describe(const json& finding) {
  return where(finding) + ": " + finding["message"].get<std::string>().substr(0, 200) + "\n" +
         code_evidence(finding);
}

TEST_P(AppTraffic, ExactlyTheEightLoopsAtTheirLinesWithChainAndFix) {
  const std::vector<json> found = findings(GetParam());
  std::set<std::string> places;
  for (const json& finding : found) {
    const std::string at = where(finding);
    places.insert(at);
    const auto loop = loops().find(at);
    if (loop == loops().end()) {
      ADD_FAILURE() << "not one of the app's loops: " << describe(finding);
      continue;
    }
    // The chain: the loop, the helper it calls, ..., the Drizzle call.
    const std::string chain = code_evidence(finding);
    EXPECT_NE(chain.find("loop at " + at + ":"), std::string::npos) << chain;
    EXPECT_NE(chain.find(" -> " + loop->second.callee), std::string::npos) << chain;
    EXPECT_NE(chain.find(" -> the Drizzle call at "), std::string::npos) << chain;
    const std::string fix =
        finding["fix"]["drizzle"].is_string() ? finding["fix"]["drizzle"].get<std::string>() : "";
    for (const std::string& part : loop->second.fix) {
      EXPECT_NE(fix.find(part), std::string::npos) << at << "\n" << fix;
    }
    EXPECT_EQ(finding["fix"]["drizzle_file"], at);
    // A code change (its SQL the statement the new code sends): named by its
    // table's variable, with no drizzle-kit generate && migrate after it.
    EXPECT_EQ(finding["fix"]["kind"], "code") << finding["fix"].dump(2);
    EXPECT_TRUE(finding["fix"]["drizzle_table"].is_string()) << finding["fix"].dump(2);
    EXPECT_TRUE(finding["fix"]["commands"].is_null()) << finding["fix"].dump(2);
    EXPECT_EQ(finding["severity"], "critical") << describe(finding);
  }
  // Every true loop but the known gaps, and nothing else: no look-alike
  // (other users' concurrent requests, a constant list, a batched query, a
  // relational query) and no loop after a wrong parent.
  const auto missing = not_found_yet().find(GetParam());
  std::set<std::string> expected;
  for (const auto& [at, loop] : loops()) {
    if (missing == not_found_yet().end() || missing->second.count(at) == 0) {
      expected.insert(at);
    }
  }
  EXPECT_EQ(places, expected);
  EXPECT_EQ(found.size(), places.size()) << "a loop reported twice";
  // The most expensive loop first, whatever its file: the project copy's
  // some forty inserts per call outnumber every other loop's rows.
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(where(found.front()), "apps/api/src/services/project-copy.ts:28");
}

// A transaction per row is issued only by a loop that opens one per row
// (checklist.duplicate's createItem); the project copy's loop inserts the
// same checklist items inside its one transaction. Given a read of
// checklists before it too (as if it first made a template checklist),
// both loops follow the parent's table: the copy's cannot issue a
// transaction per row, so the finding is still at checklist.ts:31, not
// "2 Drizzle calls in loops ... cannot tell".
TEST(AppTrafficTransactionPerRow, OnlyALoopThatOpensATransactionPerRowIssuesIt) {
  const TempTree tree;
  const fs::path app = tree.copy(k_source / "fixtures/nplus1-app", "flow desk");
  const fs::path copy = app / "apps/api/src/services/project-copy.ts";
  std::string text = pgadvise::test::read_text(copy);
  const std::string before_loop = "    const stageIds = new Map(";
  ASSERT_NE(text.find(before_loop), std::string::npos);
  text.insert(text.find(before_loop),
              "    await checklistRepo.insertCopies(tx, [{ ticketId: project.id, name: "
              "\"template\", position: 0 }]);\n");
  pgadvise::test::write_text(copy, text);
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
      app.string(), {"lint", ".", "--log", (k_source / "fixtures/logs/nplus1-app/s1-c4.log.xz").string(),
                     "--format", "json"});
  const json report = json::parse(result.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << result.err;
  std::vector<std::string> places;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == "n-plus-one" &&
        finding["message"].get<std::string>().find("A transaction per row") != std::string::npos) {
      places.push_back(where(finding));
      EXPECT_NE(code_evidence(finding).find("-> checklistRepo.createItem()"), std::string::npos)
          << code_evidence(finding);
    }
  }
  EXPECT_EQ(places, std::vector<std::string>{"apps/api/src/routers/checklist.ts:31"});
}

// The transaction-per-row findings of the app's s1-c4 log: where each is,
// then its code evidence.
std::vector<std::string> transaction_per_row_places(const fs::path& app) {
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
      app.string(), {"lint", ".", "--log", (k_source / "fixtures/logs/nplus1-app/s1-c4.log.xz").string(),
                     "--format", "json"});
  const json report = json::parse(result.out, nullptr, false);
  EXPECT_FALSE(report.is_discarded()) << result.err;
  std::vector<std::string> places;
  for (const json& finding : report.is_discarded() ? json::array() : report["findings"]) {
    if (finding["rule"] == "n-plus-one" &&
        finding["message"].get<std::string>().find("A transaction per row") != std::string::npos) {
      places.push_back(where(finding) + "\n" + code_evidence(finding));
    }
  }
  return places;
}

// A helper whose loop inserts checklist items, each by createItem (a
// transaction per row).
std::string items_helper(const std::string& name) {
  return "import type { Database } from \"@flowdesk/db\";\n"
         "import * as checklistRepo from \"@flowdesk/db/repository/checklist.repo\";\n\n"
         "export async function " +
         name +
         "(db: Database, checklistId: number, items: { title: string }[]) {\n"
         "  for (const item of items) {\n"
         "    await checklistRepo.createItem(db, { checklistId, title: item.title });\n"
         "  }\n"
         "}\n";
}

// The duplicate's loop moved into a helper (copyItems) whose function reads
// no checklist before it: the log's parent (the source checklist's read)
// is not before the loop in its function, yet the loop is the only one that
// opens a transaction per row and inserts items, so the finding is there.
// With a second such loop, both are named and none is chosen.
TEST(AppTrafficTransactionPerRow, TheOnlyLoopOpeningATransactionPerRowIsItsLoopWhateverRanBefore) {
  const TempTree tree;
  const fs::path app = tree.copy(k_source / "fixtures/nplus1-app", "flow desk");
  const fs::path router = app / "apps/api/src/routers/checklist.ts";
  std::string text = pgadvise::test::read_text(router);
  const std::string loop = "      for (const item of source.items) {\n"
                           "        await checklistRepo.createItem(ctx.db, { checklistId: copy.id, title: "
                           "item.title });\n"
                           "      }\n";
  ASSERT_NE(text.find(loop), std::string::npos);
  text.replace(text.find(loop), loop.size(), "      await copyItems(ctx.db, copy.id, source.items);\n");
  text.insert(text.find("import { createTRPCRouter"),
              "import { copyItems } from \"../helpers/checklist-copy\";\n");
  pgadvise::test::write_text(router, text);
  pgadvise::test::write_text(app / "apps/api/src/helpers/checklist-copy.ts", items_helper("copyItems"));
  std::vector<std::string> places = transaction_per_row_places(app);
  ASSERT_EQ(places.size(), 1U);
  EXPECT_EQ(places[0].substr(0, places[0].find('\n')), "apps/api/src/helpers/checklist-copy.ts:5")
      << places[0];
  EXPECT_NE(places[0].find("it is the only loop that opens a transaction per row"), std::string::npos)
      << places[0];
  // A second loop that opens a transaction per row and inserts items.
  pgadvise::test::write_text(app / "apps/api/src/helpers/checklist-import.ts", items_helper("importItems"));
  places = transaction_per_row_places(app);
  ASSERT_EQ(places.size(), 1U);
  EXPECT_NE(places[0].substr(0, places[0].find('\n')).find("s1-c4.log.xz:"), std::string::npos) << places[0];
  EXPECT_NE(places[0].find("2 Drizzle calls in loops"), std::string::npos) << places[0];
}

INSTANTIATE_TEST_SUITE_P(SeedsAndConcurrency, AppTraffic,
                         ::testing::Values("s1-c4.log.xz", "s2-c4.log.xz", "s3-c4.log.xz", "s1-c12.log.xz",
                                           "s2-c12.log.xz", "s3-c12.log.xz", "s1-c12-traced.log.xz",
                                           "s1-c12-traced.csv.xz", "s1-c12-traced.json.xz", "s1-c12.csv.xz",
                                           "s1-c4.json.xz", "pgjs-s1-c4.log.xz", "pgjs-s1-c12.log.xz",
                                           "pgjs-s2-c4.log.xz", "pgjs-s2-c12.log.xz"),
                         [](const ::testing::TestParamInfo<std::string>& param) {
                           std::string name = param.param.substr(0, param.param.find(".xz"));
                           for (char& c : name) {
                             c = (c == '-' || c == '.') ? '_' : c;
                           }
                           return name;
                         });

} // namespace n_plus_one_app_traffic_test
