#include "advisor/index_set_writes.hpp"

#include "advisor/query_evidence.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <cstdint>

namespace pgadvise::advisor {

namespace {

// Columns some existing index of `table` holds or tests: an UPDATE setting
// one of them is not HOT, and every index of the table gets a new entry.
bool sets_indexed_column(const model::Table& table, const std::vector<std::string>& updated) {
  for (const model::Index& index : table.indexes) {
    for (const std::string& column : updated) {
      for (const model::IndexKey& key : index.keys) {
        if (key.column == column ||
            (!key.expression.empty() && key.expression.find(column) != std::string::npos)) {
          return true;
        }
      }
      if (std::find(index.include.begin(), index.include.end(), column) != index.include.end() ||
          (!index.predicate.empty() && index.predicate.find(column) != std::string::npos)) {
        return true;
      }
    }
  }
  return false;
}

double table_rows(const model::Table& table) {
  return table.stats && table.stats->reltuples > 0 ? table.stats->reltuples : 1.0;
}

// Index entries a write statement adds to `candidate` per row it writes.
double entries_per_row(const Write& write, const SetCandidate& candidate) {
  switch (write.kind) {
  case model::StatementKind::insert: return 1;
  case model::StatementKind::update: {
    if (write.updated.empty() || sets_indexed_column(*write.table, write.updated)) {
      return 1; // not HOT anyway (or unknown): the new index gets an entry too
    }
    const std::vector<std::string> held = candidate.columns();
    const bool touches =
        std::any_of(write.updated.begin(), write.updated.end(), [&](const std::string& column) {
          return std::find(held.begin(), held.end(), column) != held.end();
        });
    // The new index makes a HOT update a normal one: every index of the
    // table, the new one and those there, gets an entry.
    return touches ? 1.0 + static_cast<double>(write.table->indexes.size()) : 0.0;
  }
  case model::StatementKind::delete_:
  case model::StatementKind::select:
  case model::StatementKind::other: return 0;
  }
  return 0;
}

} // namespace

std::vector<Write> workload_writes(const std::vector<const model::QueryStats*>& queries,
                                   const model::Catalog& catalog) {
  std::vector<Write> writes;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    const model::QueryStats& query = *queries[q];
    if (query.shape.kind != model::StatementKind::insert &&
        query.shape.kind != model::StatementKind::update &&
        query.shape.kind != model::StatementKind::delete_) {
      continue;
    }
    const pg::ColumnReads reads =
        pg::column_reads_text(query.example.empty() ? query.normalized : query.example);
    const model::Table* table = find_table(&catalog, reads.target_schema, reads.target_table);
    if (table == nullptr) {
      continue;
    }
    Write write;
    write.table = table;
    write.kind = query.shape.kind;
    write.updated = reads.updated;
    write.calls = static_cast<double>(std::max<std::uint64_t>(query.calls, 1));
    write.query = q;
    writes.push_back(std::move(write));
  }
  return writes;
}

double maintenance_cost(const std::vector<Write>& writes, const SetCandidate& candidate, double size_bytes,
                        double write_cost_per_entry) {
  const double bytes = size_bytes / table_rows(*candidate.table);
  const double per_entry = write_cost_per_entry * (0.5 + bytes / 32.0);
  double total = 0;
  for (const Write& write : writes) {
    if (write.table == candidate.table) {
      total += entries_per_row(write, candidate) * write.rows * write.calls * per_entry;
    }
  }
  return total;
}

} // namespace pgadvise::advisor
