#pragma once

#include "advisor/index_set_candidates.hpp"
#include "model/catalog.hpp"
#include "model/workload.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// The write side of the index set's objective: what maintaining a new
// index costs the workload's writes.
//
// Every INSERT, and every UPDATE that sets an indexed column (or one of the
// new index's columns, which makes it non-HOT), writes one entry per row
// into the index. A written entry costs
//   write_cost_per_entry x (0.5 + entry bytes / 32) planner units
// (entry bytes: the hypothetical index's size over the table's rows; about
// 1 unit for an integer key, the cost of fetching one index tuple and
// dirtying its page), times the statement's rows and calls. DELETE costs
// the index nothing now (VACUUM removes the entries later), as in
// pganalyze's model.

// One workload statement that writes rows into a table.
struct Write {
  const model::Table* table = nullptr;
  model::StatementKind kind = model::StatementKind::insert;
  std::vector<std::string> updated; // UPDATE ... SET columns
  double rows = 1;                  // rows written per call
  double calls = 0;
  std::size_t query = 0; // its position in the query list given
};

// The INSERT, UPDATE and DELETE statements of `queries` on catalog tables.
std::vector<Write> workload_writes(const std::vector<const model::QueryStats*>& queries,
                                   const model::Catalog& catalog);

// Planner cost units the writes spend maintaining `candidate`, whose
// estimated size is `size_bytes`.
double maintenance_cost(const std::vector<Write>& writes, const SetCandidate& candidate, double size_bytes,
                        double write_cost_per_entry);

} // namespace pgadvise::advisor
