#pragma once

#include "core/source_location.hpp"
#include "model/write_runs.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgadvise::model {

// The query workload: what the application ran, read from server logs,
// pg_stat_statements, Drizzle's logger or plain .sql files. Format-free:
// rules never see log text, only these values.
//
// Memory grows with distinct statement shapes, open sessions and the capped
// lists below, never with the size of the input.

enum class StatementKind { select, insert, update, delete_, other };
std::string_view to_string(StatementKind kind);

// How a query uses a column.
enum class ColumnUse {
  equality,      // col = x, x = col
  range,         // <, <=, >, >=, BETWEEN
  in_list,       // col IN (...), col = ANY(...)
  is_null,       // col IS [NOT] NULL
  join,          // JOIN ... ON a.col = b.col
  order_by,      // ORDER BY col
  like,          // LIKE / ILIKE / ~~
  json_cast,     // col::json, col::jsonb
  json_operator, // col ->> 'k', col @> ..., json functions on col
  correlation,   // a sub-select's col = an outer query's column (correlated sub-select, lateral join)
};
std::string_view to_string(ColumnUse use);

struct TableUse {
  std::string schema; // empty when the query did not qualify it
  std::string name;
  bool operator==(const TableUse&) const = default;
};

// One use of a column. `table` is resolved through aliases; it is empty when
// the column is unqualified and the statement reads several tables.
struct ColumnUsage {
  std::string schema;
  std::string table;
  std::string column;
  ColumnUse use = ColumnUse::equality;
  bool operator==(const ColumnUsage&) const = default;
};

// What one statement shape does, from its parse tree.
struct QueryShape {
  StatementKind kind = StatementKind::other;
  bool transaction_control = false; // BEGIN / COMMIT / ROLLBACK / SAVEPOINT ...
  bool has_where = false;           // top-level WHERE (UPDATE/DELETE without one touch every row)
  bool select_star = false;         // SELECT * or t.* in the top-level target list
  bool has_limit = false;
  bool has_offset = false;
  std::optional<std::int64_t> limit;  // when the LIMIT is a literal
  std::optional<std::int64_t> offset; // when the OFFSET is a literal
  bool has_aggregate = false;         // count(*) etc. or GROUP BY: returns few rows
  std::vector<TableUse> tables;       // every table read or written, first use order
  std::vector<ColumnUsage> columns;   // de-duplicated
  // What planning the statement with values needs (pg/explain):
  bool modifies = false; // writes anywhere: INSERT/UPDATE/DELETE/MERGE, in a CTE too, SELECT INTO
  int max_param = 0;     // highest $n
  std::map<int, ColumnUsage> param_columns; // $n compared with a column (=, IN, ANY, BETWEEN, <...)
  std::map<int, std::string> param_clauses; // $n given as "limit" or "offset"
  std::vector<std::string> functions;       // every function called, lower-case, de-duplicated
  // Rows are read by a set of keys: `= ANY(array or sub-select)`, `IN (SELECT
  // ...)`, an IN list of several values, BETWEEN. Such a statement is the
  // batched form of a per-row lookup, never the child of an N+1.
  bool set_filter = false;
};

// Aggregates per libpg_query fingerprint.
struct QueryStats {
  std::uint64_t fingerprint = 0;
  std::string normalized; // literals replaced by $n (pg_query_normalize): safe to print
  QueryShape shape;
  bool parsed = false; // false: libpg_query rejected it; shape is empty
  std::uint64_t calls = 0;
  std::uint64_t timed_calls = 0; // calls that came with a duration
  double total_ms = 0;
  double max_ms = 0;
  std::uint64_t errors = 0;           // times it failed (ERROR ... STATEMENT)
  std::optional<std::uint64_t> rows;  // from pg_stat_statements
  std::optional<double> pgss_mean_ms; // pg_stat_statements' own mean when read from there
  // The largest literal LIMIT / OFFSET seen over all calls (calls differ in
  // their literals; the shape only knows the example's).
  std::optional<std::int64_t> max_limit;
  std::optional<std::int64_t> max_offset;
  // One real execution with its values: memory only, never printed unredacted.
  std::string example;        // capped (k_max_example_bytes)
  std::string example_params; // "$1 = '42', $2 = 'x'" from the DETAIL line, capped
  core::SourceLocation first_seen;

  [[nodiscard]] double mean_ms() const {
    if (pgss_mean_ms) {
      return *pgss_mean_ms;
    }
    return timed_calls == 0 ? 0.0 : total_ms / static_cast<double>(timed_calls);
  }
};

// Repeated statements inside one group of a session: an explicit transaction
// (BEGIN..COMMIT, or the same virtual xid), or, in autocommit, statements no
// more than the burst window apart (or, without timestamps, consecutive runs
// of the same fingerprint). Only fingerprints seen at least twice in a group
// are recorded. This is the compressed form of the session's ordered
// sequence that N+1 detection needs, so memory does not grow with the log.
struct Repeat {
  static constexpr std::size_t k_candidates = 3;
  std::string session;                  // %c session id, or "pid 1234", or "file:..." for untimed inputs
  std::uint64_t fingerprint = 0;        // the repeated statement
  std::uint64_t parent_fingerprint = 0; // the statement just before the run, if not one of its own (0: none)
  // The different statements just before the run in its group, nearest
  // first (candidates[0] == parent_fingerprint): the parent of an N+1 may
  // be followed by an unrelated query before its per-row lookups start.
  std::array<std::uint64_t, k_candidates> candidates{};
  std::uint32_t unit = 1; // statements in the repeating unit (2: tags and author per row)
  // A unit of several statements that also runs whole, once, elsewhere in
  // the group after another statement: a request repeated, not a loop.
  bool request_repeat = false;
  // Where the application says the run comes from (sqlcommenter tags of its
  // first statement): 1-based index into Workload::code_paths, 0: not said.
  std::uint32_t code_path = 0;
  std::uint32_t count = 0;           // executions in the group
  std::uint32_t distinct_params = 0; // distinct parameter/literal sets (capped at 64)
  bool consecutive = false;          // the executions formed one uninterrupted run
  bool in_transaction = false;       // explicit transaction or same transaction id
  std::string transaction;           // xid or virtual xid when logged
  std::int64_t first_us = 0;         // timestamps, microseconds since the epoch (0: unknown)
  std::int64_t last_us = 0;
  double total_ms = 0;           // sum of logged durations
  core::SourceLocation location; // first execution
  // An order-independent hash of the distinct parameter sets: the same in
  // every burst of a pair when the loop runs over a constant list in code.
  std::uint64_t params_set = 0;
  // The executions interleave with optional statements of a varying loop
  // body (a subsequence of the group, not a repeating unit).
  bool interleaved = false;
  // Each execution is a whole transaction of this shape (BEGIN ... COMMIT
  // per iteration): a key of Workload::transaction_shapes; `fingerprint` is
  // the transaction's per-row statement (its first write, else its first).
  std::uint64_t transaction_shape = 0;
  // How the executions were grouped: one session, a request's trace id
  // (sqlcommenter traceparent, exact), or a burst on several backends of
  // one database, user and application inside the fan-out window, or one
  // request's rows on several backends by the key value they share
  // (loaders/logs/key_strands).
  enum class Grouping : std::uint8_t { session, trace, fan_out, shared_key };
  Grouping grouping = Grouping::session;
  std::uint32_t backends = 1; // sessions the executions ran on
  std::string backend_list;   // "pid 4100, pid 4101, ..." (capped), for the evidence
  // Fan-outs: every statement of the client that ran just before the burst
  // and could have started it (other users' among them, which is why there
  // are many), nearest first.
  struct FanParent {
    std::uint64_t fingerprint = 0;
    // The child's executions per execution of it, each child given to one
    // of its executions in the window (the nearest still open, one still
    // waiting for its first child first), over those given two or more.
    // Several users opening one page at once run the parent once per
    // child; a loop once for all, and several users' loops at once each
    // have their own.
    std::uint32_t children = 0;
    std::uint32_t followed = 0; // its executions two or more of the child's were given
  };
  std::vector<FanParent> fan_parents;
  // The group (transaction, burst, request or fan-out) it was found in:
  // runs of one group after one parent are the statements of one loop body.
  std::uint64_t group = 0;
};

// Repeats summed per (parent, statement) pair over the whole input: exact
// even when the Repeat list is capped.
struct RepeatPattern {
  std::uint64_t fingerprint = 0;
  std::uint64_t parent_fingerprint = 0;
  std::uint64_t groups = 0;     // how many groups had the repeat
  std::uint64_t statements = 0; // executions summed over groups
  std::uint32_t max_count = 0;
  std::map<std::uint32_t, std::uint64_t> count_histogram; // count in a group -> groups
  std::uint64_t in_transaction_groups = 0;
  std::uint64_t varied_params_groups = 0; // groups with more than one distinct parameter set
  double total_ms = 0;
  core::SourceLocation example; // first group's first execution
  [[nodiscard]] std::uint32_t median_count() const;
};

// A per-row statement's executions given to the executions of a read that
// ran before them in one client's window (loaders/logs/request_windows):
// each child to the one execution of the read whose request it most likely
// belongs to. A loop over the read's rows gives most of its executions two
// or more children; users who each run the read and the statement once give
// each one. How each child was given says how sure that is.
struct ParentFollow {
  static constexpr std::size_t k_example_lines = 8;
  std::uint64_t followed = 0; // executions of the read given two or more children
  std::uint64_t single = 0;   // executions given exactly one
  std::uint64_t children = 0; // the children given to the followed ones
  std::uint32_t min_k = 0;    // children per followed execution, least and most
  std::uint32_t max_k = 0;
  // How the followed executions' children were given: their connection's
  // previous statement was the read's or a sibling's (the request's own
  // connection), the read's execution was the only one open in their window,
  // or by timing among several open ones (the fewest so far, then the
  // nearest: other users' requests at once).
  std::uint64_t by_connection = 0;
  std::uint64_t alone = 0;
  std::uint64_t nearest = 0;
  // The first followed execution and its children's lines, for the evidence.
  core::SourceLocation example_parent;
  std::vector<int> example_children;
  void merge(const ParentFollow& other);
};

// One backend session (connection), from connection/disconnection lines.
struct SessionRecord {
  std::string session; // %c or "pid N"
  std::int64_t pid = 0;
  std::string user;
  std::string database;
  std::string application;
  std::string client;                // host or host(port)
  std::int64_t connect_us = 0;       // 0: unknown
  std::int64_t disconnect_us = 0;    // 0: still open at the end of the log
  std::optional<double> duration_ms; // from "disconnection: session time"
  std::uint64_t statements = 0;
  core::SourceLocation location; // where it was first seen
};

struct ConnectionStats {
  std::uint64_t connections_received = 0;   // "connection received"
  std::uint64_t connections_authorized = 0; // "connection authorized"
  std::uint64_t disconnections = 0;         // "disconnection: session time"
  std::uint64_t sessions_seen = 0;          // distinct sessions with any line
  std::int64_t first_connect_us = 0;
  std::int64_t last_connect_us = 0;
  // Session lengths (from disconnection lines), bucketed: upper bound in ms -> sessions.
  std::map<double, std::uint64_t> duration_histogram;
  double total_session_ms = 0;
  [[nodiscard]] std::optional<double> median_session_ms() const; // bucket upper bound
  [[nodiscard]] double connections_per_second() const;           // 0 when unknown
};

enum class PlanFormat { json, text };

// An auto_explain plan found in a log: the slowest one per query fingerprint.
struct LoggedPlan {
  std::uint64_t fingerprint = 0; // of the plan's "Query Text" (0 when it does not parse)
  PlanFormat format = PlanFormat::text;
  std::string plan;  // JSON document or text plan, log formatting removed, capped
  std::string query; // Query Text, with literal values: memory only
  double duration_ms = 0;
  std::uint64_t occurrences = 0; // plans logged for this fingerprint
  core::SourceLocation location;
};

// A located problem met while reading (bad line, statement that does not
// parse, unknown prefix). Reading goes on after each.
struct ReaderWarning {
  // What went wrong; to_string gives the word reports print. Listed in the
  // order of those words (a reader that counts kinds in a map reports them so).
  enum class Kind {
    binary,             // NUL bytes: binary data, not analysed
    invalid_utf8,       // a statement that is not valid UTF-8
    no_statements,      // an input with nothing to read (serious)
    oversized,          // a line or statement over the size cap
    prefix,             // the log_line_prefix could not be told (serious)
    truncated,          // the input ends mid-line or mid-frame
    unparsed_statement, // libpg_query could not parse it
    unreadable,         // the input could not be opened or decoded (serious)
    unrecognized_line,  // a line the format does not explain
  };
  Kind kind = Kind::unrecognized_line;
  std::string message;
  core::SourceLocation location;
};
std::string_view to_string(ReaderWarning::Kind kind); // "unrecognized-line", "no-statements", ...

// What kind of input a workload source is; rules and the reader branch on
// this, never on the description's text.
enum class WorkloadSourceKind { server_log, pgbouncer_log, drizzle_logger, sql_file, pg_stat_statements };

struct WorkloadSource {
  std::string
      description; // for people: "stderr log (prefix '%m [%p] %q%u@%d ')", "pg_stat_statements CSV", ...
  std::string path;
  WorkloadSourceKind kind = WorkloadSourceKind::server_log;
  // Statement order per session is known (a log); a .sql file or
  // pg_stat_statements gives only which statements ran.
  [[nodiscard]] bool ordered() const {
    return kind != WorkloadSourceKind::sql_file && kind != WorkloadSourceKind::pg_stat_statements;
  }
};

class Workload {
public:
  std::vector<QueryStats> queries; // first-seen order
  std::vector<Repeat> repeats;     // capped at k_max_repeats (repeats_dropped counts the rest)
  std::vector<RepeatPattern> repeat_patterns;
  // (repeated statement, candidate parent) -> runs of at least two after it,
  // over the whole input and never capped: with the parent's calls, the share
  // of the parent's executions that a run follows (n-plus-one).
  // Fan-outs (Repeat::Grouping::fan_out) are not counted here: which of
  // their candidates is the parent is the rule's call, made from the
  // Repeats themselves.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> runs_after;
  // (statement, set query run right after it: `= ANY(...)`, IN (SELECT ...))
  // -> times. A parent followed by the batched form of a child is the code
  // path done right, not a missed loop: n-plus-one leaves those executions
  // out of the parent's share.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> batched_after;
  // (statement, statement of the client that looked up the same key value
  // just before it) -> times: a request's own lookup of a row it already
  // has (its shipment's latest event after that shipment's history), not a
  // loop's, whose rows each have their own key. n-plus-one leaves those
  // executions out of a loop's count per parent.
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::uint64_t> key_after;
  // (per-row statement, read before it) -> its executions given to the
  // read's (loaders/logs/request_windows); n-plus-one confirms a loop the
  // code names when most of the read's executions got two or more.
  std::map<std::pair<std::uint64_t, std::uint64_t>, ParentFollow> parent_follows;
  // Route (or controller#action) and source file from sqlcommenter tags, each
  // once (Repeat::code_path); capped at k_max_code_paths.
  struct CodePath {
    std::string route;
    std::string file;
    bool operator==(const CodePath&) const = default;
  };
  std::vector<CodePath> code_paths;
  std::vector<SessionRecord> sessions; // capped at k_max_sessions; connections has exact counts
  ConnectionStats connections;
  std::vector<LoggedPlan> plans;
  std::vector<ReaderWarning> warnings; // capped per file and kind; warnings_dropped counts the rest
  std::vector<WorkloadSource> sources;
  WriteRuns write_runs; // multi-table writes in autocommit (logs)
  // The statements of each transaction shape a Repeat names (capped at
  // k_max_transaction_shapes), in the order of its first execution.
  std::map<std::uint64_t, std::vector<std::uint64_t>> transaction_shapes;

  bool ordered = false; // statement order per session is known (logs); false for pg_stat_statements only
  bool has_durations = false;
  // Statements came with timestamps finer than a second (%m, %n, csvlog,
  // jsonlog): bursts on several connections (fan-outs) can be judged.
  bool subsecond_timestamps = false;
  std::uint64_t timestamped_statements = 0; // statements with any timestamp
  std::uint64_t traced_statements = 0;      // statements grouped by a traceparent trace id
  std::uint64_t statements = 0;             // calls summed
  std::uint64_t unparsed_statements = 0;
  std::uint64_t lines = 0;
  std::uint64_t bytes = 0;
  std::uint64_t repeats_dropped = 0;
  std::uint64_t sessions_dropped = 0;
  std::uint64_t warnings_dropped = 0;

  static constexpr std::size_t k_max_repeats = 100000;
  static constexpr std::size_t k_max_sessions = 20000;
  static constexpr std::size_t k_max_example_bytes = 16 * 1024;
  static constexpr std::size_t k_max_plan_bytes = 256 * 1024;
  static constexpr std::size_t k_max_code_paths = 10000;
  static constexpr std::size_t k_max_transaction_shapes = 10000;

  [[nodiscard]] bool empty() const { return queries.empty() && connections.sessions_seen == 0; }
  [[nodiscard]] const QueryStats* find(std::uint64_t fingerprint) const;
  QueryStats* find(std::uint64_t fingerprint);
  // The stats for a fingerprint, created (with `normalized` and `shape`) when new.
  QueryStats& upsert(std::uint64_t fingerprint, bool* created = nullptr);
  [[nodiscard]] const RepeatPattern* find_pattern(std::uint64_t fingerprint, std::uint64_t parent) const;
  // The 1-based index of a code path, added when new (0 past the cap).
  std::uint32_t code_path_index(CodePath path);
  // Runs of `fingerprint` with `parent` among their candidates (one
  // connection's or one request's).
  [[nodiscard]] std::uint64_t runs_after_parent(std::uint64_t fingerprint, std::uint64_t parent) const;

  // Adds a group's repeat: kept in `repeats` while under the cap, always
  // summed into `repeat_patterns`.
  void add_repeat(Repeat repeat);
  void add_session(SessionRecord session);
  void add_session_duration(double duration_ms);
  // Merges another workload (a second input) into this one.
  void merge(Workload&& other);
  // The part of this workload whose statements `keeps` says (by
  // fingerprint): their stats, repeats, patterns, runs, plans and multi-table
  // writes (by their first write), with the input's own facts (sources,
  // order, timestamps, code paths, transaction shapes). With `whole_log`, also
  // what belongs to no statement: sessions, connections, warnings and the
  // counts of dropped entries. A log of several databases' traffic shared out
  // among them (app/lint: each database's rules judge the statements on its
  // tables).
  [[nodiscard]] Workload share(const std::function<bool(std::uint64_t)>& keeps, bool whole_log) const;

private:
  void keep_repeat(Repeat repeat);
  std::unordered_map<std::uint64_t, std::size_t> m_by_fingerprint;
  std::map<std::pair<std::uint64_t, std::uint64_t>, std::size_t> m_pattern_index;
  std::map<std::pair<std::string, std::string>, std::uint32_t> m_code_path_index;
};

} // namespace pgadvise::model
