#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// Severity word of a server log line ("LOG:  ", "DETAIL:  ", ...).
enum class LogSeverity : std::uint8_t {
  none,
  debug,
  info,
  notice,
  warning,
  error,
  log,
  fatal,
  panic,
  detail,
  hint,
  context,
  statement,
  query,
  location
};

// The fields a log_line_prefix (or a csvlog/jsonlog record) can carry. Views
// point into the block being parsed.
struct LogFields {
  std::int64_t ts_us = 0; // microseconds since the epoch, 0 when unknown
  std::int64_t pid = 0;
  std::string_view session_id;  // %c
  std::string_view user;        // %u
  std::string_view database;    // %d
  std::string_view application; // %a
  std::string_view client;      // %h or %r
  std::string_view vxid;        // %v
  std::string_view xid;         // %x
};

// Parses "YYYY-MM-DD HH:MM:SS[.fff]" at the start of `text` into
// microseconds since the epoch (the zone is ignored: ordering within a log is
// what matters). Returns the length consumed, 0 when it is not a timestamp.
std::size_t parse_timestamp(std::string_view text, std::int64_t& us);

// "LOG:  message" -> severity and the message after ":  ".
LogSeverity parse_severity(std::string_view text, std::string_view& message);

// Where a line's severity word starts: the first "WORD:  " with a known
// word, at the line's start or after a space, ':' or ']', within its first
// 512 bytes; npos when there is none.
std::size_t severity_start(std::string_view line);

// A log_line_prefix compiled into a matcher: literals compared in place,
// fields scanned to the next literal. No regex per line.
class LogPrefix {
public:
  // nullopt (and `error`) when the pattern has an unknown escape.
  static std::optional<LogPrefix> compile(std::string_view pattern, std::string* error = nullptr);
  // A matcher for unknown prefixes: the prefix is whatever precedes the
  // severity word; timestamp, [pid] and session id are picked from it.
  static LogPrefix generic();

  // Matches the start of `line`; on success fills `fields` and returns the
  // prefix length (the severity word starts there).
  [[nodiscard]] std::optional<std::size_t> match(std::string_view line, LogFields& fields) const;

  [[nodiscard]] const std::string& pattern() const { return m_pattern; }

  // A kept reading of a prefix's rest after its timestamp (prefix.cpp).
  struct TailSlot;
  [[nodiscard]] bool is_generic() const { return m_generic; }
  [[nodiscard]] bool has_session_id() const { return m_has_session_id; }
  [[nodiscard]] std::size_t field_count() const;

private:
  enum class Field : std::uint8_t {
    literal,
    application,
    user,
    database,
    remote,
    host,
    backend_type,
    pid,
    leader_pid,
    ts_ms,
    ts,
    ts_epoch,
    command_tag,
    sql_state,
    session_id,
    line_number,
    session_start,
    vxid,
    xid,
    query_id,
    session_only
  };
  // How match reads a token, worked out once by compile (plan_tokens).
  enum class Step : std::uint8_t {
    literal,      // compared byte by byte
    literal_word, // at most 8 bytes: one load and a masked compare when the line has 8 left
    fixed,        // fixed_field
    pid,          // %p, read in place (every line has one)
    to_byte,      // free text up to a one-byte literal (or a space)
    to_text,      // free text up to a longer literal
    session_only, // %q
  };
  struct Token {
    Field field = Field::literal;
    std::string literal;
    Step step = Step::literal;
    char delimiter = ' ';                          // to_byte
    std::uint64_t word = 0;                        // literal_word: the literal's bytes
    std::uint64_t mask = 0;                        // and which bytes of a load they are
    std::string_view LogFields::*target = nullptr; // free text: where it goes (null: not kept)
  };
  void plan_tokens();
  // Tokens [first, end) from `pos`: the new position, k_no_match, or (with
  // `stopped`) where %q ended the prefix. `peeked`: how far %q's severity
  // check may have read (0: it did not).
  std::size_t match_tokens(std::string_view line, std::size_t pos, std::size_t first, LogFields& fields,
                           bool& stopped, std::size_t& peeked) const;
  // After a leading timestamp, the rest of a line's prefix as the last line
  // with the same bytes there read it (tail_memo: which prefixes may).
  // `kept`: the memo slot that now holds this line's rest (null: none).
  std::optional<std::size_t> match_after_time(std::string_view line, std::size_t pos, LogFields& fields,
                                              const TailSlot*& kept) const;
  // A prefix whose rest is kept (tail_memo): the whole match, from the
  // line before when this one starts with the same bytes.
  std::optional<std::size_t> match_memo(std::string_view line, LogFields& fields) const;

  [[nodiscard]] std::optional<std::size_t> match_generic(std::string_view line, LogFields& fields) const;
  static constexpr std::size_t k_no_match = std::size_t(-1);
  static constexpr std::size_t k_free_text = std::size_t(-2);
  static std::size_t fixed_field(Field field, std::string_view line, std::size_t pos, LogFields& fields);
  static bool free_text(Field field);

  std::string m_pattern;
  std::vector<Token> m_tokens;
  bool m_generic = false;
  bool m_has_session_id = false;
  // The rest of the prefix after a leading %m or %t reads only literals,
  // %p, %q and free text (user, database, application, client): its fields
  // are a function of its bytes, kept per thread (prefix.cpp, TailMemo).
  bool m_tail_memo = false;
  std::uint64_t m_id = 0; // which compiled pattern a kept tail belongs to (copies share it)
};

// The prefixes tried when none is given, most specific first.
const std::vector<std::string>& common_prefixes();

struct PrefixDetection {
  LogPrefix prefix = LogPrefix::generic();
  bool recognized = false;              // one of common_prefixes(), or the learned one, matched most lines
  bool inferred = false;                // learned from the lines (infer_prefix), not a common one
  std::size_t sampled = 0;              // lines looked at
  std::size_t matched = 0;              // lines the chosen prefix matched
  std::vector<std::string> first_lines; // quoted when nothing matched
};

// Picks the common prefix that matches most of the first lines of `sample`,
// else the one learned from them (prefix_infer.hpp).
PrefixDetection detect_prefix(std::string_view sample);

} // namespace pgadvise::loaders
