#include "loaders/schema_ts/key_style.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <string>
#include <tuple>

namespace pgadvise::loaders::drizzle_reader {

namespace {

using model::DrizzleKeyStyle;
using model::KeyColumn;

// What may stand around a key's words: a word that means "index" (`Idx`,
// `Index`, `_idx`, `idx_`) or `by`; never the rest of a word (`userIdx` is
// `user` + `Idx`, not `userId` + `x`) nor another column's (`CreatedIdx`).
bool fits(const DrizzleKeyStyle& style) {
  const auto index_word = [](std::string text, bool prefix) {
    for (char& c : text) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    if (!text.empty() && text.front() == '_' && !prefix) {
      text.erase(0, 1);
    }
    if (!text.empty() && text.back() == '_' && prefix) {
      text.pop_back();
    }
    return text.empty() || text == "idx" || text == "index" || text == "ix" || text == "key" ||
           (prefix && text == "by");
  };
  if (!index_word(style.prefix, true) || !index_word(style.suffix, false)) {
    return false;
  }
  if (style.suffix.empty()) {
    return true;
  }
  const char first = style.suffix.front();
  if (style.snake) {
    return first == '_' && (style.prefix.empty() || style.prefix.back() == '_');
  }
  return first == '_' || std::isupper(static_cast<unsigned char>(first)) != 0;
}

// The prefix and suffix around `words` (as the style with none renders
// them) that spell `key`, when they fit.
std::optional<DrizzleKeyStyle> around(DrizzleKeyStyle style, const std::vector<KeyColumn>& columns,
                                      const std::string& key) {
  const std::optional<std::string> bare = model::drizzle_key(style, columns, {});
  if (!bare) {
    return std::nullopt;
  }
  std::string inner = *bare;
  std::size_t at = key.rfind(inner, 0) == 0 ? 0 : std::string::npos;
  if (at == std::string::npos) {
    // After a prefix, a camelCase key's first word is capitalized (`byUserId`).
    if (!style.snake) {
      inner.front() = static_cast<char>(std::toupper(static_cast<unsigned char>(inner.front())));
    }
    at = key.find(inner, 1);
  }
  if (at == std::string::npos) {
    return std::nullopt;
  }
  style.prefix = key.substr(0, at);
  style.suffix = key.substr(at + inner.size());
  if (!fits(style) || model::drizzle_key(style, columns, {}) != key) {
    return std::nullopt;
  }
  return style;
}

// `prefix` is the table's name or variable (`escalationPolicies`, `users_`).
bool is_table_name(const model::Table& table, std::string prefix) {
  while (!prefix.empty() && prefix.back() == '_') {
    prefix.pop_back();
  }
  return prefix == table.name.str() || prefix == core::snake_to_camel(table.name.str()) ||
         (!table.property.empty() && prefix == table.property.str());
}

// The styles that spell `index`'s key, in order of preference.
std::vector<DrizzleKeyStyle> styles_of(const model::Table& table, const model::Index& index) {
  std::vector<DrizzleKeyStyle> out;
  const std::string key = index.property.str();
  std::vector<KeyColumn> columns;
  for (const model::IndexKey& part : index.keys) {
    if (!part.expression.empty() || part.column.empty()) {
      columns.clear();
      break;
    }
    const model::Column* column = table.find_column(part.column);
    columns.push_back({column != nullptr && !column->property().empty() ? std::string(column->property())
                                                                        : std::string(part.column),
                       std::string(part.column)});
  }
  for (const bool first : {false, true}) {
    for (const bool drop_id : {false, true}) {
      for (const bool snake : {false, true}) {
        if (columns.empty() || (first && columns.size() < 2)) {
          continue;
        }
        DrizzleKeyStyle style;
        style.first_column = first;
        style.drop_id = drop_id;
        style.snake = snake;
        auto found = around(style, columns, key);
        // A prefix that is the table's own name is the index name's habit
        // (camel_name below), not a word every key starts with.
        if (found && !found->prefix.empty() && is_table_name(table, found->prefix)) {
          found.reset();
        }
        if (found) {
          out.push_back(std::move(*found));
        }
      }
    }
  }
  if (key == index.name) {
    DrizzleKeyStyle named;
    named.index_name = true;
    out.push_back(named);
  }
  // The name in camelCase says more than the words only where it starts
  // with the table's (`servicesCreatedAtIdx` for services_created_at_idx).
  if (index.name.rfind(table.name.str() + "_", 0) == 0 && key == core::snake_to_camel(index.name)) {
    DrizzleKeyStyle named;
    named.camel_name = true;
    out.push_back(named);
  }
  return out;
}

} // namespace

std::optional<DrizzleKeyStyle> learn_key_style(const std::vector<const model::Table*>& tables) {
  // style -> votes, and the best preference rank it was seen at.
  std::vector<std::tuple<DrizzleKeyStyle, int, std::size_t>> tally;
  for (const model::Table* table : tables) {
    for (const model::Index& index : table->indexes) {
      if (index.kind != model::IndexKind::index || index.property.empty()) {
        continue; // `pk: primaryKey(...)`, `unq: unique()`: not what a new index is named after
      }
      const std::vector<DrizzleKeyStyle> styles = styles_of(*table, index);
      for (std::size_t rank = 0; rank < styles.size(); ++rank) {
        auto same = std::find_if(tally.begin(), tally.end(),
                                 [&](const auto& entry) { return std::get<0>(entry) == styles[rank]; });
        if (same == tally.end()) {
          tally.emplace_back(styles[rank], 1, rank);
        } else {
          ++std::get<1>(*same);
          std::get<2>(*same) = std::min(std::get<2>(*same), rank);
        }
      }
    }
  }
  const auto best = std::min_element(tally.begin(), tally.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(-std::get<1>(a), std::get<2>(a)) <
           std::make_tuple(-std::get<1>(b), std::get<2>(b));
  });
  if (best == tally.end()) {
    return std::nullopt;
  }
  return std::get<0>(*best);
}

} // namespace pgadvise::loaders::drizzle_reader
