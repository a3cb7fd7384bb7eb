#pragma once

// The pieces of shape_key's lexer that ShapeTemplates reads a statement
// with too (shape.cpp, shape_templates.cpp): both must end a literal where
// the other does.

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace pgadvise::loaders::shape_scan {

// What ShapeKey::literals starts from, before its first literal.
inline constexpr std::uint64_t k_literals_seed = 0x6a09e667f3bcc908ULL;

// Letters, digits, '_', '$' and every byte of a multi-byte character: one
// table load per byte, since every logged statement's words are scanned.
inline constexpr std::array<bool, 256> k_ident_chars = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '$' || c >= 0x80;
  }
  return table;
}();

inline bool is_ident_char(unsigned char c) {
  return k_ident_chars[c];
}

inline bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

// Past the end of the number at `i` (digits, '.', '_', an exponent).
inline std::size_t number_end(const unsigned char* s, std::size_t n, std::size_t i) {
  while (i < n && (is_digit(s[i]) || s[i] == '.' || s[i] == '_')) {
    ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < n && (s[j] == '+' || s[j] == '-')) {
      ++j;
    }
    if (j < n && is_digit(s[j])) {
      i = j;
      while (i < n && is_digit(s[i])) {
        ++i;
      }
    }
  }
  return i;
}

// Past the end of the '...' string at `i`: E'..' strings (`escapes`) allow
// backslash escapes; '' doubles a quote in both.
inline std::size_t string_end(const unsigned char* s, std::size_t n, std::size_t i, bool escapes,
                              bool& non_ascii) {
  ++i;
  while (i < n) {
    if (escapes && s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == '\'') {
      if (i + 1 < n && s[i + 1] == '\'') {
        i += 2;
        continue;
      }
      break;
    }
    if (s[i] >= 0x80) {
      non_ascii = true;
    }
    ++i;
  }
  return std::min(n, i + 1);
}

// A LIMIT's or OFFSET's literal: its digits as a number (nullopt: not all
// digits, or too large).
inline std::optional<std::int64_t> parse_integer(std::string_view digits) {
  std::int64_t value = 0;
  for (char c : digits) {
    if (!is_digit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
    if (value > (INT64_MAX - 9) / 10) {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

} // namespace pgadvise::loaders::shape_scan
