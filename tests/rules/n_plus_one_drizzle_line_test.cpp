// n-plus-one at the TypeScript line: fixtures/drizzle-loop-app is a real
// drizzle-orm app and fixtures/logs/drizzle-loop its real PostgreSQL 15 log
// (regenerate.sh runs the app with tsx against a throwaway cluster). The
// finding names the loop's Drizzle call and gives the fix in Drizzle; with
// sqlcommenter tags it names the route; without a matching call it says so
// and names no line; decoys are never chosen.

#include "support/cli.hpp"
#include "support/files.hpp"
#include "support/reports.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace n_plus_one_drizzle_line_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::TempTree;

const fs::path k_source = PGADVISE_SOURCE_DIR;

std::string log_path(std::string_view name) {
  return (k_source / "fixtures/logs/drizzle-loop" / name).string();
}

class DrizzleLine : public ::testing::Test {
protected:
  TempTree m_tree;
  fs::path m_app;

  void SetUp() override {
    // A path with a space, as a user's checkout may have.
    m_app = m_tree.copy(k_source / "fixtures/drizzle-loop-app", "my app");
  }

  // The n-plus-one findings of `pgadvise lint . --log LOG` run in the app.
  std::vector<json> findings(std::string_view log) const {
    const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
        m_app.string(), {"lint", ".", "--log", log_path(log), "--format", "json"});
    EXPECT_TRUE(result.exit_code == 0 || result.exit_code == 1) << result.err;
    const json report = json::parse(result.out, nullptr, false);
    EXPECT_FALSE(report.is_discarded()) << result.out;
    std::vector<json> out;
    if (report.is_discarded()) {
      return out;
    }
    for (const json& finding : report["findings"]) {
      if (finding["rule"] == "n-plus-one") {
        out.push_back(finding);
      }
    }
    return out;
  }

  void write(std::string_view relative, std::string_view text) const {
    pgadvise::test::write_text(m_app / relative, text);
  }
};

const json* on_table(const std::vector<json>& findings, std::string_view table) {
  for (const json& finding : findings) {
    if (finding["object"]["table"] == table) {
      return &finding;
    }
  }
  return nullptr;
}

std::string code_evidence(const json& finding) {
  return pgadvise::test::evidence_details(finding, "code");
}

// The finding stays at its log line.
bool in_log(const json& finding, std::string_view log) {
  const std::string file =
      finding["location"].is_null() ? std::string() : finding["location"]["file"].get<std::string>();
  return file.size() >= log.size() && file.compare(file.size() - log.size(), log.size(), log) == 0;
}

std::string where(const json& finding) {
  const json& location = finding["location"];
  return location.is_null()
             ? std::string()
             : location["file"].get<std::string>() + ":" + std::to_string(location["line"].get<int>());
}

TEST_F(DrizzleLine, TheLoopsCallWithItsDrizzleFix) {
  const std::vector<json> found = findings("feed.log");
  // The feed's author lookups and the discussion's comments: two loops, two
  // findings. showPost's lookup (the same query, no loop) is no N+1.
  ASSERT_EQ(found.size(), 2U);
  const json* users = on_table(found, "users");
  ASSERT_NE(users, nullptr);
  // The finding sits at the loop; the evidence names the call in it.
  EXPECT_EQ(where(*users), "src/routes/feed.ts:9");
  EXPECT_NE(code_evidence(*users).find("the for...of loop at src/routes/feed.ts:9:3 over page -> the Drizzle "
                                       "call at src/routes/feed.ts:10:28"),
            std::string::npos)
      << code_evidence(*users);
  const std::string fix = (*users)["fix"]["drizzle"];
  EXPECT_NE(fix.find("db.select().from(users).where(inArray(users.id, page.map((post) => post.userId)))"),
            std::string::npos)
      << fix;
  EXPECT_NE(fix.find("db.query.posts.findMany({ with: {"), std::string::npos) << fix;
  EXPECT_EQ((*users)["fix"]["drizzle_file"], "src/routes/feed.ts:9");

  const json* comments = on_table(found, "comments");
  ASSERT_NE(comments, nullptr);
  EXPECT_EQ(where(*comments), "src/routes/discussion.ts:8");
  EXPECT_NE(code_evidence(*comments).find("the Promise.all(.map) loop at src/routes/discussion.ts:8:"),
            std::string::npos)
      << code_evidence(*comments);
  const std::string comments_fix = (*comments)["fix"]["drizzle"];
  EXPECT_NE(
      comments_fix.find("db.query.comments.findMany({ where: inArray(comments.postId, mine.map((post) => "
                        "post.id)) })"),
      std::string::npos)
      << comments_fix;
}

TEST_F(DrizzleLine, SqlcommenterTagsNameTheRouteAndTheLine) {
  const std::vector<json> found = findings("feed-commented.log");
  ASSERT_EQ(found.size(), 2U);
  const json* users = on_table(found, "users");
  ASSERT_NE(users, nullptr);
  const std::string message = (*users)["message"];
  // The tags are URL-encoded in the log, as sqlcommenter writes them.
  EXPECT_NE(message.find("in /feed (src/routes/feed.ts)"), std::string::npos) << message;
  EXPECT_EQ(where(*users), "src/routes/feed.ts:9");
  const json* comments = on_table(found, "comments");
  ASSERT_NE(comments, nullptr);
  EXPECT_NE(comments->at("message").get<std::string>().find("in /users/:id/discussion"), std::string::npos);
  EXPECT_EQ(where(*comments), "src/routes/discussion.ts:8");
}

TEST_F(DrizzleLine, NoMatchingCallSaysSoAndNamesNoLine) {
  // The feed fixed by hand: one batched query, no loop. Only the decoys read
  // users by key now: showPost (outside a loop) and invite (by email).
  write("src/routes/feed.ts", R"(import { desc, inArray } from "drizzle-orm";
import { db } from "../db/index.js";
import { posts, users } from "../db/schema.js";

export async function feed(offset: number) {
  const page = await db.select().from(posts).orderBy(desc(posts.id)).limit(10).offset(offset);
  const authors = await db.select().from(users).where(inArray(users.id, page.map((p) => p.userId)));
  return page.map((post) => ({ ...post, author: authors.find((a) => a.id === post.userId) }));
}
)");
  const std::vector<json> found = findings("feed.log");
  const json* users = on_table(found, "users");
  ASSERT_NE(users, nullptr);
  const std::string evidence = code_evidence(*users);
  EXPECT_NE(
      evidence.find("no Drizzle call found in the project's TypeScript that reads users by id inside a loop"),
      std::string::npos)
      << evidence;
  EXPECT_NE(evidence.find("it is read at src/routes/post.ts:11:26 (outside any loop)"), std::string::npos)
      << evidence;
  // The location stays in the log: no TypeScript line is guessed.
  EXPECT_TRUE(in_log(*users, "feed.log")) << where(*users);
  EXPECT_EQ((*users)["fix"]["drizzle_file"], nullptr);
}

TEST_F(DrizzleLine, TwoCandidateLoopsAreBothNamedAndNeitherChosen) {
  // A second loop that reads users by id after reading posts: the log cannot
  // tell the two apart (no tags).
  write("src/routes/digest.ts", R"(import { eq } from "drizzle-orm";
import { db } from "../db/index.js";
import { posts, users } from "../db/schema.js";

export async function digest() {
  const recent = await db.select().from(posts).limit(5);
  for (const post of recent) {
    await db.select().from(users).where(eq(users.id, post.userId));
  }
}
)");
  const std::vector<json> plain = findings("feed.log");
  const json* users = on_table(plain, "users");
  ASSERT_NE(users, nullptr);
  const std::string evidence = code_evidence(*users);
  EXPECT_NE(evidence.find("2 Drizzle calls in loops read users by id"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("src/routes/feed.ts:10"), std::string::npos) << evidence;
  EXPECT_NE(evidence.find("src/routes/digest.ts:8"), std::string::npos) << evidence;
  EXPECT_TRUE(in_log(*users, "feed.log")) << where(*users);

  // With the tags, file= picks the feed's loop.
  const std::vector<json> tagged = findings("feed-commented.log");
  const json* tagged_users = on_table(tagged, "users");
  ASSERT_NE(tagged_users, nullptr);
  EXPECT_EQ(where(*tagged_users), "src/routes/feed.ts:9");
}

TEST_F(DrizzleLine, ALoopAfterAnotherTablesRowsIsNotChosenOverTheParentsLoop) {
  // A second loop reading users by id, over comments rather than posts: the
  // log's parent reads posts, so the feed's loop is the one.
  write("src/routes/commenters.ts", R"(import { eq } from "drizzle-orm";
import { db } from "../db/index.js";
import { comments, users } from "../db/schema.js";

export async function commenters() {
  const latest = await db.select().from(comments).limit(5);
  for (const comment of latest) {
    await db.select().from(users).where(eq(users.id, comment.postId));
  }
}
)");
  const std::vector<json> found = findings("feed.log");
  const json* users = on_table(found, "users");
  ASSERT_NE(users, nullptr);
  EXPECT_EQ(where(*users), "src/routes/feed.ts:9");
}

// A loop over a constant list (fixtures/nplus1-app's three system roles,
// role.ts:20) makes the same three lookups whatever the data: with the
// burst size lowered to see it, it is at most info, and says why.
TEST(DrizzleLineConstantList, ALoopOverThreeSystemRolesIsInfoAndSaysWhy) {
  TempTree tree;
  const fs::path app = tree.copy(k_source / "fixtures/nplus1-app", "flow desk");
  const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
      app.string(),
      {"lint", ".", "--log", (k_source / "fixtures/logs/nplus1-app/s1-c4.log.xz").string(), "--rule",
       "n-plus-one", "--option", "n-plus-one.min-burst=3", "--min-severity", "info", "--format", "json"});
  const json report = json::parse(result.out, nullptr, false);
  ASSERT_FALSE(report.is_discarded()) << result.err;
  int roles = 0;
  for (const json& finding : report["findings"]) {
    const std::string message = finding["message"];
    // findSystemRole's relational query (`"workspace_roles" "workspaceRoles"`), not the roles list.
    if (message.find("from \"workspace_roles\" \"workspaceRole") == std::string::npos) {
      continue;
    }
    ++roles;
    EXPECT_EQ(finding["severity"], "info") << message;
    EXPECT_NE(message.find("over a constant list of 3 (SYSTEM_ROLES)"), std::string::npos) << message;
    EXPECT_NE(message.find("apps/api/src/routers/role.ts:20"), std::string::npos) << message;
  }
  EXPECT_GE(roles, 1) << result.out.substr(0, 2000);
}

std::vector<json> rule_findings(const json& report, std::string_view rule) {
  std::vector<json> out;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == rule) {
      out.push_back(finding);
    }
  }
  return out;
}

const fs::path k_apps = k_source / "fixtures" / "real-shapes" / "apps-folder";

// n-plus-one when every burst of a loop ran with the same parameters: the
// log alone takes that for a loop over a list fixed in the code (at most
// info), but helpdesk's inbox loop (fixtures/real-shapes/apps-folder) runs
// over the open tickets its route reads. Its log
// logs/postgresql-15-static-inbox.log.gz is a real PostgreSQL 15 log of a
// quiet hour (bench/apps-folder.sh --static-inbox): every inbox load read
// the same 16 tickets. The code says the statements grow with the rows, so
// it is an N+1, reported at the loop.
TEST(DrizzleLineRows, ALoopOverAReadsRowsThatDidNotChangeIsAnNPlusOneNotAConstantList) {
  for (const std::string target : {"helpdesk", "."}) {
    const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
        k_apps.string(), {"lint", target, "--log", "logs/postgresql-15-static-inbox.log.gz", "--min-severity",
                          "info", "--format", "json"});
    const json report = json::parse(result.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << result.err;
    EXPECT_TRUE(rule_findings(report, "query-in-loop").empty()) << target << "\n" << result.out;
    const std::vector<json> loops = rule_findings(report, "n-plus-one");
    ASSERT_EQ(loops.size(), 1U) << target << "\n" << result.out;
    const json& finding = loops.front();
    const std::string message = finding["message"].get<std::string>();
    EXPECT_EQ(message.rfind("N+1 queries: 20 bursts of ", 0), 0U) << message;
    EXPECT_EQ(message.find("constant list"), std::string::npos) << message;
    EXPECT_EQ(finding["severity"], "critical") << target;
    EXPECT_EQ(finding["location"]["file"], "helpdesk/apps/api/src/routes/inbox.ts");
    EXPECT_EQ(finding["location"]["line"], 11);
    EXPECT_NE(
        pgadvise::test::evidence_details(finding, "log").find("did not change while the log was written"),
        std::string::npos)
        << finding.dump(2);
  }
}

// Two look-alike loops (fixtures/real-shapes/deploy-panel's handler and a
// nightly job beside it, each marking one application's running
// deployments failed per row of a read of the environment's applications).
// The log's bursts ran the same four parameter sets twice: with one loop in
// the code that was an N+1 at the loop; with two, the finding fell back to
// "a loop over a constant list" (info, hidden) and, the log having run the
// statement, query-in-loop said nothing either. It stays a critical N+1,
// at its log line, naming both loops and what they do.
TEST(DrizzleLineRows, TwoLookAlikeLoopsOverAReadsRowsAreStillAnNPlusOne) {
  const TempTree tree;
  const fs::path app = tree.copy(k_source / "fixtures" / "real-shapes" / "deploy-panel", "deploy panel");
  for (const bool look_alike : {false, true}) {
    if (look_alike) {
      pgadvise::test::write_text(app / "packages/server/src/services/nightly.ts",
                                 R"(import { db } from "@panel/server/db";
import { applications, deployments } from "@panel/server/db/schema";
import { and, eq } from "drizzle-orm";

// Nightly: deployments left running in an environment are marked failed.
export async function failStaleDeployments(environmentId: string) {
  const rows = await db.select({ applicationId: applications.applicationId }).from(applications)
    .where(eq(applications.environmentId, environmentId));
  for (const row of rows) {
    await db.update(deployments).set({ state: "error" })
      .where(and(eq(deployments.applicationId, row.applicationId), eq(deployments.state, "running")));
  }
}
)");
    }
    const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
        app.string(), {"lint", ".", "--log", "logs/postgresql.log", "--format", "json"});
    const json report = json::parse(result.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << result.err;
    std::vector<json> updates;
    for (const json& finding : rule_findings(report, "n-plus-one")) {
      if (finding["message"].get<std::string>().rfind("Row-by-row updates: ", 0) == 0) {
        updates.push_back(finding);
      }
    }
    ASSERT_EQ(updates.size(), 1U) << look_alike << "\n" << result.out;
    const json& finding = updates.front();
    EXPECT_EQ(finding["severity"], "critical") << finding.dump(2);
    EXPECT_EQ(finding["message"].get<std::string>().find("constant list"), std::string::npos);
    const std::string code = pgadvise::test::evidence_details(finding, "code");
    if (!look_alike) {
      EXPECT_EQ(finding["location"]["file"], "packages/server/src/services/deployment.ts");
      continue;
    }
    EXPECT_EQ(finding["location"]["file"], "logs/postgresql.log");
    EXPECT_NE(code.find("2 Drizzle calls in loops update deployments"), std::string::npos) << code;
    EXPECT_NE(code.find("services/nightly.ts:9"), std::string::npos) << code;
    EXPECT_NE(code.find("services/deployment.ts:12"), std::string::npos) << code;
  }
}

// A scheduler job (fixtures/real-shapes/invoice-worker, midday's recurring
// invoices): its read of the due schedules ran once in the log, then six
// statements per row, 300 rows, on the job's pool. From the log alone and
// with the code: one N+1 of 300 rows, at the loop when the code is there,
// its whole body named.
TEST(DrizzleLineJob, AJobsSixStatementsPerRowAfterItsOneReadAreOneNPlusOne) {
  const fs::path worker = k_source / "fixtures" / "real-shapes" / "invoice-worker";
  const TempTree empty; // the log alone
  for (const fs::path& cwd : {worker, empty.root()}) {
    const pgadvise::test::ProcessResult result = pgadvise::test::run_pgadvise_in(
        cwd.string(),
        {"lint", ".", "--log", (worker / "logs" / "postgresql-15.log.gz").string(), "--format", "json"});
    const json report = json::parse(result.out, nullptr, false);
    ASSERT_FALSE(report.is_discarded()) << result.err;
    const std::vector<json> loops = rule_findings(report, "n-plus-one");
    ASSERT_EQ(loops.size(), 1U) << cwd << "\n" << result.out;
    const json& finding = loops.front();
    const std::string message = finding["message"].get<std::string>();
    EXPECT_EQ(message.rfind("Row-by-row inserts: 1 burst of insert into \"invoices\"", 0), 0U) << message;
    EXPECT_NE(message.find("(300 per burst"), std::string::npos) << message;
    EXPECT_NE(message.find("after 100% of 1 execution of select"), std::string::npos) << message;
    EXPECT_NE(message.find("per row also update \"invoices\""), std::string::npos) << message;
    EXPECT_EQ(finding["severity"], "critical");
    EXPECT_TRUE(rule_findings(report, "query-in-loop").empty()) << result.out;
    if (cwd == worker) {
      EXPECT_EQ(finding["location"]["file"], "src/jobs/recurring-invoices.ts") << finding.dump(2);
      EXPECT_EQ(finding["location"]["line"], 14);
    }
  }
}

} // namespace n_plus_one_drizzle_line_test
