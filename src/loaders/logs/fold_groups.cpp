#include "loaders/logs/fold.hpp"
#include "loaders/logs/fold_state.hpp"
#include "loaders/logs/transaction_control.hpp"

#include <algorithm>

// LogFold's groups: a complete statement joins its transaction, its
// session's burst, its request's trace and its client's fan-out search
// (FanOutTracker), and repeats of a transaction or statement per row are
// counted (RunRepeats).

namespace pgadvise::loaders {

namespace {

// Statements of one group kept for the burst analysis (a longer autocommit
// run is analysed in pieces of this size).
constexpr std::size_t k_max_group_steps = 4096;
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

} // namespace

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
  Session* const found = find_session(key);
  if (found == nullptr || !found->pending.active) {
    return;
  }
  Session& session = *found;
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

} // namespace pgadvise::loaders
