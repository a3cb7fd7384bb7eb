#pragma once

#include "loaders/logs/prefix.hpp"
#include "loaders/logs/shape.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// One log entry as any format (stderr, csvlog, jsonlog) carries it. Views
// point into the block being parsed (or the block's arena).
struct LogRecord {
  LogFields fields;
  LogSeverity severity = LogSeverity::none;
  std::string_view message;
  std::string_view detail;        // csvlog/jsonlog keep DETAIL in the same record
  std::string_view query;         // csvlog/jsonlog: the statement of an ERROR
  std::uint32_t line = 0;         // 1-based, relative to the block
  bool tab_continuations = false; // stderr: continuation lines start with "\n\t"
};

enum class EventKind : std::uint8_t {
  statement,       // "statement: ..." (simple protocol, log_statement)
  execute,         // "execute <name>: ..." (extended protocol)
  bind,            // "bind <name>: ..."
  parse,           // "parse <name>: ..."
  duration,        // a bare "duration: X ms" for the statement logged before
  parameters,      // "DETAIL:  parameters: $1 = ..." for the statement logged before
  error,           // ERROR / FATAL of a statement (its text follows as STATEMENT)
  error_statement, // "STATEMENT:  ..." after an ERROR
  connection_received,
  connection_authorized,
  disconnection,
  plan,  // auto_explain "duration: X ms  plan: ..."
  other, // any other line of a session (keeps the session alive)
};

// What phase 1 (parallel, per block) extracts from one record; the fold
// (sequential) turns events into the Workload.
struct LogEvent {
  EventKind kind = EventKind::other;
  bool has_duration = false;
  bool text_escaped = false; // text contains "\n\t" continuations
  std::uint32_t line = 0;    // relative to the block
  double duration_ms = 0;
  LogFields fields;
  const QueryInfo* info = nullptr; // statement kinds, when analysed
  std::uint64_t params_hash = 0;   // literal values / parameters
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::string_view text;   // statement, plan, or session-time text
  std::string_view params; // DETAIL parameters text
  // sqlcommenter tags of the statement (`/*route='...',traceparent='...'*/`):
  // the request it belongs to (a hash of the trace id, else of the tags; 0:
  // none) and the tags themselves.
  std::uint64_t request = 0;
  // A hash of the W3C trace id of its `traceparent` tag (0: none): every
  // statement of one request carries it, on whichever connection it ran.
  std::uint64_t trace = 0;
  std::string_view tags;
};

struct BlockResult {
  std::vector<LogEvent> events;
  std::vector<model::ReaderWarning> warnings; // lines relative to the block
  std::deque<std::string> arena;              // unescaped text events point into (jsonlog)
  std::uint64_t lines = 0;
  std::uint64_t records = 0;
  std::uint64_t unrecognized = 0;
};

// Limits that keep memory bounded whatever the input.
inline constexpr std::size_t k_max_statement_bytes = 1024 * 1024; // larger ones are counted, not analysed

// Per-thread state for turning records into events.
class EventBuilder {
public:
  explicit EventBuilder(ShapeRegistry& registry) : m_cache(registry) {}
  // Appends the events of one record.
  void add(const LogRecord& record, BlockResult& out);
  // A statement that did not come as a log message (Drizzle logger, .sql
  // files): counted like "statement: ...", with optional parameters text.
  void add_statement(const LogRecord& record, std::string_view text, std::string_view params,
                     BlockResult& out);

private:
  // What statement_event derives from a statement's text alone, kept for
  // the next time the same text is logged: prepared statements ($1) and
  // constant statements (BEGIN, COMMIT) repeat byte for byte, and hashing
  // the text is several times cheaper than its shape key and the lookups.
  struct Analysis {
    std::uint64_t text_hash = 0;
    std::size_t text_size = 0; // 0: the slot is empty
    ShapeKey key;
    const QueryInfo* info = nullptr;
    bool invalid_utf8 = false;
    std::uint32_t tags_offset = 0; // sqlcommenter tags, as a range of the text
    std::uint32_t tags_size = 0;
    std::uint64_t request = 0;
    std::uint64_t trace = 0;
  };
  // Direct-mapped and fixed in size: a miss replaces the slot's entry, so
  // statements whose literals differ each time cost one hash, not memory.
  static constexpr std::size_t k_analysis_slots = 2048;

  // Fills `event` (the newest of `out.events`) with a statement's.
  void statement_event(LogEvent& event, EventKind kind, const LogRecord& record, std::string_view text,
                       bool has_duration, double duration, BlockResult& out);
  const Analysis& analyse(std::string_view text);
  void log_message(const LogRecord& record, LogEvent& event, BlockResult& out);
  void duration_message(const LogRecord& record, LogEvent& event, BlockResult& out);
  void warn(BlockResult& out, std::uint32_t line, model::ReaderWarning::Kind kind, std::string message);

  ShapeCache m_cache;
  std::string m_stripped;
  std::vector<Analysis> m_analyses;
};

// An event's text without the log's formatting (a "\n\t" continuation of
// a stderr log is "\n" when `escaped`), sanitized, at most `max_bytes`.
std::string unescape_continuations(std::string_view text, bool escaped, std::size_t max_bytes);

// "1.234" -> 1.234 (no locale, no allocation). Returns false when not a number.
bool parse_decimal(std::string_view text, double& value, std::size_t* consumed = nullptr);

} // namespace pgadvise::loaders
