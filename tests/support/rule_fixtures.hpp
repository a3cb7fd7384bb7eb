#pragma once

#include "core/settings.hpp"
#include "engine/runner.hpp"

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

// The one driver of rule fixtures (fixtures/rules/<id>/), whatever the rule
// reads. A fixture is a bad_* or good_* file or directory; how it is loaded
// follows from its form:
//
//   bad_x.sql        the schema: replayed with the SQL loader. For a rule that
//                    needs a live database (inputs include `live`), the file
//                    is a script instead: applied as the superuser to a fresh
//                    database of the test cluster, statistics flushed, and
//                    the catalog read back through pgadvise's live session.
//   bad_x.log        a server log, or pg_stat_statements (bad_x.pgss.csv,
//   bad_x.pgss.json) read with the workload readers; the folder's
//                    schema.sql, when there is one, is replayed as the schema.
//   bad_x/           a project, read as `pgadvise lint bad_x/` reads it
//                    (discovery, schema sources, project scan). When it has
//                    setup.psql, that script is applied to a fresh database
//                    and the run is `lint bad_x/ --db` (live catalog,
//                    migrations table, EXPLAIN of the workload); workload.sql,
//                    when there is one, is the query workload (--queries).
//
// Built-in diagnostics (engine/builtin_diagnostics.hpp) have fixtures the
// same way: parse-error and replay-warning are what the loaders say of the
// fixture's files; unused-suppression comes of the run of every rule; and
// lock-observed of every rule with the fixture's migrations run statement by
// statement on a database of the test cluster (`lint --verify-locks
// --all-migrations`).
//
// Rule options: `bad_x.options` beside the fixture (`name=value` lines), and
// in a .sql fixture `-- fixture-option: name=value` lines.
//
// Every bad_x has bad_x.expected beside it: the snapshot of what the rule
// reports, one block per finding, sorted by location:
//
//   FILE:LINE:COL RULE-ID SEVERITY OBJECT
//     message: what is wrong
//     help: what to do
//     fix.sql: the proposed DDL (fix.shell: for shell commands)
//     fix.code_text(): the Drizzle schema line
//     fix.note: the safety note
//
// FILE is relative to the fixture's folder (or to bad_x/ itself); `-` when
// the object has no file (a live catalog). A value spanning lines continues
// on lines indented by four spaces; absent fields are left out. Lines
// starting with '#' are comments. A good_x fixture must show nothing at the
// default severity floor (what a user sees without --min-severity).
//
// PGADVISE_UPDATE_FIXTURES=1 rewrites every bad_x.expected from the current
// output (then read the diff).
namespace pgadvise::test_support {

struct FixtureRun {
  engine::RunReport report;
  // Set when the fixture could not be loaded or run (the cluster is
  // missing, its script failed, a loader complained): the fixture is wrong.
  std::string error;
  bool from_files = true; // false: the catalog came from a database (no file locations)
};

// Loads one fixture as described above and runs rule `rule_id` over it with
// app::run_rules (the Drizzle post-pass included) at severity floor `floor`;
// for a built-in diagnostic, its findings of the run of every rule.
FixtureRun run_fixture(std::string_view rule_id, const std::filesystem::path& fixture,
                       core::Severity floor = core::Severity::info);

// Findings in .expected form; `fixture` makes file names relative.
std::string snapshot(const std::vector<core::Finding>& findings, const std::filesystem::path& fixture);

// fixtures/rules/<rule_id>/<prefix>* fixtures (files other than .expected,
// .options and schema.sql; directories), sorted.
std::vector<std::filesystem::path> rule_fixtures(std::string_view rule_id, std::string_view prefix);

// Whether a rule's fixtures need the PostgreSQL test cluster.
bool needs_cluster(std::string_view rule_id);

// Runs every fixture of a rule and checks it (gtest assertions): each bad_
// one against its snapshot (or rewrites it under PGADVISE_UPDATE_FIXTURES),
// each good_ one for silence, and every finding for well-formedness.
void check_rule_fixtures(std::string_view rule_id);

} // namespace pgadvise::test_support
