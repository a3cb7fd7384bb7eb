#include "loaders/logs/fold.hpp"

#include "loaders/logs/connection_line.hpp"
#include "loaders/logs/fold_state.hpp"
#include "loaders/logs/logged_plan.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders {

namespace {

// Open sessions are swept for idle ones every this many events.
constexpr std::uint64_t k_sweep_every = 200000;
constexpr std::int64_t k_idle_us = 10LL * 60 * 1000000;
constexpr std::size_t k_max_open_sessions = 50000;
constexpr std::size_t k_max_spare_steps = 64;

std::size_t recent_slot(std::uint64_t key) {
  return static_cast<std::size_t>((key ^ (key >> 17U) ^ (key >> 41U)) & 15U);
}

} // namespace

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
  m_block = &block;
  for (const LogEvent& event : block.events) {
    apply(event);
  }
  m_block = nullptr;
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
  if (Session* open = find_session(key); open != nullptr) {
    m_last_key = key;
    m_last_session = open;
    return *open;
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
    for (auto [steps, spare] :
         {std::pair{&slot->group, &m_spare_groups}, std::pair{&slot->txn, &m_spare_transactions}}) {
      if (!spare->empty()) {
        *steps = std::move(spare->back());
        spare->pop_back();
      }
    }
    ++m_workload.connections.sessions_seen;
  }
  m_last_key = key;
  m_last_session = slot.get();
  m_recent[recent_slot(key)] = Recent{key, slot.get()};
  return *slot;
}

LogFold::Session* LogFold::find_session(std::uint64_t key) {
  Recent& recent = m_recent[recent_slot(key)];
  if (recent.session != nullptr && recent.key == key) {
    return recent.session;
  }
  const auto it = m_sessions.find(key);
  if (it == m_sessions.end()) {
    return nullptr;
  }
  recent = Recent{key, it->second.get()};
  return recent.session;
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
    if (find_session(key) != nullptr) {
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
  if (Recent& recent = m_recent[recent_slot(key)]; recent.session == &session) {
    recent = Recent{};
  }
  for (auto [steps, spare] :
       {std::pair{&session.group, &m_spare_groups}, std::pair{&session.txn, &m_spare_transactions}}) {
    if (spare->size() < k_max_spare_steps && steps->capacity() > 0) {
      steps->clear();
      spare->push_back(std::move(*steps));
    }
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
