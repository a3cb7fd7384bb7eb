#include "rules/support/index_predicate.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::rules {

std::vector<std::string> predicate_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t at = 0;
  while (at < text.size()) {
    const char c = text[at];
    if (c == '"') {
      const std::size_t close = text.find('"', at + 1);
      words.emplace_back(text.substr(at + 1, close == std::string_view::npos ? close : close - at - 1));
      at = close == std::string_view::npos ? text.size() : close + 1;
    } else if (std::isspace(static_cast<unsigned char>(c)) != 0 || c == '(' || c == ')') {
      ++at;
    } else {
      std::size_t end = at;
      while (end < text.size() && std::isspace(static_cast<unsigned char>(text[end])) == 0 &&
             text[end] != '(' && text[end] != ')' && text[end] != '"') {
        ++end;
      }
      words.push_back(core::to_lower(text.substr(at, end - at)));
      at = end;
    }
  }
  return words;
}

bool only_not_null_of(const std::string& predicate, const std::vector<std::string>& columns) {
  const std::vector<std::string> words = predicate_words(predicate);
  if (words.empty()) {
    return false;
  }
  for (std::size_t i = 0; i < words.size(); i += 5) {
    const bool clause = i + 3 < words.size() && words[i + 1] == "is" && words[i + 2] == "not" &&
                        words[i + 3] == "null" &&
                        (i + 4 == words.size() || (words[i + 4] == "and" && i + 5 < words.size()));
    if (!clause || std::find(columns.begin(), columns.end(), words[i]) == columns.end()) {
      return false;
    }
  }
  return true;
}

} // namespace pgadvise::rules
