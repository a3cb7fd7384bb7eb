#pragma once

#include "model/plan.hpp"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::model {

// What a live run learned by running the workload's queries under EXPLAIN
// and trying indexes: the input of seq-scan-confirmed and of the post-pass
// that marks other findings confirmed. Filled by advisor::run_live_analysis.

// How a parameterized statement was given values to plan it.
enum class ParamMethod {
  none,         // the statement has no parameters (literal values, or none at all)
  logged,       // the parameter values logged with it (DETAIL: parameters: ...)
  generic_plan, // EXPLAIN (GENERIC_PLAN), PostgreSQL 16+: no values, no ANALYZE
  pg_stats,     // PREPARE/EXECUTE with values from pg_stats (most common values, histogram bounds)
};
std::string_view to_string(ParamMethod method);

enum class ExplainMode {
  analyze,             // EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON): SELECT only
  analyze_rolled_back, // the same inside BEGIN .. ROLLBACK (INSERT/UPDATE/DELETE, explicit flag)
  plain,               // EXPLAIN (FORMAT JSON): estimates only
  logged,              // an auto_explain plan read from the log
};
std::string_view to_string(ExplainMode mode);

// The outcome of explaining one workload query. Exactly one of plan / error
// is set; a statement_timeout is an error with timed_out = true.
struct ExplainedQuery {
  std::uint64_t fingerprint = 0;
  std::string normalized; // safe to print
  ParamMethod method = ParamMethod::none;
  ExplainMode mode = ExplainMode::plain;
  std::optional<Plan> plan;
  bool timed_out = false;
  std::string error; // one line, no secrets
  std::string note;  // e.g. "$2 had no pg_stats value; used 1"
};

enum class PlanIssueKind {
  seq_scan_filter,    // Seq Scan on a large table whose Filter removes most rows
  nested_loop_rescan, // a table scanned once per outer row of a Nested Loop
};
std::string_view to_string(PlanIssueKind kind);

// One problem a plan proves, with the measured numbers as evidence.
struct PlanIssue {
  PlanIssueKind kind = PlanIssueKind::seq_scan_filter;
  std::uint64_t fingerprint = 0; // the query
  std::string schema;            // resolved through the catalog ("public" when unqualified)
  std::string table;
  std::string filter;               // Filter / Join Filter text of the scan
  std::vector<std::string> columns; // columns of `table` named in the filter, in order of appearance
  double table_rows = 0;            // reltuples
  double rows_returned = 0;         // over all loops
  double rows_removed = 0;          // over all loops
  double loops = 1;
  bool parallel = false;   // a parallel scan: loops are the processes sharing it
  double node_ms = 0;      // time in the node over all loops (0 when not analyzed)
  double time_share = 0;   // node_ms / execution time
  double execution_ms = 0; // the whole query
  std::int64_t shared_hit = 0;
  std::int64_t shared_read = 0;
  bool analyzed = false;   // false: from estimates (plain EXPLAIN / generic plan)
  std::string outer_table; // nested loop: the driving relation

  // One line of evidence: "Seq Scan on orders: 12 rows returned, 299,988
  // removed by filter (user_id = ?), 1 loop, 35 ms (96% of 36 ms), 1,471
  // buffers". Literal values in the filter are redacted (reports never show
  // query literals or logged parameters).
  [[nodiscard]] std::string describe() const;
};

// Replaces string and numeric literals of an expression with `?`:
// "((customer_id = 42) AND (status = 'paid'::text))" ->
// "((customer_id = ?) AND (status = ?::text))".
std::string redact_literals(std::string_view text);

enum class VerifyMethod { none, hypopg, real };
std::string_view to_string(VerifyMethod method);

// An index the advisor proposes, with how it was checked.
struct IndexProposal {
  std::string schema;
  std::string table;
  std::vector<std::string> columns;
  std::string predicate; // partial index WHERE text; empty when none
  std::string name;      // fits 63 bytes, unique in the schema
  std::string ddl;       // CREATE INDEX CONCURRENTLY IF NOT EXISTS ...
  std::string drizzle;   // index("...").on(...) (filled for Drizzle projects by the caller or renderer)
  std::vector<std::uint64_t> serves; // fingerprints of the queries it serves
  double workload_ms = 0;            // total time of the served queries in the workload
  double estimated_saving_ms = 0;    // calls x saving, from verification when done
  std::int64_t writes = 0;           // n_tup_ins + n_tup_upd + n_tup_del of the table
  double score = 0;                  // ranking: time saved against write cost
  VerifyMethod method = VerifyMethod::none;
  bool verified = false;  // verification showed at least the required saving
  double cost_before = 0; // planner cost, summed over served queries
  double cost_after = 0;
  std::optional<double> ms_before; // --verify=real: measured execution time, summed
  std::optional<double> ms_after;
  bool used_by_planner = false; // the index appeared in the plan after
  std::string note;             // why not verified, or which method was unavailable

  [[nodiscard]] double cost_saving() const {
    return cost_before > 0 ? (cost_before - cost_after) / cost_before : 0;
  }
};

struct IndexSet; // model/index_set.hpp

struct LiveAnalysis {
  std::vector<ExplainedQuery> queries;
  std::vector<PlanIssue> issues;
  std::vector<IndexProposal> proposals; // ranked, best first; verified or not (see verified)
  // The indexes chosen for the whole workload (advisor/index_set_run), when
  // HypoPG was there: then `proposals` are its entries, in its priority
  // order, followed by the proposals it could not cost (GIN). Null: the
  // per-query proposals, each verified on its own.
  std::shared_ptr<const IndexSet> index_set;
  std::vector<std::string> notes; // e.g. "HypoPG is not installed: proposals are not verified"
  int server_version_num = 0;

  [[nodiscard]] const ExplainedQuery* find_query(std::uint64_t fingerprint) const;
  // The best proposal on `schema.table` serving `fingerprint`, or null.
  [[nodiscard]] const IndexProposal* proposal_for(std::uint64_t fingerprint, std::string_view schema,
                                                  std::string_view table) const;
};

} // namespace pgadvise::model
