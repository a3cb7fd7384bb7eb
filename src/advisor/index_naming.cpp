#include "advisor/index_naming.hpp"

#include "core/hash.hpp"
#include "core/text.hpp"

#include <algorithm>

namespace pgadvise::advisor {

namespace {

constexpr std::size_t k_max_identifier_bytes = 63;
constexpr std::size_t k_hash_digits = 8;

} // namespace

std::string index_name(std::string_view table, const std::vector<std::string>& columns,
                       std::string_view suffix) {
  std::string stem(table);
  for (const std::string& column : columns) {
    stem += "_" + column;
  }
  const std::string tail = suffix.empty() ? std::string{} : "_" + std::string(suffix);
  std::string full = stem + tail;
  if (full.size() <= k_max_identifier_bytes) {
    return full;
  }
  const std::string hash = core::to_hex(core::fnv1a64(full)).substr(0, k_hash_digits);
  const std::size_t room = k_max_identifier_bytes - tail.size() - hash.size() - 1;
  std::string cut = core::truncate_identifier(stem, room);
  while (!cut.empty() && cut.back() == '_') {
    cut.pop_back(); // "posts_author__1a2b" reads as a typo
  }
  return cut + "_" + hash + tail;
}

std::string unique_index_name(const model::Catalog& catalog, std::string_view schema, std::string_view table,
                              const std::vector<std::string>& columns, std::string_view suffix) {
  return unique_index_name(RelationNames(catalog), schema, table, columns, suffix);
}

RelationNames::RelationNames(const model::Catalog& catalog) {
  std::size_t count = 0;
  for (const model::Table& table : catalog.tables) {
    count += 1 + table.indexes.size();
  }
  m_names.reserve(count);
  for (const model::Table& table : catalog.tables) {
    m_names.emplace_back(table.schema.str(), table.name.str());
    for (const model::Index& index : table.indexes) {
      m_names.emplace_back(table.schema.str(), index.name);
    }
  }
  std::sort(m_names.begin(), m_names.end());
}

bool RelationNames::taken(std::string_view schema, std::string_view name) const {
  return std::binary_search(m_names.begin(), m_names.end(), std::pair(schema, name));
}

std::string unique_index_name(const RelationNames& names, std::string_view schema, std::string_view table,
                              const std::vector<std::string>& columns, std::string_view suffix) {
  std::string base = index_name(table, columns, suffix);
  if (!names.taken(schema, base)) {
    return base;
  }
  for (int n = 1;; ++n) {
    const std::string number = std::to_string(n);
    // Keep within 63 bytes: shorten the base, never the number.
    std::string candidate = core::truncate_identifier(base, k_max_identifier_bytes - number.size()) + number;
    if (!names.taken(schema, candidate)) {
      return candidate;
    }
  }
}

} // namespace pgadvise::advisor
