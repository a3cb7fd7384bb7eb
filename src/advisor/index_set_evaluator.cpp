#include "advisor/index_set_evaluator.hpp"

#include <algorithm>
#include <numeric>

namespace pgadvise::advisor {

Evaluator::Evaluator(CandidatePool& pool, const std::vector<SearchQuery>& queries, CostSource& source,
                     std::function<double(std::size_t)> write_cost)
    : m_pool(pool), m_queries(queries), m_source(source), m_write_cost_of(std::move(write_cost)),
      m_planned(queries.size(), true) {
  for (std::size_t q = 0; q < queries.size(); ++q) {
    for (const std::string& table : queries[q].tables) {
      std::vector<std::size_t>& list = m_by_table[table];
      if (list.empty() || list.back() != q) {
        list.push_back(q);
      }
    }
  }
  m_all.resize(queries.size());
  std::iota(m_all.begin(), m_all.end(), 0);
  prefetch(m_all, {});
  for (std::size_t q = 0; q < queries.size(); ++q) {
    if (!query_plan(q, {})) {
      m_planned[q] = false;
      m_unplanned.push_back(q);
    }
  }
}

std::vector<std::size_t> Evaluator::relevant(std::size_t query,
                                             const std::vector<std::size_t>& config) const {
  std::vector<std::size_t> out;
  const std::vector<std::string>& tables = m_queries[query].tables;
  for (std::size_t id : config) {
    const SetCandidate& candidate = m_pool[id];
    if (candidate.table != nullptr &&
        std::find(tables.begin(), tables.end(), table_key(*candidate.table)) != tables.end()) {
      out.push_back(id);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::optional<PlannedCost> Evaluator::query_plan(std::size_t query, const std::vector<std::size_t>& config) {
  std::vector<std::size_t> key = relevant(query, config);
  auto it = m_plans.find({query, key});
  if (it == m_plans.end()) {
    ++m_evaluations;
    auto planned = m_source.plan(query, key);
    it = m_plans.emplace(std::make_pair(query, std::move(key)), std::move(planned)).first;
  }
  return it->second;
}

void Evaluator::prefetch(const std::vector<std::size_t>& queries, const std::vector<std::size_t>& config) {
  std::vector<std::pair<std::size_t, std::vector<std::size_t>>> missing;
  for (std::size_t query : queries) {
    if (query >= m_queries.size() || !m_planned[query]) {
      continue;
    }
    std::vector<std::size_t> key = relevant(query, config);
    if (m_plans.count({query, key}) == 0) {
      missing.emplace_back(query, std::move(key));
    }
  }
  if (missing.size() < 2) {
    return; // query_plan asks for it alone
  }
  std::vector<std::optional<PlannedCost>> planned = m_source.plan_many(missing);
  for (std::size_t i = 0; i < missing.size() && i < planned.size(); ++i) {
    ++m_evaluations;
    m_plans.emplace(std::move(missing[i]), std::move(planned[i]));
  }
}

double Evaluator::objective(const std::vector<std::size_t>& config) {
  prefetch(m_all, config);
  double total = 0;
  for (std::size_t q = 0; q < m_queries.size(); ++q) {
    if (!m_planned[q]) {
      continue;
    }
    auto plan = query_plan(q, config);
    if (!plan) {
      plan = query_plan(q, {}); // planned without, not with: count it as without
    }
    total += m_queries[q].weight * plan->cost;
  }
  for (std::size_t id : config) {
    total += write_cost(id);
  }
  return total;
}

std::optional<std::int64_t> Evaluator::size(std::size_t id) {
  auto it = m_sizes.find(id);
  if (it == m_sizes.end()) {
    it = m_sizes.emplace(id, m_source.size_of(id)).first;
  }
  return it->second;
}

std::int64_t Evaluator::total_size(const std::vector<std::size_t>& config) {
  std::int64_t total = 0;
  for (std::size_t id : config) {
    total += size(id).value_or(0);
  }
  return total;
}

double Evaluator::write_cost(std::size_t id) {
  auto it = m_write_costs.find(id);
  if (it == m_write_costs.end()) {
    it = m_write_costs.emplace(id, m_write_cost_of ? m_write_cost_of(id) : 0.0).first;
  }
  return it->second;
}

const std::vector<std::size_t>& Evaluator::queries_on(std::size_t id) {
  static const std::vector<std::size_t> k_none;
  const SetCandidate& candidate = m_pool[id];
  if (candidate.table == nullptr) {
    return k_none;
  }
  const auto it = m_by_table.find(table_key(*candidate.table));
  return it == m_by_table.end() ? k_none : it->second;
}

} // namespace pgadvise::advisor
