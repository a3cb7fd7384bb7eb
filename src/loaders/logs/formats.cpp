#include "loaders/logs/formats.hpp"

#include "core/utf8.hpp"

#include <charconv>
#include <cstring>

namespace pgadvise::loaders {

namespace {

// The number its leading digits write; 0 when there are none, or when they
// do not fit (a field of twenty digits is not a pid or a line number).
std::int64_t to_int(std::string_view text) {
  std::int64_t value = 0;
  if (text.empty() || text.front() == '-') {
    return 0;
  }
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  static_cast<void>(end);
  return error == std::errc() ? value : 0;
}

bool looks_binary(std::string_view line) {
  std::size_t control = 0;
  for (char c : line.substr(0, 256)) {
    const auto u = static_cast<unsigned char>(c);
    if (u == 0) {
      return true;
    }
    if (u < 0x20 && c != '\t' && c != '\r') {
      ++control;
    }
  }
  return control > 2;
}

void unrecognized(std::string_view line, std::uint32_t line_no, BlockResult& out) {
  ++out.unrecognized;
  model::ReaderWarning warning;
  warning.location.line = static_cast<int>(line_no);
  if (looks_binary(line)) {
    warning.kind = model::ReaderWarning::Kind::binary;
    warning.message = "binary data where a log line was expected; skipped";
  } else {
    warning.kind = model::ReaderWarning::Kind::unrecognized_line;
    warning.message = "line does not match the log_line_prefix; skipped";
  }
  out.warnings.push_back(std::move(warning));
}

LogSeverity severity_word(std::string_view word) {
  std::string text(word);
  text += ":  x";
  std::string_view message;
  return parse_severity(text, message);
}

// Interns the unquoted text of a CSV field when it had doubled quotes.
std::string_view csv_text(const CsvField& field, BlockResult& out) {
  if (!field.needs_unquote) {
    return field.text;
  }
  out.arena.push_back(unquote_csv(field.text));
  return out.arena.back();
}

} // namespace

void parse_stderr_block(std::string_view block, const LogPrefix& prefix, EventBuilder& builder,
                        BlockResult& out) {
  std::size_t pos = 0;
  std::uint32_t line_no = 1;
  const char* data = block.data();
  while (pos < block.size()) {
    // A record is one line plus the tab-indented continuation lines after it.
    const std::uint32_t record_line = line_no;
    std::size_t end = pos;
    std::size_t first_end = std::string_view::npos;
    while (true) {
      const void* nl = std::memchr(data + end, '\n', block.size() - end);
      const std::size_t line_end =
          nl == nullptr ? block.size() : static_cast<std::size_t>(static_cast<const char*>(nl) - data);
      if (first_end == std::string_view::npos) {
        first_end = line_end;
      }
      ++line_no;
      end = line_end;
      if (line_end + 1 < block.size() && block[line_end + 1] == '\t') {
        end = line_end + 1;
        continue;
      }
      break;
    }
    std::string_view record_text = block.substr(pos, end - pos);
    if (!record_text.empty() && record_text.back() == '\r') {
      record_text.remove_suffix(1);
    }
    pos = end + 1;
    if (record_text.empty()) {
      continue;
    }
    // The prefix is read into the line's event, where it is kept.
    RecordText record;
    record.line = record_line;
    record.tab_continuations = first_end < end;
    const auto length = prefix.match(record_text, out.events.emplace_back().fields);
    if (length) {
      record.severity = parse_severity(record_text.substr(*length), record.message);
    }
    if (!length || record.severity == LogSeverity::none) {
      out.events.pop_back();
      unrecognized(record_text, record_line, out);
      continue;
    }
    builder.add_in_place(record, out);
  }
  out.lines += line_no - 1;
}

std::size_t split_csv_record(std::string_view block, std::size_t pos, std::vector<CsvField>& fields,
                             std::uint32_t& newlines) {
  fields.clear();
  newlines = 0;
  const std::size_t n = block.size();
  while (true) {
    CsvField field;
    if (pos < n && block[pos] == '"') {
      const std::size_t start = ++pos;
      while (pos < n) {
        if (block[pos] == '"') {
          if (pos + 1 < n && block[pos + 1] == '"') {
            field.needs_unquote = true;
            pos += 2;
            continue;
          }
          break;
        }
        if (block[pos] == '\n') {
          ++newlines;
        }
        ++pos;
      }
      field.text = block.substr(start, std::min(pos, n) - start);
      pos = std::min(n, pos + 1);
    } else {
      const std::size_t start = pos;
      while (pos < n && block[pos] != ',' && block[pos] != '\n') {
        ++pos;
      }
      field.text = block.substr(start, pos - start);
      if (!field.text.empty() && field.text.back() == '\r') {
        field.text.remove_suffix(1);
      }
    }
    fields.push_back(field);
    if (pos < n && block[pos] == ',') {
      ++pos;
      continue;
    }
    // End of record: skip to after the newline.
    while (pos < n && block[pos] != '\n') {
      ++pos;
    }
    if (pos < n) {
      ++newlines;
      ++pos;
    }
    return pos;
  }
}

std::string unquote_csv(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    out.push_back(text[i]);
    if (text[i] == '"' && i + 1 < text.size() && text[i + 1] == '"') {
      ++i;
    }
  }
  return out;
}

void parse_csv_block(std::string_view block, EventBuilder& builder, BlockResult& out) {
  // csvlog columns (PostgreSQL 12 writes the first 23, 13 adds backend_type,
  // 14 leader_pid and query_id; fixtures/logs/real has each): log_time, user_name, database_name,
  // process_id, connection_from, session_id, session_line_num, command_tag,
  // session_start_time, virtual_transaction_id, transaction_id,
  // error_severity, sql_state_code, message, detail, hint, internal_query,
  // internal_query_pos, context, query, query_pos, location,
  // application_name, backend_type, leader_pid, query_id.
  std::vector<CsvField> fields;
  std::size_t pos = 0;
  std::uint32_t line_no = 1;
  while (pos < block.size()) {
    std::uint32_t newlines = 0;
    const std::size_t start = pos;
    pos = split_csv_record(block, pos, fields, newlines);
    const std::uint32_t record_line = line_no;
    line_no += std::max<std::uint32_t>(newlines, 1);
    if (fields.size() == 1 && fields[0].text.empty()) {
      continue;
    }
    LogRecord record;
    record.line = record_line;
    std::int64_t ts = 0;
    if (fields.size() >= 14 && fields[0].text == "log_time") {
      continue; // the header line of a CSV export
    }
    if (fields.size() < 14 || parse_timestamp(fields[0].text, ts) == 0) {
      unrecognized(block.substr(start, pos - start), record_line, out);
      continue;
    }
    record.fields.ts_us = ts;
    record.fields.user = csv_text(fields[1], out);
    record.fields.database = csv_text(fields[2], out);
    record.fields.pid = to_int(fields[3].text);
    record.fields.client = csv_text(fields[4], out);
    record.fields.session_id = fields[5].text;
    record.fields.vxid = fields[9].text;
    record.fields.xid = fields[10].text;
    record.severity = severity_word(fields[11].text);
    record.message = csv_text(fields[13], out);
    if (fields.size() > 14) {
      record.detail = csv_text(fields[14], out);
    }
    if (fields.size() > 19) {
      record.query = csv_text(fields[19], out);
    }
    if (fields.size() > 22) {
      record.fields.application = csv_text(fields[22], out);
    }
    builder.add(record, out);
  }
  out.lines += line_no - 1;
}

namespace {

// A minimal reader for jsonlog's flat objects: string, number, true/false/null
// values; nested values are skipped.
class FlatJson {
public:
  FlatJson(std::string_view text, BlockResult& out) : m_text(text), m_out(out) {}

  template <typename Visit> bool each(Visit&& visit) {
    skip_space();
    if (!consume('{')) {
      return false;
    }
    skip_space();
    if (consume('}')) {
      return true;
    }
    while (m_pos < m_text.size()) {
      skip_space();
      std::string_view key;
      if (!string(key)) {
        return false;
      }
      skip_space();
      if (!consume(':')) {
        return false;
      }
      skip_space();
      std::string_view value;
      if (m_pos < m_text.size() && m_text[m_pos] == '"') {
        if (!string(value)) {
          return false;
        }
      } else {
        const std::size_t start = m_pos;
        int depth = 0;
        while (m_pos < m_text.size()) {
          const char c = m_text[m_pos];
          if (c == '{' || c == '[') {
            ++depth;
          } else if (c == '}' || c == ']') {
            if (depth == 0) {
              break;
            }
            --depth;
          } else if (c == ',' && depth == 0) {
            break;
          }
          ++m_pos;
        }
        value = m_text.substr(start, m_pos - start);
      }
      visit(key, value);
      skip_space();
      if (consume(',')) {
        continue;
      }
      return consume('}');
    }
    return false;
  }

private:
  void skip_space() {
    while (m_pos < m_text.size() &&
           (m_text[m_pos] == ' ' || m_text[m_pos] == '\t' || m_text[m_pos] == '\r')) {
      ++m_pos;
    }
  }
  bool consume(char c) {
    if (m_pos < m_text.size() && m_text[m_pos] == c) {
      ++m_pos;
      return true;
    }
    return false;
  }
  bool string(std::string_view& value) {
    if (!consume('"')) {
      return false;
    }
    const std::size_t start = m_pos;
    bool escaped = false;
    while (m_pos < m_text.size() && m_text[m_pos] != '"') {
      if (m_text[m_pos] == '\\') {
        escaped = true;
        ++m_pos;
      }
      ++m_pos;
    }
    if (m_pos >= m_text.size()) {
      return false;
    }
    value = m_text.substr(start, m_pos - start);
    ++m_pos;
    if (escaped) {
      m_out.arena.push_back(unescape(value));
      value = m_out.arena.back();
    }
    return true;
  }
  static std::uint32_t hex4(std::string_view text) {
    std::uint32_t value = 0;
    for (char c : text) {
      value <<= 4U;
      if (c >= '0' && c <= '9') {
        value |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        value |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        value |= static_cast<std::uint32_t>(c - 'A' + 10);
      }
    }
    return value;
  }
  static std::string unescape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] != '\\' || i + 1 >= text.size()) {
        out.push_back(text[i]);
        continue;
      }
      const char c = text[++i];
      switch (c) {
      case 'n': out.push_back('\n'); break;
      case 't': out.push_back('\t'); break;
      case 'r': out.push_back('\r'); break;
      case 'b': out.push_back('\b'); break;
      case 'f': out.push_back('\f'); break;
      case 'u':
        if (i + 4 < text.size() + 0) {
          std::uint32_t cp = hex4(text.substr(i + 1, 4));
          i += 4;
          if (cp >= 0xD800 && cp < 0xDC00 && i + 6 < text.size() && text[i + 1] == '\\' &&
              text[i + 2] == 'u') {
            const std::uint32_t low = hex4(text.substr(i + 3, 4));
            cp = 0x10000 + ((cp - 0xD800) << 10U) + (low - 0xDC00);
            i += 6;
          }
          core::utf8::append(out, cp);
        }
        break;
      default: out.push_back(c); break;
      }
    }
    return out;
  }

  std::string_view m_text;
  std::size_t m_pos = 0;
  BlockResult& m_out;
};

} // namespace

void parse_json_block(std::string_view block, EventBuilder& builder, BlockResult& out) {
  std::size_t pos = 0;
  std::uint32_t line_no = 0;
  while (pos < block.size()) {
    std::size_t end = block.find('\n', pos);
    if (end == std::string_view::npos) {
      end = block.size();
    }
    const std::string_view line = block.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) {
      continue;
    }
    LogRecord record;
    record.line = line_no;
    std::string_view remote_host;
    FlatJson parser(line, out);
    const bool ok = parser.each([&](std::string_view key, std::string_view value) {
      // jsonlog's keys, and csvlog's column names (CloudNativePG's record).
      if (key == "timestamp" || key == "log_time") {
        parse_timestamp(value, record.fields.ts_us);
      } else if (key == "user" || key == "user_name") {
        record.fields.user = value;
      } else if (key == "dbname" || key == "database_name") {
        record.fields.database = value;
      } else if (key == "pid" || key == "process_id") {
        record.fields.pid = to_int(value);
      } else if (key == "remote_host" || key == "connection_from") {
        remote_host = value;
      } else if (key == "session_id") {
        record.fields.session_id = value;
      } else if (key == "vxid" || key == "virtual_transaction_id") {
        record.fields.vxid = value;
      } else if (key == "txid" || key == "transaction_id") {
        record.fields.xid = value;
      } else if (key == "error_severity") {
        record.severity = severity_word(value);
      } else if (key == "message") {
        record.message = value;
      } else if (key == "detail") {
        record.detail = value;
      } else if (key == "statement" || key == "query") {
        record.query = value;
      } else if (key == "application_name") {
        record.fields.application = value;
      }
    });
    record.fields.client = remote_host;
    if (!ok || record.severity == LogSeverity::none) {
      unrecognized(line, line_no, out);
      continue;
    }
    builder.add(record, out);
  }
  out.lines += line_no;
}

} // namespace pgadvise::loaders
