// `pgadvise lint` on projects in the layouts and schema styles of public
// Drizzle apps (fixtures/real-shapes/, each written by real drizzle-kit; each
// README says which shapes it has): what a user of such an app is told.
#include "support/cli.hpp"
#include "support/reports.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <vector>

namespace pgadvise::test {
namespace real_shapes_test {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path k_shapes = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "real-shapes";

// The JSON report of `pgadvise lint ARGS... <fixture>`, run from the fixture.
json lint(const std::string& fixture, std::vector<std::string> args = {}) {
  std::vector<std::string> command{"lint", "--format", "json", "--min-severity", "info"};
  command.insert(command.end(), args.begin(), args.end());
  command.emplace_back(".");
  const ProcessResult result = run_pgadvise_in((k_shapes / fixture).string(), command);
  EXPECT_LE(result.exit_code, 1) << result.err;
  return report_of(result);
}

// What each finding of `rule` is about: its message.
std::set<std::string> messages(const json& report, std::string_view rule) {
  std::set<std::string> out;
  for (const json& finding : findings_of(report, rule)) {
    out.insert(finding.value("message", ""));
  }
  return out;
}

// Column helpers that take the column's name (timestamptz('created_at')),
// shared through a spread object: the schema.ts agrees with the SQL
// drizzle-kit generated from it, so no index is drift, and the foreign keys
// without an index are the ones reported.
TEST(RealShapes, ChatSchemasFolderHelpersWithParametersAreNotDrift) {
  const json report = lint("chat-schemas-folder");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_EQ(findings_of(report, "unindexed-foreign-key").size(), 7U) << report.dump(2);
}

// Index keys written as sql`${table.name} gin_trgm_ops` and sql`${table.createdAt}`
// in the object form: PostgreSQL (and so the SQL replay) reads each as a
// column key, as schema.ts and the snapshot now do, so they are not drift;
// the foreign keys no index starts with are reported, the ones a `.desc()`
// key or an unnamed index covers are not.
TEST(RealShapes, RiversObjectFormSqlColumnKeysAreNotDrift) {
  const json report = lint("rivers-object-form");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_EQ(
      messages(report, "unindexed-foreign-key"),
      (std::set<std::string>{
          "Foreign key rivers_drop(author_id) -> rivers_planet(id) has no index that starts with author_id",
          "Foreign key rivers_drop(river_slug) -> rivers_river(slug) has no index that starts with "
          "river_slug"}));
  EXPECT_EQ(findings_of(report, "concurrently-in-transaction").size(), 2U);
}

// The finding of `rule` located in `file` at `line`, or null.
const json* finding_at(const std::vector<json>& findings, const std::string& file, int line) {
  for (const json& finding : findings) {
    if (finding["location"].value("file", "") == file && finding["location"].value("line", 0) == line) {
      return &finding;
    }
  }
  return nullptr;
}

// A Node build script that runs its deploy steps through execSync behind a
// run(cmd) wrapper: the push and the seed it runs are reached from the
// deployed `build` script; what its comments and console.log mention is not.
TEST(RealShapes, DeployBuildScriptRunsPushAndSeedThroughExecSync) {
  const json report = lint("deploy-build-script");
  const std::vector<json> pushes = findings_of(report, "drizzle-push-in-production");
  const json* build = finding_at(pushes, "package.json", 6);
  ASSERT_NE(build, nullptr) << report.dump(2);
  EXPECT_EQ((*build)["severity"], "critical");
  EXPECT_NE((*build)["message"].get<std::string>().find(
                "\"build\" -> scripts/build.mjs:9 drizzle-kit push --force"),
            std::string::npos)
      << (*build)["message"];
  EXPECT_EQ(pushes.size(), 2U) << report.dump(2); // and db:push, which nothing runs (info)
  const std::vector<json> seeds = findings_of(report, "seed-in-production");
  ASSERT_NE(finding_at(seeds, "package.json", 6), nullptr) << report.dump(2);
  EXPECT_NE(finding_at(seeds, "package.json", 10), nullptr) << report.dump(2); // vercel-build
}

// rybbit's layout: the final stage's ENTRYPOINT script pushes with --force
// (production), the pull-request workflow pushes into its own service
// container (a CI test database, info), and nothing else pushes.
TEST(RealShapes, AnalyticsEntrypointPushesInTheContainerNotInCi) {
  const json report = lint("analytics-entrypoint");
  const std::vector<json> pushes = findings_of(report, "drizzle-push-in-production");
  ASSERT_EQ(pushes.size(), 2U) << report.dump(2);
  const json* entrypoint = finding_at(pushes, "server/Dockerfile", 21);
  ASSERT_NE(entrypoint, nullptr) << report.dump(2);
  EXPECT_EQ((*entrypoint)["severity"], "critical");
  const json* ci = finding_at(pushes, ".github/workflows/test.yml", 19);
  ASSERT_NE(ci, nullptr) << report.dump(2);
  EXPECT_EQ((*ci)["severity"], "info");
}

// Extra-config entries shared between tables: a spread array of policies
// and a helper returning the table's tenant index. The index the helper
// gives is the schema's (drizzle-kit creates it), so its foreign key is not
// reported and fix never adds it a second time.
TEST(RealShapes, FormsSharedConfigSpreadEntriesAreRead) {
  const json report = lint("forms-shared-config");
  EXPECT_EQ(messages(report, "unindexed-foreign-key"),
            (std::set<std::string>{
                "Foreign key comments(author_id) -> profiles(id) has no index that starts with author_id"}));
  EXPECT_TRUE(findings_of(report, "replay-warning").empty()) << report.dump(2);
  const ProcessResult fix = run_pgadvise_in((k_shapes / "forms-shared-config").string(), {"fix", "."});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_NE(fix.out.find("+      index(\"comments_author_id_idx\").on(t.authorId),"), std::string::npos)
      << fix.out;
  EXPECT_EQ(fix.out.find("tenant_id_idx"), std::string::npos) << fix.out;
  // Push-only: the next step's `generate && migrate` would recreate every table.
  EXPECT_NE(fix.err.find("this project has no migrations yet (its databases were built by drizzle-kit push)"),
            std::string::npos)
      << fix.err;
}

// fix turns the entrypoint's push into migrate; the image's final stage
// copies dist, node_modules, src and drizzle.config.ts but not server/drizzle,
// so fix says the container would find no migrations to apply.
TEST(RealShapes, AnalyticsEntrypointFixSaysTheImageLacksTheMigrations) {
  const ProcessResult fix = run_pgadvise_in((k_shapes / "analytics-entrypoint").string(), {"fix", "."});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_NE(fix.out.find("-npm run db:push -- --force\n+npm run db:migrate\n"), std::string::npos) << fix.out;
  EXPECT_NE(fix.err.find("server/Dockerfile:10: the final stage copies no drizzle/"), std::string::npos)
      << fix.err;
}

// pgTable.withRLS("likes", {...}) is a table declaration fix adds an extra
// config to (it was 'no pgTable declaration of `likes`', its two indexes
// left out), and the count of findings fixed leaves out the one whose
// table's extra config is a function call fix cannot add to.
TEST(RealShapes, RlsKitOneWithRlsTablesGetTheirIndexes) {
  const ProcessResult fix = run_pgadvise_in((k_shapes / "rls-kit1").string(), {"fix", "."});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_NE(fix.out.find("+}, (t) => [\n+  index(\"likes_postId_idx\").on(t.postId),\n"
                         "+  index(\"likes_userId_idx\").on(t.userId),\n+]);\n"),
            std::string::npos)
      << fix.out;
  EXPECT_NE(fix.out.find("+    index(\"posts_authorId_idx\").on(t.authorId),\n"), std::string::npos)
      << fix.out;
  EXPECT_EQ(fix.err.find("no pgTable declaration"), std::string::npos) << fix.err;
  EXPECT_NE(fix.err.find("so bookmarks_postId_idx was not added"), std::string::npos) << fix.err;
  EXPECT_NE(fix.err.find("would change 1 file for 3 findings"), std::string::npos) << fix.err;
  // The index left out is not one the migration builds.
  EXPECT_NE(
      fix.err.find("(no --db or --stats): likes_postId_idx, likes_userId_idx, posts_authorId_idx are built"),
      std::string::npos)
      << fix.err;
}

// drizzle-kit pull's style: every index `.using("btree", t.col.asc().nullsLast().op(...))`
// and foreign keys as foreignKey({...}) entries. The indexes that start with
// a foreign key's column cover it; the partial unique index of the
// pgSchema table does not; the unique index repeating the primary key is a
// duplicate; nothing drifts.
TEST(RealShapes, FinancePulledIndexStylesCoverTheirForeignKeys) {
  const json report = lint("finance-pulled");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_EQ(messages(report, "unindexed-foreign-key"),
            (std::set<std::string>{
                "Foreign key reporting.monthly_snapshots(team_id) -> teams(id) has no index "
                "that starts with team_id",
                "Foreign key transactions(bank_account_id) -> bank_accounts(id) has no index "
                "that starts with bank_account_id",
                "Foreign key transactions(team_id, category_slug) -> transaction_categories(team_id, "
                "slug) has no index that starts with (team_id, category_slug)"}));
  ASSERT_EQ(findings_of(report, "duplicate-index").size(), 1U) << report.dump(2);
  EXPECT_EQ(findings_of(report, "duplicate-index")[0]["object"].value("constraint", ""), "unique_team_slug");
}

// drizzle-kit 1.0 with a schema glob, unnamed index() / uniqueIndex() (1.0's
// default names), composite primary and foreign keys without names: the SQL,
// snapshot and schema.ts agree, and only the composite keys no index starts
// with are reported.
TEST(RealShapes, ClinicKitOneGlobCompositeKeys) {
  const json report = lint("clinic-kit1-glob");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_EQ(messages(report, "unindexed-foreign-key"),
            (std::set<std::string>{
                "Foreign key consult_notes(tenantId, encounterId) -> encounters(tenantId, id) has "
                "no index that starts with (tenantId, encounterId)",
                "Foreign key encounters(facilityId) -> tenancy.facilities(id) has no index that "
                "starts with facilityId",
                "Foreign key encounters(tenantId, patientId) -> patients(tenantId, id) has no "
                "index that starts with (tenantId, patientId)"}));
  EXPECT_TRUE(findings_of(report, "seed-in-production").empty());
  EXPECT_TRUE(findings_of(report, "drizzle-push-in-production").empty());
}

// Tables declared p.pgTable(...) through `import * as p from
// "drizzle-orm/pg-core"`: fix finds the table (it was 'no pgTable
// declaration of `orders`', nothing changed) and writes the entry as
// p.index(...), importing nothing.
TEST(RealShapes, PgNamespaceImportGetsANamespacedIndex) {
  const ProcessResult fix = run_pgadvise_in((k_shapes / "pg-namespace-import").string(), {"fix", "."});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_NE(fix.out.find("+      customerIdIdx: p.index(\"orders_customer_id_idx\").on(table.customerId),\n"),
            std::string::npos)
      << fix.out << fix.err;
  EXPECT_EQ(fix.out.find("import {"), std::string::npos) << fix.out;
  EXPECT_EQ(fix.err.find("no pgTable declaration"), std::string::npos) << fix.err;
}

// Shared columns imported through tsconfig `paths` aliases in a project
// without workspaces: the nearest tsconfig.json above the schema is read
// from any working directory (it was bounded at the schema's own folder,
// and relative entry paths stopped the search), so the columns and their
// index are the schema's and nothing drifts.
TEST(RealShapes, TsconfigAliasesResolveFromAnyWorkingDirectory) {
  const json report = lint("tsconfig-aliases");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_EQ(findings_of(report, "unindexed-foreign-key").size(), 1U) << report.dump(2);
  const ProcessResult above = run_pgadvise_in(
      k_shapes.string(), {"lint", "--format", "json", "--min-severity", "info", "tsconfig-aliases"});
  EXPECT_TRUE(messages(report_of(above), "snapshot-drift").empty()) << above.out;
}

// cella's shapes (fixtures/real-shapes/entity-factory/README.md): columns
// from a shared object by member access and tables from the app's own
// generic factory are read as drizzle-kit reads them, so the one drift is
// the index schema.ts declares and no migration builds (there were 8: the
// factory's tables and the shared columns were missing from schema.ts):
// the foreign key it serves says so, one finding (snapshot-drift's own
// finding about it goes), and the factory's foreign keys are judged. fix
// names the factory it cannot edit, and does not say the fixes are already
// in the files.
TEST(RealShapes, EntityFactoryTablesAndSharedColumnsAreNotDrift) {
  const json report = lint("entity-factory");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  for (const json& finding : findings_of(report, "unindexed-foreign-key")) {
    if (finding["object"]["table"] == "memberships") {
      EXPECT_EQ(
          finding["fix"]["drizzle"].get<std::string>().rfind(
              "// schema.ts declares memberships_organization_id_idx (src/db/schema/memberships.ts:23:5)", 0),
          0U)
          << finding.dump(2);
    }
  }
  EXPECT_EQ(messages(report, "unindexed-foreign-key"),
            (std::set<std::string>{
                "Foreign key memberships(organization_id) -> organizations(id) has no index that starts with "
                "organization_id",
                "Foreign key organizations(created_by) -> users(id) has no index that starts with created_by",
                "Foreign key projects(organization_id) -> organizations(id) has no index that starts with "
                "organization_id"}))
      << report.dump(2);
  const ProcessResult fix = run_pgadvise_in((k_shapes / "entity-factory").string(),
                                            {"fix", ".", "--rule", "unindexed-foreign-key"});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_EQ(fix.out, "");
  EXPECT_EQ(
      fix.err.rfind("pgadvise: fix: nothing to change (2 fixes could not be placed: see the notes)\n", 0), 0U)
      << fix.err;
  EXPECT_NE(fix.err.find("  note: src/db/schema/organizations.ts: projectsTable: it is built by "
                         "`makeEntityTable(...)`, whose last argument is not an extra-config callback, so "
                         "projects_organization_id_idx was not added; add "
                         "index(\"projects_organization_id_idx\").on(table.organizationId) by hand\n"),
            std::string::npos)
      << fix.err;
}

// Column helpers and a table factory written as `function` statements
// (`export function id() { return text("id").primaryKey()... }`, `function
// tenantTable(name, columns) { return pgTable(name, {...}, (table) => [...]) }`)
// are read as their arrow forms are: no missing primary key and no drift
// (there were 9: every helper's column was lost, and the factory's tables
// with them), the index name the factory makes from its parameter is
// drizzle-kit's, and fix names the factory instead of giving its call a
// third argument it does not take.
TEST(RealShapes, FunctionHelpersAreReadAndTheirFactoryIsNotEdited) {
  const json report = lint("function-helpers");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  EXPECT_TRUE(messages(report, "missing-primary-key").empty()) << report.dump(2);
  EXPECT_EQ(
      messages(report, "unindexed-foreign-key"),
      (std::set<std::string>{
          "Foreign key members(workspace_id) -> workspaces(id) has no index that starts with workspace_id",
          "Foreign key projects(lead_id) -> members(id) has no index that starts with lead_id",
          "Foreign key tasks(project_id) -> projects(id) has no index that starts with project_id"}))
      << report.dump(2);
  const ProcessResult fix = run_pgadvise_in((k_shapes / "function-helpers").string(), {"fix", "."});
  EXPECT_EQ(fix.exit_code, 0) << fix.err;
  EXPECT_NE(fix.out.find("+  index(\"members_workspace_id_idx\").on(table.workspaceId),\n"),
            std::string::npos)
      << fix.out;
  EXPECT_EQ(fix.out.find("projects_lead_id_idx"), std::string::npos) << fix.out;
  EXPECT_NE(fix.err.find("  note: src/db/schema/projects.ts: projects: it is built by `tenantTable(...)`, a "
                         "function of the app's own, not pgTable, so projects_lead_id_idx was not added; add "
                         "index(\"projects_lead_id_idx\").on(table.leadId) by hand\n"),
            std::string::npos)
      << fix.err;
}

// Identity keys declared with options (`.generatedAlwaysAsIdentity({
// startWith: 1000 })`, and a table drizzle-kit pull wrote with every
// option): the bigint line keeps the options that are not PostgreSQL's
// defaults, read from drizzle-kit's SQL. With the options dropped (as
// before), drizzle-kit 0.31.11 generated SET START WITH 1 and SET CACHE 1
// beside the type change; with them, only the type and the maximum change.
TEST(RealShapes, IdentityOptionsStayInTheBigintLine) {
  const json report = lint("identity-options");
  std::set<std::string> lines;
  for (const json& finding : findings_of(report, "integer-primary-key-overflow")) {
    lines.insert(finding["fix"].value("drizzle", ""));
  }
  EXPECT_EQ(lines, (std::set<std::string>{
                       "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity({ "
                       "startWith: 1000 }),",
                       // legacy_orders and notes declare `id: integer()`, unnamed: so is the line.
                       "id: bigint({ mode: \"number\" }).primaryKey().generatedByDefaultAsIdentity({ name: "
                       "\"legacy_order_number_seq\", startWith: 50000, cache: 20 }),",
                       "id: bigint({ mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity(),"}))
      << report.dump(2);
}

// Columns built at run time (`...Object.fromEntries(locales.map(...))`, a
// whole column object from `keys.reduce(...)`) cannot be read without
// running schema.ts: they are not reported missing (there were 8 drift
// findings against drizzle-kit's SQL, and with schema.ts alone a missing
// primary key on the table whose key the reduce's seed declares); each part
// not read is an info note that says where.
TEST(RealShapes, RuntimeColumnsAreNotReportedMissing) {
  const json report = lint("runtime-columns");
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
  const ProcessResult alone =
      run_pgadvise_in((k_shapes / "runtime-columns").string(),
                      {"lint", "--format", "json", "--min-severity", "info", "src/db/schema.ts"});
  EXPECT_LE(alone.exit_code, 1) << alone.err;
  const json schema_ts = report_of(alone);
  EXPECT_TRUE(messages(schema_ts, "missing-primary-key").empty()) << schema_ts.dump(2);
  EXPECT_EQ(
      messages(schema_ts, "replay-warning"),
      (std::set<std::string>{
          "schema.ts: cannot resolve the spread `...Object.fromEntries()` in the columns of table `products`",
          "schema.ts: cannot resolve the columns of table `user_settings`, built by a function call"}))
      << schema_ts.dump(2);
}

// Integer keys made identities by a later migration, drizzle-kit's ALTER
// TABLE ... ADD GENERATED ... AS IDENTITY (... START WITH 50000 ...): the
// bigint line keeps the options the ALTER declared, as it does for a
// CREATE TABLE's (they were lost, and drizzle-kit would have reset the
// sequences' start and cache).
TEST(RealShapes, IdentityOptionsOfAnAddedIdentityStayInTheBigintLine) {
  const json report = lint("identity-added", {"--all-migrations"});
  std::set<std::string> lines;
  for (const json& finding : findings_of(report, "integer-primary-key-overflow")) {
    lines.insert(finding["fix"].value("drizzle", ""));
  }
  EXPECT_EQ(lines, (std::set<std::string>{
                       "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity({ "
                       "startWith: 100, cache: 10 }),",
                       "id: bigint(\"id\", { mode: \"number\" }).primaryKey().generatedByDefaultAsIdentity({ "
                       "startWith: 50000 }),"}))
      << report.dump(2);
  EXPECT_TRUE(messages(report, "snapshot-drift").empty()) << report.dump(2);
}

// Columns declared without a name (drizzle-orm 0.32+: `createdAt:
// timestamp()`, named by the key and `casing: "snake_case"`): the Drizzle
// lines of the fixes leave the name out too, as the file does; a column
// declared with a name keeps it. They were all `bigint("id", ...)`.
TEST(RealShapes, UnnamedColumnsGetUnnamedDrizzleLines) {
  const json report = lint("ledger-unnamed");
  std::map<std::string, std::string> lines; // rule table.column -> drizzle line
  for (const json& finding : report["findings"]) {
    const json& object = finding["object"];
    if (finding.contains("fix") && finding["fix"].contains("drizzle") && object["columns"].size() == 1 &&
        finding["rule"] != "unindexed-foreign-key") {
      lines[finding["rule"].get<std::string>() + " " + object["table"].get<std::string>() + "." +
            object["columns"][0].get<std::string>()] = finding["fix"]["drizzle"].get<std::string>();
    }
  }
  // Each line is the column as schema.ts writes it, its chain kept: only
  // the builder changes (and what the new type makes wrong: the identity's
  // options, a random default).
  const std::map<std::string, std::string> expected = {
      {"integer-primary-key-overflow accounts.id",
       "id: bigint({ mode: \"number\" }).primaryKey().generatedAlwaysAsIdentity(),"},
      {"integer-primary-key-overflow entries.id",
       "id: bigint({ mode: \"number\" }).primaryKey().generatedByDefaultAsIdentity(),"},
      {"foreign-key-type-mismatch entries.transfer_id",
       "transferId: bigint({ mode: \"number\" }).references(() => transfers.id, { onDelete: \"set null\" "
       "}),"},
      {"json-column-not-jsonb entries.metadata", "metadata: jsonb().$type<EntryMeta>()"},
      {"random-uuid-primary-key webhooks.id",
       "id: uuid().primaryKey().$defaultFn(() => uuidv7()), // import { v7 as uuidv7 } from \"uuid\""},
      {"timestamp-without-time-zone accounts.created_at",
       "createdAt: timestamp({ withTimezone: true }).notNull().defaultNow(),"},
      {"timestamp-without-time-zone accounts.archived_on",
       "archivedAt: timestamp(\"archived_on\", { withTimezone: true }),"},
      {"timestamp-without-time-zone entries.posted_at",
       "postedAt: timestamp({ withTimezone: true }).defaultNow(),"}};
  EXPECT_EQ(lines, expected) << report.dump(2);
}

// dispatch-pool's customers.ts types its text column `prefs:
// text('prefs').$type<CustomerPrefs>()` in single quotes: the jsonb line keeps
// the user's type and quotes, as `pgadvise fix` writes the file, instead of a
// `.$type<Record<string, unknown>>()` of pgadvise's that reads as dropping it.
TEST(RealShapes, DispatchPoolJsonbLineKeepsTheColumnsTypeAndQuotes) {
  const ProcessResult result = run_pgadvise_in(
      (k_shapes / "dispatch-pool").string(),
      {"lint", ".", "--format", "json", "--min-severity", "info", "--log", "logs/postgresql-15.log.gz"});
  const json report = report_of(result);
  std::map<std::string, std::string> lines; // table.column -> drizzle line
  for (const json& finding : findings_of(report, "json-in-text-column")) {
    lines[finding["object"]["table"].get<std::string>() + "." +
          finding["object"]["columns"][0].get<std::string>()] = finding["fix"]["drizzle"].get<std::string>();
  }
  EXPECT_EQ(lines["customers.prefs"], "prefs: jsonb('prefs').$type<CustomerPrefs>()") << report.dump(2);
}

} // namespace real_shapes_test
} // namespace pgadvise::test
