#pragma once

#include "advisor/index_set_candidates.hpp"
#include "advisor/index_set_search.hpp"
#include "core/result.hpp"
#include "model/catalog.hpp"
#include "model/index_set.hpp"
#include "model/workload.hpp"
#include "pg/connection.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace pgadvise::advisor {

// The whole workload's index set against a live database with HypoPG:
// candidates from every query (index_set_candidates), what-if costs
// (what_if_hypopg), the search (index_set_search), and the set explained
// (model::IndexSet): priority order, each index's share of the saving, its
// size, the queries whose plans use it, the existing indexes it makes
// redundant, DDL and Drizzle lines.
//
// Weights: a query's planner cost counts as its logged time -- weight =
// total_ms / (planner cost with no new index), so the objective is
// estimated milliseconds of the workload -- when the workload has durations;
// a query without them counts calls x the workload's milliseconds per cost
// unit; a workload with no durations at all counts calls x planner cost.
//
// Writes: what maintaining each candidate costs the workload's writes
// (index_set_writes), in the same units. The set's indexes are written out
// by index_set_render.
struct IndexSetOptions {
  std::optional<std::int64_t> budget_bytes; // --budget SIZE
  std::optional<double> budget_share;       // --budget 0.5x: a share of the data size
  std::size_t max_indexes = 0;              // --max-indexes; 0: none
  std::chrono::milliseconds time_limit{30'000};
  std::size_t max_queries = 200; // costliest first (total time, then calls)
  double write_cost_per_entry = 1.0;
  CandidateOptions candidates; // candidates.drizzle: Drizzle lines, covering columns as keys
  SearchOptions search;        // budget, count and time limit are taken from above
};

// The problem as the search sees it, built once: the workload's statements
// made runnable, their weights, the candidates, the HypoPG cost source, the
// write model and the evaluator. The benchmark runs its baselines on the
// same evaluator, so every method is measured on the same what-if costs.
class IndexSetProblem {
public:
  // Fails (a value, never thrown) when HypoPG is not installed in the
  // database or no workload query could be planned. `connection` is the
  // run's read-only session; it must outlive the problem.
  static core::Result<std::unique_ptr<IndexSetProblem>> build(pg::Connection& connection,
                                                              const model::Catalog& catalog,
                                                              const model::Workload& workload,
                                                              const IndexSetOptions& options);
  IndexSetProblem(const IndexSetProblem&) = delete;
  IndexSetProblem& operator=(const IndexSetProblem&) = delete;
  IndexSetProblem(IndexSetProblem&&) = delete;
  IndexSetProblem& operator=(IndexSetProblem&&) = delete;
  ~IndexSetProblem();

  [[nodiscard]] Evaluator& evaluator();
  [[nodiscard]] CandidatePool& pool();
  // The search's options: budget (bytes or share of the data size), count
  // and time limits, width, from the IndexSetOptions given.
  [[nodiscard]] SearchOptions search_options() const;
  [[nodiscard]] const std::vector<const model::QueryStats*>& queries() const;
  [[nodiscard]] std::int64_t data_bytes() const;
  // `config` (pool ids) as the user sees it: priority order, shares, sizes,
  // served queries, redundant indexes, DDL and Drizzle lines.
  [[nodiscard]] model::IndexSet explain(const SearchResult& result);

private:
  IndexSetProblem();
  struct State;
  std::unique_ptr<State> m_state;
};

// build(), search_index_set(), explain(): the set for the workload.
core::Result<model::IndexSet> choose_index_set(pg::Connection& connection, const model::Catalog& catalog,
                                               const model::Workload& workload,
                                               const IndexSetOptions& options);

// The data size budgets are measured against: heap + TOAST of the catalog
// tables the workload's queries read or write (pg_table_size).
std::int64_t workload_data_bytes(const model::Catalog& catalog, const model::Workload& workload);

} // namespace pgadvise::advisor
