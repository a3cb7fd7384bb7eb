#pragma once

#include "advisor/index_set_candidates.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::advisor {

// The workload-level index search: one set of indexes for the whole
// workload, minimizing
//
//   objective(C) = sum over queries q of weight(q) x planner cost of q with C
//                + sum over indexes i in C of write_cost(i)
//
// under a storage budget (the indexes' estimated sizes together) and a count
// limit. The planner costs come from a CostSource (HypoPG on the user's
// server: what_if_hypopg), each query re-planned with exactly the indexes
// of C on its tables, cached by (query, those indexes) as in Kossmann et
// al.'s evaluation platform, so a step that changes one table re-plans
// only the queries that read it.
//
// The search (Kossmann et al., VLDB 2020, "Magic mirror in my hand":
// Extend, DB2Advis, AutoAdmin; Microsoft DTA's anytime loop):
//   1. seeds: Extend (Schlosser et al. 2019: add the single index, or append
//      one key to a chosen index, with the best saving per byte, until
//      nothing fits or helps), a greedy by absolute saving, and the per-query
//      choice (each query's best index on its own, costliest query first,
//      what per-finding advice does);
//   2. each seed improved by local search -- drop an index, swap one for
//      another candidate, append or remove a key, add one -- taking the best
//      improving move until none is left;
//   3. when there is time, the exact optimum over each group of tables read
//      together, its most useful candidates enumerated (exhaustive_over),
//      improved by local search in turn;
//   4. the best set found; indexes whose removal does not make the
//      objective worse (their write cost outweighs what they save) are
//      dropped, so no chosen index slows the workload by the model; two
//      overlapping indexes (one's keys a left prefix of the other's) become
//      one -- either, or their merge -- unless that costs min_gain more;
//   5. the budget left is spent on candidates that save anything net of
//      their write cost (below min_gain: small tables, rare queries), best
//      saving per byte first, none overlapping a chosen index.
// Every step checks the time limit: the search always has a feasible set
// to return (anytime).

struct PlannedCost {
  double cost = 0;               // total planner cost of one execution
  std::vector<std::size_t> used; // pool ids of the hypothetical indexes the plan uses
  double rows = 0;               // rows the plan's top node's input produces (writes: rows written)
};

// Where planner costs come from. Tests use a table of costs; the live run
// uses HypoPG.
class CostSource {
public:
  CostSource() = default;
  CostSource(const CostSource&) = delete;
  CostSource& operator=(const CostSource&) = delete;
  CostSource(CostSource&&) = delete;
  CostSource& operator=(CostSource&&) = delete;
  virtual ~CostSource() = default;
  // Query `query` (its position in the search's query list) planned with the
  // candidates `config` (sorted pool ids, all on tables the query reads)
  // added to the real indexes; nullopt when it cannot be planned.
  virtual std::optional<PlannedCost> plan(std::size_t query, const std::vector<std::size_t>& config) = 0;
  // The candidate's estimated size in bytes; nullopt when it cannot be simulated.
  virtual std::optional<std::int64_t> size_of(std::size_t candidate) = 0;
};

struct SearchQuery {
  double weight = 1;               // objective units per planner cost unit of one execution
  std::vector<std::string> tables; // table_key()s of the catalog tables it reads or writes
};

struct SearchOptions {
  std::optional<std::int64_t> budget_bytes; // none: no storage limit
  std::size_t max_indexes = 0;              // 0: no count limit
  std::chrono::milliseconds time_limit{30'000};
  std::size_t max_width = 4; // keys + INCLUDE columns of a grown index
  // A step, and every chosen index given the others, must save this share
  // of the objective it starts from (Extend asks 0.3%): smaller savings are
  // within the planner's noise and not worth an index to maintain.
  double min_gain = 0.001;
  // Each table group's this many most useful candidates are enumerated
  // exactly after the seeds (0: never; exhaustive_over).
  std::size_t exact_group_limit = 12;
  bool local_search = true;   // false: the seeds alone (for comparisons)
  bool per_query_seed = true; // false: leave out the per-query seed
};

// The objective of configurations, with the caches the search shares.
class Evaluator {
public:
  // `write_cost(id)`: what maintaining candidate `id` costs the workload's
  // writes, in objective units.
  Evaluator(CandidatePool& pool, const std::vector<SearchQuery>& queries, CostSource& source,
            std::function<double(std::size_t)> write_cost);

  [[nodiscard]] double objective(const std::vector<std::size_t>& config);
  // Planner cost of one execution of `query` with `config` (cached); nullopt
  // when it could not be planned.
  std::optional<PlannedCost> query_plan(std::size_t query, const std::vector<std::size_t>& config);
  [[nodiscard]] std::optional<std::int64_t> size(std::size_t id);
  [[nodiscard]] std::int64_t total_size(const std::vector<std::size_t>& config);
  [[nodiscard]] double write_cost(std::size_t id);
  // Queries that could not be planned without new indexes (left out of the objective).
  [[nodiscard]] const std::vector<std::size_t>& unplanned() const { return m_unplanned; }
  [[nodiscard]] std::size_t evaluations() const { return m_evaluations; }
  [[nodiscard]] CandidatePool& pool() { return m_pool; }
  [[nodiscard]] const std::vector<SearchQuery>& queries() const { return m_queries; }
  // The queries that read the candidate's table.
  [[nodiscard]] const std::vector<std::size_t>& queries_on(std::size_t id);

private:
  CandidatePool& m_pool;
  const std::vector<SearchQuery>& m_queries;
  CostSource& m_source;
  std::function<double(std::size_t)> m_write_cost_of;
  std::map<std::pair<std::size_t, std::vector<std::size_t>>, std::optional<PlannedCost>> m_plans;
  std::map<std::size_t, std::optional<std::int64_t>> m_sizes;
  std::map<std::size_t, double> m_write_costs;
  std::map<std::string, std::vector<std::size_t>> m_by_table; // table -> queries
  std::vector<std::size_t> m_unplanned;
  std::vector<bool> m_planned;
  std::size_t m_evaluations = 0;

  std::vector<std::size_t> relevant(std::size_t query, const std::vector<std::size_t>& config) const;
};

struct SearchResult {
  std::vector<std::size_t> chosen; // pool ids, priority order (largest marginal saving first)
  std::vector<double> savings;     // each one's marginal saving in that order, write cost deducted
  double cost_none = 0;            // objective with no new index
  double cost_chosen = 0;
  std::int64_t size_bytes = 0;
  std::size_t evaluations = 0;
  double seconds = 0;
  bool stopped_by_time_limit = false;
  bool exact = false; // settled by the exact branch and bound
  std::string seed;   // which seed the set came from
  std::string note;   // how the exhaustive search went (groups, candidates)
};

SearchResult search_index_set(Evaluator& evaluator, const SearchOptions& options);

// The optimum over the pool's candidates as they are (no growth). Tables
// that no query reads together are independent but for the budget: each
// group of tables joined by some query has its subsets of candidates
// enumerated (up to 2^12), their Pareto front of size against cost kept, and
// one subset per group chosen by a knapsack over the budget (in 1/4000ths
// of it, sizes rounded up, so the set always fits). A group with more
// candidates, or a count limit, falls back to branch and bound.
// `exact` is false when it did not finish (time limit) or a group was too
// large for either. For the benchmark's limit and for small searches.
SearchResult exhaustive_index_set(Evaluator& evaluator, const SearchOptions& options);
// The same over the candidates `ids` only. With `group_limit`, a table
// group with more candidates keeps `keep`'s members and then its most
// useful ones alone (largest saving alone) up to that many, so every group
// is enumerated: the optimum over those candidates (the note says so).
SearchResult exhaustive_over(Evaluator& evaluator, const std::vector<std::size_t>& ids,
                             const SearchOptions& options, std::size_t group_limit = 0,
                             const std::vector<std::size_t>& keep = {});

// Each query's best single candidate, costliest query first, added while it
// fits: the per-query choice the workload search is measured against.
std::vector<std::size_t> per_query_choice(Evaluator& evaluator, const SearchOptions& options);

// `config` in priority order: repeatedly the member whose addition saves the
// most given those before it; with each one's marginal saving.
std::pair<std::vector<std::size_t>, std::vector<double>>
priority_order(Evaluator& evaluator, const std::vector<std::size_t>& config);

} // namespace pgadvise::advisor
