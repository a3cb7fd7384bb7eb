#include "loaders/logs/prefix.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace pgadvise::loaders {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
// Fields are short (a user, a database name): no call, 8 bytes a step
// while 8 are left (a zero byte of word ^ c...c marks c), then byte by byte.
std::size_t find_byte(std::string_view text, char c) {
  constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
  constexpr std::uint64_t k_highs = 0x8080808080808080ULL;
  const std::uint64_t pattern = k_ones * static_cast<unsigned char>(c);
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, text.data() + i, 8);
    word ^= pattern;
    // Exact for the first zero byte (bytes after it may be marked falsely,
    // never bytes before it), so the lowest mark is the first c. Little
    // endian: the lowest byte is the first in memory.
    if (const std::uint64_t marks = (word - k_ones) & ~word & k_highs; marks != 0) {
      if constexpr (std::endian::native == std::endian::little) {
        return i + static_cast<std::size_t>(std::countr_zero(marks) / 8);
      } else {
        break; // the byte loop below finds it
      }
    }
  }
  for (; i < text.size(); ++i) {
    if (text[i] == c) {
      return i;
    }
  }
  return std::string_view::npos;
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int digits(std::string_view text, std::size_t at, std::size_t count) {
  int value = 0;
  for (std::size_t i = at; i < at + count; ++i) {
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

bool all_digits(std::string_view text, std::size_t at, std::size_t count) {
  if (at + count > text.size()) {
    return false;
  }
  for (std::size_t i = at; i < at + count; ++i) {
    if (!is_digit(text[i])) {
      return false;
    }
  }
  return true;
}

// Days from 1970-01-01 to a proleptic Gregorian date.
std::int64_t days_since_epoch(int year, int month, int day) {
  const int y = year - (month <= 2 ? 1 : 0);
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int mp = (month + 9) % 12;
  const int doy = (153 * mp + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<std::int64_t>(era) * 146097 + doe - 719468;
}

// The zone abbreviation after a timestamp: " UTC", " CEST", " +03".
std::size_t zone_length(std::string_view text, std::size_t at) {
  if (at >= text.size() || text[at] != ' ') {
    return 0;
  }
  // A zone abbreviation ("UTC", "CEST") or a numeric one ("+03", "-0530"),
  // but not what follows it: Azure's '%t-%c-' gives "UTC-6b034132.758e-".
  std::size_t i = at + 1;
  while (i < text.size() && is_alpha(text[i])) {
    ++i;
  }
  if (i == at + 1 && i < text.size() && (text[i] == '+' || text[i] == '-')) {
    std::size_t digits = i + 1;
    while (digits < text.size() && is_digit(text[digits])) {
      ++digits;
    }
    const bool alone = digits >= text.size() || std::isalnum(static_cast<unsigned char>(text[digits])) == 0;
    if (digits - i - 1 >= 2 && digits - i - 1 <= 4 && alone) {
      i = digits;
    }
  }
  return i > at + 1 ? i - at : 0;
}

// Severity words are a few letters and every line has one: compared in
// place, not through memcmp.
bool same_word(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] != b[i]) {
      return false;
    }
  }
  return true;
}

struct SeverityWord {
  std::string_view word;
  LogSeverity severity;
};

constexpr std::array<SeverityWord, 19> k_severities = {{
    {"LOG", LogSeverity::log},
    {"DETAIL", LogSeverity::detail},
    {"STATEMENT", LogSeverity::statement},
    {"ERROR", LogSeverity::error},
    {"WARNING", LogSeverity::warning},
    {"HINT", LogSeverity::hint},
    {"CONTEXT", LogSeverity::context},
    {"FATAL", LogSeverity::fatal},
    {"NOTICE", LogSeverity::notice},
    {"INFO", LogSeverity::info},
    {"QUERY", LogSeverity::query},
    {"LOCATION", LogSeverity::location},
    {"PANIC", LogSeverity::panic},
    {"DEBUG", LogSeverity::debug},
    {"DEBUG1", LogSeverity::debug},
    {"DEBUG2", LogSeverity::debug},
    {"DEBUG3", LogSeverity::debug},
    {"DEBUG4", LogSeverity::debug},
    {"DEBUG5", LogSeverity::debug},
}};

} // namespace

std::size_t parse_timestamp(std::string_view text, std::int64_t& us) {
  // Consecutive lines nearly always share their minute: its text and value
  // are kept per thread, and only the seconds are read again.
  struct Minute {
    std::array<char, 16> text{};
    std::int64_t seconds = -1;
  };
  thread_local Minute t_minute;
  // YYYY-MM-DD HH:MM:SS
  if (text.size() < 19 || text[16] != ':' || !all_digits(text, 17, 2)) {
    return 0;
  }
  std::int64_t seconds = 0;
  if (t_minute.seconds >= 0 && std::equal(t_minute.text.begin(), t_minute.text.end(), text.begin())) {
    seconds = t_minute.seconds;
  } else {
    if (!all_digits(text, 0, 4) || text[4] != '-' || !all_digits(text, 5, 2) || text[7] != '-' ||
        !all_digits(text, 8, 2) || (text[10] != ' ' && text[10] != 'T') || !all_digits(text, 11, 2) ||
        text[13] != ':' || !all_digits(text, 14, 2)) {
      return 0;
    }
    const std::int64_t days = days_since_epoch(digits(text, 0, 4), digits(text, 5, 2), digits(text, 8, 2));
    seconds =
        days * 86400 + std::int64_t{digits(text, 11, 2)} * 3600 + std::int64_t{digits(text, 14, 2)} * 60;
    std::copy_n(text.begin(), t_minute.text.size(), t_minute.text.begin());
    t_minute.seconds = seconds;
  }
  seconds += digits(text, 17, 2);
  std::size_t i = 19;
  std::int64_t fraction = 0;
  if (i < text.size() && text[i] == '.') {
    ++i;
    // Each digit's place in microseconds (digits past the sixth count nothing).
    constexpr std::array<std::int64_t, 6> k_places = {100000, 10000, 1000, 100, 10, 1};
    for (std::size_t place = 0; i < text.size() && is_digit(text[i]); ++place, ++i) {
      fraction += place < k_places.size() ? (text[i] - '0') * k_places[place] : 0;
    }
  }
  us = seconds * 1000000 + fraction;
  return i;
}

LogSeverity parse_severity(std::string_view text, std::string_view& message) {
  // Most lines are "LOG:  ...": read as the loop below would read them.
  if (text.size() >= 5 && text[0] == 'L' && text[1] == 'O' && text[2] == 'G' && text[3] == ':' &&
      text[4] == ' ') {
    message = text.substr(text.size() > 5 && text[5] == ' ' ? 6 : 5);
    return LogSeverity::log;
  }
  // And a statement's parameters follow it as "DETAIL:  ...".
  if (text.size() >= 8 && std::memcmp(text.data(), "DETAIL: ", 8) == 0) {
    message = text.substr(text.size() > 8 && text[8] == ' ' ? 9 : 8);
    return LogSeverity::detail;
  }
  std::size_t i = 0;
  while (i < text.size() && i < 10 && ((text[i] >= 'A' && text[i] <= 'Z') || is_digit(text[i]))) {
    ++i;
  }
  if (i == 0 || i + 1 >= text.size() || text[i] != ':' || text[i + 1] != ' ') {
    return LogSeverity::none;
  }
  const std::string_view word = text.substr(0, i);
  for (const SeverityWord& known : k_severities) {
    if (same_word(known.word, word)) {
      std::size_t start = i + 2;
      if (start < text.size() && text[start] == ' ') {
        ++start; // the second space of ":  "
      }
      message = text.substr(std::min(start, text.size()));
      return known.severity;
    }
  }
  return LogSeverity::none;
}

std::size_t severity_start(std::string_view line) {
  std::size_t search = 0;
  while (search < line.size()) {
    const std::size_t colon = line.find(":  ", search);
    if (colon > 512) { // npos included
      return std::string_view::npos;
    }
    std::size_t word = colon;
    while (word > 0 && ((line[word - 1] >= 'A' && line[word - 1] <= 'Z') || is_digit(line[word - 1]))) {
      --word;
    }
    std::string_view message;
    if (word < colon &&
        (word == 0 || line[word - 1] == ' ' || line[word - 1] == ':' || line[word - 1] == ']') &&
        parse_severity(line.substr(word), message) != LogSeverity::none) {
      return word;
    }
    search = colon + 1;
  }
  return std::string_view::npos;
}

namespace {

// %n's "1732300000.123" at the start of `text`: its length (0: none), the
// time in microseconds in `ts_us`.
std::size_t epoch_length(std::string_view text, std::int64_t& ts_us) {
  std::size_t n = 0;
  std::int64_t seconds = 0;
  while (n < text.size() && is_digit(text[n])) {
    seconds = seconds * 10 + (text[n] - '0');
    ++n;
  }
  if (n == 0) {
    return 0;
  }
  std::int64_t fraction = 0;
  if (n < text.size() && text[n] == '.') {
    ++n;
    std::int64_t scale = 100000;
    while (n < text.size() && is_digit(text[n])) {
      fraction += (text[n] - '0') * scale;
      scale /= 10;
      ++n;
    }
  }
  ts_us = seconds * 1000000 + fraction;
  return n;
}

// Equal bytes (a prefix's text is some 30 to 60 bytes: no call), 16 at a
// time with SSE2, else 8, the differences gathered: one branch a compare.
inline bool same_bytes(const char* a, const char* b, std::size_t n) {
#if defined(__SSE2__)
  if (n >= 16) {
    const auto load = [](const char* p) { return _mm_loadu_si128(reinterpret_cast<const __m128i*>(p)); };
    __m128i same = _mm_cmpeq_epi8(load(a + n - 16), load(b + n - 16)); // the last 16, overlapping
    for (std::size_t i = 0; i + 16 < n; i += 16) {
      same = _mm_and_si128(same, _mm_cmpeq_epi8(load(a + i), load(b + i)));
    }
    return _mm_movemask_epi8(same) == 0xffff;
  }
#endif
  const auto word_at = [](const char* p) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    return word;
  };
  if (n < 8) {
    return std::memcmp(a, b, n) == 0;
  }
  std::uint64_t differ = word_at(a + n - 8) ^ word_at(b + n - 8); // the last 8, overlapping
  for (std::size_t i = 0; i + 8 < n; i += 8) {
    differ |= word_at(a + i) ^ word_at(b + i);
  }
  return differ == 0;
}

// A timestamp and its zone at the start of `text` ("2026-11-24 23:36:19.184
// UTC"): their length (0: none) and the time. Lines logged in the same
// millisecond carry the same text, so the last one read is kept per thread
// with the byte after it, and a line that starts with those bytes reads
// the same: parse_timestamp stops at that byte and so does the zone. A zone
// not found is not kept (the numeric check reads past the byte after).
// `kept` (when asked): whether the memo holds this text's timestamp now, so
// that its reading follows from its first length + 1 bytes.
std::size_t timestamp_with_zone(std::string_view text, std::int64_t& us, bool* kept = nullptr) {
  struct Memo {
    std::array<char, 48> text{};
    std::size_t length = 0; // the timestamp and zone; text holds one byte more
    std::int64_t us = 0;
  };
  thread_local Memo t_memo;
  if (t_memo.length != 0 && text.size() > t_memo.length &&
      same_bytes(text.data(), t_memo.text.data(), t_memo.length + 1)) {
    us = t_memo.us;
    if (kept != nullptr) {
      *kept = true;
    }
    return t_memo.length;
  }
  const std::size_t n = parse_timestamp(text, us);
  if (n == 0) {
    return 0;
  }
  const std::size_t zone = zone_length(text, n);
  const std::size_t length = n + zone;
  const bool zone_read = zone != 0 || n >= text.size() || text[n] != ' ';
  if (zone_read && length < text.size() && length + 1 <= t_memo.text.size()) {
    std::memcpy(t_memo.text.data(), text.data(), length + 1);
    t_memo.length = length;
    t_memo.us = us;
    if (kept != nullptr) {
      *kept = true;
    }
  }
  return length;
}

// Whether `literal` is at `pos`. Literals are a few bytes ("] ", "@"):
// compared in place, not through memcmp.
bool literal_at(const char* data, std::size_t size, std::size_t pos, std::string_view literal) {
  const std::size_t length = literal.size();
  if (size - pos < length) {
    return false;
  }
  for (std::size_t k = 0; k < length; ++k) {
    if (data[pos + k] != literal[k]) {
      return false;
    }
  }
  return true;
}

// The end of %p's digits at `pos`, read as fixed_field reads them; `pid`
// is set when there is at least one (else the end is `pos`).
std::size_t pid_end(const char* data, std::size_t size, std::size_t pos, std::int64_t& pid) {
  std::size_t n = pos;
  std::int64_t value = 0;
  while (n < size && is_digit(data[n])) {
    value = value * 10 + (data[n] - '0');
    ++n;
  }
  if (n != pos) {
    pid = value;
  }
  return n;
}

} // namespace

// A field of free text (a name, a host), which runs to the next literal:
// what fixed_field does not read. Asked before calling it, since most
// prefixes have two or three such fields per line.
bool LogPrefix::free_text(Field field) {
  switch (field) {
  case Field::ts_ms:
  case Field::ts:
  case Field::session_start:
  case Field::ts_epoch:
  case Field::pid:
  case Field::leader_pid:
  case Field::line_number:
  case Field::xid:
  case Field::query_id:
  case Field::session_id:
  case Field::vxid: return false;
  default: return true;
  }
}

// A field of fixed form at `pos` (a time, a number, a session or
// transaction id): its length, stored in `fields`; k_no_match when the line
// does not have it there, k_free_text for a field of free text.
std::size_t LogPrefix::fixed_field(Field field, std::string_view line, std::size_t pos, LogFields& fields) {
  const std::string_view rest = line.substr(pos);
  switch (field) {
  case Field::ts_ms:
  case Field::ts:
  case Field::session_start: {
    std::int64_t us = 0;
    const std::size_t n = timestamp_with_zone(rest, us);
    if (n == 0) {
      return k_no_match;
    }
    if (field != Field::session_start) {
      fields.ts_us = us;
    }
    return n;
  }
  case Field::ts_epoch: {
    const std::size_t n = epoch_length(rest, fields.ts_us);
    return n == 0 ? k_no_match : n;
  }
  case Field::pid:
  case Field::leader_pid:
  case Field::line_number:
  case Field::xid:
  case Field::query_id: {
    std::size_t n = 0;
    std::int64_t value = 0;
    if (field == Field::query_id && !rest.empty() && rest[0] == '-') {
      ++n;
    }
    while (n < rest.size() && is_digit(rest[n])) {
      value = value * 10 + (rest[n] - '0');
      ++n;
    }
    if (field == Field::pid) {
      if (n == 0) {
        return k_no_match;
      }
      fields.pid = value;
    } else if (field == Field::xid) {
      fields.xid = rest.substr(0, n);
    }
    return n;
  }
  case Field::session_id: {
    std::size_t n = 0;
    while (n < rest.size() && (is_hex(rest[n]) || rest[n] == '.')) {
      ++n;
    }
    fields.session_id = rest.substr(0, n);
    return n;
  }
  case Field::vxid: {
    std::size_t n = 0;
    while (n < rest.size() && (is_digit(rest[n]) || rest[n] == '/')) {
      ++n;
    }
    fields.vxid = rest.substr(0, n);
    return n;
  }
  default: return k_free_text;
  }
}

std::size_t LogPrefix::match_tokens(std::string_view line, std::size_t pos, std::size_t first,
                                    LogFields& fields, bool& stopped, std::size_t& peeked) const {
  // The tokens are read through locals: the stores into `fields` would
  // otherwise make the compiler load them again per token. Each token's
  // step was worked out by compile.
  const Token* const tokens = m_tokens.data();
  const std::size_t count = m_tokens.size();
  const char* const data = line.data();
  const std::size_t size = line.size();
  stopped = false;
  peeked = 0;
  for (std::size_t t = first; t < count; ++t) {
    const Token& token = tokens[t];
    switch (token.step) {
    case Step::literal_word:
      if (size - pos >= 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, data + pos, 8);
        if (((word ^ token.word) & token.mask) != 0) {
          return k_no_match;
        }
        pos += token.literal.size();
        continue;
      }
      [[fallthrough]];
    case Step::literal:
      if (!literal_at(data, size, pos, token.literal)) {
        return k_no_match;
      }
      pos += token.literal.size();
      continue;
    case Step::session_only: {
      // Non-session processes print the prefix only up to %q (a severity
      // word starts with a capital or a digit: no call for a user name).
      const std::string_view rest(data + pos, size - pos);
      std::string_view message;
      const bool word = !rest.empty() && ((rest[0] >= 'A' && rest[0] <= 'Z') || is_digit(rest[0]));
      if (word) {
        peeked = pos + 12; // a word of at most 10, ':' and ' '
        if (parse_severity(rest, message) != LogSeverity::none) {
          stopped = true;
          return pos;
        }
      }
      continue;
    }
    case Step::pid: {
      const std::size_t end = pid_end(data, size, pos, fields.pid);
      if (end == pos) {
        return k_no_match;
      }
      pos = end;
      continue;
    }
    case Step::fixed: {
      const std::size_t n = fixed_field(token.field, line, pos, fields);
      if (n == k_no_match) {
        return k_no_match;
      }
      pos += n;
      continue;
    }
    case Step::to_byte:
    case Step::to_text: {
      const std::string_view rest(data + pos, size - pos);
      const std::size_t end =
          token.step == Step::to_byte ? find_byte(rest, token.delimiter) : rest.find(tokens[t + 1].literal);
      if (end == std::string_view::npos) {
        return k_no_match;
      }
      if (token.target != nullptr) {
        fields.*token.target = rest.substr(0, end);
      }
      pos += end;
      continue;
    }
    }
  }
  return pos;
}

std::optional<std::size_t> LogPrefix::match(std::string_view line, LogFields& fields) const {
  if (m_generic) {
    return match_generic(line, fields);
  }
  if (m_tail_memo) {
    return match_memo(line, fields);
  }
  bool stopped = false;
  std::size_t peeked = 0;
  const std::size_t end = match_tokens(line, 0, 0, fields, stopped, peeked);
  return end == k_no_match ? std::nullopt : std::optional<std::size_t>(end);
}

// The rest of a prefix after its timestamp (" [1840] postgres@postgres "),
// as one line read it (with the byte after it when a field ends it): a
// line from the same backend has the same bytes there, and then the same
// fields at the same offsets. Direct-mapped by the rest's first 8 bytes
// (the pid is in them); a LOG line and the DETAIL after it share a slot.
struct LogPrefix::TailSlot {
  struct Span {
    std::uint16_t offset = 0;
    std::uint16_t size = 0;
  };
  static constexpr std::size_t k_bytes = 64;
  std::uint64_t id = 0; // LogPrefix::m_id; 0: empty
  std::size_t length = 0;
  std::size_t compared = 0; // length, and the byte after when the last token is a field (it ends there)
  std::array<char, k_bytes> bytes{};
  bool has_pid = false;
  std::int64_t pid = 0;
  std::array<Span, 4> spans{}; // user, database, application, client
};

namespace {

struct TailMemo {
  static constexpr std::size_t k_slots = 64;
  std::array<LogPrefix::TailSlot, k_slots> slots{};
};

constexpr std::array<std::string_view LogFields::*, 4> k_tail_fields = {
    &LogFields::user, &LogFields::database, &LogFields::application, &LogFields::client};

// The whole prefix of the line before (timestamp and rest), when both its
// readings were kept: a line that starts with the same bytes reads the
// same, as both memos would read it. Lines of one statement (its bind,
// execute and DETAIL lines) mostly come in one millisecond from one
// backend: two lines in three on a busy server.
struct LastLine {
  static constexpr std::size_t k_bytes = 128;
  std::uint64_t id = 0; // LogPrefix::m_id; 0: none
  std::size_t length = 0;
  std::size_t compared = 0;
  std::int64_t ts_us = 0;
  bool has_pid = false;
  std::int64_t pid = 0;
  std::array<LogPrefix::TailSlot::Span, 4> spans{}; // from the line's start
  std::array<char, k_bytes> bytes{};
};

} // namespace

std::optional<std::size_t> LogPrefix::match_memo(std::string_view line, LogFields& fields) const {
  thread_local LastLine t_last;
  const char* const data = line.data();
  if (t_last.id == m_id && line.size() > t_last.compared &&
      same_bytes(data, t_last.bytes.data(), t_last.compared)) {
    fields.ts_us = t_last.ts_us;
    if (t_last.has_pid) {
      fields.pid = t_last.pid;
    }
    for (std::size_t f = 0; f < k_tail_fields.size(); ++f) {
      const TailSlot::Span span = t_last.spans[f];
      if (span.offset != 0xffff) {
        fields.*k_tail_fields[f] = std::string_view(data + span.offset, span.size);
      }
    }
    return t_last.length;
  }
  t_last.id = 0;
  std::int64_t us = 0;
  bool time_kept = false;
  const std::size_t n = timestamp_with_zone(line, us, &time_kept);
  if (n == 0) {
    return std::nullopt;
  }
  fields.ts_us = us;
  const TailSlot* kept = nullptr;
  const std::optional<std::size_t> end = match_after_time(line, n, fields, kept);
  if (end && time_kept && kept != nullptr && n + kept->compared <= LastLine::k_bytes) {
    t_last.id = m_id;
    t_last.length = n + kept->length;
    t_last.compared = n + kept->compared;
    t_last.ts_us = us;
    t_last.has_pid = kept->has_pid;
    t_last.pid = kept->pid;
    for (std::size_t f = 0; f < t_last.spans.size(); ++f) {
      const TailSlot::Span span = kept->spans[f];
      t_last.spans[f] = span.offset == 0xffff
                            ? span
                            : TailSlot::Span{static_cast<std::uint16_t>(n + span.offset), span.size};
    }
    std::memcpy(t_last.bytes.data(), data, t_last.compared);
  }
  return end;
}

std::optional<std::size_t> LogPrefix::match_after_time(std::string_view line, std::size_t pos,
                                                       LogFields& fields, const TailSlot*& kept) const {
  thread_local TailMemo t_tails;
  kept = nullptr;
  const char* const data = line.data();
  const std::size_t size = line.size();
  bool stopped = false;
  std::size_t peeked = 0;
  if (size - pos < 8) {
    const std::size_t end = match_tokens(line, pos, 1, fields, stopped, peeked);
    return end == k_no_match ? std::nullopt : std::optional<std::size_t>(end);
  }
  std::uint64_t head = 0;
  std::memcpy(&head, data + pos, 8);
  TailSlot& slot = t_tails.slots[((head * 0x9e3779b97f4a7c15ULL) >> 58U) & (TailMemo::k_slots - 1)];
  if (slot.id == m_id && size - pos > slot.length &&
      same_bytes(data + pos, slot.bytes.data(), slot.compared)) {
    if (slot.has_pid) {
      fields.pid = slot.pid;
    }
    for (std::size_t f = 0; f < k_tail_fields.size(); ++f) {
      const TailSlot::Span span = slot.spans[f];
      if (span.offset != 0xffff) {
        fields.*k_tail_fields[f] = std::string_view(data + pos + span.offset, span.size);
      }
    }
    kept = &slot;
    return pos + slot.length;
  }
  // Read into fields of its own, then given to `fields` as match_tokens
  // would have set them (only what the tokens read).
  LogFields found;
  found.pid = -1;
  const std::size_t end = match_tokens(line, pos, 1, found, stopped, peeked);
  const bool has_pid = found.pid != -1;
  if (has_pid) {
    fields.pid = found.pid;
  }
  for (const auto member : k_tail_fields) {
    if ((found.*member).data() != nullptr) {
      fields.*member = found.*member;
    }
  }
  if (end == k_no_match) {
    return std::nullopt;
  }
  // Kept when its fields follow from its bytes alone, and the byte after
  // when a field ends it (a literal at the end reads nothing after it; the
  // severity word after it differs from line to line): not cut short by %q,
  // no severity check that read past them, room for them.
  const std::size_t length = end - pos;
  const std::size_t compared = length + (m_tokens.back().field == Field::literal ? 0 : 1);
  if (!stopped && peeked <= pos + compared && length < size - pos && compared <= TailSlot::k_bytes) {
    slot.id = m_id;
    slot.length = length;
    slot.compared = compared;
    std::memcpy(slot.bytes.data(), data + pos, compared);
    slot.has_pid = has_pid;
    slot.pid = found.pid;
    for (std::size_t f = 0; f < k_tail_fields.size(); ++f) {
      const std::string_view value = found.*k_tail_fields[f];
      slot.spans[f] = value.data() == nullptr
                          ? TailSlot::Span{0xffff, 0}
                          : TailSlot::Span{static_cast<std::uint16_t>(value.data() - (data + pos)),
                                           static_cast<std::uint16_t>(value.size())};
    }
    kept = &slot;
  }
  return end;
}

std::optional<std::size_t> LogPrefix::match_generic(std::string_view line, LogFields& fields) const {
  // The severity word is the first "WORD:  " whose word is known.
  const std::size_t start = severity_start(line);
  if (start == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view prefix = line.substr(0, start);
  std::int64_t us = 0;
  if (parse_timestamp(prefix, us) != 0) {
    fields.ts_us = us;
  }
  // [pid] or [pid-line]
  for (std::size_t i = prefix.find('['); i != std::string_view::npos; i = prefix.find('[', i + 1)) {
    std::size_t j = i + 1;
    std::int64_t pid = 0;
    while (j < prefix.size() && is_digit(prefix[j])) {
      pid = pid * 10 + (prefix[j] - '0');
      ++j;
    }
    if (j > i + 1 && j < prefix.size() && (prefix[j] == ']' || prefix[j] == '-')) {
      fields.pid = pid;
      break;
    }
  }
  // A session id looks like 6b01c223.3d18: hex, dot, hex, between spaces.
  for (std::size_t i = 0; i < prefix.size();) {
    const std::size_t end = std::min(prefix.find(' ', i), prefix.size());
    const std::string_view word = prefix.substr(i, end - i);
    const std::size_t dot = word.find('.');
    if (dot != std::string_view::npos && dot >= 6 && word.size() - dot >= 2 && word.size() <= 20 &&
        std::all_of(word.begin(), word.end(), [](char c) { return is_hex(c) || c == '.'; })) {
      fields.session_id = word;
      break;
    }
    i = end + 1;
  }
  return start;
}

} // namespace pgadvise::loaders
