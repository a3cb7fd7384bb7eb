#include "advisor/drizzle_lines.hpp"

#include "advisor/drizzle_render.hpp"
#include "core/text.hpp"

#include <algorithm>

namespace pgadvise::advisor {

namespace {

bool taken(const model::Table& table, std::string_view key) {
  return std::any_of(table.indexes.begin(), table.indexes.end(),
                     [&](const model::Index& index) { return index.property.str() == key; });
}

// The name in camelCase without the table's in front (`environmentIdIdx`
// for `deployments_environment_id_idx`), or all of it.
std::string key_from_name(const model::Table& table, std::string_view name) {
  const std::string prefix = table.name.str() + "_";
  const bool prefixed = name.size() > prefix.size() && name.substr(0, prefix.size()) == prefix;
  return core::snake_to_camel(prefixed ? name.substr(prefix.size()) : name);
}

} // namespace

model::KeyColumn key_column(const model::Table& table, std::string_view column) {
  return {drizzle_property(table, column), std::string(column)};
}

std::string drizzle_entry_key(const model::Table& table, const std::vector<std::string>& columns,
                              std::string_view name) {
  std::vector<model::KeyColumn> words;
  words.reserve(columns.size());
  for (const std::string& column : columns) {
    words.push_back(key_column(table, column));
  }
  return drizzle_entry_key(table, words, name);
}

std::string drizzle_entry_key(const model::Table& table, const std::vector<model::KeyColumn>& words,
                              std::string_view name) {
  if (table.drizzle_key_style) {
    if (const auto key = model::drizzle_key(*table.drizzle_key_style, words, name);
        key && !taken(table, *key)) {
      return *key;
    }
  }
  std::string key = key_from_name(table, name);
  if (taken(table, key)) {
    key = core::snake_to_camel(name);
  }
  const std::string base = key;
  for (int n = 2; taken(table, key); ++n) {
    key = base + std::to_string(n);
  }
  return key;
}

} // namespace pgadvise::advisor
