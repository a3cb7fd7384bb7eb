// A folder of projects, or a monorepo of apps each with its own
// drizzle.config and migrations: every database is judged with its own
// schema, its findings never folded into another database's that happens to
// name the same table, each with its own fingerprint and its own Drizzle fix.
// fixtures/real-shapes/twin-apps-turbo: apps/shop (drizzle-kit 0.31) and
// apps/backoffice (drizzle-kit 1.0) both have a `sessions` table whose
// user_id has no index, and apps/shop's drizzle.prod.config.ts is the same
// database as its drizzle.config.ts.
#include "cli/process.hpp"
#include "support/drizzle_files.hpp"
#include "support/reports.hpp"

#include <cstdio>
#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace several_databases_cli_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::report_of;
using pgadvise::test::TempTree;

const fs::path k_twin = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "twin-apps-turbo";
// blog/ and helpdesk/: two unrelated apps whose `comments` tables differ.
const fs::path k_apps = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes" / "apps-folder";

pgadvise::test::ProcessResult pgadvise_in(const fs::path& cwd, const std::vector<std::string>& args) {
  pgadvise::test::ProcessOptions options;
  options.env.try_emplace("NO_COLOR", std::nullopt);
  options.cwd = cwd.string();
  pgadvise::test::ProcessResult result = pgadvise::test::run_process(PGADVISE_BINARY, args, options);
  EXPECT_FALSE(result.timed_out) << "pgadvise hung";
  return result;
}

std::string database_of(const json& finding) {
  for (const json& evidence : finding["evidence"]) {
    if (evidence["kind"] == "database") {
      return evidence["detail"].get<std::string>();
    }
  }
  return {};
}

std::vector<json> findings_of(const json& report, std::string_view rule) {
  std::vector<json> out;
  for (const json& finding : report["findings"]) {
    if (finding["rule"] == rule) {
      out.push_back(finding);
    }
  }
  return out;
}

bool any_note(const json& report, std::string_view text) {
  for (const json& note : report["notes"]) {
    if (note.get<std::string>().find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

TEST(SeveralDatabasesCli, EachAppsTableIsItsOwnFindingWithItsOwnFix) {
  const auto result = pgadvise_in(k_twin, {"lint", "--format", "json"});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const json report = report_of(result);
  // table -> database -> the finding
  std::map<std::string, std::map<std::string, json>> fks;
  std::set<std::string> fingerprints;
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    fks[finding["object"]["table"].get<std::string>()][database_of(finding)] = finding;
    fingerprints.insert(finding["fingerprint"].get<std::string>());
  }
  ASSERT_EQ(fks["sessions"].size(), 2U) << result.out; // was one: shop's merged into backoffice's
  EXPECT_EQ(fks["orders"].size(), 1U);
  EXPECT_EQ(fks["audit_log"].size(), 1U);
  EXPECT_EQ(fingerprints.size(), 4U); // a baseline of one app's sessions is not the other's
  const json& shop = fks["sessions"]["apps/shop/drizzle.config.ts"];
  const json& backoffice = fks["sessions"]["apps/backoffice/drizzle.config.ts"];
  ASSERT_TRUE(shop.is_object() && backoffice.is_object()) << result.out;
  EXPECT_EQ(shop["location"]["file"], "apps/shop/drizzle/0000_init.sql");
  // The further database's findings carry their Drizzle line, as the first's do.
  EXPECT_EQ(shop["fix"]["drizzle"], "index(\"sessions_user_id_idx\").on(table.userId)");
  EXPECT_EQ(shop["fix"]["drizzle_file"], "apps/shop/src/db/schema.ts:9");
  EXPECT_EQ(backoffice["fix"]["drizzle_file"], "apps/backoffice/src/db/schema/users.ts:10");
  // The dev and prod configs of apps/shop are one database, judged once.
  EXPECT_TRUE(
      any_note(report, "apps/shop/drizzle.prod.config.ts: the same schema as apps/shop/drizzle.config.ts"))
      << result.out;
  EXPECT_EQ(findings_of(report, "random-uuid-primary-key").size(), 2U); // shop's users and orders, once each
  // The schema line and summary speak of both databases.
  const std::string schema = report["schema"]["description"].get<std::string>();
  EXPECT_NE(schema.find("apps/backoffice/migrations/"), std::string::npos) << schema;
  EXPECT_NE(schema.find("1 more database, linted on its own: apps/shop/drizzle.config.ts"), std::string::npos)
      << schema;
  EXPECT_EQ(report["input_summary"]["schema"]["tables"], 6);
}

TEST(SeveralDatabasesCli, FixWritesEachAppsIndexIntoItsOwnSchemaFile) {
  const auto result = pgadvise_in(k_twin, {"fix"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  // The diff: each file's header, then its added lines.
  std::map<std::string, std::set<std::string>> added;
  std::string file;
  std::istringstream lines(result.out);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("+++ b/", 0) == 0) {
      file = line.substr(6);
    } else if (line.rfind("+  index(", 0) == 0) {
      added[file].insert(line.substr(3));
    }
  }
  EXPECT_EQ(added["apps/shop/src/db/schema.ts"],
            (std::set<std::string>{"index(\"orders_user_id_idx\").on(table.userId),",
                                   "index(\"sessions_user_id_idx\").on(table.userId),"}))
      << result.out;
  EXPECT_EQ(added["apps/backoffice/src/db/schema/users.ts"],
            (std::set<std::string>{"index(\"sessions_user_id_idx\").on(table.userId),"}))
      << result.out;
}

// The shape of /tmp/realfolder (bench/make-real-repo.py folder): one folder
// holding copies of a project, the same tables in each.
TEST(SeveralDatabasesCli, AFolderOfLikeProjectsReportsEachProjectsFindings) {
  TempTree tree;
  for (const std::string project : {"project01", "project02", "project03"}) {
    tree.write(project + "/package.json", "{\"name\":\"" + project + "\",\"private\":true}\n");
    tree.write(project + "/packages/db/drizzle.config.ts",
               "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n");
    tree.write(project + "/packages/db/drizzle/0000_init.sql",
               "CREATE TABLE \"users\" (\"id\" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY);\n"
               "--> statement-breakpoint\n"
               "CREATE TABLE \"teams\" (\"id\" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY, "
               "\"owner_id\" bigint REFERENCES \"users\"(\"id\"));\n");
  }
  const auto result = pgadvise_in(tree.root(), {"lint", "--format", "json"});
  const json report = report_of(result);
  std::set<std::string> files;
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    files.insert(finding["location"]["file"].get<std::string>());
  }
  EXPECT_EQ(files, (std::set<std::string>{"project01/packages/db/drizzle/0000_init.sql",
                                          "project02/packages/db/drizzle/0000_init.sql",
                                          "project03/packages/db/drizzle/0000_init.sql"}))
      << result.out;
  const auto text = pgadvise_in(tree.root(), {"lint"});
  EXPECT_NE(text.out.find("Do first: critical and high (3 entries)"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("each linted on its own: project02/packages/db/drizzle.config.ts"),
            std::string::npos)
      << text.out;
  // The foreign keys' block says which database each statement is for.
  EXPECT_NE(
      text.out.find("  -- project02/packages/db/drizzle.config.ts\n"
                    "  CREATE INDEX CONCURRENTLY IF NOT EXISTS teams_owner_id_idx ON teams (owner_id);"),
      std::string::npos)
      << text.out;
}

// A folder of five like projects, each with an unindexed foreign key and a
// per-row query in its API: each index line gets the commands of its own
// project's database, not the first one's, and the text report says them
// as one line for the five, each project named. A loop's rewrite is code:
// no migration commands.
TEST(SeveralDatabasesCli, EachProjectsIndexGetsItsOwnDatabasesCommands) {
  TempTree tree;
  const std::vector<std::string> projects = {"project01", "project02", "project03", "project04", "project05"};
  for (const std::string& project : projects) {
    tree.write(project + "/package.json",
               "{\"name\":\"" + project +
                   "\",\"private\":true,\"workspaces\":[\"apps/*\",\"packages/*\"]}\n");
    tree.write(project + "/packages/db/package.json",
               "{\"name\":\"@app/db\",\"private\":true,\"scripts\":{\"generate\":\"drizzle-kit generate\","
               "\"migrate\":\"drizzle-kit migrate\"},\"devDependencies\":{\"drizzle-kit\":\"^0.31.11\"}}\n");
    tree.write(project + "/packages/db/drizzle.config.ts",
               "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n");
    tree.write(project + "/packages/db/src/schema.ts",
               "import { bigint, pgTable } from \"drizzle-orm/pg-core\";\n"
               "export const users = pgTable(\"users\", { id: bigint(\"id\", { mode: \"number\" "
               "}).primaryKey() });\n"
               "export const teams = pgTable(\"teams\", {\n"
               "  id: bigint(\"id\", { mode: \"number\" }).primaryKey(),\n"
               "  ownerId: bigint(\"owner_id\", { mode: \"number\" }).references(() => users.id),\n"
               "});\n");
    tree.write(project + "/packages/db/drizzle/0000_init.sql",
               "CREATE TABLE \"users\" (\"id\" bigint PRIMARY KEY);\n--> statement-breakpoint\n"
               "CREATE TABLE \"teams\" (\"id\" bigint PRIMARY KEY, \"owner_id\" bigint REFERENCES "
               "\"users\"(\"id\"));\n");
    tree.write(project + "/apps/api/package.json", "{\"name\":\"@app/api\",\"private\":true}\n");
    tree.write(project + "/apps/api/src/teams.ts",
               "import { eq } from \"drizzle-orm\";\nimport { db } from \"./db\";\n"
               "import { teams, users } from \"@app/db/src/schema\";\n\n"
               "export async function teamsOfEveryone() {\n"
               "  const everyone = await db.select().from(users);\n  const out = [];\n"
               "  for (const user of everyone) {\n"
               "    out.push(await db.select().from(teams).where(eq(teams.ownerId, user.id)));\n  }\n"
               "  return out;\n}\n");
  }
  const auto result = pgadvise_in(tree.root(), {"lint", "--format", "json"});
  const json report = report_of(result);
  std::map<std::string, std::string> commands; // the project -> its index fix's commands
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    const std::string file = finding["location"]["file"].get<std::string>();
    commands[file.substr(0, file.find('/'))] = finding["fix"].value("commands", "");
  }
  std::map<std::string, std::string> expected;
  for (const std::string& project : projects) {
    expected[project] = "cd " + project + "/packages/db && npm run generate && npm run migrate";
  }
  EXPECT_EQ(commands, expected) << result.out;
  const std::vector<json> loops = findings_of(report, "query-in-loop");
  EXPECT_EQ(loops.size(), projects.size()) << result.out;
  for (const json& loop : loops) {
    EXPECT_TRUE(loop["fix"]["commands"].is_null()) << loop.dump(2);
  }

  const auto text = pgadvise_in(tree.root(), {"lint"});
  std::string flat; // the text with its wrapped lines joined
  for (std::size_t i = 0; i < text.out.size(); ++i) {
    if (text.out[i] == '\n' && i + 1 < text.out.size() && text.out[i + 1] == ' ') {
      while (i + 1 < text.out.size() && text.out[i + 1] == ' ') {
        ++i;
      }
      flat += ' ';
    } else {
      flat += text.out[i];
    }
  }
  EXPECT_NE(flat.find("after editing the Drizzle schemas, in each of the 5 projects: cd "
                      "<project>/packages/db && npm run generate && npm run migrate (<project>: project01,"),
            std::string::npos)
      << text.out;
  EXPECT_NE(flat.find("project04, project05)"), std::string::npos) << text.out;
  EXPECT_EQ(text.out.find("after editing the Drizzle schema, run: cd project01"), std::string::npos)
      << text.out;
}

// Each app's code is judged with its own database: helpdesk's loop reads
// its own `comments` (ticket_id, no index), not blog's (post_id, indexed),
// though blog's database is the first found; its push finding speaks of
// its own migrations folder.
TEST(SeveralDatabasesCli, EachAppsCodeIsJudgedWithItsOwnDatabase) {
  const auto result = pgadvise_in(k_apps, {"lint", "--format", "json"});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const json report = report_of(result);
  const std::vector<json> loops = findings_of(report, "query-in-loop");
  ASSERT_EQ(loops.size(), 1U) << result.out;
  EXPECT_EQ(loops[0]["location"]["file"], "helpdesk/apps/api/src/routes/inbox.ts");
  EXPECT_EQ(loops[0]["object"]["table"], "comments");
  // Blog's `comments` has no ticketId: judged against it, the column stayed the code's name.
  EXPECT_EQ(loops[0]["object"]["columns"], json::array({"ticket_id"})) << loops[0].dump(2);
  EXPECT_TRUE(loops[0]["fix"]["commands"].is_null()) << loops[0].dump(2); // a code change: no migration

  const std::vector<json> fks = findings_of(report, "unindexed-foreign-key");
  ASSERT_EQ(fks.size(), 1U) << result.out; // blog's comments(post_id) is indexed
  EXPECT_EQ(fks[0]["object"]["columns"], json::array({"ticket_id"}));
  EXPECT_EQ(database_of(fks[0]), "helpdesk/packages/db/drizzle.config.ts");

  const std::vector<json> pushes = findings_of(report, "drizzle-push-in-production");
  ASSERT_EQ(pushes.size(), 1U) << result.out; // found in helpdesk's run only, once
  EXPECT_EQ(pushes[0]["location"]["file"], "helpdesk/.github/workflows/deploy.yml");
  const std::string note = pushes[0]["fix"]["safety_note"].get<std::string>();
  EXPECT_NE(note.find("committed SQL files in helpdesk/packages/db/migrations "), std::string::npos) << note;
  EXPECT_EQ(note.find("blog/drizzle"), std::string::npos) << note;
}

// A monorepo whose two apps each keep a drizzle.config of one shared
// database (packages/db's migrations and schema): one database, linted
// once, and every app's loop reported once, judged against that schema.
TEST(SeveralDatabasesCli, AppsSharingOneDatabaseReportEachLoopOnce) {
  TempTree tree;
  tree.write("package.json",
             "{\"name\":\"shared\",\"private\":true,\"workspaces\":[\"apps/*\",\"packages/*\"]}\n");
  tree.write("packages/db/package.json", "{\"name\":\"@shared/db\",\"private\":true,"
                                         "\"dependencies\":{\"drizzle-orm\":\"^0.45.4\"}}\n");
  tree.write("packages/db/src/schema.ts",
             "import { integer, pgTable, serial } from \"drizzle-orm/pg-core\";\n"
             "export const teams = pgTable(\"teams\", { id: serial(\"id\").primaryKey() });\n"
             "export const members = pgTable(\"team_members\", {\n"
             "  id: serial(\"id\").primaryKey(),\n"
             "  teamId: integer(\"team_id\").references(() => teams.id),\n"
             "});\n");
  tree.write("packages/db/migrations/0000_init.sql",
             "CREATE TABLE \"teams\" (\"id\" serial PRIMARY KEY);\n--> statement-breakpoint\n"
             "CREATE TABLE \"team_members\" (\"id\" serial PRIMARY KEY, \"team_id\" integer REFERENCES "
             "\"teams\"(\"id\"));\n");
  for (const std::string app : {"api", "web"}) {
    tree.write("apps/" + app + "/package.json",
               "{\"name\":\"@shared/" + app +
                   "\",\"private\":true,\"devDependencies\":{\"drizzle-kit\":\"^0.31.11\"}}\n");
    tree.write("apps/" + app + "/drizzle.config.ts",
               "export default { dialect: 'postgresql', schema: '../../packages/db/src/schema.ts', "
               "out: '../../packages/db/migrations' };\n");
    tree.write("apps/" + app + "/src/members.ts",
               "import { eq } from \"drizzle-orm\";\nimport { db } from \"./db\";\n"
               "import { members, teams } from \"@shared/db/src/schema\";\n\n"
               "export async function membersOfEveryTeam() {\n"
               "  const all = await db.select().from(teams);\n  const out = [];\n"
               "  for (const team of all) {\n"
               "    out.push(await db.select().from(members).where(eq(members.teamId, team.id)));\n  }\n"
               "  return out;\n}\n");
  }
  const auto result = pgadvise_in(tree.root(), {"lint", "--format", "json"});
  const json report = report_of(result);
  std::map<std::string, json> loops; // file -> its finding
  for (const json& finding : findings_of(report, "query-in-loop")) {
    EXPECT_TRUE(loops.emplace(finding["location"]["file"].get<std::string>(), finding).second)
        << "reported twice: " << finding.dump(2);
  }
  ASSERT_EQ(loops.size(), 2U) << result.out;
  for (const std::string file : {"apps/api/src/members.ts", "apps/web/src/members.ts"}) {
    ASSERT_TRUE(loops.count(file)) << file << "\n" << result.out;
    EXPECT_EQ(loops[file]["object"]["table"], "team_members") << loops[file].dump(2);
    EXPECT_EQ(loops[file]["object"]["columns"], json::array({"team_id"}));
  }
  EXPECT_EQ(findings_of(report, "unindexed-foreign-key").size(), 1U) << result.out;
  EXPECT_TRUE(any_note(report, "the same schema as apps/api/drizzle.config.ts's, linted once")) << result.out;
}

// A monorepo of two databases (packages/auth, packages/db) whose one app
// reads both: apps/web's file is as near to either config, so each loop
// goes to the database whose schema has its table, and is judged with it.
TEST(SeveralDatabasesCli, AnAppOfTwoDatabasesHasEachLoopJudgedByTheOneWithItsTable) {
  TempTree tree;
  tree.write("package.json",
             "{\"name\":\"two-dbs\",\"private\":true,\"workspaces\":[\"apps/*\",\"packages/*\"]}\n");
  const std::map<std::string, std::pair<std::string, std::string>> schemas = {
      {"auth",
       {"import { integer, pgTable, serial } from \"drizzle-orm/pg-core\";\n"
        "export const users = pgTable(\"auth_users\", { id: serial(\"id\").primaryKey() });\n"
        "export const sessions = pgTable(\"auth_sessions\", {\n  id: serial(\"id\").primaryKey(),\n"
        "  userId: integer(\"user_id\").references(() => users.id),\n});\n",
        "CREATE TABLE \"auth_users\" (\"id\" serial PRIMARY KEY);\n--> statement-breakpoint\n"
        "CREATE TABLE \"auth_sessions\" (\"id\" serial PRIMARY KEY, \"user_id\" integer REFERENCES "
        "\"auth_users\"(\"id\"));\n"}},
      {"db",
       {"import { integer, pgTable, serial } from \"drizzle-orm/pg-core\";\n"
        "export const accounts = pgTable(\"accounts\", { id: serial(\"id\").primaryKey() });\n"
        "export const projects = pgTable(\"app_projects\", {\n  id: serial(\"id\").primaryKey(),\n"
        "  ownerId: integer(\"owner_id\").references(() => accounts.id),\n});\n",
        "CREATE TABLE \"accounts\" (\"id\" serial PRIMARY KEY);\n--> statement-breakpoint\n"
        "CREATE TABLE \"app_projects\" (\"id\" serial PRIMARY KEY, \"owner_id\" integer REFERENCES "
        "\"accounts\"(\"id\"));\n"}}};
  for (const auto& [name, files] : schemas) {
    tree.write("packages/" + name + "/package.json",
               "{\"name\":\"@two/" + name +
                   "\",\"private\":true,\"devDependencies\":{\"drizzle-kit\":\"^0.31.11\"}}\n");
    tree.write("packages/" + name + "/drizzle.config.ts",
               "export default { dialect: 'postgresql', schema: './src/schema.ts', out: './drizzle' };\n");
    tree.write("packages/" + name + "/src/schema.ts", files.first);
    tree.write("packages/" + name + "/drizzle/0000_init.sql", files.second);
  }
  tree.write("apps/web/package.json", "{\"name\":\"@two/web\",\"private\":true}\n");
  tree.write("apps/web/src/dashboard.ts",
             "import { eq } from \"drizzle-orm\";\nimport { db } from \"./db\";\n"
             "import { sessions, users } from \"@two/auth/src/schema\";\n"
             "import { accounts, projects } from \"@two/db/src/schema\";\n\n"
             "export async function sessionsOfEveryone() {\n"
             "  const everyone = await db.select().from(users);\n  const out = [];\n"
             "  for (const user of everyone) {\n"
             "    out.push(await db.select().from(sessions).where(eq(sessions.userId, user.id)));\n  }\n"
             "  return out;\n}\n\n"
             "export async function projectsOfEveryAccount() {\n"
             "  const all = await db.select().from(accounts);\n  const out = [];\n"
             "  for (const account of all) {\n"
             "    out.push(await db.select().from(projects).where(eq(projects.ownerId, account.id)));\n  }\n"
             "  return out;\n}\n");
  const auto result = pgadvise_in(tree.root(), {"lint", "--format", "json"});
  const json report = report_of(result);
  std::map<std::string, json> objects; // the loop's table -> its object
  for (const json& finding : findings_of(report, "query-in-loop")) {
    const std::string table = finding["object"]["table"].get<std::string>();
    EXPECT_TRUE(objects.emplace(table, finding["object"]).second) << "reported twice: " << finding.dump(2);
  }
  std::map<std::string, std::string> commands; // the foreign key's table -> its index fix's commands
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    commands[finding["object"]["table"].get<std::string>()] = finding["fix"].value("commands", "");
  }
  // Judged against packages/auth's schema (the first found), projects had no table: `projects`, `ownerId`.
  EXPECT_EQ(objects.size(), 2U) << result.out;
  EXPECT_EQ(objects["app_projects"]["columns"], json::array({"owner_id"})) << result.out;
  EXPECT_EQ(objects["auth_sessions"]["columns"], json::array({"user_id"})) << result.out;
  EXPECT_EQ(commands["app_projects"],
            "cd packages/db && npx drizzle-kit generate && npx drizzle-kit migrate");
  EXPECT_EQ(commands["auth_sessions"],
            "cd packages/auth && npx drizzle-kit generate && npx drizzle-kit migrate");
}

// A log of both apps' traffic on one server (logs/postgresql-15.log.gz: a
// real PostgreSQL 15 log of blog's readers and helpdesk's agents at once,
// bench/apps-folder.sh): each statement goes to the database whose schema
// has its tables, so helpdesk's inbox loop, though helpdesk is the second
// database, is the log's N+1 tied to its code, judged with helpdesk's
// schema, and reported once. Before, the whole log went to blog's rules:
// the N+1 was blog's finding at a log line, the loop a query-in-loop "not
// measured", and tickets.status' unindexed filter was never judged.
TEST(SeveralDatabasesCli, ALogOfEveryAppsTrafficIsMatchedWithEachAppsOwnCode) {
  const auto result =
      pgadvise_in(k_apps, {"lint", ".", "--log", "logs/postgresql-15.log.gz", "--format", "json"});
  ASSERT_EQ(result.exit_code, 1) << result.err;
  const json report = report_of(result);
  EXPECT_TRUE(findings_of(report, "query-in-loop").empty()) << result.out;
  const std::vector<json> loops = findings_of(report, "n-plus-one");
  ASSERT_EQ(loops.size(), 1U) << result.out;
  EXPECT_EQ(database_of(loops[0]), "helpdesk/packages/db/drizzle.config.ts") << loops[0].dump(2);
  EXPECT_EQ(loops[0]["location"]["file"], "helpdesk/apps/api/src/routes/inbox.ts") << loops[0].dump(2);
  EXPECT_EQ(loops[0]["location"]["line"], 11);
  EXPECT_EQ(loops[0]["object"]["table"], "comments");
  EXPECT_EQ(loops[0]["object"]["columns"], json::array({"ticket_id"}));
  EXPECT_NE(loops[0]["message"].get<std::string>().find("issued by the for...of loop"), std::string::npos)
      << loops[0]["message"];

  const std::vector<json> filters = findings_of(report, "filter-on-unindexed-column");
  ASSERT_EQ(filters.size(), 1U) << result.out; // comments(ticket_id)'s joined the foreign key's finding
  EXPECT_EQ(filters[0]["object"]["table"], "tickets");
  EXPECT_EQ(database_of(filters[0]), "helpdesk/packages/db/drizzle.config.ts");
  // Blog's traffic (its comments by the indexed post_id) stays blog's, and clean.
  for (const json& finding : report["findings"]) {
    if (database_of(finding) == "blog/drizzle.config.ts") {
      EXPECT_EQ(finding["rule"], "integer-primary-key-overflow") << finding.dump(2);
    }
  }
}

// Two apps whose schemas both declare a `sessions` table alike: a logged
// statement on it fits both, and goes to the first of them: one finding,
// not one per database.
TEST(SeveralDatabasesCli, AStatementOnATableTwoDatabasesDeclareIsJudgedOnce) {
  TempTree tree;
  std::string log;
  for (int i = 0; i < 40; ++i) {
    char stamp[64];
    std::snprintf(stamp, sizeof stamp, "2026-11-25 09:00:%02d.%03d UTC", i / 10, (i % 10) * 100);
    log += std::string(stamp) + " [" + std::to_string(700 + i % 3) +
           "] shop@shop LOG:  duration: 4.210 ms  statement: SELECT id, user_id FROM sessions WHERE "
           "expires_at < now() - interval '" +
           std::to_string(i + 1) + " days'\n";
  }
  tree.write("postgresql.log", log);
  const auto result = pgadvise_in(
      k_twin, {"lint", ".", "--log", (tree.root() / "postgresql.log").string(), "--format", "json"});
  const json report = report_of(result);
  std::vector<json> on_sessions;
  for (const json& finding : findings_of(report, "filter-on-unindexed-column")) {
    if (finding["object"]["table"] == "sessions") {
      on_sessions.push_back(finding);
    }
  }
  ASSERT_EQ(on_sessions.size(), 1U) << result.out;
  EXPECT_EQ(database_of(on_sessions[0]), "apps/backoffice/drizzle.config.ts") << on_sessions[0].dump(2);
  EXPECT_EQ(on_sessions[0]["object"]["columns"], json::array({"expires_at"})) << on_sessions[0].dump(2);
}

} // namespace several_databases_cli_test
