#pragma once

#include "advisor/verify.hpp"
#include "app/inputs/discovery.hpp"
#include "core/finding.hpp"
#include "core/result.hpp"
#include "loaders/schema_load.hpp"
#include "model/catalog.hpp"
#include "model/live_analysis.hpp"
#include "model/project.hpp"
#include "model/workload.hpp"
#include "pg/connection.hpp"

#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

// `pgadvise lint --db`: the live-database half of a lint run. The catalog
// read from the database is the schema (it is what production has), with
// file locations carried over from the schema files when both are given, so
// findings still point at the migration that created an object.
namespace pgadvise::app {

struct LiveOptions {
  bool db_given = false; // --db appeared on the command line
  std::string db;        // its value: URI, key=value conninfo, or empty / "env" for the PG* environment
  int statement_timeout_ms = 30'000;
  int lock_timeout_ms = 2'000;
  bool explain = true;                                      // --explain / --no-explain
  advisor::VerifyMode verify = advisor::VerifyMode::hypopg; // --verify
  bool allow_dml_analyze = false;                           // --allow-dml-analyze
  std::string emit_migration;                               // --emit-migration FILE
  int jobs = 2;                                             // --jobs: parallel EXPLAIN sessions
  // --index-set / --no-index-set: with HypoPG, the proposals are the index
  // set chosen for the whole workload (advisor/index_set_run; `pgadvise
  // advise` explains it); off, one proposal per query shape, each verified
  // alone. The search ends by its work budget, counted in what-if plans
  // (SearchOptions::max_costings), so the same database gives the same set
  // on a busy CI runner and an idle laptop; index_time_limit_s is only the
  // safety net for a server that answers very slowly.
  bool index_set = true;
  int index_time_limit_s = 120;

  [[nodiscard]] bool requested() const { return db_given; }
};

// The session settings for --db, or a usage error (bad value, bad timeout).
core::Result<pg::ConnectOptions> connect_options(const LiveOptions& options);

// What a live run read from the database.
struct LiveRun {
  pg::ConnectOptions connect;               // how `connection` was opened (EXPLAIN workers reuse it)
  std::optional<pg::Connection> connection; // open for the rest of the run (EXPLAIN)
  model::Catalog catalog;                   // live catalog, with file locations overlaid
  std::vector<core::Finding> diagnostics;   // from the live loader
  std::vector<std::string> notes;           // for --verbose and the JSON report
  // The tables pending migrations create (schema.name): not in the database,
  // added to `catalog` as if applied.
  std::set<std::string> pending_tables;
  // Queries from the database's pg_stat_statements, when the extension is
  // there and readable; empty otherwise (a note says why).
  model::Workload pgss_workload;
  bool pgss_read = false;
  std::string pgss_problem; // why it was not read (not installed, no permission, ...)
  // What the user must see even without --verbose (a database that holds
  // none of the project's tables, no queries at all): said on stderr by
  // say_live_warnings, and kept in `notes` for the reports.
  std::vector<std::string> warnings;
  // EXPLAIN results and verified index proposals (advisor::run_live_analysis);
  // empty with --no-explain or without queries.
  std::optional<model::LiveAnalysis> analysis;
};

// Connects, reads the live catalog, overlays locations from `files` (the
// schema loaded from the paths; its source may be none), reads drizzle's
// migrations table and pg_stat_statements. The error is one line, safe to
// print (no password), and means exit 2.
core::Result<LiveRun> open_live(const LiveOptions& options, const loaders::SchemaLoad& files,
                                const SchemaSources& sources);

// The live catalog with locations and Drizzle property names copied from the
// file catalog for objects that match by schema.table (columns by name,
// indexes, foreign keys and checks by name). Notes list tables only one side
// has.
void overlay_file_locations(model::Catalog& live, const model::Catalog& files,
                            std::vector<std::string>& notes);

// The workload the rules see: queries given on the command line (--log,
// --pgss) when there are any, else the database's pg_stat_statements. The
// note says which.
const model::Workload* choose_workload(const model::Workload* given, LiveRun& live);

// Before the rules run: EXPLAINs the workload's costliest queries, proposes
// and verifies indexes (--explain, --verify, --jobs, --allow-dml-analyze).
// Queries that hit statement_timeout or failed are reported on `err`, one
// line each (they matter even without --verbose), and in the notes.
// Each warning of `live` on `err` ("pgadvise: warning: ..."), once.
void say_live_warnings(LiveRun& live, std::ostream& err);

void analyze_live(const LiveOptions& options, LiveRun& live, const model::Workload* workload,
                  const model::Project& project, std::ostream& err);

// After the rules ran: marks findings a plan proves as confirmed and ranks
// them by measured cost, and writes --emit-migration. The error (a file that
// cannot be written) means exit 2.
core::Result<bool> finish_live(const LiveOptions& options, LiveRun& live,
                               std::vector<core::Finding>& findings, const model::Workload* workload,
                               const model::Project& project);

} // namespace pgadvise::app
