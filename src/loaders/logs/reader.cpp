#include "loaders/logs/reader.hpp"

#include "core/redact.hpp"
#include "loaders/logs/drizzle_logger.hpp"
#include "loaders/logs/envelope.hpp"
#include "loaders/logs/fold.hpp"
#include "loaders/logs/input.hpp"
#include "loaders/logs/input_kind.hpp"
#include "loaders/logs/parallel_blocks.hpp"
#include "loaders/logs/sql_queries.hpp"
#include "loaders/schema_load.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iomanip>
#include <thread>

namespace pgadvise::loaders {

namespace {

std::string quote_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) {
    // Reports never carry a log's literals (core/redact.hpp).
    out += "\n    | " + sanitized_copy(core::redact_excerpt(line), 160);
  }
  return out;
}

class Progress {
public:
  Progress(bool enabled, std::string file) : m_enabled(enabled), m_file(std::move(file)) {}
  ~Progress() {
    if (m_shown) {
      std::fprintf(stderr, "\r\033[K");
      std::fflush(stderr);
    }
  }
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
  Progress(Progress&&) = delete;
  Progress& operator=(Progress&&) = delete;

  void update(std::uint64_t bytes, std::uint64_t statements) {
    if (!m_enabled) {
      return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - m_last < std::chrono::milliseconds(250)) {
      return;
    }
    m_last = now;
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const double mb = static_cast<double>(bytes) / 1e6;
    std::fprintf(stderr, "\r\033[Kpgadvise: reading %s  %.0f MB  %.0f MB/s  %llu statements", m_file.c_str(),
                 mb, seconds > 0 ? mb / seconds : 0.0, static_cast<unsigned long long>(statements));
    std::fflush(stderr);
    m_shown = true;
  }

private:
  bool m_enabled;
  std::string m_file;
  bool m_shown = false;
  std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point m_last = m_start;
};

void warn_no_statements(LogFold& fold, std::string_view kind, const std::string& assumed,
                        const std::vector<std::string>& lines) {
  fold.warn(
      1, model::ReaderWarning::Kind::no_statements,
      "no statements or sessions could be read from this " + std::string(kind) +
          (assumed.empty() ? std::string() : " (log_line_prefix assumed: '" + assumed + "')") +
          "; its first lines are:" + quote_lines(lines) +
          "\n  set the prefix with --log-line-prefix, or enable log_min_duration_statement / log_statement");
}

std::vector<std::string> head_lines(std::string_view head, std::size_t count) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < head.size() && lines.size() < count) {
    const std::size_t end = std::min(head.find('\n', pos), head.size());
    lines.emplace_back(head.substr(pos, std::min<std::size_t>(end - pos, 200)));
    pos = end + 1;
  }
  return lines;
}

// A PgBouncer log is evidence of pooling, not statements: its client logins
// and server connections are counted.
struct PoolerCounts {
  std::uint64_t client_logins = 0;      // "login attempt"
  std::uint64_t server_connections = 0; // "new connection to server"
};

PoolerCounts read_pgbouncer(LogInput& input) {
  PoolerCounts pooler;
  input.set_format(LogFormat::jsonlog); // one record a line
  std::string block;
  while (input.next(block)) {
    std::size_t pos = 0;
    while (pos < block.size()) {
      const std::size_t end = std::min(block.find('\n', pos), block.size());
      const std::string_view line(block.data() + pos, end - pos);
      pos = end + 1;
      if (line.find(" login attempt: ") != std::string_view::npos) {
        ++pooler.client_logins;
      } else if (line.find(" new connection to server") != std::string_view::npos) {
        ++pooler.server_connections;
      }
    }
  }
  return pooler;
}

// What a file holds, and the envelope (syslog, Heroku) around its lines.
InputKind kind_of(const std::string& path, const std::string& head, bool queries_only, Envelope& envelope) {
  InputKind kind = detect_input_kind(path, head);
  envelope = Envelope::none;
  if (queries_only && kind != InputKind::sql) {
    return kind == InputKind::drizzle || head.find("Query: ") != std::string::npos ? InputKind::drizzle
                                                                                   : InputKind::sql;
  }
  if (kind == InputKind::stderr_text || kind == InputKind::jsonlog) {
    envelope = detect_envelope(head);
    if (envelope != Envelope::none) {
      kind = envelope_carries_jsonlog(envelope) ? InputKind::jsonlog : InputKind::stderr_text;
    }
  }
  return kind;
}

// Drizzle logger output or plain SQL: read whole, in the fold's thread.
void read_queries(LogInput& input, InputKind kind, ShapeRegistry& registry, LogFold& fold) {
  std::string all;
  std::string block;
  while (input.next(block)) {
    all += block;
  }
  fold.set_grouping(kind != InputKind::sql);
  if (kind == InputKind::sql) {
    read_sql_workload_text(all, registry, fold);
  } else {
    read_drizzle_log_text(all, registry, fold);
  }
  fold.set_grouping(true);
}

// A stderr log's prefix: the one given, else the one detected in the head
// (warning when none is recognized); after the envelope's own time and pid
// when it has them. `assumed` is set to the server's prefix.
LogPrefix stderr_prefix(const std::string& head, const BlockFormat& block_format,
                        const std::optional<LogPrefix>& given, LogFold& fold, std::string& assumed) {
  std::string inner = head;
  if (block_format.envelope != Envelope::none) {
    inner.clear();
    unwrap_block(std::string_view(head).substr(0, head.rfind('\n') + 1), block_format.envelope, false, inner);
  }
  PrefixDetection detection;
  if (given) {
    detection.prefix = *given;
    detection.recognized = true;
  } else {
    detection = detect_prefix(inner);
  }
  LogPrefix prefix = detection.prefix;
  if (block_format.header) {
    // The envelope's time and pid come first; the server's own prefix after them.
    prefix = detection.recognized ? *LogPrefix::compile("%m [%p] " + detection.prefix.pattern())
                                  : LogPrefix::generic();
  }
  assumed = detection.prefix.pattern();
  if (!detection.recognized && detection.sampled > 0) {
    fold.warn(1, model::ReaderWarning::Kind::prefix,
              "log_line_prefix not recognized (tried " + std::to_string(common_prefixes().size()) +
                  " common ones; best matched " + std::to_string(detection.matched) + " of " +
                  std::to_string(detection.sampled) + " lines); assumed: " + prefix.pattern() +
                  "; first lines:" + quote_lines(detection.first_lines) +
                  "\n  pass the server's setting with --log-line-prefix");
  }
  return prefix;
}

// A server log (stderr, csvlog, jsonlog; in an envelope or not), in
// parallel blocks.
void read_server_log(LogInput& input, InputKind kind, Envelope envelope, const std::string& head,
                     const LogReadOptions& options, const std::optional<LogPrefix>& given,
                     ShapeRegistry& registry, LogFold& fold, Progress& progress, std::string& assumed) {
  BlockFormat block_format;
  block_format.envelope = envelope;
  block_format.header = envelope_has_header(envelope);
  LogPrefix prefix = LogPrefix::generic();
  if (kind == InputKind::csvlog) {
    block_format.format = LogFormat::csvlog;
  } else if (kind == InputKind::jsonlog) {
    block_format.format = LogFormat::jsonlog;
  } else {
    prefix = stderr_prefix(head, block_format, given, fold, assumed);
  }
  // Envelope lines are one record a line: blocks may end at any newline.
  input.set_format(envelope != Envelope::none ? LogFormat::jsonlog : block_format.format);
  input.set_block_bytes(options.block_bytes);
  const unsigned threads = options.threads != 0
                               ? options.threads
                               : std::max(1U, std::min(8U, std::thread::hardware_concurrency()));
  ParallelBlocks blocks(input, block_format, prefix, registry);
  blocks.run(fold, threads, [&]() { progress.update(input.bytes_read(), fold.statements()); });
}

// What went wrong with the input itself: a read error, a missing last
// newline, records cut at the size limit.
void warn_input_problems(const LogInput& input, LogFold& fold, const model::Workload& workload) {
  if (input.read_error()) {
    fold.warn(static_cast<int>(workload.lines), model::ReaderWarning::Kind::truncated,
              "read error (corrupt or truncated " +
                  std::string(input.compression() == Compression::none
                                  ? std::string_view("file")
                                  : compression_name(input.compression())) +
                  "?); the rest of the file was skipped");
  }
  if (input.ended_without_newline()) {
    fold.warn(0, model::ReaderWarning::Kind::truncated,
              "the last line has no newline: the file may be truncated (it was still read)");
  }
  if (input.records_cut() > 0) {
    fold.warn(0, model::ReaderWarning::Kind::oversized,
              std::to_string(input.records_cut()) + " record(s) longer than " +
                  std::to_string(LogInput::k_max_record_bytes >> 20U) + " MiB were cut");
  }
}

// "stderr in syslog (log_line_prefix '...'), gzip": the source's description.
std::string describe_input(InputKind kind, Envelope envelope, const std::string& assumed,
                           const LogInput& input, const PoolerCounts& pooler) {
  std::string description(input_kind_name(kind));
  if (envelope != Envelope::none) {
    description += " in " + std::string(envelope_name(envelope));
  }
  if (!assumed.empty()) {
    description += " (log_line_prefix '" + assumed + "')";
  }
  if (input.compression() != Compression::none) {
    description += ", " + std::string(compression_name(input.compression()));
  }
  if (kind == InputKind::pgbouncer) {
    description += " (" + std::to_string(pooler.client_logins) + " client logins, " +
                   std::to_string(pooler.server_connections) + " server connections)";
  }
  return description;
}

void read_one(const std::string& path, const LogReadOptions& options, const std::optional<LogPrefix>& given,
              ShapeRegistry& registry, LogFold& fold, model::Workload& workload,
              std::vector<std::string>& notes) {
  const std::string display = input_display_name(path);
  fold.begin_file(display);
  auto opened = LogInput::open(path);
  if (!opened) {
    fold.warn(0, model::ReaderWarning::Kind::unreadable, opened.error().message);
    fold.end_file();
    return;
  }
  LogInput& input = **opened;
  const std::string head(input.peek(std::size_t{64} * 1024));
  Envelope envelope = Envelope::none;
  const InputKind kind = kind_of(path, head, options.queries_only, envelope);
  const std::uint64_t statements_before = fold.statements();
  const std::uint64_t sessions_before = workload.connections.sessions_seen;
  std::string assumed;
  PoolerCounts pooler;
  Progress progress(options.progress, display);
  if (kind == InputKind::sql || kind == InputKind::drizzle) {
    read_queries(input, kind, registry, fold);
  } else if (kind == InputKind::pgbouncer) {
    pooler = read_pgbouncer(input);
  } else {
    read_server_log(input, kind, envelope, head, options, given, registry, fold, progress, assumed);
  }
  warn_input_problems(input, fold, workload);
  const std::uint64_t statements = fold.statements() - statements_before;
  if (kind != InputKind::pgbouncer && statements == 0 &&
      workload.connections.sessions_seen == sessions_before) {
    warn_no_statements(fold, input_kind_name(kind), assumed, head_lines(head, 3));
  }
  fold.end_file();
  workload.bytes += input.bytes_read();
  const std::string description = describe_input(kind, envelope, assumed, input, pooler);
  workload.sources.push_back({description, display, input_source_kind(kind)});
  notes.push_back("read " + display + ": " + description + ", " + std::to_string(statements) + " statements");
}

} // namespace

LogReadResult read_logs(const std::vector<std::string>& paths, const LogReadOptions& options) {
  LogReadResult result;
  ShapeRegistry registry;
  FoldOptions fold_options;
  fold_options.burst_gap_ms = options.burst_gap_ms;
  LogFold fold(result.workload, registry, fold_options);
  std::optional<LogPrefix> given;
  if (!options.log_line_prefix.empty()) {
    std::string error;
    given = LogPrefix::compile(options.log_line_prefix, &error);
    if (!given) {
      result.diagnostics.push_back(make_diagnostic(k_parse_error, core::Severity::medium,
                                                   "--log-line-prefix: " + error, core::SourceLocation{}));
      return result;
    }
  }
  for (const std::string& path : paths) {
    read_one(path, options, given, registry, fold, result.workload, result.notes);
  }
  fold.finish();
  result.workload.ordered = std::any_of(result.workload.sources.begin(), result.workload.sources.end(),
                                        [](const model::WorkloadSource& s) { return s.ordered(); });
  // A pooler's log holds no statements but its connection counts are the finding.
  result.usable = result.workload.statements > 0 || result.workload.connections.sessions_seen > 0 ||
                  std::any_of(result.workload.sources.begin(), result.workload.sources.end(),
                              [](const model::WorkloadSource& s) {
                                return s.kind == model::WorkloadSourceKind::pgbouncer_log;
                              });
  append_diagnostics(result.workload, result.diagnostics);
  const model::Workload& workload = result.workload;
  if (workload.ordered && workload.statements > workload.traced_statements &&
      !workload.subsecond_timestamps &&
      std::any_of(workload.sources.begin(), workload.sources.end(), [](const model::WorkloadSource& s) {
        return s.kind == model::WorkloadSourceKind::server_log;
      })) {
    result.notes.push_back(
        std::string(workload.timestamped_statements == 0 ? "the log has no timestamps"
                                                         : "the log's timestamps have no milliseconds (%t)") +
        ": a loop whose statements a pool spreads over several connections (Promise.all over rows, a "
        "transaction per row) cannot be told from concurrent requests, so fan-outs were not judged; only "
        "each connection's own runs were (log_line_prefix with %m, or csvlog/jsonlog, gives milliseconds)");
  }
  if (fold.own_statements() > 0) {
    result.notes.push_back(std::to_string(fold.own_statements()) +
                           (fold.own_statements() == 1 ? " statement" : " statements") +
                           " of pgadvise's own sessions (application_name pgadvise: an earlier --db "
                           "run's catalog reads and EXPLAINs) left out of the workload");
  }
  result.notes.push_back(std::to_string(registry.shapes()) + " statement shapes, " +
                         std::to_string(registry.fingerprints()) + " fingerprints parsed with libpg_query");
  return result;
}

void append_diagnostics(const model::Workload& workload, std::vector<core::Finding>& out) {
  for (const model::ReaderWarning& warning : workload.warnings) {
    using Kind = model::ReaderWarning::Kind;
    const bool serious = warning.kind == Kind::no_statements || warning.kind == Kind::prefix ||
                         warning.kind == Kind::unreadable;
    out.push_back(make_diagnostic(
        k_parse_error, serious ? core::Severity::medium : core::Severity::low, warning.message,
        warning.location, "reading went on after this " + std::string(model::to_string(warning.kind))));
  }
}

void write_workload_summary(std::ostream& out, const model::Workload& workload, std::size_t top) {
  out << "inputs: " << workload.sources.size() << ", bytes: " << workload.bytes
      << ", lines: " << workload.lines << "\n";
  out << "statements: " << workload.statements << " (" << workload.unparsed_statements << " not parsed), "
      << "fingerprints: " << workload.queries.size() << "\n";
  out << "sessions: " << workload.connections.sessions_seen
      << ", connections authorized: " << workload.connections.connections_authorized
      << ", disconnections: " << workload.connections.disconnections << "\n";
  out << "repeat groups: " << (workload.repeats.size() + workload.repeats_dropped)
      << ", patterns: " << workload.repeat_patterns.size() << ", plans: " << workload.plans.size()
      << ", warnings: " << (workload.warnings.size() + workload.warnings_dropped) << "\n";
  std::vector<const model::QueryStats*> sorted;
  sorted.reserve(workload.queries.size());
  for (const model::QueryStats& q : workload.queries) {
    sorted.push_back(&q);
  }
  std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) {
    return a->total_ms != b->total_ms ? a->total_ms > b->total_ms : a->calls > b->calls;
  });
  out << "top statements by total time:\n";
  for (std::size_t i = 0; i < std::min(top, sorted.size()); ++i) {
    const model::QueryStats& q = *sorted[i];
    out << "  " << std::setw(9) << q.calls << " calls " << std::fixed << std::setprecision(1) << std::setw(10)
        << q.total_ms << " ms  " << q.normalized.substr(0, 100) << "\n";
  }
  std::vector<const model::RepeatPattern*> patterns;
  for (const model::RepeatPattern& p : workload.repeat_patterns) {
    patterns.push_back(&p);
  }
  std::sort(patterns.begin(), patterns.end(),
            [](const auto* a, const auto* b) { return a->statements > b->statements; });
  out << "largest repeat patterns:\n";
  for (std::size_t i = 0; i < std::min(top, patterns.size()); ++i) {
    const model::RepeatPattern& p = *patterns[i];
    const model::QueryStats* child = workload.find(p.fingerprint);
    const model::QueryStats* parent = workload.find(p.parent_fingerprint);
    out << "  " << p.groups << " groups, median " << p.median_count() << ", max " << p.max_count << ": "
        << (child != nullptr ? child->normalized.substr(0, 70) : "?")
        << "  after: " << (parent != nullptr ? parent->normalized.substr(0, 50) : "-") << "\n";
  }
}

} // namespace pgadvise::loaders
