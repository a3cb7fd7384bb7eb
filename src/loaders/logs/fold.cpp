#include "loaders/logs/fold.hpp"

#include "loaders/logs/connection_line.hpp"
#include "loaders/logs/logged_plan.hpp"
#include "loaders/logs/sqlcommenter.hpp"
#include "loaders/logs/transaction_control.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders {

namespace {

// Statements of one group kept for the burst analysis (a longer autocommit
// run is analysed in pieces of this size).
constexpr std::size_t k_max_group_steps = 4096;
constexpr std::uint64_t k_sweep_every = 200000;
constexpr std::int64_t k_idle_us = 10LL * 60 * 1000000;
constexpr std::size_t k_max_open_sessions = 50000;
constexpr std::size_t k_max_open_traces = 20000;
constexpr std::int64_t k_trace_sweep_us = 50000;

// A statement whose rows can drive a loop: a SELECT that is not an
// aggregate, and either not LIMIT 1 or one that nests rows (a relational
// query's json_agg of a parent's children: `findFirst({ with: ... })`).
bool returns_rows(const QueryInfo& info, std::optional<std::int64_t> limit) {
  if (!info.select || info.shape.has_aggregate) {
    return false;
  }
  return info.nests_rows || limit.value_or(info.shape.limit.value_or(2)) > 1;
}

std::optional<std::int64_t> integer_parameter(std::string_view params, int number);

// The logged value of a statement's `LIMIT $n`.
std::optional<std::int64_t> limit_parameter(const QueryInfo& info, std::string_view params) {
  for (const auto& [number, clause] : info.shape.param_clauses) {
    if (clause == "limit") {
      return integer_parameter(params, number);
    }
  }
  return std::nullopt;
}

// The value of parameter $n in a DETAIL line's "$1 = '5', $2 = 'x'", as an
// integer (nullopt when absent or not one).
std::optional<std::int64_t> integer_parameter(std::string_view params, int number) {
  const std::string key = "$" + std::to_string(number) + " = '";
  std::size_t at = params.find(key);
  while (at != std::string_view::npos && at > 0 && params[at - 1] != ' ' && params[at - 1] != ',') {
    at = params.find(key, at + 1);
  }
  if (at == std::string_view::npos) {
    return std::nullopt;
  }
  std::int64_t value = 0;
  std::size_t i = at + key.size();
  const std::size_t start = i;
  while (i < params.size() && params[i] >= '0' && params[i] <= '9' && i - start < 18) {
    value = value * 10 + (params[i] - '0');
    ++i;
  }
  if (i == start || i >= params.size() || params[i] != '\'') {
    return std::nullopt;
  }
  return value;
}

} // namespace

struct LogFold::Pending {
  bool active = false;
  const QueryInfo* info = nullptr;
  std::size_t stats_index = 0;
  bool has_duration = false;
  double duration_ms = 0;
  std::int64_t ts_us = 0;
  int line = 0;
  std::uint64_t params_hash = 0;
  ParamValues values; // the key parameters' values and the row's (param_values)
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::string vxid;
  bool wants_example_params = false;
  bool accepts_params = false;             // no bind/parse line of the next statement came in between
  std::uint64_t request = 0;               // sqlcommenter request (0: not marked)
  std::uint64_t trace = 0;                 // sqlcommenter traceparent's trace id (0: none)
  std::optional<std::int64_t> limit_value; // LIMIT $n's logged value
  bool traced = false;                     // given to its request's trace already
  std::uint64_t application = 0;           // hash of application_name (0: not logged)
  std::uint32_t code_path = 0;             // Workload::code_paths index (sqlcommenter route/file)
};

struct LogFold::Session {
  std::string id; // %c or "pid N"
  std::uint64_t key = 0;
  Pending pending;
  // The open explicit transaction (BEGIN .. COMMIT): its statements.
  bool in_transaction = false;
  std::string txn_vxid;
  std::vector<Step> txn;
  std::uint64_t txn_trace = 0;
  bool txn_traced = false; // given to its request's trace at its COMMIT
  Step txn_step;           // the whole transaction as one step, made at its COMMIT
  bool txn_step_ready = false;
  Step fed_step; // the pending statement as the fan-out search or its trace had it
  bool fed = false;
  // The session's outer group: autocommit statements and whole
  // transactions (one step each) no more than the burst window apart.
  std::int64_t group_last_us = 0;
  std::uint64_t group_request = 0;     // the request of the group's last statement (sqlcommenter)
  std::uint64_t group_application = 0; // its application_name
  std::vector<Step> group;
  std::uint64_t client = 0; // hash of database, user and application_name (0: not yet known)
  std::int64_t last_us = 0;
  bool after_error = false;
  model::SessionRecord record;
};

// Statements of one request (one traceparent trace id) on any connection.
struct LogFold::Trace {
  std::vector<Step> steps;
  std::int64_t last_us = 0;
};

LogFold::LogFold(model::Workload& workload, ShapeRegistry& registry, FoldOptions options)
    : m_workload(workload), m_cache(registry), m_options(options), m_fanout(workload, options.fanout),
      m_runs(workload) {}

LogFold::~LogFold() = default;

core::SourceLocation LogFold::here(std::uint32_t relative_line) const {
  return core::SourceLocation{m_file, static_cast<int>(m_line_base + relative_line), 0};
}

void LogFold::begin_file(const std::string& display) {
  m_file = display;
  m_fanout.begin_file(display);
  m_line_base = 0;
  m_warning_counts.clear();
}

void LogFold::warn(int line, model::ReaderWarning::Kind kind, std::string message) {
  std::size_t& seen = m_warning_counts[kind];
  ++seen;
  if (seen > m_options.warnings_per_kind) {
    ++m_workload.warnings_dropped;
    return;
  }
  m_workload.warnings.push_back({kind, std::move(message), core::SourceLocation{m_file, line, 0}});
}

void LogFold::end_file() {
  for (const auto& [kind, seen] : m_warning_counts) {
    if (seen > m_options.warnings_per_kind) {
      m_workload.warnings.push_back({kind,
                                     std::to_string(seen - m_options.warnings_per_kind) + " more '" +
                                         std::string(model::to_string(kind)) + "' warnings not shown",
                                     core::SourceLocation{m_file, 0, 0}});
    }
  }
  m_warning_counts.clear();
}

void LogFold::consume(BlockResult& block) {
  for (model::ReaderWarning& warning : block.warnings) {
    warn(static_cast<int>(m_line_base) + warning.location.line, warning.kind, std::move(warning.message));
  }
  for (const LogEvent& event : block.events) {
    apply(event);
  }
  m_line_base += block.lines;
  m_workload.lines += block.lines;
  m_events_since_sweep += block.events.size();
  if (m_events_since_sweep > k_sweep_every) {
    m_events_since_sweep = 0;
    sweep_idle();
  }
}

std::uint64_t LogFold::session_key(const LogEvent& event) {
  return !event.fields.session_id.empty() ? fast_hash(event.fields.session_id)
                                          : (static_cast<std::uint64_t>(event.fields.pid) | (1ULL << 62U));
}

LogFold::Session& LogFold::session_for(const LogEvent& event, std::uint64_t key) {
  // A statement's lines (its bind, its execute, its parameters) come one
  // after another: the last event's session is asked before the map.
  if (m_last_session != nullptr && m_last_key == key) {
    return *m_last_session;
  }
  auto& slot = m_sessions[key];
  if (!slot) {
    slot = std::make_unique<Session>();
    slot->id = !event.fields.session_id.empty() ? std::string(event.fields.session_id)
               : event.fields.pid != 0          ? "pid " + std::to_string(event.fields.pid)
                                                : std::string("log");
    slot->key = key;
    slot->record.session = slot->id;
    slot->record.pid = event.fields.pid;
    slot->record.user = known_field(event.fields.user);
    slot->record.database = known_field(event.fields.database);
    slot->record.application = known_field(event.fields.application);
    slot->record.client = known_field(event.fields.client);
    slot->record.location = here(event.line);
    ++m_workload.connections.sessions_seen;
  }
  m_last_key = key;
  m_last_session = slot.get();
  return *slot;
}

namespace {

// Every event asks: the length first, so other applications' names cost no
// comparison call.
bool is_pgadvise(std::string_view application) {
  constexpr std::string_view k_name = "pgadvise";
  return application.size() == k_name.size() && application == k_name;
}

// pgadvise's own session (its connections say application_name=pgadvise):
// what it ran is not the application's workload. Its connection lines still
// count as connections.
bool own_session(const std::string& session_application, const LogEvent& event) {
  const bool statement_event = event.kind != EventKind::connection_received &&
                               event.kind != EventKind::connection_authorized &&
                               event.kind != EventKind::disconnection;
  return statement_event && (is_pgadvise(event.fields.application) || is_pgadvise(session_application));
}

} // namespace

void LogFold::apply(const LogEvent& event) {
  if (event.fields.ts_us != 0) {
    m_latest_us = std::max(m_latest_us, event.fields.ts_us);
  }
  // A statement's parameters come in its own record or in the line right
  // after it: any other event means the statement is complete enough for
  // the fan-out search, which needs the log's order, not the session's.
  std::uint64_t key = 0;
  if (m_unfed != 0) {
    key = session_key(event);
    if (event.kind != EventKind::parameters || key != m_unfed) {
      feed_unfed();
    }
  }
  if (event.kind == EventKind::plan) {
    plan_event(event);
    return;
  }
  if (event.kind == EventKind::other) {
    return; // background processes and messages that say nothing about queries
  }
  if (key == 0) {
    key = session_key(event);
  }
  if (event.kind == EventKind::connection_received) {
    // A new backend with a pid seen before: the old session is over.
    if (m_sessions.count(key) != 0) {
      close_session(key);
    }
  }
  Session& session = session_for(event, key);
  if (event.fields.ts_us != 0) {
    session.last_us = event.fields.ts_us;
  }
  if (own_session(session.record.application, event)) {
    m_own_statements += event.kind == EventKind::statement || event.kind == EventKind::execute ? 1U : 0U;
    return;
  }
  switch (event.kind) {
  case EventKind::statement:
  case EventKind::execute:
    finalize_pending(session);
    start_statement(session, event);
    break;
  case EventKind::bind:
  case EventKind::parse:
    session.pending.accepts_params = false; // a DETAIL now belongs to the next statement's bind
    break;
  case EventKind::parameters: parameters_event(session, event); break;
  case EventKind::duration:
    if (session.pending.active && !session.pending.has_duration) {
      session.pending.has_duration = true;
      session.pending.duration_ms = event.duration_ms;
    }
    break;
  case EventKind::error: session.after_error = true; break;
  case EventKind::error_statement: error_statement_event(session, event); break;
  case EventKind::connection_received:
  case EventKind::connection_authorized:
  case EventKind::disconnection: connection_event(session, event); break;
  default: break;
  }
}

// A DETAIL line's parameters, of the pending statement unless a bind or
// parse line of the next one came in between.
void LogFold::parameters_event(Session& session, const LogEvent& event) {
  Pending& pending = session.pending;
  if (!pending.active || !pending.accepts_params) {
    return;
  }
  pending.params_hash ^= fast_hash(event.params, 0x51ed270b);
  pending.limit_value = limit_parameter(*pending.info, event.params);
  pending.values = m_grouping ? param_values(pending.info->params, event.params) : ParamValues{};
  if (m_unfed == session.key) {
    feed_unfed();
  }
  if (pending.wants_example_params) {
    m_workload.queries[pending.stats_index].example_params =
        unescape_continuations(event.params, event.text_escaped, 4096);
    pending.wants_example_params = false;
  }
}

// The statement an ERROR line names (its STATEMENT line) counts an error.
void LogFold::error_statement_event(Session& session, const LogEvent& event) {
  if (session.after_error && event.info != nullptr) {
    model::QueryStats& stats = query_stats(event.info->fingerprint);
    if (stats.normalized.empty()) {
      stats.normalized = event.info->normalized;
      stats.shape = event.info->shape;
      stats.parsed = event.info->parsed;
      stats.first_seen = here(event.line);
    }
    ++stats.errors;
  }
  session.after_error = false;
}

void LogFold::start_statement(Session& session, const LogEvent& event) {
  ++m_statements;
  ++m_workload.statements;
  ++session.record.statements;
  if (event.info == nullptr) {
    ++m_workload.unparsed_statements;
    return;
  }
  Pending& pending = session.pending;
  set_pending(session, event);
  if (!event.info->parsed) {
    ++m_workload.unparsed_statements;
  }
  model::QueryStats& stats = statement_stats(event, pending.line);
  pending.stats_index = static_cast<std::size_t>(&stats - m_workload.queries.data());
  pending.code_path = 0;
  if (!event.tags.empty()) {
    model::Workload::CodePath path = sqlcommenter_code_path(event.tags);
    if (!path.route.empty() || !path.file.empty()) {
      pending.code_path = m_workload.code_path_index(std::move(path));
    }
  }
  if (stats.example.empty()) {
    stats.example =
        unescape_continuations(event.text, event.text_escaped, model::Workload::k_max_example_bytes);
    if (!event.params.empty()) {
      stats.example_params = unescape_continuations(event.params, event.text_escaped, 4096);
    } else {
      pending.wants_example_params = event.kind == EventKind::execute;
    }
  }
  if (pending.ts_us != 0) {
    ++m_workload.timestamped_statements;
    m_workload.subsecond_timestamps = m_workload.subsecond_timestamps || pending.ts_us % 1000000 != 0;
  }
  if (!m_grouping) {
    return;
  }
  give_in_log_order(session, *event.info);
}

// The pending statement is the event's (its duration and parameters may come
// in lines of their own).
void LogFold::set_pending(Session& session, const LogEvent& event) {
  Pending& pending = session.pending;
  pending.active = true;
  session.fed = false;
  pending.info = event.info;
  pending.has_duration = event.has_duration;
  pending.duration_ms = event.duration_ms;
  pending.ts_us = event.fields.ts_us;
  pending.line = static_cast<int>(m_line_base + event.line);
  pending.params_hash = event.params_hash;
  if (!event.params.empty()) {
    pending.params_hash ^= fast_hash(event.params, 0x51ed270b);
  }
  pending.limit = event.limit;
  pending.offset = event.offset;
  pending.limit_value = event.params.empty() ? std::nullopt : limit_parameter(*event.info, event.params);
  pending.values = m_grouping ? param_values(event.info->params, event.params) : ParamValues{};
  if (!pending.vxid.empty() || !event.fields.vxid.empty()) {
    pending.vxid.assign(event.fields.vxid); // most prefixes have no %v: no call for nothing
  }
  pending.wants_example_params = false;
  pending.accepts_params = event.params.empty();
  pending.request = event.request;
  pending.trace = event.trace;
  pending.traced = false;
  pending.application = event.fields.application.empty() ? 0 : fast_hash(event.fields.application) | 1U;
}

// The statement's stats; a fingerprint seen first is named by this, the
// log's first statement of it.
model::QueryStats& LogFold::statement_stats(const LogEvent& event, int line) {
  model::QueryStats& stats = query_stats(event.info->fingerprint);
  if (stats.normalized.empty()) {
    stats.normalized = event.info->normalized;
    stats.shape = event.info->shape;
    stats.parsed = event.info->parsed;
    // The parsing threads race to a fingerprint's first statement (one
    // VALUES row or two; a comment, as sqlcommenter's traceparent, which
    // the shape key leaves out): the log's first names it, run after run.
    const bool commented = !event.text_escaped && event.text.find("/*") != std::string_view::npos;
    if (event.info->parsed && (commented || shape_key(event.text).key != event.info->source_key)) {
      QueryInfo first = describe_statement(event.info->fingerprint, event.text);
      stats.normalized = std::move(first.normalized);
      stats.shape = std::move(first.shape);
    }
    stats.first_seen = core::SourceLocation{m_file, line, 0};
  }
  return stats;
}

// Workload::upsert, through a direct-mapped cache of the fingerprints seen
// last: a log repeats a few statements millions of times, and a slot
// compare is cheaper than the workload's hash map.
model::QueryStats& LogFold::query_stats(std::uint64_t fingerprint) {
  StatsSlot& slot = m_stats_slots[(fingerprint ^ (fingerprint >> 29U)) & (m_stats_slots.size() - 1)];
  std::vector<model::QueryStats>& queries = m_workload.queries;
  if (slot.index < queries.size() && queries[slot.index].fingerprint == fingerprint) {
    return queries[slot.index];
  }
  model::QueryStats& stats = m_workload.upsert(fingerprint);
  slot.index = static_cast<std::size_t>(&stats - queries.data());
  return stats;
}

// A request's trace and the fan-out search take statements in the log's
// order, not when their session's next line comes (a pool's connection may
// stay idle for seconds after its last statement).
void LogFold::give_in_log_order(Session& session, const QueryInfo& info) {
  const Pending& pending = session.pending;
  const bool fan_out = pending.ts_us != 0 && m_workload.subsecond_timestamps;
  const TxnControl control = transaction_control(info);
  if (control == TxnControl::none && !session.in_transaction && (pending.trace != 0 || fan_out)) {
    m_unfed = session.key; // given on once its parameters are in
  } else if (control == TxnControl::end && session.in_transaction && !session.txn.empty() &&
             (session.txn_trace != 0 || fan_out)) {
    Step whole = transaction_step(session.txn, session.key, session.record.pid);
    whole.ts_us = pending.ts_us != 0 ? pending.ts_us : whole.ts_us; // the COMMIT's time
    session.txn_step = whole;
    session.txn_step_ready = true;
    if (session.txn_trace != 0) {
      add_to_trace(session.txn_trace, whole);
      session.txn_traced = true;
    } else {
      feed(session, whole);
    }
  }
}

void LogFold::feed_unfed() {
  const std::uint64_t key = m_unfed;
  m_unfed = 0;
  const auto it = m_sessions.find(key);
  if (it == m_sessions.end() || !it->second->pending.active) {
    return;
  }
  Session& session = *it->second;
  Pending& pending = session.pending;
  if (pending.trace != 0) {
    session.fed_step = statement_step(session, pending);
    session.fed = true;
    add_to_trace(pending.trace, session.fed_step);
    pending.traced = true;
  } else {
    session.fed_step = statement_step(session, pending);
    session.fed = true;
    feed(session, session.fed_step);
  }
}

void LogFold::add_to_trace(std::uint64_t trace, const Step& step) {
  ++m_workload.traced_statements;
  if (m_traces[trace].steps.size() >= k_max_group_steps) {
    close_trace(trace);
  }
  Trace& target = m_traces[trace];
  target.steps.push_back(step);
  target.last_us = std::max(target.last_us, step.ts_us);
  sweep_traces(false);
}

void LogFold::feed(Session& session, const Step& step) {
  FanOutExec exec;
  exec.ts_us = step.ts_us;
  exec.id = step.id;
  exec.row_statement = step.statement;
  // A fan-out's parent is a read (its rows, or the request's lookup before a
  // loop over the request's own values).
  exec.parent = step.read ? step.parent : 0;
  exec.drives_loop = step.drives_loop;
  exec.params = step.params;
  exec.keys = step.keys;
  exec.row = step.row;
  exec.step_parent = step.parent;
  exec.session = step.session;
  exec.pid = step.pid;
  exec.duration_ms = step.duration_ms;
  exec.line = step.line;
  exec.code_path = step.code_path;
  exec.child = step.child;
  exec.set_filter = step.set_filter;
  m_fanout.add(client_of(session), exec);
}

void LogFold::finalize_pending(Session& session) {
  Pending& pending = session.pending;
  if (!pending.active) {
    return;
  }
  pending.active = false;
  model::QueryStats& stats = m_workload.queries[pending.stats_index];
  ++stats.calls;
  if (pending.has_duration) {
    ++stats.timed_calls;
    stats.total_ms += pending.duration_ms;
    stats.max_ms = std::max(stats.max_ms, pending.duration_ms);
    m_workload.has_durations = true;
  }
  if (pending.limit && (!stats.max_limit || *pending.limit > *stats.max_limit)) {
    stats.max_limit = pending.limit;
  }
  if (pending.offset && (!stats.max_offset || *pending.offset > *stats.max_offset)) {
    stats.max_offset = pending.offset;
  }
  if (m_grouping) {
    group_statement(session, pending);
  }
}

void LogFold::group_statement(Session& session, const Pending& pending) {
  const TxnControl control = transaction_control(*pending.info);
  if (control == TxnControl::begin) {
    if (session.in_transaction) {
      close_transaction(session, false); // a BEGIN inside a transaction: the old one's end was not logged
    }
    session.in_transaction = true;
    session.txn_vxid = pending.vxid;
    session.txn_trace = pending.trace;
    return;
  }
  if (control == TxnControl::end) {
    if (session.in_transaction) {
      close_transaction(session, true);
    }
    session.in_transaction = false;
    return;
  }
  if (session.in_transaction && !pending.vxid.empty() && !session.txn_vxid.empty() &&
      pending.vxid != session.txn_vxid) {
    close_transaction(session, false); // the COMMIT was not logged
    session.in_transaction = false;
  }
  Step step = session.fed ? session.fed_step : statement_step(session, pending);
  session.fed = false;
  step.duration_ms = pending.has_duration ? pending.duration_ms : 0.0;
  if (session.in_transaction) {
    if (session.txn.empty() && session.txn_vxid.empty()) {
      session.txn_vxid = pending.vxid;
    }
    if (session.txn.size() >= k_max_group_steps) {
      m_runs.record(m_file, session.txn, session.id, true, session.txn_vxid,
                    model::Repeat::Grouping::session);
      session.txn.clear();
    }
    session.txn_trace = session.txn_trace != 0 ? session.txn_trace : pending.trace;
    session.txn.push_back(step);
    return;
  }
  if (pending.traced) {
    return; // in its request's trace already
  }
  add_step(session, step, pending.request, pending.application, pending.trace);
}

LogFold::Step LogFold::statement_step(const Session& session, const Pending& pending) {
  const std::uint64_t fp = pending.info->fingerprint;
  Step step;
  step.id = fp;
  step.statement = fp;
  step.parent = fp;
  step.params = pending.params_hash;
  step.keys = pending.values.keys;
  step.links = pending.values.links;
  step.row = pending.values.row != 0 ? pending.values.row : pending.params_hash;
  step.ts_us = pending.ts_us;
  step.duration_ms = pending.has_duration ? pending.duration_ms : 0.0;
  step.line = pending.line;
  step.set_filter = pending.info->shape.set_filter;
  step.child = !step.set_filter && pending.info->shape.kind != model::StatementKind::other;
  step.drives_loop = returns_rows(*pending.info, pending.limit_value);
  step.read = pending.info->select;
  step.writes = pending.info->writes;
  step.code_path = pending.code_path;
  step.session = session.key;
  step.pid = session.record.pid;
  return step;
}

// A whole transaction is one step of the outer group: a loop that opens a
// transaction per row (`db.transaction` in a helper) repeats it.
void LogFold::close_transaction(Session& session, bool committed) {
  std::vector<Step>& steps = session.txn;
  if (steps.empty()) {
    return;
  }
  m_runs.record(m_file, steps, session.id, true, session.txn_vxid, model::Repeat::Grouping::session);
  if (committed) {
    const Step whole = session.txn_step_ready
                           ? session.txn_step
                           : transaction_step(session.txn, session.key, session.record.pid);
    if (m_workload.transaction_shapes.size() < model::Workload::k_max_transaction_shapes &&
        m_workload.transaction_shapes.count(whole.id) == 0) {
      std::vector<std::uint64_t>& members = m_workload.transaction_shapes[whole.id];
      for (const Step& step : steps) {
        members.push_back(step.id);
      }
    }
    if (!session.txn_traced) {
      add_step(session, whole, 0, 0, session.txn_trace);
    }
  }
  steps.clear();
  session.txn_vxid.clear();
  session.txn_trace = 0;
  session.txn_traced = false;
  session.txn_step_ready = false;
}

// An autocommit statement or a whole transaction: into its request's trace
// when the application marks requests (exact, on any connection), else into
// the session's outer group and the client's fan-out search.
void LogFold::add_step(Session& session, const Step& step, std::uint64_t request, std::uint64_t application,
                       std::uint64_t trace) {
  if (trace != 0) {
    add_to_trace(trace, step);
    return;
  }
  if (!session.group.empty() &&
      ((request != 0 && session.group_request != 0 && request != session.group_request) ||
       (application != 0 && session.group_application != 0 && application != session.group_application))) {
    // The application marks its requests (sqlcommenter tags, or an
    // application_name per request): a run never crosses into the next one.
    close_group(session);
  }
  if (!session.group.empty()) {
    // Without timestamps the session's statements stay one group: the burst
    // analysis needs the statement before a run.
    const bool timed = step.ts_us != 0 && session.group_last_us != 0;
    // A prefix with whole seconds (%t) cannot show a gap under a second: two
    // statements a millisecond apart may straddle a second boundary.
    const double resolution_us =
        step.ts_us % 1000000 == 0 && session.group_last_us % 1000000 == 0 ? 1000000.0 : 0.0;
    if (timed && static_cast<double>(step.ts_us - session.group_last_us) >
                     m_options.burst_gap_ms * 1000.0 + resolution_us) {
      close_group(session);
    }
  }
  if (session.group.size() >= k_max_group_steps) {
    close_group(session);
  }
  session.group.push_back(step);
  session.group_last_us = step.ts_us;
  session.group_request = request;
  session.group_application = application;
}

std::uint64_t LogFold::client_of(Session& session) {
  if (session.client == 0) {
    const model::SessionRecord& record = session.record;
    session.client = fast_hash(record.database + '\x1f' + record.user + '\x1f' + record.application) | 1U;
  }
  return session.client;
}

void LogFold::close_group(Session& session) {
  m_runs.record(m_file, session.group, session.id, false, std::string(), model::Repeat::Grouping::session);
  session.group.clear();
  session.group_last_us = 0;
  session.group_request = 0;
  session.group_application = 0;
}

void LogFold::close_trace(std::uint64_t trace) {
  const auto it = m_traces.find(trace);
  if (it == m_traces.end()) {
    return;
  }
  if (!it->second.steps.empty()) {
    const Step& first = it->second.steps.front();
    m_runs.record(m_file, it->second.steps,
                  first.pid != 0 ? "pid " + std::to_string(first.pid) : std::string("trace"), false,
                  std::string(), model::Repeat::Grouping::trace);
  }
  m_traces.erase(it);
}

// A request's trace is over when none of its statements came for a burst
// window (or when too many are open).
void LogFold::sweep_traces(bool all) {
  if (!all && m_traces.size() < k_max_open_traces && m_latest_us - m_traces_swept_us < k_trace_sweep_us) {
    return;
  }
  m_traces_swept_us = m_latest_us;
  std::vector<std::pair<std::int64_t, std::uint64_t>> idle;
  for (const auto& [trace, open] : m_traces) {
    const bool quiet = m_latest_us == 0 || open.last_us == 0 ||
                       static_cast<double>(m_latest_us - open.last_us) > m_options.burst_gap_ms * 1000.0;
    if (all || quiet || m_traces.size() >= k_max_open_traces) {
      idle.emplace_back(open.last_us, trace);
    }
  }
  std::sort(idle.begin(), idle.end());
  for (const auto& [last_us, trace] : idle) {
    if (!all && m_traces.size() < k_max_open_traces && m_latest_us != 0 &&
        static_cast<double>(m_latest_us - last_us) <= m_options.burst_gap_ms * 1000.0) {
      break;
    }
    close_trace(trace);
  }
}

void LogFold::connection_event(Session& session, const LogEvent& event) {
  finalize_pending(session);
  if (const auto session_ms = read_connection_line(event, session.record, m_workload.connections)) {
    m_workload.add_session_duration(*session_ms);
  }
  if (event.kind == EventKind::connection_authorized) {
    session.client = 0; // the client is known now
  } else if (event.kind == EventKind::disconnection) {
    close_session(session_key(event));
  }
}

void LogFold::close_session(std::uint64_t key) {
  const auto it = m_sessions.find(key);
  if (it == m_sessions.end()) {
    return;
  }
  if (m_unfed == key) {
    feed_unfed();
  }
  Session& session = *it->second;
  finalize_pending(session);
  close_transaction(session, false);
  close_group(session);
  m_workload.add_session(std::move(session.record));
  if (m_last_session == &session) {
    m_last_session = nullptr;
  }
  m_sessions.erase(it);
}

void LogFold::plan_event(const LogEvent& event) {
  model::LoggedPlan plan = logged_plan(event);
  plan.location = here(event.line);
  if (!plan.query.empty()) {
    const ShapeKey key = shape_key(plan.query, &m_scratch);
    const QueryInfo* info = m_cache.resolve(key, plan.query, m_scratch);
    plan.fingerprint = info->parsed ? info->fingerprint : 0;
  }
  plan.occurrences = 1;
  const auto [it, inserted] = m_plan_index.try_emplace(plan.fingerprint, m_workload.plans.size());
  if (inserted) {
    m_workload.plans.push_back(std::move(plan));
    return;
  }
  model::LoggedPlan& kept = m_workload.plans[it->second];
  const std::uint64_t occurrences = kept.occurrences + 1;
  if (plan.duration_ms > kept.duration_ms) {
    kept = std::move(plan);
  }
  kept.occurrences = occurrences;
}

void LogFold::sweep_idle() {
  if (m_sessions.size() < 1000) {
    return;
  }
  std::vector<std::pair<std::int64_t, std::uint64_t>> by_age;
  by_age.reserve(m_sessions.size());
  for (const auto& [key, session] : m_sessions) {
    by_age.emplace_back(session->last_us, key);
  }
  std::sort(by_age.begin(), by_age.end());
  const std::size_t excess =
      m_sessions.size() > k_max_open_sessions ? m_sessions.size() - k_max_open_sessions / 2 : 0;
  for (std::size_t i = 0; i < by_age.size(); ++i) {
    const bool idle = m_latest_us != 0 && by_age[i].first != 0 && by_age[i].first < m_latest_us - k_idle_us;
    if (!idle && i >= excess) {
      break;
    }
    close_session(by_age[i].second);
  }
}

void LogFold::finish() {
  if (m_unfed != 0) {
    feed_unfed();
  }
  std::vector<std::uint64_t> keys;
  keys.reserve(m_sessions.size());
  for (const auto& entry : m_sessions) {
    keys.push_back(entry.first);
  }
  std::sort(keys.begin(), keys.end());
  for (const std::uint64_t key : keys) {
    close_session(key);
  }
  sweep_traces(true);
  m_fanout.finish();
}

} // namespace pgadvise::loaders
