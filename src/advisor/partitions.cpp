#include "advisor/partitions.hpp"

namespace pgadvise::advisor {

const model::Table* partition_parent(const model::Catalog& catalog, const model::Table& table) {
  if (table.partition_of.empty()) {
    return nullptr;
  }
  // Split on the last dot outside quotes would be stricter; schema names
  // with dots are rare enough that the first dot does.
  if (const auto dot = table.partition_of.find('.'); dot != std::string::npos) {
    if (const model::Table* parent =
            catalog.find_table(table.partition_of.substr(0, dot), table.partition_of.substr(dot + 1))) {
      return parent;
    }
  }
  return catalog.find_table(table.schema, table.partition_of);
}

} // namespace pgadvise::advisor
