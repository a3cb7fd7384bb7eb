#include "app/live/live_input.hpp"

#include "advisor/live_analysis_run.hpp"
#include "advisor/migration_writer.hpp"
#include "advisor/plan_analysis_confirm.hpp"
#include "app/scope/lens.hpp"
#include "core/stage_timings.hpp"
#include "core/text.hpp"
#include "loaders/drizzle_kit/config.hpp"
#include "loaders/drizzle_kit/ledger.hpp"
#include "loaders/live/catalog.hpp"
#include "loaders/logs/pgss.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "pg/conninfo.hpp"
#include "rules/registry.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::app {

namespace {

constexpr int k_max_pgss_rows = 1000;
// pg_stat_statements also holds what tools ran, pgadvise's own earlier runs
// included (catalog reads, EXPLAIN, its read of drizzle's migrations table,
// which would otherwise count one more call each run): those are not the
// application's. The migrator's own reads of that table are not either.
constexpr std::string_view k_not_tool_statements =
    "query !~* '^\\s*(EXPLAIN|SET|SHOW|RESET|BEGIN|START|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PREPARE|EXECUTE|"
    "DEALLOCATE|DISCARD|ANALYZE|VACUUM)\\M' AND query !~* '\\m(pg_[a-z_]+|information_schema|hypopg[a-z_]*|"
    "to_regclass|current_database|__drizzle_migrations)\\M'";

bool is_environment(const std::string& value) {
  return value.empty() || value == "env";
}

template <typename T> void overlay_named(std::vector<T>& live, const std::vector<T>& files) {
  for (T& object : live) {
    const auto match =
        std::find_if(files.begin(), files.end(), [&](const T& file) { return file.name == object.name; });
    if (match != files.end() && !object.location.known()) {
      object.location = match->location;
    }
  }
}

void overlay_table(model::Table& live, const model::Table& file) {
  if (!live.location.known()) {
    live.location = file.location;
  }
  // Where schema.ts declares the table, in its words: the Drizzle lines
  // of live proposals go there.
  loaders::adopt_drizzle_facts(live, file);
  for (model::Column& column : live.columns) {
    const model::Column* match = file.find_column(column.name);
    if (match != nullptr && !column.location.known()) {
      column.location = match->location;
    }
  }
  for (model::Index& index : live.indexes) {
    const model::Index* match = file.find_index(index.name);
    if (match != nullptr && !index.location.known()) {
      index.location = match->location;
    }
  }
  overlay_named(live.foreign_keys, file.foreign_keys);
  overlay_named(live.checks.edit(), file.checks.items());
}

std::string list_some(const std::vector<std::string>& names) {
  constexpr std::size_t k_shown = 8;
  std::vector<std::string> shown(
      names.begin(), names.begin() + static_cast<std::ptrdiff_t>(std::min(names.size(), k_shown)));
  std::string out = core::join(shown, ", ");
  if (names.size() > k_shown) {
    out += " and " + std::to_string(names.size() - k_shown) + " more";
  }
  return out;
}

// Where drizzle-orm keeps its migrations table for this project.
loaders::LedgerTable ledger_table(const model::Project& project) {
  loaders::LedgerTable where;
  if (project.drizzle_config.empty()) {
    return where;
  }
  if (auto config = loaders::read_drizzle_config(project.drizzle_config)) {
    if (!config->migrations_schema.empty()) {
      where.schema = config->migrations_schema;
    }
    if (!config->migrations_table.empty()) {
      where.table = config->migrations_table;
    }
  }
  return where;
}

void read_ledger(pg::Connection& connection, const SchemaSources& sources, LiveRun& run) {
  const loaders::LedgerTable where = ledger_table(sources.project);
  // drizzle-orm's bookkeeping, not the application's schema: no rule should
  // judge it or the migrator's statements on it, and no schema file declares
  // it; so also when its rows cannot be read (the application's role often
  // has no USAGE on the drizzle schema).
  run.catalog.remove_table(where.schema, where.table);
  auto ledger = loaders::load_drizzle_ledger(connection, where, sources.migrations_dir, run.notes);
  if (!ledger) {
    run.notes.push_back("drizzle migrations table not read: " + ledger.error().to_string());
    return;
  }
  if (ledger->has_value()) {
    run.catalog.remove_table((*ledger)->schema, (*ledger)->name); // the one read, when not the configured one
    run.catalog.drizzle_migrations = std::move(**ledger);
  }
}

// pg_stat_statements of the current database, through the same reader as a
// --pgss export (JSON array of rows).
void read_pgss_from_database(pg::Connection& connection, LiveRun& run) {
  auto schema = connection.query("SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = "
                                 "e.extnamespace WHERE e.extname = 'pg_stat_statements'",
                                 {}, "pg_stat_statements lookup");
  if (!schema) {
    run.pgss_problem = "pg_stat_statements not read: " + schema.error().to_string();
    run.notes.push_back(run.pgss_problem);
    return;
  }
  if (schema->rows.empty() || !schema->rows[0][0]) {
    run.pgss_problem = "pg_stat_statements is not installed in " + connection.database();
    run.notes.push_back(run.pgss_problem + ": no queries from the database");
    return;
  }
  const std::string total = connection.server_version_num() >= 130000 ? "total_exec_time" : "total_time";
  const std::string sql = "SELECT coalesce(json_agg(s), '[]')::text FROM (SELECT * FROM " +
                          core::quote_ident(*schema->rows[0][0]) +
                          ".pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = "
                          "current_database()) AND " +
                          std::string(k_not_tool_statements) + " ORDER BY " + total + " DESC LIMIT " +
                          std::to_string(k_max_pgss_rows) + ") s";
  auto rows = connection.query(sql, {}, "pg_stat_statements");
  if (!rows) {
    run.pgss_problem = "pg_stat_statements not read: " + rows.error().to_string();
    run.notes.push_back(run.pgss_problem);
    return;
  }
  const std::string text = rows->rows.empty() ? std::string("[]") : rows->rows[0][0].value_or("[]");
  loaders::LogReadResult read =
      loaders::read_pgss_text(text, "pg_stat_statements (" + connection.database() + ")");
  run.pgss_workload = std::move(read.workload);
  run.pgss_read = read.usable && !run.pgss_workload.queries.empty();
  run.notes.push_back("pg_stat_statements: " + std::to_string(run.pgss_workload.queries.size()) +
                      " statements read from " + connection.database());
}

} // namespace

core::Result<pg::ConnectOptions> connect_options(const LiveOptions& options) {
  pg::ConnectOptions connect;
  if (!is_environment(options.db)) {
    if (!pg::is_connection_uri(options.db) && options.db.find('=') == std::string::npos) {
      return core::Error(
          "--db: '" + pg::redact_conninfo(options.db) +
          "' is neither a postgresql:// URI nor key=value conninfo (use --db env, or a bare --db "
          "as the last option, for the PG* environment)");
    }
    connect.conninfo = options.db;
  }
  connect.statement_timeout = std::chrono::milliseconds(options.statement_timeout_ms);
  connect.lock_timeout = std::chrono::milliseconds(options.lock_timeout_ms);
  // Always read-only: --verify=real makes the advisor open its own writable
  // session for CREATE INDEX inside a transaction it rolls back.
  connect.read_only = true;
  return connect;
}

// What the migrations not yet applied will add: objects the files declare
// in one of `pending`, missing from the database. They join the live
// catalog, with their file locations, so the state rules judge the schema as
// it will be once they run (a foreign key added by the migration under
// review is checked for its index against the database's real indexes).
struct PendingAdded {
  std::vector<std::string> tables;
  std::size_t objects = 0; // columns, indexes, foreign keys and checks on existing tables
};

template <typename T>
void add_pending_named(std::vector<T>& live, const std::vector<T>& files,
                       const std::set<std::string>& pending, std::size_t& added) {
  for (const T& object : files) {
    if (pending.count(object.location.file) == 0) {
      continue;
    }
    const bool present = std::any_of(live.begin(), live.end(),
                                     [&](const T& existing) { return existing.name == object.name; });
    if (!present) {
      live.push_back(object);
      ++added;
    }
  }
}

PendingAdded add_pending_objects(model::Catalog& live, const model::Catalog& files,
                                 const std::set<std::string>& pending) {
  PendingAdded added;
  for (const model::Table& file : files.tables) {
    model::Table* table = live.find_table(file.schema, file.name);
    if (table == nullptr) {
      if (pending.count(file.location.file) != 0) {
        live.tables.push_back(file);
        added.tables.push_back(file.qualified());
      }
      continue;
    }
    add_pending_named(table->columns, file.columns, pending, added.objects);
    add_pending_named(table->indexes, file.indexes, pending, added.objects);
    add_pending_named(table->foreign_keys, file.foreign_keys, pending, added.objects);
    add_pending_named(table->checks.edit(), file.checks.items(), pending, added.objects);
  }
  return added;
}

void overlay_file_locations(model::Catalog& live, const model::Catalog& files,
                            std::vector<std::string>& notes) {
  std::vector<std::string> only_files;
  std::vector<std::string> only_live;
  std::set<std::string> matched;
  for (model::Table& table : live.tables) {
    if (const model::Table* file = files.find_table(table.schema, table.name)) {
      overlay_table(table, *file);
      matched.insert(table.qualified());
    } else {
      only_live.push_back(table.qualified());
    }
  }
  for (const model::Table& table : files.tables) {
    if (matched.count(table.qualified()) == 0) {
      only_files.push_back(table.qualified());
    }
  }
  overlay_named(live.enums, files.enums);
  notes.push_back("schema: the live database is authoritative; locations of " +
                  std::to_string(matched.size()) + " tables taken from " + files.source_description);
  if (!only_files.empty()) {
    notes.push_back("in the schema files but not in the database (not checked): " + list_some(only_files));
  }
  if (!only_live.empty()) {
    notes.push_back("in the database but not in the schema files (no file locations): " +
                    list_some(only_live));
  }
}

namespace {

// --db names a database that holds none of the tables the project's schema
// files declare (a staging URL with another database name, an empty
// database): every schema finding is then about the wrong database, and
// the report alone would look clean.
void warn_if_no_file_table_is_live(LiveRun& run, const model::Catalog& files) {
  if (files.tables.empty()) {
    return;
  }
  const bool any = std::any_of(files.tables.begin(), files.tables.end(), [&](const model::Table& table) {
    return run.catalog.find_table(table.schema, table.name) != nullptr &&
           run.pending_tables.count(table.qualified()) == 0;
  });
  if (any) {
    return;
  }
  const std::size_t live_tables = run.catalog.tables.size() - run.pending_tables.size();
  run.warnings.push_back("none of the " + std::to_string(files.tables.size()) + " tables of " +
                         files.source_description + " is in database " + run.connection->database() +
                         ", which has " + std::to_string(live_tables) +
                         (live_tables == 1 ? " table" : " tables") +
                         ": is --db the project's database? The schema was judged as the database has it");
}

} // namespace

core::Result<LiveRun> open_live(const LiveOptions& options, const loaders::SchemaLoad& files,
                                const SchemaSources& sources) {
  const core::StageTimer timer(core::Stage::live);
  auto connect = connect_options(options);
  if (!connect) {
    return connect.error();
  }
  auto connection = pg::Connection::open(*connect);
  if (!connection) {
    return connection.error().to_error();
  }
  LiveRun run;
  run.connect = *connect;
  run.connection.emplace(std::move(*connection));
  auto live = loaders::load_live_catalog(*run.connection);
  if (!live) {
    return core::Error("reading the catalog of " + run.connection->target() + ": " + live.error().message);
  }
  run.catalog = std::move(live->catalog);
  run.diagnostics = std::move(live->diagnostics);
  run.notes.push_back("database: " + run.connection->target() + " (" + run.catalog.source_description + ")");
  run.notes.insert(run.notes.end(), live->notes.begin(), live->notes.end());
  read_ledger(*run.connection, sources, run); // first: it takes drizzle's own table out of the catalog
  const model::MigrationLedger* ledger =
      run.catalog.drizzle_migrations && run.catalog.drizzle_migrations->files_read
          ? &*run.catalog.drizzle_migrations
          : nullptr;
  if (ledger != nullptr && files.catalog.source != model::SchemaSource::none) {
    const std::set<std::string> pending = pending_migrations(files.replayed_files, *ledger);
    const PendingAdded added = add_pending_objects(run.catalog, files.catalog, pending);
    run.pending_tables.insert(added.tables.begin(), added.tables.end());
    if (!added.tables.empty() || added.objects > 0) {
      run.notes.push_back(
          "schema: " + std::to_string(pending.size()) + " migration" + (pending.size() == 1 ? "" : "s") +
          " not yet applied (per " + ledger->table + ") judged as if applied: " +
          (added.tables.empty() ? std::string()
                                : "new tables " + list_some(added.tables) + (added.objects > 0 ? ", " : "")) +
          (added.objects > 0 ? std::to_string(added.objects) + " new columns, indexes, keys "
                                                               "or checks on existing tables"
                             : std::string()));
    }
  }
  if (files.catalog.source != model::SchemaSource::none) {
    overlay_file_locations(run.catalog, files.catalog, run.notes);
    run.catalog.source_description += "; locations from " + files.catalog.source_description;
    warn_if_no_file_table_is_live(run, files.catalog);
  }
  read_pgss_from_database(*run.connection, run);
  return run;
}

const model::Workload* choose_workload(const model::Workload* given, LiveRun& live) {
  if (given != nullptr && !given->empty()) {
    live.notes.push_back(std::string("queries: from the workload files given") +
                         (live.pgss_read ? " (the database's pg_stat_statements was not used)" : ""));
    return given;
  }
  if (live.pgss_read) {
    live.notes.push_back("queries: from the database's pg_stat_statements");
    return &live.pgss_workload;
  }
  live.notes.push_back("queries: none (no --log/--pgss, and no pg_stat_statements in the database)");
  if (!live.pgss_problem.empty()) {
    live.warnings.push_back("no queries: " + live.pgss_problem +
                            " and no --log or --pgss was given, so no query or plan rule ran (CREATE "
                            "EXTENSION pg_stat_statements, with it in shared_preload_libraries)");
  }
  return given;
}

void say_live_warnings(LiveRun& live, std::ostream& err) {
  for (const std::string& warning : live.warnings) {
    err << "pgadvise: warning: " << warning << "\n";
    live.notes.push_back("warning: " + warning);
  }
  live.warnings.clear();
}

void analyze_live(const LiveOptions& options, LiveRun& live, const model::Workload* workload,
                  const model::Project& project, std::ostream& err) {
  const core::StageTimer timer(core::Stage::live);
  say_live_warnings(live, err);
  if (!options.explain) {
    live.notes.push_back("EXPLAIN: off (--no-explain)");
    return;
  }
  if (workload == nullptr || workload->queries.empty() || !live.connection) {
    live.notes.push_back("EXPLAIN: no queries to explain");
    return;
  }
  advisor::LiveOptions run_options;
  run_options.connect = live.connect;
  run_options.parallel = options.jobs;
  run_options.allow_dml_analyze = options.allow_dml_analyze;
  run_options.verify = options.verify;
  run_options.advisor.drizzle = project.uses_drizzle;
  if (options.index_set) {
    advisor::IndexSetOptions set;
    set.time_limit = std::chrono::seconds(options.index_time_limit_s);
    run_options.index_set = set;
  }
  live.analysis = advisor::run_live_analysis(*live.connection, live.catalog, *workload, run_options);
  std::size_t timed_out = 0;
  std::size_t failed = 0;
  for (const model::ExplainedQuery& query : live.analysis->queries) {
    if (query.timed_out) {
      ++timed_out;
      const std::string line = "EXPLAIN of `" + query.normalized + "` timed out after " +
                               std::to_string(options.statement_timeout_ms) +
                               " ms (--statement-timeout); the query was cancelled and is not analyzed";
      err << "pgadvise: warning: " << line << "\n";
      live.notes.push_back(line);
    } else if (!query.error.empty()) {
      ++failed;
      live.notes.push_back("EXPLAIN of `" + query.normalized + "` failed: " + query.error);
    }
  }
  live.notes.insert(live.notes.end(), live.analysis->notes.begin(), live.analysis->notes.end());
  live.notes.push_back("EXPLAIN: " + std::to_string(live.analysis->queries.size()) + " queries, " +
                       std::to_string(timed_out) + " timed out, " + std::to_string(failed) + " failed; " +
                       std::to_string(live.analysis->proposals.size()) +
                       " index proposals (verify: " + std::string(advisor::to_string(options.verify)) + ")");
}

core::Result<bool> finish_live(const LiveOptions& options, LiveRun& live,
                               std::vector<core::Finding>& findings, const model::Workload* workload,
                               const model::Project& project) {
  const core::StageTimer timer(core::Stage::live);
  if (!live.analysis) {
    if (!options.emit_migration.empty()) {
      return core::Error("--emit-migration " + options.emit_migration +
                         ": nothing was analyzed (it needs --explain and queries from --log, --pgss or the "
                         "database's pg_stat_statements)");
    }
    return false;
  }
  const std::size_t confirmed =
      advisor::confirm_findings(findings, *live.analysis, workload, [](std::string_view rule) {
        const engine::Rule* found = rules::find_rule(rule);
        return found != nullptr && found->meta().confirmed_by_plan;
      });
  live.notes.push_back("confirmed by EXPLAIN ANALYZE: " + std::to_string(confirmed) + " findings");
  if (!options.emit_migration.empty()) {
    advisor::MigrationOptions migration;
    migration.drizzle = project.uses_drizzle;
    migration.database = live.connection ? live.connection->database() : std::string();
    auto written = advisor::write_migration(options.emit_migration,
                                            advisor::render_migration(*live.analysis, workload, migration));
    if (!written) {
      return written.error();
    }
    live.notes.push_back("--emit-migration: " + std::to_string(*written) + " indexes written to " +
                         options.emit_migration);
  }
  return true;
}

} // namespace pgadvise::app
