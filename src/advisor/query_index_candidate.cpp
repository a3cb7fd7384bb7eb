#include "advisor/query_index_candidate.hpp"

#include "advisor/partitions.hpp"
#include "advisor/query_evidence.hpp"

#include <algorithm>

namespace pgadvise::advisor {

namespace {

using model::ColumnUse;

void add_unique(std::vector<std::string>& list, const std::string& column) {
  if (std::find(list.begin(), list.end(), column) == list.end()) {
    list.push_back(column);
  }
}

bool plain_btree(const model::Index& index) {
  return index.valid && !index.is_partial() && index.method == "btree" && !index.keys.empty() &&
         !index.keys.front().column.empty();
}

// The usable index whose first key is one of `columns`, if any.
const model::Index* leading_index(const std::vector<const model::Index*>& indexes,
                                  const std::vector<std::string>& columns) {
  for (const model::Index* index : indexes) {
    if (plain_btree(*index) &&
        std::find(columns.begin(), columns.end(), index->keys.front().column) != columns.end()) {
      return index;
    }
  }
  return nullptr;
}

struct Uses {
  std::vector<std::string> equality; // WHERE =, IN / = ANY, IS NULL
  std::vector<std::string> join;     // JOIN ... ON keys
  std::vector<std::string> range;
  std::vector<std::string> order_by;
};

void classify(const model::ColumnUsage& usage, Uses& uses) {
  switch (usage.use) {
  case ColumnUse::equality:
  case ColumnUse::in_list:
  case ColumnUse::is_null: add_unique(uses.equality, usage.column); break;
  case ColumnUse::join: add_unique(uses.join, usage.column); break;
  case ColumnUse::range: add_unique(uses.range, usage.column); break;
  case ColumnUse::order_by: add_unique(uses.order_by, usage.column); break;
  case ColumnUse::like:
  case ColumnUse::json_cast:
  case ColumnUse::json_operator: break;
  }
}

// Join keys count only for a table the statement does not filter itself:
// a filtered table is read through its filter (the join key of, say, a
// composite primary key does not help `WHERE m.user_id = $1`), while an
// unfiltered one is the inner side of the join and needs its join key.
Uses effective(Uses uses) {
  if (uses.equality.empty() && uses.range.empty()) {
    uses.equality = uses.join;
  }
  uses.join.clear();
  return uses;
}

QueryIndexCandidate build(const model::Catalog& catalog, const model::Table& table, const Uses& all_uses,
                          bool has_limit) {
  const Uses uses = effective(all_uses);
  QueryIndexCandidate candidate;
  candidate.table = &table;
  candidate.equality = uses.equality;
  candidate.columns = uses.equality;
  for (const std::string& column : uses.range) {
    if (std::find(candidate.columns.begin(), candidate.columns.end(), column) == candidate.columns.end()) {
      candidate.range = column;
      candidate.columns.push_back(column);
      break;
    }
  }
  if (has_limit) {
    for (const std::string& column : uses.order_by) {
      if (std::find(candidate.columns.begin(), candidate.columns.end(), column) == candidate.columns.end()) {
        candidate.order_by.push_back(column);
        candidate.columns.push_back(column);
      }
    }
  }
  std::vector<std::string> filters = uses.equality;
  filters.insert(filters.end(), uses.range.begin(), uses.range.end());
  if (filters.empty() && !uses.order_by.empty()) {
    filters.push_back(uses.order_by.front());
  }
  if (const model::Index* index = leading_index(usable_indexes(catalog, table), filters); index != nullptr) {
    candidate.covered = true;
    candidate.covered_by = index->name;
  }
  return candidate;
}

} // namespace

std::vector<const model::Index*> usable_indexes(const model::Catalog& catalog, const model::Table& table) {
  std::vector<const model::Index*> out;
  const model::Table* current = &table;
  for (int depth = 0; current != nullptr && depth < 32; ++depth) { // bounded: a bad catalog may loop
    for (const model::Index& index : current->indexes) {
      out.push_back(&index);
    }
    current = partition_parent(catalog, *current);
  }
  return out;
}

std::vector<QueryIndexCandidate> query_index_candidates(const model::QueryStats& query,
                                                        const model::Catalog& catalog) {
  std::vector<QueryIndexCandidate> out;
  if (!query.parsed) {
    return out;
  }
  const model::QueryShape& shape = query.shape;
  for (const model::TableUse& use : shape.tables) {
    const model::Table* table = find_table(&catalog, use.schema, use.name);
    if (table == nullptr) {
      continue;
    }
    Uses uses;
    for (const model::ColumnUsage& usage : shape.columns) {
      const bool same_table =
          usage.table == use.name && (usage.schema.empty() || usage.schema == table->schema);
      if (same_table && table->find_column(usage.column) != nullptr) {
        classify(usage, uses);
      }
    }
    const bool sorted_limit = shape.has_limit && !uses.order_by.empty();
    if (uses.equality.empty() && uses.join.empty() && uses.range.empty() && !sorted_limit) {
      continue;
    }
    out.push_back(build(catalog, *table, uses, shape.has_limit));
  }
  return out;
}

} // namespace pgadvise::advisor
