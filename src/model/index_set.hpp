#pragma once

#include "model/live_analysis.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::model {

// The indexes chosen together for a whole workload (advisor/index_set_run):
// one set under a storage budget and a count limit, each index costed with
// the others present (HypoPG), writes priced. What `pgadvise advise` prints
// and what the live proposals of `lint --db` are when HypoPG is there.

// One served query: its weighted cost with no new index and with the set.
struct IndexSetQuery {
  std::uint64_t fingerprint = 0;
  std::string normalized; // safe to print
  double cost_before = 0; // planner cost of one execution, no new index
  double cost_after = 0;  // with the whole set
  double weight = 0;      // objective units per planner cost unit (calls, or ms per unit)
  [[nodiscard]] double saving() const { return (cost_before - cost_after) * weight; }
};

struct IndexSetEntry {
  // Name, DDL, Drizzle line, the queries it serves (fingerprints) and the
  // HypoPG costs of those queries before and with the set (method hypopg,
  // verified when the planner uses it).
  IndexProposal proposal;
  std::vector<std::string> include;   // INCLUDE columns (also in the DDL)
  std::int64_t size_bytes = 0;        // hypopg_relation_size
  double saving = 0;                  // what adding it saves after the entries before it (objective units)
  double share = 0;                   // saving / the set's total saving
  double write_cost = 0;              // its maintenance under the workload's writes (objective units)
  std::vector<IndexSetQuery> queries; // the queries whose plan uses it, costliest first
  std::vector<std::string> redundant; // existing indexes it makes redundant (a left prefix of it)
};

struct IndexSet {
  std::vector<IndexSetEntry> entries; // priority order: build the first ones first
  // Proposals no what-if cost exists for (GIN: HypoPG cannot simulate it),
  // kept as the per-finding advice proposed them, unverified.
  std::vector<IndexProposal> not_costed;
  std::string unit = "cost";   // "ms" (weighted by logged time) or "cost" (planner units x calls)
  double cost_none = 0;        // the workload's objective with no new index
  double cost_chosen = 0;      // with the set, its write cost included
  std::int64_t data_bytes = 0; // heap + TOAST of the workload's tables
  std::optional<std::int64_t> budget_bytes;
  std::size_t max_indexes = 0;       // 0: no count limit
  std::int64_t size_bytes = 0;       // of the entries together
  std::size_t queries = 0;           // workload queries costed
  std::vector<std::uint64_t> costed; // their fingerprints: a query not among them was not judged
  std::vector<std::string> tables;   // schema.table of every table with candidates: the ones judged
  std::size_t candidates = 0;        // indexes considered (grown ones included)
  std::size_t evaluations = 0;       // what-if plans made
  double seconds = 0;                // the search's own run time
  bool stopped_by_time_limit = false;
  std::vector<std::string> notes;
  // The notes that change how the proposals read (tables VACUUM has not
  // reached, so index-only scans were priced as heap reads; VACUUM or ANALYZE
  // changing them under the run): each is also in `notes`, and the text
  // report shows these in its header without --verbose.
  std::vector<std::string> caveats;

  [[nodiscard]] double relative_cost() const { return cost_none > 0 ? cost_chosen / cost_none : 1; }
};

} // namespace pgadvise::model
