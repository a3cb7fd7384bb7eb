#include "loaders/logs/sqlcommenter.hpp"

#include "core/text.hpp"
#include "loaders/logs/shape.hpp"

#include <algorithm>

namespace pgadvise::loaders {

std::string_view sqlcommenter_tags(std::string_view statement) {
  const std::size_t open = statement.find("/*");
  if (open == std::string_view::npos) {
    return {};
  }
  const std::size_t close = statement.find("*/", open + 2);
  if (close == std::string_view::npos) {
    return {};
  }
  const std::string_view comment = statement.substr(open + 2, close - open - 2);
  return comment.find("='") == std::string_view::npos ? std::string_view() : comment;
}

std::string without_sqlcommenter_comments(std::string_view sql) {
  std::string out;
  std::size_t from = 0;
  while (from < sql.size()) {
    const std::size_t open = sql.find("/*", from);
    const std::size_t close = open == std::string_view::npos ? open : sql.find("*/", open + 2);
    if (close == std::string_view::npos) {
      break;
    }
    if (sql.substr(open + 2, close - open - 2).find("='") == std::string_view::npos) {
      out.append(sql.substr(from, close + 2 - from));
    } else {
      std::string_view before = sql.substr(from, open - from);
      while (!before.empty() && (before.back() == ' ' || before.back() == '\n' || before.back() == '\t')) {
        before.remove_suffix(1);
      }
      out.append(before);
    }
    from = close + 2;
  }
  out.append(sql.substr(std::min(from, sql.size())));
  return out;
}

std::string_view sqlcommenter_value(std::string_view tags, std::string_view key) {
  std::size_t at = 0;
  while ((at = tags.find(key, at)) != std::string_view::npos) {
    const bool starts = at == 0 || tags[at - 1] == ',' || tags[at - 1] == ' ';
    const std::size_t quote = at + key.size() + 1;
    if (starts && quote < tags.size() && tags[at + key.size()] == '=' && tags[quote] == '\'') {
      const std::size_t end = tags.find('\'', quote + 1);
      return end == std::string_view::npos ? std::string_view() : tags.substr(quote + 1, end - quote - 1);
    }
    at += key.size();
  }
  return {};
}

std::string_view traceparent_trace_id(std::string_view traceparent) {
  // version "-" trace id "-" span id "-" flags; the version is two hex digits.
  const std::size_t first = traceparent.find('-');
  if (first == std::string_view::npos || first == 0) {
    return {};
  }
  const std::size_t second = traceparent.find('-', first + 1);
  if (second == std::string_view::npos || second == first + 1) {
    return {};
  }
  return traceparent.substr(first + 1, second - first - 1);
}

std::string sqlcommenter_decoded(std::string_view value) {
  using core::hex_value;
  std::string out;
  out.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '%' && i + 2 < value.size() && hex_value(value[i + 1]) >= 0 &&
        hex_value(value[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(value[i + 1]) * 16 + hex_value(value[i + 2])));
      i += 2;
    } else if (value[i] == '\\' && i + 1 < value.size() && value[i + 1] == '\'') {
      out.push_back('\'');
      ++i;
    } else {
      out.push_back(value[i]);
    }
  }
  return out;
}

model::Workload::CodePath sqlcommenter_code_path(std::string_view tags) {
  model::Workload::CodePath path;
  path.route = sanitized_copy(sqlcommenter_decoded(sqlcommenter_value(tags, "route")), 256);
  if (path.route.empty() && !sqlcommenter_value(tags, "controller").empty()) {
    path.route = sanitized_copy(sqlcommenter_decoded(sqlcommenter_value(tags, "controller")) + "#" +
                                    sqlcommenter_decoded(sqlcommenter_value(tags, "action")),
                                256);
  }
  path.file = sanitized_copy(sqlcommenter_decoded(sqlcommenter_value(tags, "file")), 256);
  return path;
}

} // namespace pgadvise::loaders
