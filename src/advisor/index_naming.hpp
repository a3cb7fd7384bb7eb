#pragma once

#include "model/catalog.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::advisor {

// PostgreSQL-style index name: `<table>_<col1>_<col2>_<suffix>`
// (posts_author_id_idx). Names longer than 63 bytes (NAMEDATALEN - 1) are cut
// on a UTF-8 boundary and get an 8-hex-digit hash of the full name before the
// suffix, so two long names that share a prefix stay distinct and the result
// is the same on every run.
std::string index_name(std::string_view table, const std::vector<std::string>& columns,
                       std::string_view suffix = "idx");

// index_name(), made unique among the relation names (tables and indexes) of
// `schema` in `catalog` by appending 1, 2, ... as PostgreSQL does. A proposed
// `CREATE INDEX IF NOT EXISTS` must not reuse a name held by another index:
// it would silently do nothing.
std::string unique_index_name(const model::Catalog& catalog, std::string_view schema, std::string_view table,
                              const std::vector<std::string>& columns, std::string_view suffix = "idx");

// The relation names (tables and indexes) of a catalog, gathered in one pass,
// for rules that name an index per finding: looking each name up in the
// catalog would cost a pass over every table per finding (quadratic on
// schemas of 10,000 tables). The names are views into `catalog`, which must
// outlive this and not change meanwhile: sorted views are 32 bytes a name in
// one block, where a hash set of copied strings took 13 MB of nodes for the
// 150,000 names of a 100,000-table schema, on top of the rule's findings.
class RelationNames {
public:
  explicit RelationNames(const model::Catalog& catalog);
  [[nodiscard]] bool taken(std::string_view schema, std::string_view name) const;

private:
  std::vector<std::pair<std::string_view, std::string_view>> m_names; // (schema, name), sorted
};

// unique_index_name() against names gathered beforehand.
std::string unique_index_name(const RelationNames& names, std::string_view schema, std::string_view table,
                              const std::vector<std::string>& columns, std::string_view suffix = "idx");

} // namespace pgadvise::advisor
