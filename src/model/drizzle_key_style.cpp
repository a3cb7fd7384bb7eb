#include "model/drizzle_key_style.hpp"

#include "core/text.hpp"

#include <cctype>

namespace pgadvise::model {

namespace {

bool identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front())) != 0) {
    return false;
  }
  for (const char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c)) == 0 && c != '_' && c != '$') {
      return false;
    }
  }
  return true;
}

// A column's word: its SQL name or its property, without a trailing
// `_id`/`Id` when the style drops it (and something is left).
std::string word_of(const DrizzleKeyStyle& style, const KeyColumn& column) {
  // camelCase words from snake_case properties too (`river_slug` -> riverSlug).
  std::string word = style.snake ? column.name : core::snake_to_camel(column.property);
  if (style.drop_id) {
    for (const std::string_view id : {"Id", "_id", "ID"}) {
      if (word.size() > id.size() && word.ends_with(id)) {
        word.resize(word.size() - id.size());
        break;
      }
    }
  }
  return word;
}

} // namespace

std::optional<std::string> drizzle_key(const DrizzleKeyStyle& style, const std::vector<KeyColumn>& columns,
                                       std::string_view name) {
  if (style.index_name || style.camel_name) {
    const std::string key = style.camel_name ? core::snake_to_camel(name) : std::string(name);
    return identifier(key) ? std::optional<std::string>(key) : std::nullopt;
  }
  if (columns.empty()) {
    return std::nullopt;
  }
  std::string words;
  const std::size_t count = style.first_column ? 1 : columns.size();
  for (std::size_t i = 0; i < count; ++i) {
    std::string word = word_of(style, columns[i]);
    if (word.empty()) {
      return std::nullopt;
    }
    if (style.snake) {
      words += (i > 0 ? "_" : "") + word;
      continue;
    }
    // camelCase: each word after the first (or after a prefix) capitalized.
    if (i > 0 || !style.prefix.empty()) {
      word.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(word.front())));
    }
    words += word;
  }
  std::string key = style.prefix + words + style.suffix;
  return identifier(key) ? std::optional<std::string>(key) : std::nullopt;
}

} // namespace pgadvise::model
