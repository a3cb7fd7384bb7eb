#include "loaders/logs/reader.hpp"

#include "core/redact.hpp"
#include "loaders/logs/drizzle_logger.hpp"
#include "loaders/logs/envelope.hpp"
#include "loaders/logs/fold.hpp"
#include "loaders/logs/input.hpp"
#include "loaders/logs/input_kind.hpp"
#include "loaders/logs/sql_queries.hpp"
#include "loaders/schema_load.hpp"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <iomanip>
#include <mutex>
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

// Parses blocks on worker threads and hands results to the fold in order.
struct BlockFormat {
  LogFormat format = LogFormat::stderr_text;
  Envelope envelope = Envelope::none;
  bool header = false; // unwrapped lines start with the envelope's time and pid
};

void read_parallel(LogInput& input, const BlockFormat& block_format, const LogPrefix& prefix,
                   ShapeRegistry& registry, LogFold& fold, unsigned threads, Progress& progress) {
  const LogFormat format = block_format.format;
  const bool ranged = input.ranged();
  struct Slot {
    std::string data;
    std::size_t index = 0; // ranged input: the block to read
    LogInput::Range range;
    BlockResult result;
    bool claimed = false;
    bool done = false;
  };
  std::mutex mutex;
  std::condition_variable work_ready;
  std::condition_variable work_done;
  std::deque<std::unique_ptr<Slot>> queue;
  bool stop = false;

  auto worker = [&]() {
    EventBuilder builder(registry);
    std::string unwrapped;
    while (true) {
      Slot* slot = nullptr;
      {
        std::unique_lock lock(mutex);
        work_ready.wait(lock, [&]() {
          return stop || std::any_of(queue.begin(), queue.end(), [](const auto& s) { return !s->claimed; });
        });
        const auto it = std::find_if(queue.begin(), queue.end(), [](const auto& s) { return !s->claimed; });
        if (it == queue.end()) {
          return; // stopping and nothing left
        }
        slot = it->get();
        slot->claimed = true;
      }
      std::string_view text = slot->data;
      if (ranged) {
        slot->range = input.read_range(slot->index, slot->data);
        text = std::string_view(slot->data).substr(slot->range.skip, slot->range.end - slot->range.skip);
      }
      if (block_format.envelope != Envelope::none) {
        // The block's events point into its text: the unwrapped text becomes the block.
        unwrapped.clear();
        unwrap_block(text, block_format.envelope, block_format.header, unwrapped);
        slot->data.swap(unwrapped);
        text = slot->data;
      }
      // Room for the block's events at once: a vector grown by doubling
      // touches every smaller buffer it leaves behind, and each fresh page
      // costs a fault (only the pages used are ever touched, so room to
      // spare is free).
      if (std::vector<LogEvent>& events = slot->result.events; events.capacity() < text.size() / 32) {
        events.reserve(text.size() / 32 + text.size() / 128); // blocks differ a little in size
      }
      switch (format) {
      case LogFormat::stderr_text: parse_stderr_block(text, prefix, builder, slot->result); break;
      case LogFormat::csvlog: parse_csv_block(text, builder, slot->result); break;
      case LogFormat::jsonlog: parse_json_block(text, builder, slot->result); break;
      }
      {
        const std::lock_guard lock(mutex);
        slot->done = true;
      }
      work_done.notify_all();
    }
  };

  std::vector<std::thread> workers;
  workers.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    workers.emplace_back(worker);
  }
  const std::size_t max_in_flight = static_cast<std::size_t>(threads) * 2 + 1;
  // Slots are recycled whole: their block buffer and event vector keep their
  // capacity, so steady-state reading allocates nothing per block.
  std::vector<std::unique_ptr<Slot>> spare;
  bool eof = false;
  bool shrunk = false; // ranged input: the file shrank; later blocks are not folded
  std::size_t next_index = 0;
  const std::size_t ranges = ranged ? input.range_count() : 0;
  while (true) {
    while (!eof) {
      {
        const std::lock_guard lock(mutex);
        if (queue.size() >= max_in_flight) {
          break;
        }
      }
      std::unique_ptr<Slot> slot;
      if (spare.empty()) {
        slot = std::make_unique<Slot>();
      } else {
        slot = std::move(spare.back());
        spare.pop_back();
      }
      if (ranged) {
        if (next_index == ranges) {
          eof = true;
          break;
        }
        slot->index = next_index++;
      } else if (!input.next(slot->data)) {
        eof = true;
        break;
      }
      {
        const std::lock_guard lock(mutex);
        queue.push_back(std::move(slot));
      }
      work_ready.notify_one();
    }
    std::unique_ptr<Slot> front;
    {
      std::unique_lock lock(mutex);
      if (queue.empty()) {
        break;
      }
      work_done.wait(lock, [&]() { return queue.front()->done; });
      front = std::move(queue.front());
      queue.pop_front();
    }
    if (!shrunk) {
      fold.consume(front->result);
      if (ranged) {
        input.count_range(front->range, front->range.end - front->range.skip);
        shrunk = front->range.shrunk;
        eof = eof || shrunk;
      }
    }
    BlockResult& used = front->result;
    used.events.clear();
    used.warnings.clear();
    used.arena.clear();
    used.lines = 0;
    used.records = 0;
    used.unrecognized = 0;
    front->claimed = false;
    front->done = false;
    spare.push_back(std::move(front));
    progress.update(input.bytes_read(), fold.statements());
  }
  {
    const std::lock_guard lock(mutex);
    stop = true;
  }
  work_ready.notify_all();
  for (std::thread& t : workers) {
    t.join();
  }
}

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
  InputKind kind = detect_input_kind(path, head);
  Envelope envelope = Envelope::none;
  if (options.queries_only && kind != InputKind::sql) {
    kind = kind == InputKind::drizzle || head.find("Query: ") != std::string::npos ? InputKind::drizzle
                                                                                   : InputKind::sql;
  } else if (kind == InputKind::stderr_text || kind == InputKind::jsonlog) {
    envelope = detect_envelope(head);
    if (envelope != Envelope::none) {
      kind = envelope_carries_jsonlog(envelope) ? InputKind::jsonlog : InputKind::stderr_text;
    }
  }
  const std::uint64_t statements_before = fold.statements();
  const std::uint64_t sessions_before = workload.connections.sessions_seen;
  std::string assumed;
  PoolerCounts pooler;
  Progress progress(options.progress, display);

  if (kind == InputKind::sql || kind == InputKind::drizzle) {
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
  } else if (kind == InputKind::pgbouncer) {
    pooler = read_pgbouncer(input);
  } else {
    BlockFormat block_format;
    block_format.envelope = envelope;
    block_format.header = envelope_has_header(envelope);
    LogPrefix prefix = LogPrefix::generic();
    if (kind == InputKind::csvlog) {
      block_format.format = LogFormat::csvlog;
    } else if (kind == InputKind::jsonlog) {
      block_format.format = LogFormat::jsonlog;
    } else {
      std::string inner = head;
      if (envelope != Envelope::none) {
        inner.clear();
        unwrap_block(std::string_view(head).substr(0, head.rfind('\n') + 1), envelope, false, inner);
      }
      PrefixDetection detection;
      if (given) {
        detection.prefix = *given;
        detection.recognized = true;
      } else {
        detection = detect_prefix(inner);
      }
      prefix = detection.prefix;
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
    }
    // Envelope lines are one record a line: blocks may end at any newline.
    input.set_format(envelope != Envelope::none ? LogFormat::jsonlog : block_format.format);
    input.set_block_bytes(options.block_bytes);
    const unsigned threads = options.threads != 0
                                 ? options.threads
                                 : std::max(1U, std::min(8U, std::thread::hardware_concurrency()));
    read_parallel(input, block_format, prefix, registry, fold, threads, progress);
  }
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
  const std::uint64_t statements = fold.statements() - statements_before;
  if (kind != InputKind::pgbouncer && statements == 0 &&
      workload.connections.sessions_seen == sessions_before) {
    warn_no_statements(fold, input_kind_name(kind), assumed, head_lines(head, 3));
  }
  fold.end_file();
  workload.bytes += input.bytes_read();
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
