#include "loaders/logs/input_kind.hpp"

#include "loaders/logs/formats.hpp"
#include "loaders/logs/prefix.hpp"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace pgadvise::loaders {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string_view first_line(std::string_view text) {
  const std::size_t start = text.find_first_not_of("\r\n");
  if (start == std::string_view::npos) {
    return {};
  }
  text.remove_prefix(start);
  return text.substr(0, text.find('\n'));
}

// The whole lines of `head` (a cut last line is left out).
std::vector<std::string_view> whole_lines(std::string_view head, std::size_t count) {
  std::vector<std::string_view> lines;
  std::size_t pos = 0;
  while (pos < head.size() && lines.size() < count) {
    const std::size_t end = head.find('\n', pos);
    if (end == std::string_view::npos) {
      break;
    }
    if (end > pos) {
      lines.push_back(head.substr(pos, end - pos));
    }
    pos = end + 1;
  }
  return lines;
}

// A csvlog record's first field: the timestamp alone, with its zone
// ("2026-11-25 09:06:15.277 UTC"). A stderr line starts with a timestamp too,
// and a Drizzle insert that names its columns three times (columns, values,
// returning) splits into as many fields: its first field runs on into the
// line's prefix and message.
bool csv_timestamp_field(std::string_view field) {
  std::int64_t us = 0;
  const std::size_t end = parse_timestamp(field, us);
  if (end == 0) {
    return false;
  }
  // " UTC", " CEST", or an export's "+00" / "+05:30".
  std::string_view zone = field.substr(end);
  if (!zone.empty() && zone.front() == ' ') {
    zone.remove_prefix(1);
  } else if (!zone.empty() && zone.front() != '+' && zone.front() != '-') {
    return false;
  }
  return zone.size() <= 12 && zone.find(' ') == std::string_view::npos;
}

// csvlog, from its records: a timestamp then 22 to 26 more columns
// (PostgreSQL 12 writes 23 columns, 13 writes 24, 14 and later 26), or the
// header line a CSV export starts with.
bool looks_csvlog(std::string_view head) {
  const std::size_t last_newline = head.rfind('\n');
  if (last_newline == std::string_view::npos) {
    return false;
  }
  head = head.substr(0, last_newline + 1);
  std::vector<CsvField> fields;
  std::size_t pos = 0;
  std::size_t records = 0;
  std::size_t matched = 0;
  while (pos < head.size() && records < 50) {
    std::uint32_t newlines = 0;
    pos = split_csv_record(head, pos, fields, newlines);
    if (fields.size() == 1 && fields[0].text.empty()) {
      continue;
    }
    ++records;
    if (fields.size() >= 22 && fields.size() <= 26 &&
        (fields[0].text == "log_time" || csv_timestamp_field(fields[0].text))) {
      ++matched;
    }
  }
  return matched > 0 && matched * 2 >= records;
}

// A PgBouncer log line: "2026-11-22 19:23:35.965 UTC [30198] LOG C-0x...: ..."
// (the severity word has no colon, unlike PostgreSQL's).
bool is_pgbouncer_line(std::string_view line) {
  std::int64_t us = 0;
  std::size_t i = parse_timestamp(line, us);
  if (i == 0) {
    return false;
  }
  while (i < line.size() && line[i] != '[') {
    if (line[i] != ' ' && (line[i] < 'A' || line[i] > 'Z') && line[i] != '+' && line[i] != '-' &&
        (line[i] < '0' || line[i] > '9')) {
      return false;
    }
    ++i;
  }
  const std::size_t close = line.find("] ", i);
  if (close == std::string_view::npos) {
    return false;
  }
  const std::string_view rest = line.substr(close + 2);
  for (std::string_view level : {"LOG ", "WARNING ", "ERROR ", "NOTICE ", "DEBUG ", "FATAL ", "NOISE "}) {
    if (rest.rfind(level, 0) == 0) {
      return true;
    }
  }
  return false;
}

bool looks_pgbouncer(std::string_view head) {
  const std::vector<std::string_view> lines = whole_lines(head, 50);
  const auto matched = static_cast<std::size_t>(std::count_if(lines.begin(), lines.end(), is_pgbouncer_line));
  return matched > 0 && matched * 2 > lines.size();
}

std::string_view without_compression_suffix(std::string_view name) {
  for (std::string_view suffix : {".gz", ".bz2", ".xz", ".zst"}) {
    if (ends_with(name, suffix)) {
      name.remove_suffix(suffix.size());
      break;
    }
  }
  return name;
}

} // namespace

InputKind detect_input_kind(const std::string& path, std::string_view head) {
  if (ends_with(without_compression_suffix(path), ".sql")) {
    return InputKind::sql;
  }
  const std::string_view line = first_line(head);
  if (!line.empty() && line.front() == '{') {
    return InputKind::jsonlog;
  }
  if (looks_csvlog(head)) {
    return InputKind::csvlog;
  }
  if (looks_pgbouncer(head)) {
    return InputKind::pgbouncer;
  }
  // Drizzle's logger: "Query: ..." lines among the app's own output.
  std::size_t queries = 0;
  std::size_t lines = 0;
  for (std::size_t pos = 0; pos < head.size() && lines < 200; ++lines) {
    const std::size_t end = std::min(head.find('\n', pos), head.size());
    if (head.substr(pos, end - pos).find("Query: ") != std::string_view::npos) {
      ++queries;
    }
    pos = end + 1;
  }
  LogFields fields;
  if (queries > 0 && !LogPrefix::generic().match(line, fields)) {
    return InputKind::drizzle;
  }
  return InputKind::stderr_text;
}

std::string_view input_kind_name(InputKind kind) {
  switch (kind) {
  case InputKind::stderr_text: return "stderr log";
  case InputKind::csvlog: return "csvlog";
  case InputKind::jsonlog: return "jsonlog";
  case InputKind::drizzle: return "Drizzle logger output";
  case InputKind::sql: return "SQL file";
  case InputKind::pgbouncer: return "PgBouncer log";
  }
  return "log";
}

model::WorkloadSourceKind input_source_kind(InputKind kind) {
  switch (kind) {
  case InputKind::stderr_text:
  case InputKind::csvlog:
  case InputKind::jsonlog: return model::WorkloadSourceKind::server_log;
  case InputKind::drizzle: return model::WorkloadSourceKind::drizzle_logger;
  case InputKind::sql: return model::WorkloadSourceKind::sql_file;
  case InputKind::pgbouncer: return model::WorkloadSourceKind::pgbouncer_log;
  }
  return model::WorkloadSourceKind::server_log;
}

} // namespace pgadvise::loaders
