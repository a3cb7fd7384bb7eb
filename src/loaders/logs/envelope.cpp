#include "loaders/logs/envelope.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace pgadvise::loaders {

namespace {

using json = nlohmann::json;

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::size_t skip_digits(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_digit(text[pos])) {
    ++pos;
  }
  return pos;
}

// The next space-separated word at `pos` (pos moves past it and one space).
std::string_view word(std::string_view text, std::size_t& pos) {
  const std::size_t end = std::min(text.find(' ', pos), text.size());
  const std::string_view out = text.substr(pos, end - pos);
  pos = std::min(end + 1, text.size());
  return out;
}

// An envelope line, split: time, pid, PostgreSQL's "[n-k]" part number and the text after it.
struct SyslogLine {
  std::string stamp; // "YYYY-MM-DD HH:MM:SS.ffffff" (year 1970 when the envelope has none)
  std::string_view pid;
  int part = 1;
  std::string_view text;
};

// "2026-11-22T19:23:30.870000+00:00" -> "2026-11-22 19:23:30.870000".
bool iso_stamp(std::string_view text, std::string& stamp) {
  if (text.size() < 19 || !is_digit(text[0]) || text[4] != '-' || (text[10] != 'T' && text[10] != ' ')) {
    return false;
  }
  stamp.assign(text.substr(0, 19));
  stamp[10] = ' ';
  if (text.size() > 19 && text[19] == '.') {
    const std::size_t end = skip_digits(text, 20);
    stamp.append(text.substr(19, end - 19));
  }
  return true;
}

// "Nov 22 19:23:30" -> "1970-11-22 19:23:30" (RFC 3164 has no year; order is what matters).
bool bsd_stamp(std::string_view text, std::size_t& pos, std::string& stamp) {
  static constexpr std::array<std::string_view, 12> k_months = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                                "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (text.size() < pos + 15) {
    return false;
  }
  const std::string_view month = text.substr(pos, 3);
  std::size_t m = 0;
  while (m < k_months.size() && k_months[m] != month) {
    ++m;
  }
  const std::string_view rest = text.substr(pos + 4, 11); // "22 19:23:30" or " 2 19:23:30"
  if (m == k_months.size() || text[pos + 3] != ' ' || rest[2] != ' ' || rest[5] != ':' || rest[8] != ':') {
    return false;
  }
  stamp = "1970-";
  stamp += static_cast<char>('0' + (m + 1) / 10);
  stamp += static_cast<char>('0' + (m + 1) % 10);
  stamp += '-';
  stamp += rest[0] == ' ' ? '0' : rest[0];
  stamp += rest.substr(1);
  pos += 15;
  return true;
}

// "[12-3] " or "[3] " at pos: PostgreSQL's syslog numbering.
bool part_number(std::string_view text, std::size_t& pos, int& part) {
  if (pos >= text.size() || text[pos] != '[') {
    return false;
  }
  std::size_t i = skip_digits(text, pos + 1);
  if (i == pos + 1) {
    return false;
  }
  std::size_t part_start = pos + 1;
  if (i < text.size() && text[i] == '-') {
    part_start = i + 1;
    i = skip_digits(text, part_start);
    if (i == part_start) {
      return false;
    }
  }
  if (i + 1 >= text.size() || text[i] != ']' || text[i + 1] != ' ') {
    return false;
  }
  part = 0;
  for (std::size_t k = part_start; k < i; ++k) {
    part = part * 10 + (text[k] - '0');
  }
  pos = i + 2;
  return true;
}

// "tag[pid]: " at pos; the pid is the digits after the last '.' inside the brackets.
bool tag_pid(std::string_view text, std::size_t& pos, std::string_view& tag, std::string_view& pid) {
  const std::size_t open = text.find('[', pos);
  const std::size_t space = text.find(' ', pos);
  if (open == std::string_view::npos || (space != std::string_view::npos && space < open)) {
    return false;
  }
  const std::size_t close = text.find("]: ", open);
  if (close == std::string_view::npos || (space != std::string_view::npos && space < close)) {
    return false;
  }
  tag = text.substr(pos, open - pos);
  std::string_view inside = text.substr(open + 1, close - open - 1);
  if (const std::size_t dot = inside.rfind('.'); dot != std::string_view::npos) {
    inside.remove_prefix(dot + 1);
  }
  pid = inside;
  pos = close + 3;
  return true;
}

// An RFC 3164 syslog line's header from its start: an optional "<priority>",
// the time (BSD "Nov 22 19:23:30" or ISO), and the host; `pos` moves to what
// follows the host.
bool syslog_header(std::string_view line, std::size_t& pos, std::string& stamp) {
  pos = 0;
  if (pos < line.size() && line[pos] == '<') { // a priority before the time
    pos = line.find('>');
    if (pos == std::string_view::npos) {
      return false;
    }
    ++pos;
  }
  if (!bsd_stamp(line, pos, stamp)) {
    if (!iso_stamp(word(line, pos), stamp)) {
      return false;
    }
    --pos;
  }
  if (pos >= line.size() || line[pos] != ' ') {
    return false;
  }
  ++pos;
  word(line, pos); // host
  return true;
}

bool parse_syslog(std::string_view line, SyslogLine& out) {
  std::size_t pos = 0;
  if (!syslog_header(line, pos, out.stamp)) {
    return false;
  }
  std::string_view tag;
  if (!tag_pid(line, pos, tag, out.pid)) {
    return false;
  }
  if (!part_number(line, pos, out.part)) {
    return false;
  }
  out.text = line.substr(pos);
  return true;
}

bool parse_syslog5424(std::string_view line, SyslogLine& out) {
  std::size_t pos = 0;
  if (pos < line.size() && is_digit(line[0])) { // octet counting (logplex drains)
    pos = skip_digits(line, 0);
    if (pos >= line.size() || line[pos] != ' ') {
      return false;
    }
    ++pos;
  }
  if (pos >= line.size() || line[pos] != '<') {
    return false;
  }
  const std::size_t close = line.find('>', pos);
  if (close == std::string_view::npos || close + 2 >= line.size() || line[close + 1] != '1' ||
      line[close + 2] != ' ') {
    return false;
  }
  pos = close + 3;
  if (!iso_stamp(word(line, pos), out.stamp)) {
    return false;
  }
  word(line, pos); // host
  word(line, pos); // app name
  out.pid = word(line, pos);
  if (const std::size_t dot = out.pid.rfind('.'); dot != std::string_view::npos) {
    out.pid.remove_prefix(dot + 1); // Heroku's "postgres.1234"
  }
  word(line, pos);                             // msgid
  if (pos < line.size() && line[pos] == '[') { // structured data
    const std::size_t end = line.find("] ", pos);
    if (end == std::string_view::npos) {
      return false;
    }
    pos = end + 2;
  } else {
    word(line, pos); // "-"
  }
  if (pos < line.size() && line[pos] == '[' && pos + 1 < line.size() && !is_digit(line[pos + 1])) {
    const std::size_t end = line.find("] ", pos); // Heroku's "[DATABASE] "
    pos = end == std::string_view::npos ? pos : end + 2;
  }
  if (!part_number(line, pos, out.part)) {
    return false;
  }
  out.text = line.substr(pos);
  return true;
}

bool parse_heroku(std::string_view line, SyslogLine& out) {
  std::size_t pos = 0;
  if (!iso_stamp(word(line, pos), out.stamp)) {
    return false;
  }
  std::string_view tag;
  if (!tag_pid(line, pos, tag, out.pid) || tag != "app") {
    return false;
  }
  if (pos < line.size() && line[pos] == '[' && pos + 1 < line.size() && !is_digit(line[pos + 1])) {
    const std::size_t end = line.find("] ", pos); // "[DATABASE] " or the add-on's color
    if (end == std::string_view::npos) {
      return false;
    }
    pos = end + 2;
  }
  if (!part_number(line, pos, out.part)) {
    return false;
  }
  out.text = line.substr(pos);
  return true;
}

bool is_heroku(std::string_view line) {
  SyslogLine parsed;
  std::size_t pos = 0;
  word(line, pos);
  return parse_heroku(line, parsed) && line.substr(pos).rfind("app[postgres", 0) == 0;
}

// A line of the envelope that another program (or the platform) wrote: the
// envelope's header, then no PostgreSQL part number. A syslog file holds
// the kernel's, cron's and systemd's lines; a Heroku drain the router's,
// the dynos' and Heroku Postgres' metrics (`app[heroku-postgres]`).
bool other_program_line(Envelope envelope, std::string_view line) {
  std::size_t pos = 0;
  std::string stamp;
  switch (envelope) {
  case Envelope::syslog: {
    if (!syslog_header(line, pos, stamp)) {
      return false;
    }
    const std::size_t colon = line.find(": ", pos);
    const std::size_t space = line.find(' ', pos);
    // PostgreSQL's own line without its part number is not another program's.
    return colon != std::string_view::npos && colon > pos &&
           (space == std::string_view::npos || colon < space) &&
           line.substr(pos, colon - pos).rfind("postgres", 0) != 0;
  }
  case Envelope::syslog5424: {
    if (pos < line.size() && is_digit(line[0])) {
      pos = skip_digits(line, 0) + 1;
    }
    const std::size_t close = line.find('>', pos);
    return pos < line.size() && line[pos] == '<' && close != std::string_view::npos &&
           close + 2 < line.size() && line[close + 1] == '1' && line[close + 2] == ' ';
  }
  case Envelope::heroku: {
    if (!iso_stamp(word(line, pos), stamp)) {
      return false;
    }
    std::string_view tag;
    std::string_view pid;
    return tag_pid(line, pos, tag, pid);
  }
  default: return false;
  }
}

bool parse_envelope_line(Envelope envelope, std::string_view line, SyslogLine& out) {
  switch (envelope) {
  case Envelope::syslog: return parse_syslog(line, out);
  case Envelope::syslog5424: return parse_syslog5424(line, out);
  case Envelope::heroku: return parse_heroku(line, out);
  default: return false;
  }
}

// rsyslog writes control characters as "#ooo" (the continuation's tab is #011).
std::string_view strip_tab(std::string_view text, bool& had_tab) {
  had_tab = false;
  if (text.rfind("#011", 0) == 0) {
    had_tab = true;
    return text.substr(4);
  }
  if (!text.empty() && text[0] == '\t') {
    had_tab = true;
    return text.substr(1);
  }
  return text;
}

// PostgreSQL splits lines longer than PG_SYSLOG_LIMIT (900 bytes) into
// chunks; a chunk after a shorter one is a new line of the message.
constexpr std::size_t k_split_chunk_bytes = 800;

void append_lines(std::string_view text, std::string& out) {
  // Multi-line payloads: continuation lines keep (or get) their tab.
  std::size_t pos = 0;
  bool first = true;
  while (pos <= text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (!first) {
      out += '\t';
      if (!line.empty() && line[0] == '\t') {
        line.remove_prefix(1);
      }
    }
    out += line;
    out += '\n';
    first = false;
    pos = end + 1;
  }
}

std::string_view string_field(const json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? std::string_view(it->get_ref<const std::string&>())
                                               : std::string_view();
}

// One JSON envelope line -> inner lines; false when it is not that envelope.
bool unwrap_json(std::string_view line, Envelope envelope, std::string& out) {
  json value = json::parse(line.begin(), line.end(), nullptr, false);
  if (!value.is_object()) {
    return false;
  }
  switch (envelope) {
  case Envelope::cloudsql: {
    const std::string_view text = string_field(value, "textPayload");
    if (text.empty()) {
      return false;
    }
    append_lines(text, out);
    return true;
  }
  case Envelope::cloudwatch: {
    if (const auto events = value.find("logEvents"); events != value.end() && events->is_array()) {
      for (const json& event : *events) {
        if (event.is_object()) {
          append_lines(string_field(event, "message"), out);
        }
      }
      return true;
    }
    const std::string_view text = string_field(value, "message");
    if (text.empty()) {
      return false;
    }
    append_lines(text, out);
    return true;
  }
  case Envelope::cnpg: {
    const auto record = value.find("record");
    if (record == value.end() || !record->is_object()) {
      return false;
    }
    out += record->dump(-1, ' ', false, json::error_handler_t::replace);
    out += '\n';
    return true;
  }
  case Envelope::azure: {
    const auto properties = value.find("properties");
    if (properties == value.end() || !properties->is_object()) {
      return false;
    }
    std::string text(string_field(*properties, "prefix"));
    const std::string_view level = string_field(*properties, "errorLevel");
    const std::string_view message = string_field(*properties, "message");
    if (!text.empty() && !level.empty()) {
      text += std::string(level) + ":  "; // Single Server: prefix, level and message apart
    }
    text += message;
    append_lines(text, out);
    return true;
  }
  default: return false;
  }
}

Envelope json_envelope(std::string_view line) {
  const json value = json::parse(line.begin(), line.end(), nullptr, false);
  if (!value.is_object()) {
    return Envelope::none;
  }
  if (value.contains("textPayload")) {
    return Envelope::cloudsql;
  }
  if (const auto record = value.find("record"); record != value.end() && record->is_object()) {
    return Envelope::cnpg;
  }
  if (const auto events = value.find("logEvents"); events != value.end() && events->is_array()) {
    return Envelope::cloudwatch;
  }
  if (value.contains("message") && value.contains("timestamp") && value.at("timestamp").is_number()) {
    return Envelope::cloudwatch;
  }
  if (const auto properties = value.find("properties");
      properties != value.end() && properties->is_object() && properties->contains("message")) {
    return Envelope::azure;
  }
  return Envelope::none;
}

} // namespace

std::string_view envelope_name(Envelope envelope) {
  switch (envelope) {
  case Envelope::none: return "";
  case Envelope::syslog: return "syslog (RFC 3164)";
  case Envelope::syslog5424: return "syslog (RFC 5424)";
  case Envelope::heroku: return "Heroku logplex";
  case Envelope::cloudsql: return "Google Cloud SQL (Cloud Logging JSON)";
  case Envelope::cloudwatch: return "AWS CloudWatch Logs JSON";
  case Envelope::cnpg: return "CloudNativePG JSON";
  case Envelope::azure: return "Azure diagnostic JSON";
  }
  return "";
}

bool envelope_carries_jsonlog(Envelope envelope) {
  return envelope == Envelope::cnpg;
}

bool envelope_has_header(Envelope envelope) {
  return envelope == Envelope::syslog || envelope == Envelope::syslog5424 || envelope == Envelope::heroku;
}

Envelope detect_envelope(std::string_view head) {
  std::array<std::size_t, 8> votes{};
  std::size_t lines = 0;
  std::size_t pos = 0;
  while (pos < head.size() && lines < 50) {
    const std::size_t end = head.find('\n', pos);
    if (end == std::string_view::npos) {
      break; // a cut last line is not judged
    }
    std::string_view line = head.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (line.empty()) {
      continue;
    }
    ++lines;
    SyslogLine parsed;
    Envelope found = Envelope::none;
    if (line[0] == '{') {
      found = json_envelope(line);
    } else if (is_heroku(line)) {
      found = Envelope::heroku;
    } else if (parse_syslog5424(line, parsed)) {
      found = Envelope::syslog5424;
    } else if (parse_syslog(line, parsed)) {
      found = Envelope::syslog;
    }
    ++votes[static_cast<std::size_t>(found)];
  }
  std::size_t best = 0;
  for (std::size_t i = 1; i < votes.size(); ++i) {
    if (votes[i] > votes[best]) {
      best = i;
    }
  }
  return best != 0 && votes[best] * 2 > lines ? static_cast<Envelope>(best) : Envelope::none;
}

void unwrap_block(std::string_view block, Envelope envelope, bool header, std::string& out) {
  std::size_t pos = 0;
  std::size_t chunk_bytes = 0; // length of the last syslog chunk written
  while (pos < block.size()) {
    std::size_t end = block.find('\n', pos);
    if (end == std::string_view::npos) {
      end = block.size();
    }
    std::string_view line = block.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (envelope_has_header(envelope)) {
      SyslogLine parsed;
      if (!parse_envelope_line(envelope, line, parsed) ||
          (envelope == Envelope::heroku && !is_heroku(line))) {
        // Another program's line is skipped (an empty line keeps the
        // numbering); a line in no envelope is passed on for the parser to
        // report.
        if (!other_program_line(envelope, line)) {
          out += line;
        }
        out += '\n';
        chunk_bytes = 0;
        continue;
      }
      bool had_tab = false;
      const std::string_view text = strip_tab(parsed.text, had_tab);
      if (parsed.part > 1 && !out.empty() && out.back() == '\n' &&
          (had_tab || chunk_bytes >= k_split_chunk_bytes)) {
        out.pop_back();
        if (had_tab) {
          out += "\n\t"; // a continuation line of the message
        }
        out += text;
        out += '\n';
        chunk_bytes = text.size();
        continue;
      }
      if (header) {
        out += parsed.stamp;
        out += " UTC [";
        out += parsed.pid;
        out += "] ";
      }
      out += text;
      out += '\n';
      chunk_bytes = text.size();
      continue;
    }
    if (line.empty() || line[0] != '{' || !unwrap_json(line, envelope, out)) {
      // A JSON entry without the database's payload (CloudNativePG's
      // instance manager, pg_controldata, barman; a platform's own events)
      // is skipped; anything else is passed on for the parser to report.
      if (line.empty() || line[0] != '{' || !json::accept(line.begin(), line.end())) {
        out += line;
      }
      out += '\n';
    }
  }
}

} // namespace pgadvise::loaders
