#include "advisor/batch_rewrite.hpp"

#include "core/text.hpp"
#include "pg/parser.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace pgadvise::advisor {

namespace {

// Block comments out (sqlcommenter tags): they name the request, not the
// batch. Quoted text is kept as it is.
std::string without_comments(const std::string& sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '\'' || c == '"') {
      quote = c;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string::npos ? sql.size() : end + 1;
      continue;
    }
    out.push_back(c);
  }
  std::string trimmed(core::trim(out));
  const bool semicolon = !trimmed.empty() && trimmed.back() == ';';
  while (!trimmed.empty() && (trimmed.back() == ' ' || trimmed.back() == ';')) {
    trimmed.pop_back();
  }
  return semicolon ? trimmed + ";" : trimmed;
}

bool same_tables(const model::QueryShape& a, const model::QueryShape& b) {
  return a.kind == b.kind && a.tables == b.tables;
}

} // namespace

std::string any_rewrite(const model::QueryShape& shape, const std::string& normalized) {
  static const std::regex k_eq(R"(([A-Za-z_][A-Za-z0-9_."]*)\s*=\s*\$([0-9]+))");
  static const std::regex k_limit(R"(\s+LIMIT\s+(1|\$[0-9]+)\s*(;?)\s*$)", std::regex::icase);
  if (shape.set_filter ||
      (shape.kind != model::StatementKind::select && shape.kind != model::StatementKind::update &&
       shape.kind != model::StatementKind::delete_)) {
    return {};
  }
  const std::string text = std::regex_replace(without_comments(normalized), k_limit, "$2");
  // The normalized text's own shape: its literals are parameters, so it says
  // which $n is compared with which column (the log's may have had values).
  bool parsed = false;
  const model::QueryShape original = pg::analyze_query_text(text, &parsed);
  if (!parsed) {
    return {};
  }
  std::vector<std::smatch> direct;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), k_eq); it != std::sregex_iterator(); ++it) {
    const std::smatch& match = *it;
    // $n must be the whole other side: `email = $1 || $2` compares an
    // expression, and `= ANY($1) || $2` would not mean the same.
    const std::size_t after = static_cast<std::size_t>(match.position(0) + match.length(0));
    const std::size_t next = text.find_first_not_of(" \t\n", after);
    const bool ends = next == std::string::npos || text[next] == ')' || text[next] == ';' ||
                      std::isalpha(static_cast<unsigned char>(text[next])) != 0;
    if (match[2].length() > 5) {
      continue; // not a parameter number libpg_query accepts
    }
    const int number = std::stoi(match[2].str());
    const auto target = original.param_columns.find(number);
    std::string column = match[1].str();
    column = column.substr(column.rfind('.') == std::string::npos ? 0 : column.rfind('.') + 1);
    if (column.size() >= 2 && column.front() == '"') {
      column = column.substr(1, column.size() - 2);
    }
    if (ends && target != original.param_columns.end() && target->second.column == column) {
      direct.push_back(match);
    }
  }
  if (direct.size() != 1) {
    return {};
  }
  const std::smatch& match = direct.front();
  std::string rewritten = text.substr(0, static_cast<std::size_t>(match.position(0))) + match[1].str() +
                          " = ANY($" + match[2].str() + ")" +
                          text.substr(static_cast<std::size_t>(match.position(0) + match.length(0)));
  const model::QueryShape batched = pg::analyze_query_text(rewritten, &parsed);
  if (!parsed || !pg::parse(rewritten).ok() || !batched.set_filter || !same_tables(original, batched)) {
    return {};
  }
  const auto target = batched.param_columns.find(std::stoi(match[2].str()));
  if (target == batched.param_columns.end() ||
      target->second.column != original.param_columns.at(std::stoi(match[2].str())).column) {
    return {};
  }
  return rewritten;
}

std::string unnest_rewrite(const std::string& normalized, const model::Table* table) {
  static const std::regex k_insert(
      R"(^\s*INSERT\s+INTO\s+([^\s(]+)\s*\(([^)]*)\)\s*VALUES\s*\(([^)]*)\)(.*)$)", std::regex::icase);
  std::smatch match;
  const std::string text = without_comments(normalized);
  if (table == nullptr || !std::regex_match(text, match, k_insert)) {
    return {};
  }
  const std::vector<std::string> columns = core::split(match[2].str(), ',');
  const std::vector<std::string> values = core::split(match[3].str(), ',');
  if (columns.empty() || columns.size() != values.size()) {
    return {};
  }
  std::vector<std::string> arrays;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    std::string column(core::trim(columns[i]));
    const std::string value(core::trim(values[i]));
    if (column.size() >= 2 && column.front() == '"' && column.back() == '"') {
      column = column.substr(1, column.size() - 2);
    }
    const model::Column* found = table->find_column(column);
    if (found == nullptr || found->type.is_array() || value.empty() || value.front() != '$') {
      return {};
    }
    arrays.push_back(value + "::" + found->type.display() + "[]");
  }
  std::string tail(core::trim(match[4].str()));
  std::string rewritten = "INSERT INTO " + match[1].str() + " (" + match[2].str() +
                          ") SELECT * FROM unnest(" + core::join(arrays, ", ") + ")" +
                          (tail.empty() || tail.front() == ';' ? std::string(";") : " " + tail);
  bool parsed = false;
  const model::QueryShape original = pg::analyze_query_text(text, &parsed);
  const model::QueryShape batched = pg::analyze_query_text(rewritten, &parsed);
  if (!parsed || !pg::parse(rewritten).ok() || !same_tables(original, batched)) {
    return {};
  }
  return rewritten;
}

} // namespace pgadvise::advisor
