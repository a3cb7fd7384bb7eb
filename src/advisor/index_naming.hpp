#pragma once

#include "model/catalog.hpp"

#include <string>
#include <string_view>
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

} // namespace pgadvise::advisor
