#include "loaders/logs/prefix_infer.hpp"

#include "loaders/logs/prefix.hpp"

#include <algorithm>
#include <array>
#include <map>

namespace pgadvise::loaders {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
bool is_word(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

struct KeyEscape {
  std::string_view key;
  std::string_view escape;
};

// key= words servers are configured with, and the escape behind each.
constexpr std::array<KeyEscape, 22> k_keys = {{
    {"user", "%u"},
    {"usr", "%u"},
    {"u", "%u"},
    {"db", "%d"},
    {"database", "%d"},
    {"dbname", "%d"},
    {"d", "%d"},
    {"app", "%a"},
    {"appname", "%a"},
    {"application", "%a"},
    {"application_name", "%a"},
    {"a", "%a"},
    {"client", "%h"},
    {"host", "%h"},
    {"remote", "%r"},
    {"h", "%h"},
    {"pid", "%p"},
    {"session", "%c"},
    {"sid", "%c"},
    {"xid", "%x"},
    {"vxid", "%v"},
    {"line", "%l"},
}};

std::string_view key_escape(std::string_view key) {
  for (const KeyEscape& known : k_keys) {
    if (known.key.size() == key.size() &&
        std::equal(key.begin(), key.end(), known.key.begin(), [](char a, char b) {
          return static_cast<char>(static_cast<unsigned char>(a) | 0x20U) == b;
        })) {
      return known.escape;
    }
  }
  return {};
}

// The zone after a timestamp (" UTC", " +03"): part of %m / %t.
std::size_t zone_after(std::string_view text, std::size_t at) {
  if (at >= text.size() || text[at] != ' ') {
    return 0;
  }
  std::size_t i = at + 1;
  while (i < text.size() && text[i] >= 'A' && text[i] <= 'Z') {
    ++i;
  }
  if (i == at + 1 && i < text.size() && (text[i] == '+' || text[i] == '-')) {
    std::size_t j = i + 1;
    while (j < text.size() && is_digit(text[j])) {
      ++j;
    }
    i = j - i - 1 >= 2 && j - i - 1 <= 4 ? j : i;
  }
  return i - at >= 3 ? i - at : 0;
}

void literal(std::string& out, char c) {
  out.push_back(c);
  if (c == '%') {
    out.push_back('%');
  }
}

// [pid], [pid-line], and after the pid (`pid_seen`) Cloud SQL's [line-1] at
// the start of `rest`: its length (0: none), its escapes appended to `out`.
std::size_t bracketed_numbers(std::string_view rest, bool pid_seen, std::string& out) {
  if (rest[0] != '[' || rest.size() < 2 || !is_digit(rest[1])) {
    return 0;
  }
  std::size_t j = 1;
  while (j < rest.size() && is_digit(rest[j])) {
    ++j;
  }
  if (j < rest.size() && rest[j] == ']') {
    out += pid_seen ? "[%l]" : "[%p]";
    return j + 1;
  }
  if (j < rest.size() && rest[j] == '-') {
    std::size_t k = j + 1;
    while (k < rest.size() && is_digit(rest[k])) {
      ++k;
    }
    if (k > j + 1 && k < rest.size() && rest[k] == ']') {
      out += pid_seen ? "[%l-" + std::string(rest.substr(j + 1, k - j - 1)) + "]" : "[%p-%l]";
      return k + 1;
    }
  }
  return 0;
}

} // namespace

std::string line_prefix_pattern(std::string_view line) {
  const std::size_t start = severity_start(line);
  if (start == std::string_view::npos) {
    return {};
  }
  const std::string_view prefix = line.substr(0, start);
  std::string out;
  bool pid = false;
  std::size_t i = 0;
  while (i < prefix.size()) {
    const std::string_view rest = prefix.substr(i);
    std::int64_t us = 0;
    if (const std::size_t n = parse_timestamp(rest, us); n != 0) {
      out += n > 19 ? "%m" : "%t";
      i += n + zone_after(prefix, i + n);
      continue;
    }
    if (const std::size_t n = bracketed_numbers(rest, pid, out); n != 0) {
      pid = true;
      i += n;
      continue;
    }
    // The run of text up to the next space: user@db, a session id, a bare pid.
    const std::size_t space = std::min(rest.find(' '), rest.size());
    const std::string_view word = rest.substr(0, space);
    if (const std::size_t at = word.find('@'); at != std::string_view::npos && at > 0 &&
                                               at + 1 < word.size() &&
                                               word.find('=') == std::string_view::npos) {
      // "user@db" (also "[unknown]@[unknown]"), maybe followed by punctuation.
      std::size_t end = word.size();
      while (end > at + 1 && (word[end - 1] == ':' || word[end - 1] == ',')) {
        --end;
      }
      out += "%u@%d";
      i += end;
      continue;
    }
    if (const std::size_t dot = word.find('.');
        dot != std::string_view::npos && dot >= 6 && word.size() - dot >= 2 && word.size() <= 20 &&
        std::all_of(word.begin(), word.end(), [](char c) { return is_hex(c) || c == '.'; })) {
      out += "%c";
      i += word.size();
      continue;
    }
    // key=value
    if (is_word(rest[0]) && (i == 0 || !is_word(prefix[i - 1]))) {
      std::size_t j = 0;
      while (j < rest.size() && is_word(rest[j])) {
        ++j;
      }
      if (j < rest.size() && rest[j] == '=') {
        const std::string_view escape = key_escape(rest.substr(0, j));
        if (!escape.empty()) {
          std::size_t k = j + 1;
          while (k < rest.size() && rest[k] != ',' && rest[k] != ' ' && rest[k] != ';' && rest[k] != '|') {
            ++k;
          }
          out += rest.substr(0, j + 1);
          out += escape;
          pid = pid || escape == "%p";
          i += k;
          continue;
        }
      }
      for (std::size_t c = 0; c < j; ++c) {
        literal(out, rest[c]);
      }
      i += j;
      continue;
    }
    literal(out, rest[0]);
    ++i;
  }
  return out;
}

std::string infer_prefix(const std::vector<std::string_view>& lines) {
  std::map<std::string, std::size_t> seen;
  for (const std::string_view line : lines) {
    std::string pattern = line_prefix_pattern(line);
    if (!pattern.empty()) {
      ++seen[std::move(pattern)];
    }
  }
  if (seen.empty()) {
    return {};
  }
  const auto most = std::max_element(seen.begin(), seen.end(),
                                     [](const auto& a, const auto& b) { return a.second < b.second; });
  std::string pattern = most->first;
  // Lines of processes without a session stop at %q: a shorter pattern the
  // common one starts with places the %q.
  std::size_t cut = 0;
  for (const auto& [other, n] : seen) {
    if (other.size() < pattern.size() && other.size() > cut && pattern.compare(0, other.size(), other) == 0 &&
        other.find("%q") == std::string::npos) {
      cut = other.size();
    }
  }
  if (cut > 0) {
    pattern.insert(cut, "%q");
  }
  return pattern;
}

// Detection (prefix.hpp): the common prefixes first, then the learned one.

const std::vector<std::string>& common_prefixes() {
  static const std::vector<std::string> k_prefixes = {
      "%m [%p] %q%u@%d ",                                // Debian / Ubuntu default
      "%t [%p]: [%l-1] user=%u,db=%d,app=%a,client=%h ", // pgbadger's recommendation
      "%t [%p]: user=%u,db=%d,app=%a,client=%h ",
      "%t [%p]: [%l-1] user=%u,db=%d ",
      "%t:%r:%u@%d:[%p]:", // Amazon RDS
      "%m:%r:%u@%d:[%p]:",
      "%m [%p-%l] ",
      "%t [%p-%l] ",
      "%m [%p] %q%u@%d/%a ",
      "%m [%p] ", // PostgreSQL's default
      "%t [%p] ",
      "%m %c ",
      "%m [%p] %c ",
      "%m [%p]: [%l-1] db=%d,user=%u ", // Google Cloud SQL
      "%t-%c-",                         // Azure Database for PostgreSQL
      "sql_error_code = %e ",           // Heroku (time and pid are in the logplex envelope)
  };
  return k_prefixes;
}

namespace {

// How many of a line's fields a prefix read.
std::size_t fields_found(const LogFields& fields) {
  const std::array<std::string_view, 7> texts = {fields.session_id,  fields.user,   fields.database,
                                                 fields.application, fields.client, fields.vxid,
                                                 fields.xid};
  return static_cast<std::size_t>(
             std::count_if(texts.begin(), texts.end(), [](std::string_view text) { return !text.empty(); })) +
         (fields.ts_us != 0 ? 1U : 0U) + (fields.pid != 0 ? 1U : 0U);
}

// The first lines of `sample` that start a record (200 at most).
std::vector<std::string_view> sample_lines(std::string_view sample) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < sample.size() && lines.size() < 200) {
    std::size_t end = sample.find('\n', pos);
    if (end == std::string_view::npos) {
      end = sample.size();
    }
    const std::string_view line = sample.substr(pos, end - pos);
    if (!line.empty() && line[0] != '\t') {
      lines.push_back(line);
    }
    pos = end + 1;
  }
  return lines;
}

// How well a prefix reads the lines: how many it reads up to a severity,
// and how many fields it finds in them.
struct PrefixReading {
  std::size_t matched = 0;
  std::size_t found = 0;
};

PrefixReading read_lines(const LogPrefix& prefix, const std::vector<std::string_view>& lines) {
  PrefixReading reading;
  for (const std::string_view line : lines) {
    LogFields fields;
    const auto length = prefix.match(line, fields);
    std::string_view message;
    if (length && parse_severity(line.substr(*length), message) != LogSeverity::none) {
      ++reading.matched;
      reading.found += fields_found(fields);
    }
  }
  return reading;
}

// The common prefix that reads most lines into `detection`; among those, the
// one that finds more fields in them (a `%q` tail that is there, `app=%a`
// after `db=%d`), then the one with fewer fields: "%m [%p] %q%u@%d/%a "
// reads "%m [%p] " lines too, with nothing after its %q, and is not what
// such a server was told. Returns the lines it read.
std::size_t pick_common_prefix(const std::vector<std::string_view>& lines, PrefixDetection& detection) {
  PrefixReading best;
  std::size_t best_fields = 0;
  for (const std::string& pattern : common_prefixes()) {
    auto prefix = LogPrefix::compile(pattern);
    const PrefixReading reading = read_lines(*prefix, lines);
    const std::size_t count = prefix->field_count();
    const bool better =
        reading.matched > best.matched ||
        (reading.matched == best.matched && reading.matched > 0 &&
         (reading.found > best.found || (reading.found == best.found && count < best_fields)));
    if (better) {
      best = reading;
      best_fields = count;
      detection.prefix = std::move(*prefix);
    }
  }
  return best.matched;
}

} // namespace

PrefixDetection detect_prefix(std::string_view sample) {
  PrefixDetection detection;
  const std::vector<std::string_view> lines = sample_lines(sample);
  detection.sampled = lines.size();
  for (std::size_t i = 0; i < std::min<std::size_t>(lines.size(), 3); ++i) {
    detection.first_lines.emplace_back(lines[i].substr(0, 200));
  }
  const std::size_t best = pick_common_prefix(lines, detection);
  // Recognized when the winner reads most lines; otherwise the prefix is
  // learned from the lines themselves, and only when that fails too the
  // generic matcher (which may still read them) is used and the caller warns.
  detection.matched = best;
  detection.recognized = best > 0 && best * 10 >= lines.size() * 8;
  if (!detection.recognized) {
    if (auto learned = LogPrefix::compile(infer_prefix(lines)); learned && learned->field_count() > 0) {
      const std::size_t matched = read_lines(*learned, lines).matched;
      if (matched > best && matched * 10 >= lines.size() * 8) {
        detection.prefix = std::move(*learned);
        detection.matched = matched;
        detection.recognized = true;
        detection.inferred = true;
        return detection;
      }
    }
  }
  if (!detection.recognized) {
    const LogPrefix generic = LogPrefix::generic();
    std::size_t generic_matched = 0;
    for (const std::string_view line : lines) {
      LogFields fields;
      if (generic.match(line, fields)) {
        ++generic_matched;
      }
    }
    if (generic_matched > best) {
      detection.prefix = generic;
      detection.matched = generic_matched;
    }
  }
  return detection;
}

} // namespace pgadvise::loaders
