#include "core/text.hpp"

#include <algorithm>
#include <array>
#include <cctype>

namespace pgadvise::core {

namespace {

// PostgreSQL's reserved key words (Appendix C, "reserved" and "reserved (can
// be function or type)"): an identifier spelled like one must be quoted.
constexpr std::array<std::string_view, 101> k_reserved = {"all",
                                                          "analyse",
                                                          "analyze",
                                                          "and",
                                                          "any",
                                                          "array",
                                                          "as",
                                                          "asc",
                                                          "asymmetric",
                                                          "authorization",
                                                          "binary",
                                                          "both",
                                                          "case",
                                                          "cast",
                                                          "check",
                                                          "collate",
                                                          "collation",
                                                          "column",
                                                          "concurrently",
                                                          "constraint",
                                                          "create",
                                                          "cross",
                                                          "current_catalog",
                                                          "current_date",
                                                          "current_role",
                                                          "current_schema",
                                                          "current_time",
                                                          "current_timestamp",
                                                          "current_user",
                                                          "default",
                                                          "deferrable",
                                                          "desc",
                                                          "distinct",
                                                          "do",
                                                          "else",
                                                          "end",
                                                          "except",
                                                          "false",
                                                          "fetch",
                                                          "for",
                                                          "foreign",
                                                          "freeze",
                                                          "from",
                                                          "full",
                                                          "grant",
                                                          "group",
                                                          "having",
                                                          "ilike",
                                                          "in",
                                                          "initially",
                                                          "inner",
                                                          "intersect",
                                                          "into",
                                                          "is",
                                                          "isnull",
                                                          "join",
                                                          "lateral",
                                                          "leading",
                                                          "left",
                                                          "like",
                                                          "limit",
                                                          "localtime",
                                                          "localtimestamp",
                                                          "natural",
                                                          "not",
                                                          "notnull",
                                                          "null",
                                                          "offset",
                                                          "on",
                                                          "only",
                                                          "or",
                                                          "order",
                                                          "outer",
                                                          "overlaps",
                                                          "placing",
                                                          "primary",
                                                          "references",
                                                          "returning",
                                                          "right",
                                                          "select",
                                                          "session_user",
                                                          "similar",
                                                          "some",
                                                          "symmetric",
                                                          "system_user",
                                                          "table",
                                                          "tablesample",
                                                          "then",
                                                          "to",
                                                          "trailing",
                                                          "true",
                                                          "union",
                                                          "unique",
                                                          "user",
                                                          "using",
                                                          "variadic",
                                                          "verbose",
                                                          "when",
                                                          "where",
                                                          "window",
                                                          "with"};

bool is_reserved(std::string_view word) {
  return std::find(k_reserved.begin(), k_reserved.end(), word) != k_reserved.end();
}

// `text` between two `quote` characters, doubling the ones inside (SQL's
// escape for both identifiers and literals).
std::string enclosed(std::string_view text, char quote) {
  std::string out(1, quote);
  for (char c : text) {
    out += c;
    if (c == quote) {
      out += quote;
    }
  }
  out += quote;
  return out;
}

} // namespace

std::string to_lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view text) {
  const auto not_space = [](unsigned char c) { return std::isspace(c) == 0; };
  auto begin = std::find_if(text.begin(), text.end(), not_space);
  auto end = std::find_if(text.rbegin(), text.rend(), not_space).base();
  if (begin >= end) {
    return {};
  }
  return text.substr(static_cast<std::size_t>(begin - text.begin()), static_cast<std::size_t>(end - begin));
}

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::vector<std::string> split(std::string_view text, char separator) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = text.find(separator, start);
    parts.emplace_back(text.substr(start, pos == std::string_view::npos ? pos : pos - start));
    if (pos == std::string_view::npos) {
      return parts;
    }
    start = pos + 1;
  }
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) {
      out += separator;
    }
    out += parts[i];
  }
  return out;
}

std::string quote_ident(std::string_view ident) {
  bool safe = !ident.empty() && (std::islower(static_cast<unsigned char>(ident[0])) != 0 || ident[0] == '_');
  for (char c : ident) {
    const auto u = static_cast<unsigned char>(c);
    if (!(std::islower(u) != 0 || std::isdigit(u) != 0 || c == '_')) {
      safe = false;
    }
  }
  if (safe && !is_reserved(ident)) {
    return std::string(ident);
  }
  return enclosed(ident, '"');
}

std::string qualified_name(std::string_view schema, std::string_view name) {
  if (schema.empty() || schema == "public") {
    return quote_ident(name);
  }
  return quote_ident(schema) + "." + quote_ident(name);
}

std::string quote_literal(std::string_view text) {
  return enclosed(text, '\'');
}

std::string truncate_identifier(std::string_view ident, std::size_t max_bytes) {
  if (ident.size() <= max_bytes) {
    return std::string(ident);
  }
  std::size_t cut = max_bytes;
  // Step back over UTF-8 continuation bytes so a character is never split.
  while (cut > 0 && (static_cast<unsigned char>(ident[cut]) & 0xC0U) == 0x80U) {
    --cut;
  }
  return std::string(ident.substr(0, cut));
}

std::string plural(std::size_t count, std::string_view noun) {
  std::string out = std::to_string(count) + " ";
  out += noun;
  if (count != 1) {
    out += 's';
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

std::string snake_to_camel(std::string_view text) {
  std::string out;
  bool upper_next = false;
  for (char c : text) {
    if (c == '_') {
      upper_next = !out.empty();
      continue;
    }
    out += upper_next ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper_next = false;
  }
  return out;
}

std::vector<std::string> lower_words(std::string_view text) {
  std::vector<std::string> words;
  std::string word;
  for (char c : to_lower(text)) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      word += c;
    } else if (!word.empty()) {
      words.push_back(word);
      word.clear();
    }
  }
  if (!word.empty()) {
    words.push_back(word);
  }
  return words;
}

} // namespace pgadvise::core
