#include "advisor/default_literal.hpp"

#include "core/text.hpp"

#include <nlohmann/json.hpp>

namespace pgadvise::advisor {

namespace {

// Parses a quoted literal starting at text[0] == '\''. Returns the value and
// sets `rest` to what follows the closing quote; nullopt when unterminated.
std::optional<std::string> read_literal(std::string_view text, bool escapes, std::string_view& rest) {
  std::string value;
  for (std::size_t i = 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        value += '\'';
        ++i;
        continue;
      }
      rest = text.substr(i + 1);
      return value;
    }
    if (escapes && c == '\\' && i + 1 < text.size()) {
      const char next = text[++i];
      switch (next) {
      case 'n': value += '\n'; break;
      case 't': value += '\t'; break;
      case 'r': value += '\r'; break;
      default: value += next; // \\ \' \" and the rest stand for themselves here
      }
      continue;
    }
    value += c;
  }
  return std::nullopt;
}

// What may follow the literal: casts (`::text`, `::character varying(20)`)
// and closing parentheses, nothing that computes.
bool only_casts(std::string_view rest) {
  rest = core::trim(rest);
  while (!rest.empty()) {
    if (rest.front() == ')') {
      rest = core::trim(rest.substr(1));
      continue;
    }
    if (rest.substr(0, 2) != "::") {
      return false;
    }
    rest = rest.substr(2);
    std::size_t end = 0;
    int depth = 0;
    while (end < rest.size()) {
      const char c = rest[end];
      if (c == '(') {
        ++depth;
      } else if (c == ')') {
        if (depth == 0) {
          break;
        }
        --depth;
      } else if (c == ':' || c == '\'' || c == '|' || c == '+' || c == ',') {
        break;
      }
      ++end;
    }
    if (end == 0) {
      return false;
    }
    rest = core::trim(rest.substr(end));
  }
  return true;
}

} // namespace

std::optional<std::string> default_string_literal(std::string_view default_expr) {
  std::string_view text = core::trim(default_expr);
  while (!text.empty() && text.front() == '(') {
    text = core::trim(text.substr(1)); // closing parens are checked by only_casts
  }
  bool escapes = false;
  if (!text.empty() && (text.front() == 'E' || text.front() == 'e') && text.size() > 1 && text[1] == '\'') {
    escapes = true;
    text = text.substr(1);
  }
  if (text.empty() || text.front() != '\'') {
    return std::nullopt;
  }
  std::string_view rest;
  auto value = read_literal(text, escapes, rest);
  if (!value || !only_casts(rest)) {
    return std::nullopt;
  }
  return value;
}

bool is_json_container(std::string_view text) {
  const std::string_view body = core::trim(text);
  if (body.empty() || (body.front() != '{' && body.front() != '[')) {
    return false; // also keeps "{a,b}" array literals and scalars out cheaply
  }
  const auto parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  return !parsed.is_discarded() && (parsed.is_object() || parsed.is_array());
}

} // namespace pgadvise::advisor
