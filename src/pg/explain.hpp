#pragma once

#include "model/live_analysis.hpp"
#include "model/plan.hpp"
#include "model/workload.hpp"
#include "pg/connection.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::pg {

// EXPLAIN of workload queries against a database that may be production.
//
// - ANALYZE (with BUFFERS, FORMAT JSON) only for SELECT; a statement that
//   modifies data anywhere (INSERT/UPDATE/DELETE/MERGE, also inside a WITH)
//   gets plain EXPLAIN, or, with allow_dml_analyze, EXPLAIN ANALYZE between
//   BEGIN READ WRITE and ROLLBACK. Utility statements are not explained.
// - Every statement runs under the session's statement_timeout and
//   lock_timeout; a timeout is a value (ExplainedQuery::timed_out).
// - Parameters ($1, ...): the logged values first; else EXPLAIN
//   (GENERIC_PLAN) on PostgreSQL 16+; else PREPARE/EXECUTE with values
//   from pg_stats (a most common value, else the middle histogram bound).
//   Values are bound through PREPARE/EXECUTE, never spliced into the text.

struct ExplainRequest {
  std::uint64_t fingerprint = 0;
  std::string sql;                        // statement text: with literals, or with $n placeholders
  std::vector<Value> params;              // logged values for $1..$n; empty when none were logged
  std::string normalized;                 // printable text (literals replaced)
  std::optional<std::int64_t> limit_hint; // a LIMIT seen in the workload, for a $n LIMIT without a value
};

// A request from a workload query: its example and logged parameters when
// present, else its normalized text.
ExplainRequest request_for(const model::QueryStats& query);

struct ExplainOptions {
  bool analyze = true;            // false: estimates only, for every statement
  bool allow_dml_analyze = false; // ANALYZE for INSERT/UPDATE/DELETE inside BEGIN .. ROLLBACK
  int parallel = 2;               // sessions used by explain_queries (at least 1)
};

// A statement made runnable: the text to EXPLAIN and how parameters are given.
struct Runnable {
  std::string sql;               // the statement (with $n when parameters are bound)
  std::vector<std::string> args; // values for $1..$n (text; NULL not used)
  std::vector<bool> null_args;   // true: the value is NULL
  model::ParamMethod method = model::ParamMethod::none;
  bool modifies = false;     // INSERT/UPDATE/DELETE/MERGE anywhere in it
  bool side_effects = false; // calls a function acting outside the transaction: never run
  std::string note;
};

// Decides how to plan the statement (see above); may read pg_stats.
DbResult<Runnable> make_runnable(Connection& connection, const ExplainRequest& request);

enum class ExplainFlavor { estimate, analyze, analyze_rolled_back };

// EXPLAIN (FORMAT JSON [, ANALYZE, BUFFERS]) of a runnable, parsed.
DbResult<model::Plan> explain_runnable(Connection& connection, const Runnable& runnable,
                                       ExplainFlavor flavor);

// For many EXPLAINs of one runnable with values (the index set's what-if
// costings): PREPARE name AS its statement once, then EXPLAIN EXECUTE name
// (its values) each time, one round trip instead of four. Each EXPLAIN plans
// afresh only under plan_cache_mode = force_custom_plan (else, after five,
// PostgreSQL may keep a generic plan that ignores indexes created since).
DbResult<QueryResult> prepare_runnable(Connection& connection, std::string_view name,
                                       const Runnable& runnable);
DbResult<model::Plan> explain_prepared(Connection& connection, std::string_view name,
                                       const Runnable& runnable, ExplainFlavor flavor);

// The one statement EXPLAIN of a runnable sends -- EXPLAIN EXECUTE of
// `prepared` (a name prepare_runnable gave it), or of its text when it has
// no values -- for a caller that sends it in a pipeline with other
// statements; nullopt when it needs PREPARE first. plan_of_result reads the
// answer as explain_prepared would.
std::optional<std::string> explain_statement(const Runnable& runnable, std::string_view prepared,
                                             ExplainFlavor flavor);
DbResult<model::Plan> plan_of_result(const DbResult<QueryResult>& result);

// One query: never throws, every failure is recorded in the result.
model::ExplainedQuery explain_query(Connection& connection, const ExplainRequest& request,
                                    const ExplainOptions& options);

// Many queries over at most options.parallel sessions opened with
// `connect` (read-only by default). Results are in request order.
std::vector<model::ExplainedQuery> explain_queries(const ConnectOptions& connect,
                                                   const std::vector<ExplainRequest>& requests,
                                                   const ExplainOptions& options);

// "$1 = '42', $2 = NULL, $3 = 'it''s'" (PostgreSQL's DETAIL: parameters:
// line) -> {"42", nullopt, "it's"}; nullopt when it does not read as that.
std::optional<std::vector<Value>> parse_logged_params(std::string_view detail);

// Elements of a PostgreSQL array literal ({a,"b c",NULL}); NULL elements
// are skipped.
std::vector<std::string> parse_array_text(std::string_view text);

} // namespace pgadvise::pg
