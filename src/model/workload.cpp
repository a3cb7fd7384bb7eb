#include "model/workload.hpp"

#include "core/huge_pages.hpp"

#include <algorithm>
#include <array>
#include <iterator>

namespace pgadvise::model {

std::string_view to_string(StatementKind kind) {
  switch (kind) {
  case StatementKind::select: return "select";
  case StatementKind::insert: return "insert";
  case StatementKind::update: return "update";
  case StatementKind::delete_: return "delete";
  case StatementKind::other: return "other";
  }
  return "other";
}

std::string_view to_string(ColumnUse use) {
  switch (use) {
  case ColumnUse::equality: return "equality";
  case ColumnUse::range: return "range";
  case ColumnUse::in_list: return "in";
  case ColumnUse::is_null: return "is-null";
  case ColumnUse::join: return "join";
  case ColumnUse::order_by: return "order-by";
  case ColumnUse::like: return "like";
  case ColumnUse::json_cast: return "json-cast";
  case ColumnUse::json_operator: return "json-operator";
  case ColumnUse::correlation: return "correlation";
  }
  return "equality";
}

std::string_view to_string(ReaderWarning::Kind kind) {
  switch (kind) {
  case ReaderWarning::Kind::binary: return "binary";
  case ReaderWarning::Kind::invalid_utf8: return "invalid-utf8";
  case ReaderWarning::Kind::no_statements: return "no-statements";
  case ReaderWarning::Kind::oversized: return "oversized";
  case ReaderWarning::Kind::prefix: return "prefix";
  case ReaderWarning::Kind::truncated: return "truncated";
  case ReaderWarning::Kind::unparsed_statement: return "unparsed-statement";
  case ReaderWarning::Kind::unreadable: return "unreadable";
  case ReaderWarning::Kind::unrecognized_line: return "unrecognized-line";
  }
  return "unrecognized-line";
}

void ParentFollow::merge(const ParentFollow& other) {
  if (other.followed != 0 && (followed == 0 || other.min_k < min_k)) {
    min_k = other.min_k;
  }
  max_k = std::max(max_k, other.max_k);
  if (followed == 0 && other.followed != 0) {
    example_parent = other.example_parent;
    example_children = other.example_children;
  }
  followed += other.followed;
  single += other.single;
  children += other.children;
  by_connection += other.by_connection;
  alone += other.alone;
  nearest += other.nearest;
}

std::uint32_t RepeatPattern::median_count() const {
  const std::uint64_t half = (groups + 1) / 2;
  std::uint64_t seen = 0;
  for (const auto& [count, n] : count_histogram) {
    seen += n;
    if (seen >= half) {
      return count;
    }
  }
  return max_count;
}

namespace {

// Session-length buckets (ms): fine enough to tell 20 ms sessions from 2 s
// ones, few enough to stay constant-size.
constexpr std::array<double, 16> k_duration_buckets = {
    1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 60000, 300000, 3600000, 1e300};

} // namespace

std::optional<double> ConnectionStats::median_session_ms() const {
  std::uint64_t total = 0;
  for (const auto& entry : duration_histogram) {
    total += entry.second;
  }
  if (total == 0) {
    return std::nullopt;
  }
  std::uint64_t seen = 0;
  for (const auto& [bound, n] : duration_histogram) {
    seen += n;
    if (seen * 2 >= total) {
      return bound;
    }
  }
  return std::nullopt;
}

double ConnectionStats::connections_per_second() const {
  const std::uint64_t connections = std::max(connections_authorized, connections_received);
  if (connections < 2 || last_connect_us <= first_connect_us) {
    return 0;
  }
  return static_cast<double>(connections - 1) /
         (static_cast<double>(last_connect_us - first_connect_us) / 1e6);
}

const QueryStats* Workload::find(std::uint64_t fingerprint) const {
  const auto it = m_by_fingerprint.find(fingerprint);
  return it == m_by_fingerprint.end() ? nullptr : &queries[it->second];
}

QueryStats* Workload::find(std::uint64_t fingerprint) {
  const auto it = m_by_fingerprint.find(fingerprint);
  return it == m_by_fingerprint.end() ? nullptr : &queries[it->second];
}

QueryStats& Workload::upsert(std::uint64_t fingerprint, bool* created) {
  const auto [it, inserted] = m_by_fingerprint.try_emplace(fingerprint, queries.size());
  if (inserted) {
    queries.emplace_back();
    queries.back().fingerprint = fingerprint;
  }
  if (created != nullptr) {
    *created = inserted;
  }
  return queries[it->second];
}

const RepeatPattern* Workload::find_pattern(std::uint64_t fingerprint, std::uint64_t parent) const {
  const auto it = m_pattern_index.find({fingerprint, parent});
  return it == m_pattern_index.end() ? nullptr : &repeat_patterns[it->second];
}

std::uint32_t Workload::code_path_index(CodePath path) {
  const auto found = m_code_path_index.find({path.route, path.file});
  if (found != m_code_path_index.end()) {
    return found->second;
  }
  if (code_paths.size() >= k_max_code_paths) {
    return 0;
  }
  const auto index = static_cast<std::uint32_t>(code_paths.size() + 1);
  m_code_path_index.emplace(std::make_pair(path.route, path.file), index);
  code_paths.push_back(std::move(path));
  return index;
}

std::uint64_t Workload::runs_after_parent(std::uint64_t fingerprint, std::uint64_t parent) const {
  const auto it = runs_after.find({fingerprint, parent});
  return it == runs_after.end() ? 0 : it->second;
}

void Workload::add_repeat(Repeat repeat) {
  if (repeat.grouping == Repeat::Grouping::fan_out) {
    keep_repeat(std::move(repeat)); // which candidate is its parent is the rule's call
    return;
  }
  if (repeat.candidates[0] == 0) {
    repeat.candidates[0] = repeat.parent_fingerprint;
  }
  for (std::size_t i = 0; i < repeat.candidates.size(); ++i) {
    const std::uint64_t parent = repeat.candidates[i];
    if (parent != 0 &&
        std::find(repeat.candidates.begin(), repeat.candidates.begin() + static_cast<std::ptrdiff_t>(i),
                  parent) == repeat.candidates.begin() + static_cast<std::ptrdiff_t>(i)) {
      ++runs_after[{repeat.fingerprint, parent}];
    }
  }
  keep_repeat(std::move(repeat));
}

namespace {

// A log's repeats fill a vector of up to k_max_repeats (26 MB). Grown by
// doubling, each growth wrote every repeat again into fresh pages, a fault
// per 4 KiB: over half of the page faults of reading a 1 GB log, and a
// fault costs tens of microseconds on a virtual machine. A few thousand
// first, then room for the cap at once, in huge pages (only what is used
// is ever touched).
void reserve_repeats(std::vector<Repeat>& repeats) {
  constexpr std::size_t k_first = 4096;
  if (repeats.capacity() < k_first) {
    repeats.reserve(k_first);
    return;
  }
  repeats.reserve(Workload::k_max_repeats);
  core::advise_huge_pages(repeats.data(), repeats.capacity() * sizeof(Repeat));
}

} // namespace

void Workload::keep_repeat(Repeat repeat) {
  const auto [it, inserted] =
      m_pattern_index.try_emplace({repeat.fingerprint, repeat.parent_fingerprint}, repeat_patterns.size());
  if (inserted) {
    RepeatPattern pattern;
    pattern.fingerprint = repeat.fingerprint;
    pattern.parent_fingerprint = repeat.parent_fingerprint;
    pattern.example = repeat.location;
    repeat_patterns.push_back(std::move(pattern));
  }
  RepeatPattern& pattern = repeat_patterns[it->second];
  ++pattern.groups;
  pattern.statements += repeat.count;
  pattern.max_count = std::max(pattern.max_count, repeat.count);
  ++pattern.count_histogram[repeat.count];
  pattern.in_transaction_groups += repeat.in_transaction ? 1U : 0U;
  pattern.varied_params_groups += repeat.distinct_params > 1 ? 1U : 0U;
  pattern.total_ms += repeat.total_ms;
  if (repeats.size() < k_max_repeats) {
    if (repeats.size() == repeats.capacity()) {
      reserve_repeats(repeats);
    }
    repeats.push_back(std::move(repeat));
  } else {
    ++repeats_dropped;
  }
}

void Workload::add_session(SessionRecord session) {
  if (sessions.size() < k_max_sessions) {
    sessions.push_back(std::move(session));
  } else {
    ++sessions_dropped;
  }
}

void Workload::add_session_duration(double duration_ms) {
  const auto bucket = std::lower_bound(k_duration_buckets.begin(), k_duration_buckets.end(), duration_ms);
  ++connections.duration_histogram[bucket == k_duration_buckets.end() ? k_duration_buckets.back() : *bucket];
  connections.total_session_ms += duration_ms;
}

namespace {

void merge_stats(QueryStats& into, QueryStats&& from) {
  if (into.normalized.empty()) {
    into.normalized = std::move(from.normalized);
    into.shape = std::move(from.shape);
    into.parsed = from.parsed;
  }
  into.calls += from.calls;
  into.timed_calls += from.timed_calls;
  into.total_ms += from.total_ms;
  into.max_ms = std::max(into.max_ms, from.max_ms);
  into.errors += from.errors;
  if (from.rows) {
    into.rows = into.rows.value_or(0) + *from.rows;
  }
  if (from.pgss_mean_ms && !into.pgss_mean_ms) {
    into.pgss_mean_ms = from.pgss_mean_ms;
  }
  if (from.max_limit && (!into.max_limit || *from.max_limit > *into.max_limit)) {
    into.max_limit = from.max_limit;
  }
  if (from.max_offset && (!into.max_offset || *from.max_offset > *into.max_offset)) {
    into.max_offset = from.max_offset;
  }
  if (into.example.empty()) {
    into.example = std::move(from.example);
    into.example_params = std::move(from.example_params);
  }
  if (!into.first_seen.known()) {
    into.first_seen = from.first_seen;
  }
}

void merge_connections(ConnectionStats& into, const ConnectionStats& from) {
  into.connections_received += from.connections_received;
  into.connections_authorized += from.connections_authorized;
  into.disconnections += from.disconnections;
  into.sessions_seen += from.sessions_seen;
  if (from.first_connect_us != 0 &&
      (into.first_connect_us == 0 || from.first_connect_us < into.first_connect_us)) {
    into.first_connect_us = from.first_connect_us;
  }
  into.last_connect_us = std::max(into.last_connect_us, from.last_connect_us);
  for (const auto& [bound, n] : from.duration_histogram) {
    into.duration_histogram[bound] += n;
  }
  into.total_session_ms += from.total_session_ms;
}

// One plan per fingerprint: the slowest, with the occurrences of both.
void merge_plans(std::vector<LoggedPlan>& into, std::vector<LoggedPlan>&& from) {
  for (LoggedPlan& plan : from) {
    auto same = std::find_if(into.begin(), into.end(),
                             [&](const LoggedPlan& p) { return p.fingerprint == plan.fingerprint; });
    if (same == into.end()) {
      into.push_back(std::move(plan));
    } else {
      const std::uint64_t occurrences = same->occurrences + plan.occurrences;
      if (plan.duration_ms > same->duration_ms) {
        *same = std::move(plan);
      }
      same->occurrences = occurrences;
    }
  }
}

} // namespace

void Workload::merge(Workload&& other) {
  for (QueryStats& stats : other.queries) {
    bool created = false;
    QueryStats& into = upsert(stats.fingerprint, &created);
    if (created) {
      into = std::move(stats);
    } else {
      merge_stats(into, std::move(stats));
    }
  }
  for (Repeat& repeat : other.repeats) {
    if (repeat.code_path != 0) {
      repeat.code_path = code_path_index(other.code_paths[repeat.code_path - 1]);
    }
    keep_repeat(std::move(repeat));
  }
  for (const auto& [key, runs] : other.runs_after) {
    runs_after[key] += runs;
  }
  for (const auto& [key, times] : other.batched_after) {
    batched_after[key] += times;
  }
  for (const auto& [key, times] : other.key_after) {
    key_after[key] += times;
  }
  for (const auto& [key, follow] : other.parent_follows) {
    parent_follows[key].merge(follow);
  }
  write_runs.merge(std::move(other.write_runs));
  for (auto& [shape, members] : other.transaction_shapes) {
    if (transaction_shapes.size() < k_max_transaction_shapes || transaction_shapes.count(shape) != 0) {
      transaction_shapes.emplace(shape, std::move(members));
    }
  }
  // Patterns of repeats dropped from `other` are summed without their rows.
  if (other.repeats_dropped > 0) {
    repeats_dropped += other.repeats_dropped;
  }
  for (SessionRecord& session : other.sessions) {
    add_session(std::move(session));
  }
  sessions_dropped += other.sessions_dropped;
  merge_connections(connections, other.connections);
  merge_plans(plans, std::move(other.plans));
  warnings.insert(warnings.end(), std::make_move_iterator(other.warnings.begin()),
                  std::make_move_iterator(other.warnings.end()));
  sources.insert(sources.end(), std::make_move_iterator(other.sources.begin()),
                 std::make_move_iterator(other.sources.end()));
  ordered = ordered || other.ordered;
  has_durations = has_durations || other.has_durations;
  subsecond_timestamps = subsecond_timestamps || other.subsecond_timestamps;
  timestamped_statements += other.timestamped_statements;
  traced_statements += other.traced_statements;
  statements += other.statements;
  unparsed_statements += other.unparsed_statements;
  lines += other.lines;
  bytes += other.bytes;
  warnings_dropped += other.warnings_dropped;
}

Workload Workload::share(const std::function<bool(std::uint64_t)>& keeps, bool whole_log) const {
  Workload out;
  for (const QueryStats& query : queries) {
    if (keeps(query.fingerprint)) {
      out.upsert(query.fingerprint) = query;
    }
  }
  std::copy_if(repeats.begin(), repeats.end(), std::back_inserter(out.repeats),
               [&](const Repeat& repeat) { return keeps(repeat.fingerprint); });
  for (const RepeatPattern& pattern : repeat_patterns) {
    if (keeps(pattern.fingerprint)) {
      out.m_pattern_index.emplace(std::pair{pattern.fingerprint, pattern.parent_fingerprint},
                                  out.repeat_patterns.size());
      out.repeat_patterns.push_back(pattern);
    }
  }
  const auto by_statement = [&](const auto& from, auto& into) {
    for (const auto& [key, times] : from) {
      if (keeps(key.first)) {
        into.emplace_hint(into.end(), key, times);
      }
    }
  };
  by_statement(runs_after, out.runs_after);
  by_statement(batched_after, out.batched_after);
  by_statement(key_after, out.key_after);
  by_statement(parent_follows, out.parent_follows);
  WriteRuns writes;
  std::copy_if(
      write_runs.runs.begin(), write_runs.runs.end(), std::back_inserter(writes.runs),
      [&](const WriteRun& run) { return !run.fingerprints.empty() && keeps(run.fingerprints.front()); });
  writes.dropped = whole_log ? write_runs.dropped : 0;
  out.write_runs.merge(std::move(writes));
  std::copy_if(plans.begin(), plans.end(), std::back_inserter(out.plans),
               [&](const LoggedPlan& plan) { return keeps(plan.fingerprint); });
  out.code_paths = code_paths;
  out.m_code_path_index = m_code_path_index;
  out.transaction_shapes = transaction_shapes;
  out.sources = sources;
  out.ordered = ordered;
  out.has_durations = has_durations;
  out.subsecond_timestamps = subsecond_timestamps;
  out.timestamped_statements = timestamped_statements;
  out.traced_statements = traced_statements;
  out.statements = statements;
  out.unparsed_statements = unparsed_statements;
  out.lines = lines;
  out.bytes = bytes;
  if (whole_log) {
    out.sessions = sessions;
    out.connections = connections;
    out.warnings = warnings;
    out.repeats_dropped = repeats_dropped;
    out.sessions_dropped = sessions_dropped;
    out.warnings_dropped = warnings_dropped;
  }
  return out;
}

} // namespace pgadvise::model
