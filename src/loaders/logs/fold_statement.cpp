#include "loaders/logs/fold.hpp"
#include "loaders/logs/fold_state.hpp"
#include "loaders/logs/sqlcommenter.hpp"

#include <algorithm>

// LogFold's pending statement: what its lines (bind, execute, duration,
// parameters, an error) say of it, into its QueryStats, until it is
// complete and goes on to grouping (fold_groups.cpp).

namespace pgadvise::loaders {

namespace {

std::optional<std::int64_t> limit_parameter(const QueryInfo& info, std::string_view params) {
  return clause_parameter(info, params, "limit");
}

} // namespace

// A DETAIL line's parameters, of the pending statement unless a bind or
// parse line of the next one came in between.
void LogFold::parameters_event(Session& session, const LogEvent& event) {
  Pending& pending = session.pending;
  if (!pending.active || !pending.accepts_params) {
    return;
  }
  if (const ParamFacts* facts = facts_of(event); facts != nullptr && facts->info == pending.info) {
    pending.params_hash ^= facts->hash;
    pending.limit_value = facts->limit;
    if (facts->offset) {
      pending.offset = facts->offset; // OFFSET $n: large-offset-pagination reads the deepest page asked
    }
    pending.values = m_grouping ? facts->values : ParamValues{};
  } else {
    pending.params_hash ^= params_text_hash(event.params);
    pending.limit_value = limit_parameter(*pending.info, event.params);
    if (auto offset = clause_parameter(*pending.info, event.params, "offset")) {
      pending.offset = offset; // OFFSET $n: large-offset-pagination reads the deepest page asked
    }
    pending.values = m_grouping ? param_values(pending.info->params, event.params) : ParamValues{};
  }
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
  pending.limit = event.limit;
  pending.offset = event.offset;
  if (event.params.empty()) {
    pending.limit_value = std::nullopt;
    pending.values = ParamValues{};
  } else if (const ParamFacts* facts = facts_of(event); facts != nullptr && facts->info == event.info) {
    pending.params_hash ^= facts->hash;
    if (!pending.offset) {
      pending.offset = facts->offset;
    }
    pending.limit_value = facts->limit;
    pending.values = m_grouping ? facts->values : ParamValues{};
  } else {
    pending.params_hash ^= params_text_hash(event.params);
    if (!pending.offset) {
      pending.offset = clause_parameter(*event.info, event.params, "offset");
    }
    pending.limit_value = limit_parameter(*event.info, event.params);
    pending.values = m_grouping ? param_values(event.info->params, event.params) : ParamValues{};
  }
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

} // namespace pgadvise::loaders
