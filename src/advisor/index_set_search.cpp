#include "advisor/index_set_search.hpp"

#include "advisor/index_set_exhaustive.hpp"
#include "advisor/index_set_moves.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <optional>

namespace pgadvise::advisor {

std::vector<std::size_t> per_query_choice(Evaluator& evaluator, const SearchOptions& options) {
  SetSearch search(evaluator, options);
  const std::vector<SearchQuery>& queries = evaluator.queries();
  std::vector<std::pair<double, std::size_t>> order;
  for (std::size_t q = 0; q < queries.size(); ++q) {
    if (auto plan = evaluator.query_plan(q, {})) {
      order.emplace_back(queries[q].weight * plan->cost, q);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  Config config;
  for (const auto& [cost, q] : order) {
    if (search.out_of_time()) {
      break;
    }
    std::optional<std::size_t> best;
    double best_cost = cost;
    for (std::size_t id : search.useful()) {
      if (evaluator.queries_on(id).empty() ||
          std::find(evaluator.queries_on(id).begin(), evaluator.queries_on(id).end(), q) ==
              evaluator.queries_on(id).end()) {
        continue;
      }
      // The query's cheapest plan; of equal ones, the smallest index.
      const auto plan = evaluator.query_plan(q, {id});
      if (!plan) {
        continue;
      }
      const double value = queries[q].weight * plan->cost;
      const bool tie = best && std::abs(value - best_cost) <= 1e-9 * std::max(1.0, best_cost);
      if ((!tie && value < best_cost) || (tie && evaluator.size(id) < evaluator.size(*best))) {
        best_cost = std::min(best_cost, value);
        best = id;
      }
    }
    if (best && !holds(config, *best) && search.fits(with(config, *best))) {
      config = with(config, *best);
    }
  }
  return config;
}

std::pair<std::vector<std::size_t>, std::vector<double>>
priority_order(Evaluator& evaluator, const std::vector<std::size_t>& config) {
  std::vector<std::size_t> left = config;
  std::vector<std::size_t> order;
  std::vector<double> savings;
  Config prefix;
  double current = evaluator.objective(prefix);
  while (!left.empty()) {
    std::size_t best_at = 0;
    double best_value = std::numeric_limits<double>::infinity();
    for (std::size_t i = 0; i < left.size(); ++i) {
      const double value = evaluator.objective(with(prefix, left[i]));
      if (value < best_value) {
        best_value = value;
        best_at = i;
      }
    }
    prefix = with(prefix, left[best_at]);
    order.push_back(left[best_at]);
    savings.push_back(current - best_value);
    current = best_value;
    left.erase(left.begin() + static_cast<std::ptrdiff_t>(best_at));
  }
  return {order, savings};
}

namespace {

// Under a budget or a count limit: the best subset of the set chosen
// without them (the Extend seed and its local search; every subset that
// fits enumerated), a seed and a floor the result never falls below.
std::optional<Config> best_subset_floor(Evaluator& evaluator, const SearchOptions& options,
                                        SetSearch& search) {
  const bool limited = options.budget_bytes || options.max_indexes > 0;
  if (!limited || !options.subset_seed || search.out_of_time()) {
    return std::nullopt;
  }
  SearchOptions free = options;
  free.budget_bytes.reset();
  free.max_indexes = 0;
  free.exact_group_limit = 0;
  free.greedy_seed = false;
  free.per_query_seed = false;
  free.time_limit = search.remaining() / 2;
  const SearchResult whole = search_index_set(evaluator, free);
  SearchOptions within = options;
  within.time_limit = search.remaining();
  const SearchResult subset = exhaustive_over(evaluator, whole.chosen, within);
  (void)search.out_of_time();
  if (!search.fits(subset.chosen)) {
    return std::nullopt;
  }
  Config chosen = subset.chosen;
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

} // namespace

SearchResult search_index_set(Evaluator& evaluator, const SearchOptions& options) {
  SetSearch search(evaluator, options);
  (void)search.none();
  (void)search.useful();

  std::vector<std::pair<std::string, Config>> seeds;
  const std::optional<Config> subset_floor = best_subset_floor(evaluator, options, search);
  if (subset_floor) {
    seeds.emplace_back("subset", *subset_floor);
  }
  seeds.emplace_back("extend", search.greedy({}, true));
  if (options.greedy_seed && !search.out_of_time()) {
    seeds.emplace_back("greedy", search.greedy({}, false));
  }
  if (options.per_query_seed && !search.out_of_time()) {
    seeds.emplace_back("per-query", per_query_choice(evaluator, options));
  }
  std::string best_seed;
  Config best;
  double best_value = std::numeric_limits<double>::infinity();
  for (auto& [name, seed] : seeds) {
    Config improved = options.local_search ? search.improve(seed) : seed;
    const double value = evaluator.objective(improved);
    if (value < best_value) {
      best_value = value;
      best = std::move(improved);
      best_seed = name;
    }
  }
  // Exact over each table group's most useful candidates (the best set's
  // members kept), when there is time: the knapsack of the groups' fronts
  // escapes the local optima swaps cannot leave (two small indexes out for
  // one larger one), and local search then grows its result further.
  bool exact = false;
  if (options.exact_group_limit > 0 && !search.out_of_time()) {
    std::vector<std::size_t> ids(evaluator.pool().size());
    std::iota(ids.begin(), ids.end(), 0);
    SearchOptions exact_options = options;
    exact_options.time_limit = search.remaining();
    const SearchResult found =
        exhaustive_over(evaluator, ids, exact_options, options.exact_group_limit, best);
    exact = found.exact;
    (void)search.out_of_time(); // the limits the exhaustive search reached are this search's too
    Config chosen = found.chosen;
    std::sort(chosen.begin(), chosen.end());
    if (evaluator.objective(chosen) < best_value && !search.out_of_time()) {
      chosen = options.local_search ? search.improve(chosen) : chosen;
      const double value = evaluator.objective(chosen);
      if (value < best_value) {
        best = std::move(chosen);
        best_value = value;
        best_seed = "exact";
      }
    }
  }
  best = search.fill(search.merge_overlaps(search.prune(best)));
  if (subset_floor && evaluator.objective(*subset_floor) < evaluator.objective(best)) {
    best = *subset_floor; // pruning and merging gave up more than the noise they drop
    best_seed = "subset";
  }
  SearchResult result = search.finish(best);
  result.seed = best_seed;
  result.exact = exact;
  return result;
}

} // namespace pgadvise::advisor
