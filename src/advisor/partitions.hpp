#pragma once

#include "model/catalog.hpp"

namespace pgadvise::advisor {

// The parent of a partition (Table::partition_of, "schema.table" or a bare
// name in the partition's schema), or null when it is not a partition or the
// catalog does not hold the parent.
const model::Table* partition_parent(const model::Catalog& catalog, const model::Table& table);

} // namespace pgadvise::advisor
