#pragma once

#include "loaders/schema_load.hpp"
#include "loaders/sql/migrations.hpp"
#include "model/catalog.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

// Shared helpers of the SQL replay tests.
namespace pgadvise::test {

inline std::filesystem::path sql_fixture(const std::string& relative) {
  return std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / "sql" / relative;
}

inline loaders::SchemaLoad replay(std::string_view sql, const std::string& label = "m.sql") {
  loaders::SchemaLoad load;
  loaders::replay_sql(sql, label, load);
  return load;
}

// 1-based line of the first line of `text` containing `needle` (0 if none).
inline int line_containing(std::string_view text, std::string_view needle) {
  const auto pos = text.find(needle);
  if (pos == std::string_view::npos) {
    return 0;
  }
  return static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(pos), '\n')) +
         1;
}

inline std::vector<std::string> rule_ids(const loaders::SchemaLoad& load) {
  std::vector<std::string> ids;
  for (const auto& finding : load.diagnostics) {
    ids.push_back(finding.rule);
  }
  return ids;
}

inline const model::ForeignKey* find_fk(const model::Table& table, std::string_view name) {
  auto it = std::find_if(table.foreign_keys.begin(), table.foreign_keys.end(),
                         [&](const model::ForeignKey& fk) { return fk.name == name; });
  return it == table.foreign_keys.end() ? nullptr : &*it;
}

inline std::vector<std::string> index_names(const model::Table& table) {
  std::vector<std::string> names;
  for (const auto& index : table.indexes) {
    names.push_back(index.name);
  }
  return names;
}

inline std::vector<std::string> column_names(const model::Table& table) {
  std::vector<std::string> names;
  for (const auto& column : table.columns) {
    names.push_back(column.name);
  }
  return names;
}

} // namespace pgadvise::test
