// `pgadvise fix --write` on Drizzle apps in each schema.ts style, then the
// real tools: drizzle-kit generate (0.31 and the 1.0 release candidate)
// must write exactly the DDL the findings proposed, `pgadvise lint` must
// no longer report those findings, and TypeScript's compiler must accept
// the edited file. The tools come from scripts/install-drizzle-tools.sh
// (run by scripts/install-deps.sh); a missing install fails, never skips.
#include "core/text.hpp"
#include "support/drizzle_app.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fix_round_trip_test {

namespace fs = std::filesystem;
using nlohmann::json;
using pgadvise::test::actions;
using pgadvise::test::findings_of;
using pgadvise::test::tools_dir;
using App = pgadvise::test::DrizzleApp;
using pgadvise::test::ProcessResult;
using pgadvise::test::read_text;

struct Case {
  std::string fixture;
  std::set<std::string> rules;          // the findings `fix` must carry out
  std::vector<std::string> lint_args;   // --queries ...
  std::size_t expected_findings = 0;    // how many of them the fixture has
  std::vector<std::string> in_the_diff; // lines the diff must add (+) or remove (-)
};

// gtest prints a case by this (not as its bytes).
void PrintTo(const Case& c, std::ostream* out) {
  *out << c.fixture;
}

class FixRoundTrip : public ::testing::TestWithParam<std::tuple<Case, std::string>> {};

TEST_P(FixRoundTrip, DrizzleKitGeneratesTheProposedDdlAndLintIsClean) {
  const auto& [c, kit] = GetParam();
  ASSERT_TRUE(fs::exists(tools_dir() / kit / "node_modules" / ".bin" / "drizzle-kit") &&
              fs::exists(tools_dir() / "typescript" / "node_modules" / "typescript" / "bin" / "tsc"))
      << "the Drizzle tools are not installed in " << tools_dir()
      << ": run scripts/install-deps.sh (it runs scripts/install-drizzle-tools.sh)";
  App app(c.fixture, kit);
  ASSERT_EQ(app.typecheck().exit_code, 0) << "the fixture itself does not compile";
  const std::string schema_before = read_text(app.dir() / "src/db/schema.ts");

  const json before = app.lint(c.lint_args);
  const auto targets = findings_of(before, c.rules);
  ASSERT_EQ(targets.size(), c.expected_findings) << before.dump(2);
  std::string proposed;
  for (const auto& [fingerprint, finding] : targets) {
    proposed += finding["fix"]["ddl"].get<std::string>() + "\n";
  }

  // The diff, and nothing written.
  std::vector<std::string> selection = c.lint_args;
  for (const std::string& rule : c.rules) {
    selection.insert(selection.end(), {"--rule", rule});
  }
  // These cases carry out unsafe fixes too (a dropped duplicate, json ->
  // jsonb): asked for by --rule, applied with the flag.
  selection.emplace_back("--unsafe-fixes");
  const ProcessResult dry = app.fix(selection);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(read_text(app.dir() / "src/db/schema.ts"), schema_before);
  for (const std::string& line : c.in_the_diff) {
    EXPECT_NE(dry.out.find("\n" + line + "\n"), std::string::npos) << line << "\n" << dry.out;
  }

  // Applied: the file compiles, drizzle-kit writes exactly the proposed DDL.
  std::vector<std::string> write = selection;
  write.emplace_back("--write");
  const ProcessResult applied = app.fix(write);
  ASSERT_EQ(applied.exit_code, 0) << applied.err;
  const ProcessResult tsc = app.typecheck();
  EXPECT_EQ(tsc.exit_code, 0) << tsc.out << tsc.err << read_text(app.dir() / "src/db/schema.ts");
  const std::string generated = app.generate("fix");
  // Every statement drizzle-kit wrote is one pgadvise proposed; an index
  // whose keys lead another new one is left out (the longer serves both),
  // which the lint below confirms.
  const auto wrote = actions(generated);
  const auto wanted = actions(proposed);
  EXPECT_FALSE(wrote.empty()) << "drizzle-kit generated nothing";
  EXPECT_TRUE(std::includes(wanted.begin(), wanted.end(), wrote.begin(), wrote.end()))
      << "generated:\n"
      << generated << "\nproposed:\n"
      << proposed;

  // lint no longer reports them.
  const json after = app.lint(c.lint_args);
  for (const auto& [fingerprint, finding] : findings_of(after, c.rules)) {
    EXPECT_EQ(targets.count(fingerprint), 0U) << "still reported: " << finding.dump(2);
  }

  // A second run changes nothing.
  app.commit();
  const std::string schema_after = read_text(app.dir() / "src/db/schema.ts");
  const ProcessResult again = app.fix(write);
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_text(app.dir() / "src/db/schema.ts"), schema_after);
}

// A large table (fixtures/fix/array/stats.json, written by `pgadvise stats`
// from a PostgreSQL 15 database holding the app with 2,000,000 tasks): the
// schema.ts entry goes in as always, and scripts/concurrent-indexes.sql
// builds the index CONCURRENTLY; after generate, the next `fix --write`
// makes the generated CREATE INDEX say IF NOT EXISTS. (The script itself
// runs against PostgreSQL in fix_concurrent_cluster_test.cpp.)
TEST(FixRoundTripLargeTable, DeployScriptBuildsTheIndexAndTheMigrationSaysIfNotExists) {
  ASSERT_TRUE(fs::exists(tools_dir() / "kit-0.31" / "node_modules" / ".bin" / "drizzle-kit"))
      << "the Drizzle tools are not installed in " << tools_dir() << ": run scripts/install-deps.sh";
  App app("array", "kit-0.31");
  const std::vector<std::string> select = {"--stats", "stats.json", "--rule", "unindexed-foreign-key"};
  const ProcessResult dry = app.fix(select);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("+    index(\"tasks_assignee_id_idx\").on(t.assigneeId),"), std::string::npos)
      << dry.out;
  EXPECT_NE(
      dry.out.find("+CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_assignee_id_idx ON tasks (assignee_id);"),
      std::string::npos)
      << dry.out;
  EXPECT_NE(dry.err.find("tasks_assignee_id_idx on public.tasks (about 2,000,000 rows, 1,000,000 or more)"),
            std::string::npos)
      << dry.err;
  // projects is small: its index stays in the migration, and the note says why.
  EXPECT_NE(dry.err.find("projects_owner_id_idx on public.projects (about "), std::string::npos) << dry.err;

  std::vector<std::string> write = select;
  write.emplace_back("--write");
  ASSERT_EQ(app.fix(write).exit_code, 0);
  const std::string script = read_text(app.dir() / "scripts" / "concurrent-indexes.sql");
  EXPECT_NE(
      script.find("CREATE INDEX CONCURRENTLY IF NOT EXISTS tasks_assignee_id_idx ON tasks (assignee_id);"),
      std::string::npos)
      << script;
  EXPECT_EQ(script.find("projects_owner_id_idx"), std::string::npos) << script;

  const std::string generated = app.generate("fix");
  EXPECT_NE(generated.find("CREATE INDEX \"tasks_assignee_id_idx\""), std::string::npos) << generated;
  // After generate: the plain CREATE INDEX of the script's index gains IF NOT EXISTS, nothing else changes.
  const ProcessResult guard = app.fix({"--write", "--allow-dirty"});
  ASSERT_EQ(guard.exit_code, 0) << guard.err;
  std::string migration;
  for (const fs::path& file : app.migrations()) {
    const std::string text = read_text(file);
    if (text.find("tasks_assignee_id_idx") != std::string::npos) {
      migration = text;
    }
  }
  EXPECT_NE(migration.find("CREATE INDEX IF NOT EXISTS \"tasks_assignee_id_idx\""), std::string::npos)
      << migration;
  EXPECT_NE(migration.find("CREATE INDEX \"projects_owner_id_idx\""), std::string::npos) << migration;
  EXPECT_EQ(actions(migration), actions(generated));
  const json after = app.lint({"--stats", "stats.json"});
  EXPECT_TRUE(findings_of(after, {"unindexed-foreign-key"}).empty()) << after.dump(2);
}

const std::vector<Case>& cases() {
  static const std::vector<Case> all = {
      // Array form: single FK, composite, expression and GIN from queries, a
      // duplicate dropped, json -> jsonb. (The drop is in a table that gains
      // no index: drizzle-kit 1.0 asks whether a new index renames a dropped
      // one of the same table, which a test cannot answer.)
      {"array",
       {"unindexed-foreign-key", "filter-on-unindexed-column", "duplicate-index", "json-column-not-jsonb"},
       {"--queries", "queries.sql"},
       6,
       {"+    index(\"tasks_assignee_id_idx\").on(t.assigneeId),",
        "-    index(\"events_kind_lookup_idx\").on(t.kind),", "+    payload: jsonb(\"payload\"),"}},
      // The older object form, composite from a query, and an empty object.
      {"object",
       {"unindexed-foreign-key", "filter-on-unindexed-column"},
       {"--queries", "queries.sql"},
       3,
       {"+    teamIdRoleIdx: index(\"members_team_id_role_idx\").on(table.teamId, table.role),"}},
      // No callback yet; single quotes, no semicolons, no trailing commas;
      // text holding JSON.
      {"none",
       {"unindexed-foreign-key", "json-in-text-column"},
       {},
       3,
       {"+}, (table) => [", "+  index('orders_customer_id_idx').on(table.customerId),"}},
      // Dokploy / Zero / onlook shapes (fixtures/fix/deploy-panel/README.md):
      // tabs, a table with .enableRLS() and no callback, one in a pgSchema,
      // a block-body callback, json with $type and a comment in its chain.
      {"deploy-panel",
       {"unindexed-foreign-key", "json-column-not-jsonb"},
       {},
       6,
       {"+}, (t) => [", "+\tindex(\"application_projectId_idx\").on(t.projectId),", "+]).enableRLS();",
        "+\t\t\tindex(\"deployment_applicationId_idx\").on(table.applicationId),",
        "+\thealthCheck: jsonb(\"healthCheck\").$type<HealthCheck>(),", "+\tports: jsonb(\"ports\")",
        "+\tindex(\"event_applicationId_idx\").on(t.applicationId),"}},
      // The object form keyed as the file keys its indexes (the column
      // without its Id, then Idx), a table without a callback included.
      {"object-keys",
       {"unindexed-foreign-key"},
       {},
       2,
       {"+    authorIdx: index(\"timeline_events_author_id_idx\").on(table.authorId),", "+}, (table) => ({",
        "+  eventIdx: index(\"attachments_event_id_idx\").on(table.eventId),"}},
      // Columns every table spreads from a shared object in another file,
      // whole or without `name` (`const { name: _name, ...BaseWithoutName }`),
      // drizzle-orm pinned at ^0.33: the timestamps are edited once in
      // columns.ts, and tables without a callback get the object form.
      {"shared-columns",
       {"unindexed-foreign-key", "timestamp-without-time-zone"},
       {},
       9,
       {"+  createdAt: timestamp('created_at', { precision: 3, mode: 'date', withTimezone: true })"
        ".defaultNow().notNull(),",
        "+  updatedAt: timestamp('updated_at', { precision: 3, mode: 'date', withTimezone: true })",
        "+}, (table) => ({", "+  roleIdIdx: index('users_role_id_idx').on(table.roleId),",
        "+    permissionIdIdx: index('user_permissions_permission_id_idx').on(table.permissionId)"}},
      // Unnamed indexes and an expression from a query: drizzle-kit (0.31
      // and 1.0) names no expression index, so it is named, in the file's
      // `_index` names.
      {"unnamed-expression",
       {"filter-on-unindexed-column"},
       {"--queries", "queries.sql"},
       1,
       {"+    index(\"accounts_lower_email_index\").on(sql`lower(${t.email})`),"}},
  };
  return all;
}

std::string case_name(const ::testing::TestParamInfo<std::tuple<Case, std::string>>& info) {
  std::string name = std::get<0>(info.param).fixture + "_" + std::get<1>(info.param);
  std::replace_if(
      name.begin(), name.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) == 0; }, '_');
  return name;
}

INSTANTIATE_TEST_SUITE_P(Styles, FixRoundTrip,
                         ::testing::Combine(::testing::ValuesIn(cases()),
                                            ::testing::Values("kit-0.31", "kit-1.0")),
                         case_name);

// Every line of `before` that holds one of `marks` is still in `after`:
// a fix keeps the $type<>s, comments and chained calls it does not change.
std::vector<std::string> lost_lines(const std::string& before, const std::string& after,
                                    const std::vector<std::string>& marks) {
  std::vector<std::string> lost;
  std::istringstream lines(before);
  std::string line;
  while (std::getline(lines, line)) {
    const bool marked = std::any_of(marks.begin(), marks.end(),
                                    [&](const std::string& m) { return line.find(m) != std::string::npos; });
    if (marked && after.find(line) == std::string::npos) {
      lost.push_back(line);
    }
  }
  return lost;
}

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (auto at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size())) {
    ++n;
  }
  return n;
}

// The statements of a migration that are not CREATE INDEX.
std::vector<std::string> not_index_builds(const std::string& sql) {
  std::vector<std::string> out;
  for (const std::string& action : actions(sql)) {
    if (action.rfind("{\"IndexStmt\"", 0) != 0) {
      out.push_back(action);
    }
  }
  return out;
}

// fixtures/fix/two-configs: an app shaped like the ones issue 46 was found
// on (json columns with $type<>, timestamps without time zone, a duplicate
// and a left-prefix index, comments and chained calls, a columns callback,
// and two drizzle.config files over one schema file). The default `fix
// --write` is what a reviewer merges: real drizzle-kit generates CREATE
// INDEX statements only, each index written once though both configs
// report it. With --unsafe-fixes the rest comes: the type changes and the
// drops, and the $type<>s, comments and chained calls stay.
class FixSafeByDefault : public ::testing::TestWithParam<std::string> {};

TEST_P(FixSafeByDefault, TheDefaultMigrationOnlyCreatesIndexesAndTheFlagAddsTheRest) {
  const std::string kit = GetParam();
  ASSERT_TRUE(fs::exists(tools_dir() / kit / "node_modules" / ".bin" / "drizzle-kit") &&
              fs::exists(tools_dir() / "typescript" / "node_modules" / "typescript" / "bin" / "tsc"))
      << "the Drizzle tools are not installed in " << tools_dir();
  App app("two-configs", kit, "apps/web");
  ASSERT_EQ(app.typecheck().exit_code, 0) << "the fixture itself does not compile";
  const fs::path schema = app.dir() / "src/db/schema.ts";
  const std::string original = read_text(schema);
  const std::vector<std::string> kept = {"$type<",       "//",           ".$onUpdate(",
                                         ".$defaultFn(", ".references(", ".generatedByDefaultAsIdentity()",
                                         ".where(sql"};

  const json before = app.lint();
  std::map<std::string, std::size_t> by_applicability;
  std::set<std::string> unsafe_rules;
  for (const json& finding : before.value("findings", json::array())) {
    if (finding["fix"].is_object()) {
      const std::string applicability = finding["fix"].value("applicability", "");
      ++by_applicability[applicability];
      if (applicability == "unsafe") {
        unsafe_rules.insert(finding.value("rule", ""));
      }
    }
  }
  EXPECT_GE(by_applicability["safe"], 5U) << before.dump(2);
  for (const char* rule :
       {"json-column-not-jsonb", "timestamp-without-time-zone", "duplicate-index", "redundant-index"}) {
    EXPECT_EQ(unsafe_rules.count(rule), 1U) << rule << " should have an unsafe fix here:\n" << before.dump(2);
  }

  // The identity keys' widening (integer-primary-key-overflow: shown, not
  // written by fix) keeps generatedByDefaultAsIdentity(), and in the columns
  // callback uses the callback's builder: each line put in place of its
  // column compiles.
  std::set<std::string> widened;
  for (const json& finding : before.value("findings", json::array())) {
    if (finding.value("rule", "") != "integer-primary-key-overflow" || !finding["fix"].is_object()) {
      continue;
    }
    const std::string line = finding["fix"].value("drizzle", "");
    EXPECT_NE(line.find(".generatedByDefaultAsIdentity()"), std::string::npos) << line;
    EXPECT_EQ(line.find("generatedAlways"), std::string::npos) << line;
    // The column: its key's first line after the table's declaration.
    const std::string table = finding["fix"].value("drizzle_table", "");
    const std::string key = line.substr(0, line.find(':') + 1);
    std::vector<std::string> lines = pgadvise::core::split(original, '\n');
    const auto declared = std::find_if(lines.begin(), lines.end(), [&](const std::string& l) {
      return l.rfind("export const " + table + " = pgTable(", 0) == 0;
    });
    ASSERT_NE(declared, lines.end()) << table;
    const auto column = std::find_if(declared, lines.end(), [&](const std::string& l) {
      return l.find_first_not_of(' ') != std::string::npos &&
             l.substr(l.find_first_not_of(' ')).rfind(key, 0) == 0;
    });
    ASSERT_NE(column, lines.end()) << table << " " << key;
    if (column->find("d.integer(") != std::string::npos) {
      EXPECT_NE(line.find("d.bigint("), std::string::npos) << "the callback's builder:\n" << line;
    }
    *column = column->substr(0, column->find_first_not_of(' ')) + line;
    std::string widened_text = pgadvise::core::join(lines, "\n");
    if (line.find("d.bigint(") == std::string::npos) {
      const std::string import = "import { boolean,";
      widened_text.replace(widened_text.find(import), import.size(), "import { bigint, boolean,");
    }
    pgadvise::test::write_text(schema, widened_text);
    const ProcessResult widened_tsc = app.typecheck();
    EXPECT_EQ(widened_tsc.exit_code, 0) << widened_tsc.out << widened_tsc.err << widened_text;
    pgadvise::test::write_text(schema, original);
    widened.insert(table);
  }
  EXPECT_EQ(widened, (std::set<std::string>{"projects", "deployments", "auditEvents"}))
      << "their id columns are identity keys";

  // The default: the diff says what it leaves out and the flag that applies it.
  const ProcessResult dry = app.fix();
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_EQ(dry.out.rfind("# pgadvise fix: left out: ", 0), 0U) << dry.out;
  EXPECT_NE(dry.out.find("--unsafe-fixes applies them"), std::string::npos) << dry.out;
  EXPECT_NE(dry.err.find("is added once, for 2 findings"), std::string::npos) << dry.err;
  EXPECT_EQ(read_text(schema), original);

  const ProcessResult safe = app.fix({"--write"});
  ASSERT_EQ(safe.exit_code, 0) << safe.err;
  const std::string indexed = read_text(schema);
  const ProcessResult tsc = app.typecheck();
  EXPECT_EQ(tsc.exit_code, 0) << tsc.out << tsc.err << indexed;
  // Both drizzle.configs report sessions.user_id: one entry.
  EXPECT_EQ(occurrences(indexed, "index(\"sessions_user_id_idx\")"), 1U) << indexed;
  EXPECT_TRUE(lost_lines(original, indexed, kept).empty())
      << pgadvise::core::join(lost_lines(original, indexed, kept), "\n");
  EXPECT_EQ(indexed.find("jsonb"), std::string::npos) << indexed;
  EXPECT_EQ(indexed.find("withTimezone"), std::string::npos) << indexed;
  const std::string indexes = app.generate("indexes");
  EXPECT_FALSE(actions(indexes).empty()) << "drizzle-kit generated nothing";
  EXPECT_TRUE(not_index_builds(indexes).empty()) << indexes;

  // With the flag: the rest, and the file still compiles and keeps its chains.
  app.commit();
  const ProcessResult rest = app.fix({"--write", "--unsafe-fixes"});
  ASSERT_EQ(rest.exit_code, 0) << rest.err;
  const std::string retyped = read_text(schema);
  const ProcessResult tsc_rest = app.typecheck();
  EXPECT_EQ(tsc_rest.exit_code, 0) << tsc_rest.out << tsc_rest.err << retyped;
  // The type changes rename builders and extend options on those lines:
  // every $type<>, comment and chained call is still there, as many times.
  for (const std::string mark : {"$type<", "// ", ".$onUpdate(", ".$defaultFn(", ".references(", ".default(",
                                 ".notNull()", ".defaultNow()", ".generatedByDefaultAsIdentity()"}) {
    EXPECT_EQ(occurrences(retyped, mark), occurrences(indexed, mark)) << mark << "\n" << retyped;
  }
  EXPECT_NE(retyped.find("d.jsonb().$type<"), std::string::npos) << retyped;
  EXPECT_EQ(occurrences(retyped, "index(\"projects_name_idx\")") +
                occurrences(retyped, "index(\"projects_by_name_idx\")"),
            1U)
      << retyped;
  const std::string changes = app.generate("rest");
  const auto rest_actions = not_index_builds(changes);
  EXPECT_FALSE(rest_actions.empty()) << changes;
  EXPECT_NE(changes.find("SET DATA TYPE jsonb"), std::string::npos) << changes;
  EXPECT_NE(changes.find("DROP INDEX"), std::string::npos) << changes;
  EXPECT_NE(changes.find("timestamp with time zone"), std::string::npos) << changes;

  // Nothing left to do, with the flag or without.
  app.commit();
  const ProcessResult again = app.fix({"--write", "--unsafe-fixes"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_text(schema), retyped);
}

std::string kit_name(const ::testing::TestParamInfo<std::string>& param) {
  return param.param == "kit-0.31" ? std::string("kit_0_31") : std::string("kit_1_0");
}

INSTANTIATE_TEST_SUITE_P(Kits, FixSafeByDefault, ::testing::Values("kit-0.31", "kit-1.0"), kit_name);

} // namespace fix_round_trip_test
