#pragma once

#include "core/huge_pages.hpp"
#include "loaders/logs/prefix.hpp"
#include "loaders/logs/shape.hpp"
#include "loaders/logs/shape_templates.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// One log entry as any format (stderr, csvlog, jsonlog) carries it, but
// for its fields. Views point into the block being parsed (or the block's
// arena).
struct RecordText {
  LogSeverity severity = LogSeverity::none;
  std::string_view message;
  std::string_view detail;        // csvlog/jsonlog keep DETAIL in the same record
  std::string_view query;         // csvlog/jsonlog: the statement of an ERROR
  std::uint32_t line = 0;         // 1-based, relative to the block
  bool tab_continuations = false; // stderr: continuation lines start with "\n\t"
};

// And with its fields.
struct LogRecord : RecordText {
  LogFields fields;
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

// What a statement's logged parameters ("$1 = '5', $2 = 'x'") say of it,
// worked out by the parsing thread while the line is in its cache: the
// fold would read the text again on another core, one cache miss a line.
// A function of the statement's shape and the text alone.
struct ParamFacts {
  const QueryInfo* info = nullptr;    // the shape they were worked out for
  std::uint64_t hash = 0;             // params_text_hash of the text
  std::optional<std::int64_t> limit;  // the value of its LIMIT $n
  std::optional<std::int64_t> offset; // the value of its OFFSET $n
  ParamValues values;                 // param_values of its plan
};

// The hash of a parameters text that a statement's own parameter hash
// takes in (a DETAIL line's, or a csvlog/jsonlog record's).
std::uint64_t params_text_hash(std::string_view params);
// The logged value of a statement's `LIMIT $n` (`clause` "limit") or
// `OFFSET $n` ("offset"): Drizzle binds both as parameters.
std::optional<std::int64_t> clause_parameter(const QueryInfo& info, std::string_view params,
                                             std::string_view clause);
ParamFacts param_facts(const QueryInfo& info, std::string_view params);

// What phase 1 (parallel, per block) extracts from one record; the fold
// (sequential) turns events into the Workload.
struct LogEvent {
  EventKind kind = EventKind::other;
  bool has_duration = false;
  bool text_escaped = false; // text contains "\n\t" continuations
  std::uint32_t line = 0;    // relative to the block
  // Parameters (a parameters event's, or a statement's in the same
  // record): 1-based index into BlockResult::param_facts, worked out for
  // the statement before it on its session in the block (0: not worked out).
  std::uint32_t facts = 0;
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
  // Reserved for a whole block at once (ParallelBlocks::parse), in huge pages.
  std::vector<LogEvent, core::HugePageAllocator<LogEvent>> events;
  std::vector<ParamFacts> param_facts;        // LogEvent::facts
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
  // The same for a record whose event is `out.events.back()` already, with
  // its fields read into it in place (a stderr line's prefix): no copy of
  // them per line.
  void add_in_place(const RecordText& record, BlockResult& out);
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

  // Fills `event` (the newest of `out.events`, its line and fields set)
  // with a statement's.
  void statement_event(LogEvent& event, EventKind kind, const RecordText& record, std::string_view text,
                       bool has_duration, double duration, BlockResult& out);
  const Analysis& analyse(std::string_view text);
  // The events of a record whose first event is `out.events.back()`.
  void build(const RecordText& record, const LogFields& fields, BlockResult& out);
  void log_message(const RecordText& record, LogEvent& event, BlockResult& out);
  void duration_message(const RecordText& record, LogEvent& event, BlockResult& out);
  void warn(BlockResult& out, std::uint32_t line, model::ReaderWarning::Kind kind, std::string message);
  static void add_param_facts(LogEvent& event, const QueryInfo& info, BlockResult& out);

  ShapeCache m_cache;
  ShapeTemplates m_templates;
  LiteralSpans m_literals; // shape_key's, for a new template
  std::string m_stripped;
  std::vector<Analysis> m_analyses;
};

// An event's text without the log's formatting (a "\n\t" continuation of
// a stderr log is "\n" when `escaped`), sanitized, at most `max_bytes`.
std::string unescape_continuations(std::string_view text, bool escaped, std::size_t max_bytes);

// "1.234" -> 1.234 (no locale, no allocation). Returns false when not a number.
bool parse_decimal(std::string_view text, double& value, std::size_t* consumed = nullptr);

} // namespace pgadvise::loaders
