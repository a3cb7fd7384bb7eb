// fixtures/real-shapes/dispatch-pool: an app in the shapes public Drizzle
// backends have (schema files behind re-exports, repository modules, handlers
// over one pg Pool of 8) and the real PostgreSQL 15 log of 8 virtual users on
// it (logs/postgresql-15.log.gz, bench/dispatch-pool.sh). What pgadvise must
// find there -- the per-row loops at their TypeScript lines, the three
// unindexed foreign keys, the JSON kept as text -- and must not: drift
// between schema.ts, the snapshots and the SQL drizzle-kit generated, or a
// loop for the fixed Promise.all([...]) of two counts.

#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace dispatch_pool_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::finding_objects;
using pgadvise::test::findings_of;

const fs::path k_app = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "dispatch-pool";

// `pgadvise lint . --format json EXTRA...` in the app (or a copy of it).
json lint(const std::vector<std::string>& extra, const fs::path& app = k_app) {
  std::vector<std::string> args = {"lint", ".", "--format", "json"};
  args.insert(args.end(), extra.begin(), extra.end());
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(app.string(), args);
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

const std::set<std::string> k_foreign_keys = {"shipments(customer_id)", "shipments(courier_id)",
                                              "tracking_events(shipment_id)"};

// Nothing drifted: drizzle-kit wrote the two migrations from this schema.ts.
void expect_no_drift(const json& report) {
  for (const char* rule :
       {"snapshot-drift", "migration-edited-after-apply", "replay-warning", "parse-error"}) {
    EXPECT_TRUE(findings_of(report, rule).empty()) << rule << ": " << report.dump(2).substr(0, 4000);
  }
}

TEST(DispatchPool, FromTheCodeBothLoopsTheForeignKeysAndTheJsonTextNoDrift) {
  const json report = lint({});
  EXPECT_EQ(places(report, "query-in-loop"),
            (std::set<std::string>{"src/handlers/dashboard.ts:7", "src/handlers/depot.ts:10"}));
  for (const json& loop : findings_of(report, "query-in-loop")) {
    if (at(loop) == "src/handlers/dashboard.ts:7") {
      // Through the namespace-imported repository, down to its Drizzle call.
      EXPECT_NE(loop["message"].get<std::string>().find("trackingRepo.latestFor()"), std::string::npos)
          << loop.dump(2);
      // latestFor() takes .limit(1) for each shipment: not batched into one
      // inArray() query, which would take 1 row in all.
      const std::string drizzle = loop["fix"].value("drizzle", "");
      EXPECT_NE(drizzle.find("takes 1 row for each row of"), std::string::npos) << drizzle;
      EXPECT_NE(drizzle.find("would take 1 row in all, not 1 for each shipmentId"), std::string::npos)
          << drizzle;
    }
    // A loop's rewrite is a code change, said by its kind: no drizzle-kit
    // generate and migrate to run after it (the foreign keys' index lines
    // have them), and its place is the loop's, not the schema file's.
    EXPECT_EQ(loop["fix"]["kind"], "code") << loop["fix"].dump(2);
    EXPECT_EQ(loop["fix"]["drizzle_file"], at(loop)) << loop["fix"].dump(2);
    EXPECT_TRUE(loop["fix"]["commands"].is_null()) << loop["fix"].dump(2);
    EXPECT_TRUE(loop["fix"]["drizzle_table"].is_string()) << loop["fix"].dump(2); // still named
  }
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    EXPECT_EQ(finding["fix"]["kind"], "sql") << finding.dump(2);
    EXPECT_EQ(finding["fix"]["commands"], "npm run db:generate && npm run db:migrate") << finding.dump(2);
  }
  EXPECT_EQ(finding_objects(report, "unindexed-foreign-key"), k_foreign_keys);
  EXPECT_EQ(finding_objects(report, "json-in-text-column"),
            (std::set<std::string>{"customers(prefs)", "tracking_events(payload)"}));
  // The key of tracking_events is declared in a `const eventColumns = {...}`
  // spread into pgTable: its index goes in the table's own file.
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    if (finding["object"]["table"] == "tracking_events") {
      EXPECT_NE(finding["fix"]["drizzle_file"].get<std::string>().find("src/db/schema/tracking.ts"),
                std::string::npos)
          << finding.dump(2);
    }
  }
  expect_no_drift(report);
}

// The log's loops, each at its loop's line (the `Promise.all(`), with the
// Drizzle fix for that loop. The dashboard's five slow lookups per request
// run on a saturated pool of 8: each waits for a connection (up to 600 ms
// after its parent), between other requests' statements, so the log alone
// gives no run its parent; the code names the loop's statement and the read
// its rows come from, and the log's counts (185 lookups, 5 per execution
// of that read) and its runs right after it confirm the loop.
TEST(DispatchPool, TheLogShowsBothLoopsAtTheirLines) {
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15.log.gz").string()});
  EXPECT_EQ(places(report, "n-plus-one"),
            (std::set<std::string>{"src/handlers/depot.ts:10", "src/handlers/dashboard.ts:7"}));
  for (const json& finding : findings_of(report, "n-plus-one")) {
    EXPECT_EQ(finding["severity"], "critical") << finding.dump(2);
    if (at(finding) == "src/handlers/depot.ts:10") {
      EXPECT_EQ(finding["object"]["table"], "shipments");
      EXPECT_NE(finding["fix"]["drizzle"].get<std::string>().find(
                    "inArray(shipments.courierId, active.map((courier) => courier.id))"),
                std::string::npos)
          << finding.dump(2);
    }
    if (at(finding) == "src/handlers/dashboard.ts:7") {
      EXPECT_EQ(finding["object"]["table"], "tracking_events");
      EXPECT_EQ(finding["object"]["columns"], json::array({"shipment_id"}));
      // The per-row lookup and its parent, the customer's recent shipments.
      const std::string message = finding["message"].get<std::string>();
      EXPECT_NE(message.find("ran 185 times, 5.0 per execution of"), std::string::npos) << message;
      EXPECT_NE(message.find("from \"shipments\" where \"shipments\".\"customer_id\" = $1"),
                std::string::npos)
          << message;
      EXPECT_NE(message.find("trackingRepo.latestFor()"), std::string::npos) << message;
      // latestFor() takes .limit(1) for each shipment: the fix keeps it.
      const std::string drizzle = finding["fix"]["drizzle"].get<std::string>();
      EXPECT_NE(drizzle.find("takes 1 row for each row of"), std::string::npos) << drizzle;
      EXPECT_NE(drizzle.find("inArray(trackingEvents.shipmentId, recent.map((shipment) => shipment.id))"),
                std::string::npos)
          << drizzle;
    }
  }
  // With a log that ran every loop's statement, n-plus-one judges them all:
  // query-in-loop has none left.
  EXPECT_TRUE(findings_of(report, "query-in-loop").empty());
  EXPECT_EQ(finding_objects(report, "unindexed-foreign-key"), k_foreign_keys);
  // The JSON filters ran: each text column is reported from the queries.
  for (const json& finding : findings_of(report, "json-in-text-column")) {
    EXPECT_NE(finding["message"].get<std::string>().find("treats it as JSON"), std::string::npos)
        << finding.dump(2);
  }
  EXPECT_EQ(finding_objects(report, "json-in-text-column"),
            (std::set<std::string>{"customers(prefs)", "tracking_events(payload)"}));
  expect_no_drift(report);
}

// The log alone, without the app's code: the depot board's lookups follow
// its couriers read closely enough to be judged after it (86% of its 14
// executions), and nothing else is a loop. The dashboard's lookups wait up
// to 600 ms for a connection behind other requests' statements, and by
// timing alone a failedScans or customersByTier read precedes their runs as
// often as the recent-shipments read does, or more often (measured on this
// log with windows of 100 to 1000 ms after each read: the true read is
// never the one most runs follow), so no window that finds them names their
// parent; a pool-widened window made the depot board's parent the track
// requests' history read. This test fails on such a change.
TEST(DispatchPool, FromTheLogAloneOnlyTheDepotBoardAfterItsCouriersRead) {
  const pgadvise::test::TempTree tree;
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15.log.gz").string()}, tree.root());
  const std::vector<json> found = findings_of(report, "n-plus-one");
  ASSERT_EQ(found.size(), 1U) << report.dump(2).substr(0, 4000);
  const std::string message = found.front()["message"].get<std::string>();
  EXPECT_NE(message.find("bursts of select \"id\", \"reference\", \"status\" from \"shipments\" where "
                         "\"shipments\".\"courier_id\" = $1"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("executions of select \"id\", \"depot_id\", \"name\", \"vehicle\", \"active\" from "
                         "\"couriers\""),
            std::string::npos)
      << message;
}

// 16 users over the pool of 8 (logs/postgresql-15-16-users.log.gz): the
// depot board's runs are judged, from the log alone, after a tracking_events
// read other requests ran just before them, and no loop reads that table
// before its couriers; the code names the loop and its couriers read, and
// the log's counts confirm it (827 lookups, 30.6 per read of the couriers):
// both loops at their lines, no finding left at a log line.
TEST(DispatchPool, SixteenUsersOnAPoolOfEightBothLoopsAtTheirLines) {
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15-16-users.log.gz").string()});
  EXPECT_EQ(places(report, "n-plus-one"),
            (std::set<std::string>{"src/handlers/depot.ts:10", "src/handlers/dashboard.ts:7"}));
  for (const json& finding : findings_of(report, "n-plus-one")) {
    EXPECT_EQ(finding["severity"], "critical") << finding.dump(2);
    if (at(finding) == "src/handlers/depot.ts:10") {
      EXPECT_NE(finding["message"].get<std::string>().find("per execution of select ... from \"couriers\""),
                std::string::npos)
          << finding.dump(2);
      EXPECT_NE(finding["fix"]["drizzle"].get<std::string>().find(
                    "inArray(shipments.courierId, active.map((courier) => courier.id))"),
                std::string::npos)
          << finding.dump(2);
    }
  }
  EXPECT_TRUE(findings_of(report, "query-in-loop").empty());
}

// A log that confirms no loop (logs/postgresql-15-one-user.log.gz: one
// user, ten calls, one dashboard and no depot board) loses none: the
// dashboard loop, whose lookups ran once after one read, is n-plus-one's
// from the code with the log's counts (medium: not confirmed per row); the
// depot loop, whose statement never ran, is query-in-loop's. Each loop is
// one finding of one rule.
TEST(DispatchPool, ALogThatConfirmsNoLoopLosesNone) {
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15-one-user.log.gz").string()});
  EXPECT_EQ(places(report, "n-plus-one"), (std::set<std::string>{"src/handlers/dashboard.ts:7"}));
  EXPECT_EQ(places(report, "query-in-loop"), (std::set<std::string>{"src/handlers/depot.ts:10"}));
  EXPECT_EQ(findings_of(report, "n-plus-one").size() + findings_of(report, "query-in-loop").size(), 2U)
      << report.dump(2).substr(0, 4000);
  for (const json& finding : findings_of(report, "n-plus-one")) {
    EXPECT_EQ(finding["severity"], "medium") << finding.dump(2);
    EXPECT_EQ(finding["object"]["table"], "tracking_events");
    const std::string message = finding["message"].get<std::string>();
    EXPECT_NE(message.find("the log does not confirm per row"), std::string::npos) << message;
    EXPECT_NE(message.find("ran the loop's statement 5 times"), std::string::npos) << message;
    EXPECT_NE(finding["fix"]["drizzle"].get<std::string>().find("takes 1 row for each row of"),
              std::string::npos)
        << finding.dump(2);
  }
  for (const json& finding : findings_of(report, "query-in-loop")) {
    EXPECT_NE(finding["message"].get<std::string>().find("the log never ran its statement"),
              std::string::npos)
        << finding.dump(2);
    EXPECT_NE(finding["fix"]["drizzle"].get<std::string>().find(
                  "inArray(shipments.courierId, active.map((courier) => courier.id))"),
              std::string::npos)
        << finding.dump(2);
  }
}

// The code is the evidence that confirms the dashboard's lookups: where it
// reads the latest event outside any loop, the same log's 185 lookups are
// requests of their own, never a loop, however their counts compare.
TEST(DispatchPool, WithoutALoopInTheCodeTheLookupsAreNoLoop) {
  const pgadvise::test::TempTree tree;
  const fs::path app = tree.copy(k_app, "dispatch");
  pgadvise::test::write_text(
      app / "src" / "handlers" / "dashboard.ts",
      "import * as shipmentsRepo from '../repositories/shipments.repository';\n"
      "import * as trackingRepo from '../repositories/tracking.repository';\n\n"
      "export async function customerDashboard(customerId: number) {\n"
      "  const recent = await shipmentsRepo.recentForCustomer(customerId);\n"
      "  const latest = recent.length > 0 ? await trackingRepo.latestFor(recent[0].id) : null;\n"
      "  return { recent, latest };\n"
      "}\n");
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15.log.gz").string()}, app);
  EXPECT_EQ(places(report, "n-plus-one"), (std::set<std::string>{"src/handlers/depot.ts:10"}));
  EXPECT_TRUE(findings_of(report, "query-in-loop").empty()) << report.dump(2).substr(0, 4000);
}

// The same helper called once per request outside the loop
// (bench/dispatch-pool/variants/track-latest: track() also reads its
// shipment's latest event with trackingRepo.latestFor(), after that
// shipment's history) and its real log (logs/postgresql-15-track-latest,
// 45 track requests beside the 37 dashboards): the 45 lookups share their
// key with the history read just before them, so they are the requests'
// own, and the loop's count per parent stays 5.0 (185 of the 230), not 6.2.
// The call outside the loop is no loop.
TEST(DispatchPool, TheSameHelperOutsideTheLoopIsNotCountedPerParent) {
  const pgadvise::test::TempTree tree;
  const fs::path app = tree.copy(k_app, "dispatch");
  const fs::path variant =
      fs::path(PGADVISE_SOURCE_DIR) / "bench" / "dispatch-pool" / "variants" / "track-latest";
  fs::copy(variant, app, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15-track-latest.log.gz").string()}, app);
  EXPECT_EQ(places(report, "n-plus-one"),
            (std::set<std::string>{"src/handlers/depot.ts:10", "src/handlers/dashboard.ts:7"}));
  EXPECT_TRUE(findings_of(report, "query-in-loop").empty());
  bool dashboard = false;
  for (const json& finding : findings_of(report, "n-plus-one")) {
    if (at(finding) != "src/handlers/dashboard.ts:7") {
      continue;
    }
    dashboard = true;
    EXPECT_EQ(finding["severity"], "critical") << finding.dump(2);
    const std::string message = finding["message"].get<std::string>();
    EXPECT_NE(message.find("ran 230 times (45 of them right after select ... from \"tracking_events\""),
              std::string::npos)
        << message;
    EXPECT_NE(message.find("a request's own lookup outside the loop"), std::string::npos) << message;
    EXPECT_NE(message.find("5.0 per execution of"), std::string::npos) << message;
    EXPECT_NE(message.find("from \"shipments\" where \"shipments\".\"customer_id\" = $1"), std::string::npos)
        << message;
  }
  EXPECT_TRUE(dashboard) << report.dump(2).substr(0, 4000);
}

// Two loops of the code that issue the same lookup after the same read: the
// log's counts confirm one of them, not both (the runs are counted once);
// the other is still reported, as not confirmed, naming the loop they were
// given to. Each loop is one finding.
TEST(DispatchPool, TheSameCountsConfirmOneLoopNotTwo) {
  const pgadvise::test::TempTree tree;
  const fs::path app = tree.copy(k_app, "dispatch");
  pgadvise::test::write_text(
      app / "src" / "handlers" / "timeline.ts",
      "import * as shipmentsRepo from '../repositories/shipments.repository';\n"
      "import * as trackingRepo from '../repositories/tracking.repository';\n\n"
      "// GET /customers/:id/timeline\n"
      "export async function customerTimeline(customerId: number) {\n"
      "  const recent = await shipmentsRepo.recentForCustomer(customerId);\n"
      "  return Promise.all(recent.map((shipment) => trackingRepo.latestFor(shipment.id)));\n"
      "}\n");
  const json report = lint({"--log", (k_app / "logs" / "postgresql-15.log.gz").string()}, app);
  EXPECT_EQ(places(report, "n-plus-one"),
            (std::set<std::string>{"src/handlers/depot.ts:10", "src/handlers/dashboard.ts:7",
                                   "src/handlers/timeline.ts:7"}));
  EXPECT_TRUE(findings_of(report, "query-in-loop").empty());
  std::size_t confirmed = 0;
  std::size_t given_away = 0;
  for (const json& finding : findings_of(report, "n-plus-one")) {
    if (finding["object"]["table"] == "tracking_events") {
      confirmed += finding["severity"] == "critical" ? 1U : 0U;
      given_away += finding["message"].get<std::string>().find("the log's runs of it are the loop at") !=
                            std::string::npos
                        ? 1U
                        : 0U;
    }
  }
  EXPECT_EQ(confirmed, 1U) << report.dump(2).substr(0, 6000);
  EXPECT_EQ(given_away, 1U) << report.dump(2).substr(0, 6000);
}

// `pgadvise fix --unsafe-fixes` with the log (a diff, nothing written): the
// JSON filters' columns become jsonb where they are declared,
// tracking_events.payload in the `const eventColumns = {...}` its table
// spreads, with their $type. Without the flag, the rewrites are left out.
TEST(DispatchPool, FixRetypesTheSpreadColumnWhereItIsDeclared) {
  const std::string log = (k_app / "logs" / "postgresql-15.log.gz").string();
  const pgadvise::test::ProcessResult safe =
      pgadvise::test::run_pgadvise_in(k_app.string(), {"fix", ".", "--log", log});
  EXPECT_EQ(safe.exit_code, 0) << safe.err;
  EXPECT_EQ(safe.out.find("jsonb('payload')"), std::string::npos) << safe.out;
  EXPECT_TRUE(safe.out.find("--unsafe-fixes") != std::string::npos ||
              safe.err.find("--unsafe-fixes") != std::string::npos)
      << safe.out << safe.err;
  const pgadvise::test::ProcessResult result =
      pgadvise::test::run_pgadvise_in(k_app.string(), {"fix", ".", "--log", log, "--unsafe-fixes"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.out.find("+  payload: jsonb('payload').$type<CarrierPayload>(),"), std::string::npos)
      << result.out;
  EXPECT_NE(result.out.find("+  prefs: jsonb('prefs').$type<CustomerPrefs>(),"), std::string::npos)
      << result.out;
  EXPECT_EQ(result.err.find("no column"), std::string::npos) << result.err;
}

} // namespace dispatch_pool_test
