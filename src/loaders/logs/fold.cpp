#include "loaders/logs/fold.hpp"

#include "loaders/logs/write_runs.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace pgadvise::loaders {

namespace {

// Statements of one group kept for the burst analysis (a longer autocommit
// run is analysed in pieces of this size).
constexpr std::size_t k_max_group_steps = 4096;
// The longest repeating unit: one statement per row, or a fixed group of
// lazy loads per row (author and avatar, tags and author).
constexpr std::size_t k_max_unit = 3;
constexpr std::uint32_t k_max_params = 64; // distinct parameter sets counted per burst
constexpr std::uint64_t k_sweep_every = 200000;
constexpr std::int64_t k_idle_us = 10LL * 60 * 1000000;
constexpr std::size_t k_max_open_sessions = 50000;

bool ieq_prefix(std::string_view text, std::string_view lower) {
  if (text.size() < lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < lower.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) | 0x20U) != static_cast<unsigned char>(lower[i])) {
      return false;
    }
  }
  return text.size() == lower.size() || text[lower.size()] == ' ' || text[lower.size()] == ';';
}

enum class TxnControl { none, begin, end };

TxnControl transaction_control(const QueryInfo& info) {
  if (!info.shape.transaction_control) {
    return TxnControl::none;
  }
  const std::string_view text = info.normalized;
  if (ieq_prefix(text, "begin") || ieq_prefix(text, "start")) {
    return TxnControl::begin;
  }
  if (ieq_prefix(text, "commit") || ieq_prefix(text, "end") || ieq_prefix(text, "abort") ||
      (ieq_prefix(text, "rollback") && text.find(" to ") == std::string_view::npos &&
       text.find(" TO ") == std::string_view::npos)) {
    return TxnControl::end;
  }
  return TxnControl::none;
}

// Log text without the log's formatting: "\n\t" continuation -> "\n".
std::string unescape_continuations(std::string_view text, bool escaped, std::size_t max_bytes) {
  if (!escaped) {
    return sanitized_copy(text, max_bytes);
  }
  std::string raw;
  raw.reserve(std::min(text.size(), max_bytes));
  for (std::size_t i = 0; i < text.size() && raw.size() < max_bytes; ++i) {
    raw.push_back(text[i]);
    if (text[i] == '\n' && i + 1 < text.size() && text[i + 1] == '\t') {
      ++i;
    }
  }
  return sanitized_copy(raw, max_bytes);
}

// sqlcommenter URL-encodes its values (`file='src%2Froutes%2Ffeed.ts'`) and
// escapes quotes with a backslash; plain values pass unchanged.
std::string sqlcommenter_decoded(std::string_view value) {
  const auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    return -1;
  };
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() && hex(value[i + 1]) >= 0 && hex(value[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex(value[i + 1]) * 16 + hex(value[i + 2])));
      i += 2;
    } else if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == '\'') {
      out.push_back('\'');
      ++i;
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}

// "user=a database=b application_name=c" -> value of `key`.
std::string_view key_value(std::string_view text, std::string_view key, bool to_end = false) {
  std::size_t at = 0;
  while (true) {
    at = text.find(key, at);
    if (at == std::string_view::npos) {
      return {};
    }
    if (at == 0 || text[at - 1] == ' ') {
      break;
    }
    at += key.size();
  }
  const std::string_view rest = text.substr(at + key.size());
  if (to_end) {
    const std::size_t ssl = rest.find(" SSL enabled");
    const std::size_t gss = rest.find(" GSS ");
    return rest.substr(0, std::min(ssl, gss));
  }
  return rest.substr(0, rest.find(' '));
}

std::string known(std::string_view value) {
  return value == "[unknown]" ? std::string() : sanitized_copy(value, 256);
}

// "0:00:00.023" -> milliseconds.
std::optional<double> session_time_ms(std::string_view text) {
  const std::size_t c1 = text.find(':');
  const std::size_t c2 = c1 == std::string_view::npos ? c1 : text.find(':', c1 + 1);
  if (c2 == std::string_view::npos) {
    return std::nullopt;
  }
  double hours = 0;
  double minutes = 0;
  double seconds = 0;
  if (!parse_decimal(text.substr(0, c1), hours) ||
      !parse_decimal(text.substr(c1 + 1, c2 - c1 - 1), minutes) ||
      !parse_decimal(text.substr(c2 + 1), seconds)) {
    return std::nullopt;
  }
  return ((hours * 60 + minutes) * 60 + seconds) * 1000;
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
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::string vxid;
  bool wants_example_params = false;
  bool accepts_params = false;   // no bind/parse line of the next statement came in between
  std::uint64_t request = 0;     // sqlcommenter request (0: not marked)
  std::uint64_t application = 0; // hash of application_name (0: not logged)
  std::uint32_t code_path = 0;   // Workload::code_paths index (sqlcommenter route/file)
};

struct LogFold::Session {
  // One statement of the open group, in order.
  struct Step {
    std::uint64_t fingerprint = 0;
    std::uint64_t params = 0;
    std::int64_t ts_us = 0;
    double duration_ms = 0;
    int line = 0;
    bool set_filter = false; // a batched read (= ANY(...)): counted after its predecessor
    std::uint32_t code_path = 0;
  };

  std::string id; // %c or "pid N"
  Pending pending;
  bool in_transaction = false;
  bool group_explicit = false;
  std::string group_vxid;
  std::int64_t group_last_us = 0;
  std::uint64_t group_last_fp = 0;
  std::uint64_t group_request = 0;     // the request of the group's last statement (sqlcommenter)
  std::uint64_t group_application = 0; // its application_name
  std::vector<Step> group;
  std::int64_t last_us = 0;
  bool after_error = false;
  model::SessionRecord record;
};

LogFold::LogFold(model::Workload& workload, ShapeRegistry& registry, FoldOptions options)
    : m_workload(workload), m_cache(registry), m_options(options) {}

LogFold::~LogFold() = default;

core::SourceLocation LogFold::here(std::uint32_t relative_line) const {
  return core::SourceLocation{m_file, static_cast<int>(m_line_base + relative_line), 0};
}

void LogFold::begin_file(const std::string& display) {
  m_file = display;
  m_line_base = 0;
  m_warning_counts.clear();
}

void LogFold::warn(int line, std::string kind, std::string message) {
  std::size_t& seen = m_warning_counts[kind];
  ++seen;
  if (seen > m_options.warnings_per_kind) {
    ++m_workload.warnings_dropped;
    return;
  }
  m_workload.warnings.push_back({std::move(kind), std::move(message), core::SourceLocation{m_file, line, 0}});
}

void LogFold::end_file() {
  for (const auto& [kind, seen] : m_warning_counts) {
    if (seen > m_options.warnings_per_kind) {
      m_workload.warnings.push_back(
          {kind,
           std::to_string(seen - m_options.warnings_per_kind) + " more '" + kind + "' warnings not shown",
           core::SourceLocation{m_file, 0, 0}});
    }
  }
  m_warning_counts.clear();
}

void LogFold::consume(BlockResult& block) {
  for (model::ReaderWarning& warning : block.warnings) {
    warn(static_cast<int>(m_line_base) + warning.location.line, std::move(warning.kind),
         std::move(warning.message));
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

LogFold::Session& LogFold::session_for(const LogEvent& event) {
  const std::uint64_t key = !event.fields.session_id.empty()
                                ? fast_hash(event.fields.session_id)
                                : (static_cast<std::uint64_t>(event.fields.pid) | (1ULL << 62U));
  auto& slot = m_sessions[key];
  if (!slot) {
    slot = std::make_unique<Session>();
    slot->id = !event.fields.session_id.empty() ? std::string(event.fields.session_id)
               : event.fields.pid != 0          ? "pid " + std::to_string(event.fields.pid)
                                                : std::string("log");
    slot->record.session = slot->id;
    slot->record.pid = event.fields.pid;
    slot->record.user = known(event.fields.user);
    slot->record.database = known(event.fields.database);
    slot->record.application = known(event.fields.application);
    slot->record.client = known(event.fields.client);
    slot->record.location = here(event.line);
    ++m_workload.connections.sessions_seen;
  }
  return *slot;
}

void LogFold::apply(const LogEvent& event) {
  if (event.fields.ts_us != 0) {
    m_latest_us = std::max(m_latest_us, event.fields.ts_us);
  }
  if (event.kind == EventKind::plan) {
    plan_event(event);
    return;
  }
  if (event.kind == EventKind::other) {
    return; // background processes and messages that say nothing about queries
  }
  if (event.kind == EventKind::connection_received) {
    // A new backend with a pid seen before: the old session is over.
    const std::uint64_t key = !event.fields.session_id.empty()
                                  ? fast_hash(event.fields.session_id)
                                  : (static_cast<std::uint64_t>(event.fields.pid) | (1ULL << 62U));
    if (m_sessions.count(key) != 0) {
      close_session(key);
    }
  }
  Session& session = session_for(event);
  if (event.fields.ts_us != 0) {
    session.last_us = event.fields.ts_us;
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
  case EventKind::parameters:
    if (session.pending.active && session.pending.accepts_params) {
      session.pending.params_hash ^= fast_hash(event.params, 0x51ed270b);
      if (session.pending.wants_example_params) {
        m_workload.queries[session.pending.stats_index].example_params =
            unescape_continuations(event.params, event.text_escaped, 4096);
        session.pending.wants_example_params = false;
      }
    }
    break;
  case EventKind::duration:
    if (session.pending.active && !session.pending.has_duration) {
      session.pending.has_duration = true;
      session.pending.duration_ms = event.duration_ms;
    }
    break;
  case EventKind::error: session.after_error = true; break;
  case EventKind::error_statement:
    if (session.after_error && event.info != nullptr) {
      model::QueryStats& stats = m_workload.upsert(event.info->fingerprint);
      if (stats.normalized.empty()) {
        stats.normalized = event.info->normalized;
        stats.shape = event.info->shape;
        stats.parsed = event.info->parsed;
        stats.first_seen = here(event.line);
      }
      ++stats.errors;
    }
    session.after_error = false;
    break;
  case EventKind::connection_received:
  case EventKind::connection_authorized:
  case EventKind::disconnection: connection_event(session, event); break;
  default: break;
  }
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
  pending.active = true;
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
  pending.vxid.assign(event.fields.vxid);
  pending.wants_example_params = false;
  pending.accepts_params = event.params.empty();
  pending.request = event.request;
  pending.application = event.fields.application.empty() ? 0 : fast_hash(event.fields.application) | 1U;
  if (!event.info->parsed) {
    ++m_workload.unparsed_statements;
  }
  bool created = false;
  model::QueryStats& stats = m_workload.upsert(event.info->fingerprint, &created);
  pending.stats_index = static_cast<std::size_t>(&stats - m_workload.queries.data());
  if (stats.normalized.empty()) {
    stats.normalized = event.info->normalized;
    stats.shape = event.info->shape;
    stats.parsed = event.info->parsed;
    stats.first_seen = core::SourceLocation{m_file, pending.line, 0};
  }
  pending.code_path = 0;
  if (!event.tags.empty()) {
    model::Workload::CodePath path;
    path.route = sanitized_copy(sqlcommenter_decoded(sqlcommenter_value(event.tags, "route")), 256);
    if (path.route.empty() && !sqlcommenter_value(event.tags, "controller").empty()) {
      path.route = sanitized_copy(sqlcommenter_decoded(sqlcommenter_value(event.tags, "controller")) + "#" +
                                      sqlcommenter_decoded(sqlcommenter_value(event.tags, "action")),
                                  256);
    }
    path.file = sanitized_copy(sqlcommenter_decoded(sqlcommenter_value(event.tags, "file")), 256);
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
  const std::uint64_t fp = pending.info->fingerprint;
  const TxnControl control = transaction_control(*pending.info);
  if (control == TxnControl::begin) {
    close_group(session);
    session.in_transaction = true;
    session.group_vxid = pending.vxid;
    return;
  }
  if (control == TxnControl::end) {
    close_group(session);
    session.in_transaction = false;
    return;
  }
  if (session.in_transaction && !pending.vxid.empty() && !session.group_vxid.empty() &&
      pending.vxid != session.group_vxid) {
    close_group(session); // the COMMIT was not logged
    session.in_transaction = false;
  }
  if (!session.in_transaction && !session.group.empty() &&
      ((pending.request != 0 && session.group_request != 0 && pending.request != session.group_request) ||
       (pending.application != 0 && session.group_application != 0 &&
        pending.application != session.group_application))) {
    // The application marks its requests (sqlcommenter trace ids, or an
    // application_name per request): a run never crosses into the next one.
    close_group(session);
  }
  if (!session.in_transaction && !session.group.empty()) {
    // Without timestamps the session's statements stay one group: the burst
    // analysis needs the statement before a run.
    const bool timed = pending.ts_us != 0 && session.group_last_us != 0;
    // A prefix with whole seconds (%t) cannot show a gap under a second: two
    // statements a millisecond apart may straddle a second boundary.
    const double resolution_us =
        pending.ts_us % 1000000 == 0 && session.group_last_us % 1000000 == 0 ? 1000000.0 : 0.0;
    if (timed && static_cast<double>(pending.ts_us - session.group_last_us) >
                     m_options.burst_gap_ms * 1000.0 + resolution_us) {
      close_group(session);
    }
  }
  if (session.group.empty()) {
    session.group_explicit = session.in_transaction;
    if (session.group_vxid.empty() || !session.in_transaction) {
      session.group_vxid = pending.vxid;
    }
  }
  if (session.group.size() >= k_max_group_steps) {
    close_group(session);
    session.group_explicit = session.in_transaction;
  }
  session.group.push_back(Session::Step{fp, pending.params_hash, pending.ts_us,
                                        pending.has_duration ? pending.duration_ms : 0.0, pending.line,
                                        pending.info->shape.set_filter, pending.code_path});
  session.group_last_us = pending.ts_us;
  session.group_last_fp = fp;
  session.group_request = pending.request;
  session.group_application = pending.application;
}

namespace {

// The smallest unit (1 to k_max_unit statements, all different) that
// repeats right away at `i`, and how many times it runs in a row.
std::pair<std::size_t, std::size_t> repeating_unit(const std::vector<std::uint64_t>& fps, std::size_t i) {
  const std::size_t n = fps.size();
  for (std::size_t length = 1; length <= k_max_unit && i + 2 * length <= n; ++length) {
    bool distinct = true;
    for (std::size_t a = 0; a < length && distinct; ++a) {
      for (std::size_t b = a + 1; b < length; ++b) {
        distinct = distinct && fps[i + a] != fps[i + b];
      }
    }
    if (!distinct) {
      continue;
    }
    std::size_t reps = 1;
    while (i + (reps + 1) * length <= n &&
           std::equal(fps.begin() + static_cast<std::ptrdiff_t>(i),
                      fps.begin() + static_cast<std::ptrdiff_t>(i + length),
                      fps.begin() + static_cast<std::ptrdiff_t>(i + reps * length))) {
      ++reps;
    }
    if (reps >= 2) {
      return {length, reps};
    }
  }
  return {0, 0};
}

// The statements just before the run at `i`, nearest first, different from
// each other; the walk stops at an earlier execution of a unit member (what
// came before it belongs to that execution, not to this run).
std::array<std::uint64_t, model::Repeat::k_candidates>
parent_candidates(const std::vector<std::uint64_t>& fps, std::size_t i, std::size_t length) {
  std::array<std::uint64_t, model::Repeat::k_candidates> out{};
  std::size_t found = 0;
  const auto unit_begin = fps.begin() + static_cast<std::ptrdiff_t>(i);
  const auto unit_end = unit_begin + static_cast<std::ptrdiff_t>(length);
  for (std::size_t back = i; back > 0 && back + out.size() > i; --back) {
    const std::uint64_t fp = fps[back - 1];
    if (std::find(unit_begin, unit_end, fp) != unit_end) {
      break;
    }
    if (std::find(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(found), fp) ==
        out.begin() + static_cast<std::ptrdiff_t>(found)) {
      out[found++] = fp;
    }
  }
  return out;
}

// Whether the unit of the run at `i` (several statements) also runs whole,
// once, elsewhere in the group, at the group's start or after another
// statement than this run's parent: the unit is a request the pool repeated.
bool unit_runs_elsewhere(const std::vector<std::uint64_t>& fps, std::size_t i, std::size_t length,
                         std::size_t reps) {
  const std::size_t n = fps.size();
  const std::uint64_t parent = i > 0 ? fps[i - 1] : 0;
  const auto unit = fps.begin() + static_cast<std::ptrdiff_t>(i);
  const auto same_at = [&](std::size_t j) {
    return j + length <= n && std::equal(unit, unit + static_cast<std::ptrdiff_t>(length),
                                         fps.begin() + static_cast<std::ptrdiff_t>(j));
  };
  for (std::size_t j = 0; j + length <= n; ++j) {
    if (j + length > i && j < i + length * reps) {
      continue; // inside this run
    }
    if (!same_at(j) || same_at(j + length) || (j >= length && same_at(j - length))) {
      continue;
    }
    if (j == 0 || fps[j - 1] != parent) {
      return true;
    }
  }
  return false;
}

} // namespace

// A burst is a run of one statement (or of a fixed group of statements per
// row) with nothing else in between, after the statement just before the
// run: its parent. Each run of each unit member becomes one Repeat, so
// counts are per run (per request when requests share a connection), never
// summed over back-to-back requests. Whether a run is an N+1 (a parent
// that recurs before its runs, or an explicit transaction) is the rule's
// call.
void LogFold::close_group(Session& session) {
  const std::vector<Session::Step>& steps = session.group;
  std::vector<std::uint64_t> fps;
  fps.reserve(steps.size());
  std::vector<GroupStatement> statements;
  for (const Session::Step& step : steps) {
    if (step.set_filter && !fps.empty()) {
      ++m_workload.batched_after[{fps.back(), step.fingerprint}];
    }
    fps.push_back(step.fingerprint);
    if (!session.group_explicit) {
      statements.push_back(GroupStatement{step.fingerprint, step.ts_us, step.line});
    }
  }
  if (!session.group_explicit) {
    record_write_runs(m_workload, session.id, m_file, statements);
  }
  std::size_t i = 0;
  while (i < fps.size()) {
    const auto [length, reps] = repeating_unit(fps, i);
    if (length == 0) {
      ++i;
      continue;
    }
    const auto candidates = parent_candidates(fps, i, length);
    const std::uint64_t parent = candidates[0];
    const bool request = length >= 2 && unit_runs_elsewhere(fps, i, length, reps);
    for (std::size_t member = 0; member < length; ++member) {
      model::Repeat repeat;
      repeat.session = session.id;
      repeat.fingerprint = fps[i + member];
      repeat.parent_fingerprint = parent;
      repeat.candidates = candidates;
      repeat.unit = static_cast<std::uint32_t>(length);
      repeat.request_repeat = request;
      repeat.count = static_cast<std::uint32_t>(reps);
      repeat.consecutive = length == 1;
      repeat.in_transaction = session.group_explicit;
      repeat.transaction = session.group_explicit ? session.group_vxid : std::string();
      std::vector<std::uint64_t> params;
      for (std::size_t r = 0; r < reps; ++r) {
        const Session::Step& step = steps[i + r * length + member];
        if (r == 0) {
          repeat.code_path = step.code_path;
          repeat.first_us = step.ts_us;
          repeat.location = core::SourceLocation{m_file, step.line, 0};
        }
        repeat.last_us = step.ts_us;
        repeat.total_ms += step.duration_ms;
        if (params.size() < k_max_params &&
            std::find(params.begin(), params.end(), step.params) == params.end()) {
          params.push_back(step.params);
        }
      }
      repeat.distinct_params = static_cast<std::uint32_t>(params.size());
      m_workload.add_repeat(std::move(repeat));
    }
    i += length * reps;
  }
  session.group.clear();
  session.group_last_us = 0;
  session.group_last_fp = 0;
  session.group_request = 0;
  session.group_application = 0;
  session.group_explicit = false;
}

void LogFold::connection_event(Session& session, const LogEvent& event) {
  finalize_pending(session);
  model::ConnectionStats& stats = m_workload.connections;
  model::SessionRecord& record = session.record;
  const std::int64_t ts = event.fields.ts_us;
  if (event.kind == EventKind::connection_received) {
    ++stats.connections_received;
    record.client = known(key_value(event.text, "host="));
    if (const std::string_view port = key_value(event.text, "port="); !port.empty()) {
      record.client += "(" + known(port) + ")";
    }
    record.connect_us = ts;
  } else if (event.kind == EventKind::connection_authorized) {
    ++stats.connections_authorized;
    record.user = known(key_value(event.text, "user="));
    record.database = known(key_value(event.text, "database="));
    record.application = known(key_value(event.text, "application_name=", true));
    if (record.connect_us == 0) {
      record.connect_us = ts;
    }
  } else {
    ++stats.disconnections;
    record.disconnect_us = ts;
    if (const auto ms = session_time_ms(key_value(event.text, "time: "))) {
      record.duration_ms = *ms;
      m_workload.add_session_duration(*ms);
    }
    if (record.user.empty()) {
      record.user = known(key_value(event.text, "user="));
      record.database = known(key_value(event.text, "database="));
    }
  }
  if (event.kind != EventKind::disconnection && ts != 0) {
    if (stats.first_connect_us == 0 || ts < stats.first_connect_us) {
      stats.first_connect_us = ts;
    }
    stats.last_connect_us = std::max(stats.last_connect_us, ts);
  }
  if (event.kind == EventKind::disconnection) {
    const std::uint64_t key = !event.fields.session_id.empty()
                                  ? fast_hash(event.fields.session_id)
                                  : (static_cast<std::uint64_t>(event.fields.pid) | (1ULL << 62U));
    close_session(key);
  }
}

void LogFold::close_session(std::uint64_t key) {
  const auto it = m_sessions.find(key);
  if (it == m_sessions.end()) {
    return;
  }
  Session& session = *it->second;
  finalize_pending(session);
  close_group(session);
  m_workload.add_session(std::move(session.record));
  m_sessions.erase(it);
}

void LogFold::plan_event(const LogEvent& event) {
  model::LoggedPlan plan;
  std::string text =
      unescape_continuations(event.text, event.text_escaped, model::Workload::k_max_plan_bytes);
  const std::size_t start = text.find_first_not_of(" \n\t\r");
  text.erase(0, start == std::string::npos ? text.size() : start);
  plan.duration_ms = event.duration_ms;
  plan.location = here(event.line);
  if (!text.empty() && text.front() == '{') {
    plan.format = model::PlanFormat::json;
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_object() && doc.contains("Query Text") && doc["Query Text"].is_string()) {
      plan.query = doc["Query Text"].get<std::string>();
    }
  } else {
    plan.format = model::PlanFormat::text;
    if (text.rfind("Query Text: ", 0) == 0) {
      // The query runs until the first plan node line ("...  (cost=" / "(actual").
      std::size_t end = 12;
      std::size_t line_start = text.find('\n', 12);
      while (line_start != std::string::npos) {
        const std::size_t line_end = text.find('\n', line_start + 1);
        const std::string_view line = std::string_view(text).substr(
            line_start + 1, line_end == std::string::npos ? std::string::npos : line_end - line_start - 1);
        if (line.find("  (cost=") != std::string_view::npos ||
            line.find("(actual ") != std::string_view::npos ||
            line.find("(never executed)") != std::string_view::npos) {
          break;
        }
        line_start = line_end;
      }
      end = line_start == std::string::npos ? text.size() : line_start;
      plan.query = text.substr(12, end - 12);
    }
  }
  plan.plan = std::move(text);
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
  std::vector<std::uint64_t> keys;
  keys.reserve(m_sessions.size());
  for (const auto& entry : m_sessions) {
    keys.push_back(entry.first);
  }
  std::sort(keys.begin(), keys.end());
  for (const std::uint64_t key : keys) {
    close_session(key);
  }
}

} // namespace pgadvise::loaders
