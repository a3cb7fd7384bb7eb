#include "loaders/project/shell_words.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

bool is_separator_start(std::string_view text, std::size_t i) {
  const char c = text[i];
  return c == ';' || c == '&' || c == '|' || c == '\n' || c == '(' || c == ')';
}

// Reads a `$(...)` or backtick substitution whole, so its contents stay one opaque word.
std::size_t skip_substitution(std::string_view text, std::size_t i, std::string& word) {
  if (text[i] == '`') {
    const std::size_t end = text.find('`', i + 1);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
    word += text.substr(i, stop - i);
    return stop;
  }
  int depth = 0;
  std::size_t j = i + 1;
  for (; j < text.size(); ++j) {
    if (text[j] == '(') {
      ++depth;
    } else if (text[j] == ')' && --depth == 0) {
      ++j;
      break;
    }
  }
  word += text.substr(i, j - i);
  return j;
}

// Reads a '...' or "..." string at `i` into `word` (in double quotes, a
// backslash escapes only `"`, `\`, `$` and a backtick); returns the index after it.
std::size_t read_quoted(std::string_view text, std::size_t i, std::string& word) {
  const char quote = text[i];
  std::size_t j = i + 1;
  for (; j < text.size() && text[j] != quote; ++j) {
    if (quote == '"' && text[j] == '\\' && j + 1 < text.size()) {
      ++j;
      if (text[j] != '"' && text[j] != '\\' && text[j] != '$' && text[j] != '`') {
        word += '\\';
      }
    }
    word += text[j];
  }
  return std::min(j + 1, text.size());
}

} // namespace

std::vector<Segment> split_segments(std::string_view text) {
  std::vector<Segment> segments;
  Segment current;
  std::string word;
  bool in_word = false;
  bool have_begin = false;
  const auto finish_word = [&] {
    if (in_word) {
      current.words.push_back(word);
    }
    word.clear();
    in_word = false;
  };
  const auto finish_segment = [&](std::size_t end, std::string_view op) {
    finish_word();
    if (!current.words.empty() || op == ";;") {
      current.begin = current.words.empty() ? end : current.begin;
      current.end = end;
      current.op = std::string(op);
      segments.push_back(std::move(current));
    }
    current = Segment{};
    have_begin = false;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (!have_begin && c != ' ' && c != '\t' && !is_separator_start(text, i)) {
      current.begin = i;
      have_begin = true;
    }
    if (c == '\\' && i + 1 < text.size()) {
      if (text[i + 1] != '\n') {
        word += text[i + 1];
        in_word = true;
      }
      i += 2;
      continue;
    }
    if (c == '\'' || c == '"') {
      in_word = true;
      i = read_quoted(text, i, word);
      continue;
    }
    if ((c == '$' && i + 1 < text.size() && text[i + 1] == '(') || c == '`') {
      in_word = true;
      i = skip_substitution(text, i, word);
      continue;
    }
    if (c == '#' && !in_word) {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      finish_word();
      ++i;
      continue;
    }
    if (is_separator_start(text, i)) {
      const bool doubled = i + 1 < text.size() && text[i + 1] == c && (c == '&' || c == '|' || c == ';');
      const std::size_t length = doubled ? 2 : 1;
      finish_segment(i, text.substr(i, length));
      i += length;
      continue;
    }
    word += c;
    in_word = true;
    ++i;
  }
  finish_segment(text.size(), "");
  return segments;
}

} // namespace pgadvise::loaders
