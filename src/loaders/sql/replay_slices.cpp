#include "loaders/sql/replay_slices.hpp"

#include <array>
#include <string_view>

namespace pgadvise::loaders::replay {

namespace {

// Key words that end a DEFAULT expression inside a column definition.
constexpr std::array<std::string_view, 12> k_stop_words = {
    "constraint", "null",      "primary", "unique",     "references", "check",
    "default",    "generated", "collate", "deferrable", "initially",  "not"};

bool stops_expression(const SqlTokens& tokens, std::size_t index, std::size_t first) {
  if (index == first) {
    return false;
  }
  for (std::string_view word : k_stop_words) {
    if (!tokens.is_word(index, word)) {
      continue;
    }
    const bool after_is_or_not = tokens.is_word(index - 1, "is") || tokens.is_word(index - 1, "not");
    if (word == "not") {
      return tokens.is_word(index + 1, "null") && !tokens.is_word(index - 1, "is");
    }
    if (word == "null") {
      return !after_is_or_not;
    }
    return true;
  }
  return false;
}

} // namespace

std::string expression_text(const SqlTokens& tokens, std::size_t first) {
  const std::size_t count = tokens.tokens().size();
  int depth = 0;
  std::size_t index = first;
  for (; index < count; ++index) {
    if (tokens.is_punct(index, '(') || tokens.is_punct(index, '[')) {
      ++depth;
      continue;
    }
    if (tokens.is_punct(index, ')') || tokens.is_punct(index, ']')) {
      if (depth == 0) {
        break;
      }
      --depth;
      continue;
    }
    if (depth == 0 && (tokens.is_punct(index, ',') || tokens.is_punct(index, ';') ||
                       stops_expression(tokens, index, first))) {
      break;
    }
  }
  if (index == first || first >= count) {
    return {};
  }
  return tokens.squeeze(first, index - 1);
}

std::string default_after_keyword(const SqlTokens& tokens, std::size_t keyword_location) {
  auto index = tokens.first_at_or_after(keyword_location);
  while (index && *index < tokens.tokens().size() && !tokens.is_word(*index, "default")) {
    ++*index;
  }
  if (!index || *index >= tokens.tokens().size()) {
    return {};
  }
  return expression_text(tokens, *index + 1);
}

std::string expression_at(const SqlTokens& tokens, std::size_t start_location) {
  auto index = tokens.first_at_or_after(start_location);
  if (!index) {
    return {};
  }
  std::size_t first = *index;
  while (first > 0 && tokens.is_punct(first - 1, '(')) {
    --first;
  }
  return expression_text(tokens, first);
}

std::optional<std::string> parenthesized_after(const SqlTokens& tokens, std::size_t location) {
  auto index = tokens.first_at_or_after(location);
  while (index && *index < tokens.tokens().size() && !tokens.is_punct(*index, '(')) {
    ++*index;
  }
  if (!index || *index >= tokens.tokens().size()) {
    return std::nullopt;
  }
  const auto close = tokens.matching_paren(*index);
  if (!close || *close == *index + 1) {
    return std::nullopt;
  }
  return squeeze_unwrapped(tokens, *index + 1, *close - 1);
}

} // namespace pgadvise::loaders::replay
