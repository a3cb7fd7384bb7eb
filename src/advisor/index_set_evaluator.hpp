#pragma once

#include "advisor/index_set_candidates.hpp"

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
// The Evaluator prices configurations (sorted pool ids) by that objective,
// with the caches every method of the search shares; the search itself is
// index_set_search.

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
  // Several costings at once (pairs of query and config, as plan() takes
  // them), in order: what a source that talks to a server answers in one
  // round trip. The same costs as plan() one by one.
  virtual std::vector<std::optional<PlannedCost>>
  plan_many(const std::vector<std::pair<std::size_t, std::vector<std::size_t>>>& requests) {
    std::vector<std::optional<PlannedCost>> out;
    out.reserve(requests.size());
    for (const auto& [query, config] : requests) {
      out.push_back(plan(query, config));
    }
    return out;
  }
};

struct SearchQuery {
  double weight = 1;               // objective units per planner cost unit of one execution
  std::vector<std::string> tables; // table_key()s of the catalog tables it reads or writes
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
  // Costs `queries` with `config` that are not cached yet, all at once
  // (CostSource::plan_many), so the query_plan calls that follow hit the cache.
  void prefetch(const std::vector<std::size_t>& queries, const std::vector<std::size_t>& config);
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
  std::vector<std::size_t> m_all; // 0 .. queries - 1
  std::size_t m_evaluations = 0;

  std::vector<std::size_t> relevant(std::size_t query, const std::vector<std::size_t>& config) const;
};

} // namespace pgadvise::advisor
