#include "loaders/logs/pgss.hpp"

#include "loaders/logs/formats.hpp"
#include "loaders/logs/input.hpp"
#include "loaders/logs/shape.hpp"
#include "loaders/schema_load.hpp"

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

namespace pgadvise::loaders {

namespace {

// One pg_stat_statements row, whatever the export format.
struct PgssRow {
  std::string query;
  std::optional<double> calls;
  std::optional<double> total_ms;
  std::optional<double> mean_ms;
  std::optional<double> max_ms;
  std::optional<double> rows;
  int line = 0;
};

std::optional<double> number(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  try {
    std::size_t used = 0;
    const double value = std::stod(std::string(text), &used);
    return used > 0 && std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
}

// calls and rows are bigint counters: a negative value, or one past what a
// bigint holds, is not one (and would not convert to an integer).
std::optional<std::uint64_t> counter(std::optional<double> value) {
  if (!value || !std::isfinite(*value) || *value < 0 || *value >= 9.2e18) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(*value);
}

std::optional<double> json_number(const nlohmann::json& row, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    const auto it = row.find(key);
    if (it == row.end()) {
      continue;
    }
    if (it->is_number()) {
      const auto value = it->get<double>();
      return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
    }
    if (it->is_string()) {
      return number(it->get<std::string>());
    }
  }
  return std::nullopt;
}

void add_row(const PgssRow& row, ShapeRegistry& registry, const std::string& label,
             model::Workload& workload) {
  if (row.query.empty()) {
    return;
  }
  std::string stripped;
  const ShapeKey key = shape_key(row.query, &stripped);
  const QueryInfo* info = registry.resolve(key.key, row.query, stripped);
  bool created = false;
  model::QueryStats& stats = workload.upsert(info->fingerprint, &created);
  if (created) {
    stats.normalized = info->normalized;
    stats.shape = info->shape;
    stats.parsed = info->parsed;
    stats.example = sanitized_copy(row.query, model::Workload::k_max_example_bytes);
    stats.first_seen = core::SourceLocation{label, row.line, 0};
  }
  if (!info->parsed) {
    workload.warnings.push_back({model::ReaderWarning::Kind::unparsed_statement,
                                 "query does not parse: " + info->error,
                                 core::SourceLocation{label, row.line, 0}});
  }
  const std::uint64_t calls = counter(row.calls).value_or(0);
  stats.calls += calls;
  stats.timed_calls += calls;
  workload.statements += calls;
  const double total = row.total_ms.value_or(row.mean_ms.value_or(0) * static_cast<double>(calls));
  stats.total_ms += total;
  stats.max_ms = std::max(stats.max_ms, row.max_ms.value_or(0));
  if (stats.timed_calls > 0) {
    stats.pgss_mean_ms = stats.total_ms / static_cast<double>(stats.timed_calls);
  }
  if (const auto rows = counter(row.rows)) {
    stats.rows = stats.rows.value_or(0) + *rows;
  }
  workload.has_durations = workload.has_durations || row.total_ms.has_value() || row.mean_ms.has_value();
}

bool read_json(std::string_view text, std::vector<PgssRow>& rows) {
  auto add = [&](const nlohmann::json& row, int line) {
    if (!row.is_object() || !row.contains("query") || !row["query"].is_string()) {
      return;
    }
    PgssRow out;
    out.query = row["query"].get<std::string>();
    out.calls = json_number(row, {"calls"});
    out.total_ms = json_number(row, {"total_exec_time", "total_time"});
    out.mean_ms = json_number(row, {"mean_exec_time", "mean_time"});
    out.max_ms = json_number(row, {"max_exec_time", "max_time"});
    out.rows = json_number(row, {"rows"});
    out.line = line;
    rows.push_back(std::move(out));
  };
  const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_discarded()) {
    if (doc.is_array()) {
      for (const auto& row : doc) {
        add(row, 0);
      }
    } else {
      add(doc, 1);
    }
    return true;
  }
  // JSON lines
  std::size_t pos = 0;
  int line = 0;
  bool any = false;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find('\n', pos), text.size());
    ++line;
    const nlohmann::json row = nlohmann::json::parse(text.substr(pos, end - pos), nullptr, false);
    pos = end + 1;
    if (!row.is_discarded()) {
      add(row, line);
      any = true;
    }
  }
  return any;
}

bool read_csv(std::string_view text, std::vector<PgssRow>& rows, std::string& error) {
  std::vector<CsvField> fields;
  std::uint32_t newlines = 0;
  std::size_t pos = split_csv_record(text, 0, fields, newlines);
  std::map<std::string, std::size_t> column;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    column[std::string(fields[i].text)] = i;
  }
  auto index = [&](std::initializer_list<const char*> names) -> std::optional<std::size_t> {
    for (const char* name : names) {
      if (const auto it = column.find(name); it != column.end()) {
        return it->second;
      }
    }
    return std::nullopt;
  };
  const auto query = index({"query"});
  if (!query) {
    error = "no 'query' column in the CSV header (export with `csv header`)";
    return false;
  }
  const auto calls = index({"calls"});
  const auto total = index({"total_exec_time", "total_time"});
  const auto mean = index({"mean_exec_time", "mean_time"});
  const auto max = index({"max_exec_time", "max_time"});
  const auto nrows = index({"rows"});
  int line = static_cast<int>(newlines) + 1;
  auto get = [&](const std::optional<std::size_t>& i) -> std::optional<double> {
    return i && *i < fields.size() ? number(fields[*i].text) : std::nullopt;
  };
  while (pos < text.size()) {
    const int record_line = line;
    pos = split_csv_record(text, pos, fields, newlines);
    line += static_cast<int>(std::max<std::uint32_t>(newlines, 1));
    if (*query >= fields.size()) {
      continue;
    }
    PgssRow row;
    row.query =
        fields[*query].needs_unquote ? unquote_csv(fields[*query].text) : std::string(fields[*query].text);
    row.calls = get(calls);
    row.total_ms = get(total);
    row.mean_ms = get(mean);
    row.max_ms = get(max);
    row.rows = get(nrows);
    row.line = record_line;
    rows.push_back(std::move(row));
  }
  return true;
}

} // namespace

LogReadResult read_pgss_text(std::string_view text, const std::string& label) {
  LogReadResult result;
  model::Workload& workload = result.workload;
  std::vector<PgssRow> rows;
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  std::string error;
  const bool json = first != std::string_view::npos && (text[first] == '[' || text[first] == '{');
  const bool ok = json ? read_json(text, rows) : read_csv(text, rows, error);
  if (!ok) {
    workload.warnings.push_back({model::ReaderWarning::Kind::no_statements, json ? "not valid JSON" : error,
                                 core::SourceLocation{label, 1, 0}});
  }
  ShapeRegistry registry;
  for (const PgssRow& row : rows) {
    add_row(row, registry, label, workload);
  }
  if (ok && workload.queries.empty()) {
    workload.warnings.push_back({model::ReaderWarning::Kind::no_statements,
                                 "no pg_stat_statements rows with a query were found",
                                 core::SourceLocation{label, 1, 0}});
  }
  workload.ordered = false;
  workload.bytes = text.size();
  workload.sources.push_back({json ? "pg_stat_statements JSON" : "pg_stat_statements CSV", label,
                              model::WorkloadSourceKind::pg_stat_statements});
  result.usable = !workload.queries.empty();
  append_diagnostics(workload, result.diagnostics);
  result.notes.push_back("read " + label + ": " + std::to_string(workload.queries.size()) +
                         " pg_stat_statements entries");
  return result;
}

LogReadResult read_pgss(const std::string& path) {
  const std::string label = input_display_name(path);
  auto input = LogInput::open(path);
  if (!input) {
    LogReadResult result;
    result.workload.warnings.push_back(
        {model::ReaderWarning::Kind::unreadable, input.error().message, core::SourceLocation{label, 0, 0}});
    append_diagnostics(result.workload, result.diagnostics);
    return result;
  }
  std::string all;
  std::string block;
  (*input)->set_format(LogFormat::jsonlog); // plain newline blocks
  while ((*input)->next(block)) {
    all += block;
  }
  return read_pgss_text(all, label);
}

} // namespace pgadvise::loaders
