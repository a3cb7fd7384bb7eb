#include "core/redact.hpp"

#include <cstddef>

namespace pgadvise::core {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

bool is_email_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '.' || c == '_' ||
         c == '-' || c == '+' || c == '%';
}

// The end of a digit run starting at `at` that may use single spaces or
// dashes between groups, and how many digits it holds.
std::size_t digit_run_end(std::string_view text, std::size_t at, std::size_t& digits) {
  digits = 0;
  std::size_t end = at;
  std::size_t pos = at;
  while (pos < text.size()) {
    if (is_digit(text[pos])) {
      ++digits;
      end = ++pos;
    } else if ((text[pos] == ' ' || text[pos] == '-') && pos + 1 < text.size() && is_digit(text[pos + 1])) {
      ++pos;
    } else {
      break;
    }
  }
  return end;
}

// [start, end) of an e-mail address whose '@' is at `at`, or start == end.
std::pair<std::size_t, std::size_t> email_around(std::string_view text, std::size_t at) {
  std::size_t start = at;
  while (start > 0 && is_email_char(text[start - 1])) {
    --start;
  }
  std::size_t end = at + 1;
  bool dot = false;
  while (end < text.size() && is_email_char(text[end])) {
    dot = dot || (text[end] == '.' && end + 1 < text.size() && is_email_char(text[end + 1]));
    ++end;
  }
  if (start == at || end == at + 1 || !dot) {
    return {at, at};
  }
  return {start, end};
}

std::string redact_emails(std::string_view text) {
  std::string out;
  std::size_t copied = 0;
  for (std::size_t at = text.find('@'); at != std::string_view::npos; at = text.find('@', at + 1)) {
    const auto [start, end] = email_around(text, at);
    if (start == end || start < copied) {
      continue;
    }
    out.append(text.substr(copied, start - copied));
    out += "<email>";
    copied = end;
    at = end - 1;
  }
  out.append(text.substr(copied));
  return out;
}

} // namespace

std::string redact_excerpt(std::string_view line) {
  std::string out;
  std::size_t at = 0;
  while (at < line.size()) {
    const char c = line[at];
    if (c == '\'') {
      const std::size_t close = line.find('\'', at + 1);
      out += "'?'";
      at = close == std::string_view::npos ? line.size() : close + 1;
      continue;
    }
    if (is_digit(c) && (at == 0 || !is_digit(line[at - 1]))) {
      std::size_t digits = 0;
      const std::size_t end = digit_run_end(line, at, digits);
      if (digits >= 12) {
        out += '?';
        at = end;
        continue;
      }
    }
    out += c;
    ++at;
  }
  return redact_emails(out);
}

} // namespace pgadvise::core
