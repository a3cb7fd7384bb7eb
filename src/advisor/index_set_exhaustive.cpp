#include "advisor/index_set_exhaustive.hpp"

#include "advisor/index_set_moves.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <string>

namespace pgadvise::advisor {

namespace {

constexpr std::size_t k_max_group_candidates = 12;
constexpr std::int64_t k_budget_units = 4000;

struct Subset {
  std::int64_t size = 0;
  double value = 0;
  Config config;
};

// The candidates grouped by the tables queries read together (union-find
// over each query's tables); candidates no query reads are left out.
std::vector<std::vector<std::size_t>> table_groups(Evaluator& evaluator,
                                                   const std::vector<std::size_t>& ids) {
  std::map<std::string, std::string> parent;
  const std::function<std::string(const std::string&)> root = [&](const std::string& table) -> std::string {
    const auto it = parent.find(table);
    if (it == parent.end()) {
      parent[table] = table;
      return table;
    }
    if (it->second == table) {
      return table;
    }
    std::string top = root(it->second);
    parent[table] = top;
    return top;
  };
  for (const SearchQuery& query : evaluator.queries()) {
    for (std::size_t i = 1; i < query.tables.size(); ++i) {
      const std::string a = root(query.tables.front());
      const std::string b = root(query.tables[i]);
      if (a != b) {
        parent[a] = b;
      }
    }
  }
  std::map<std::string, std::vector<std::size_t>> groups;
  for (std::size_t id : ids) {
    if (!evaluator.queries_on(id).empty()) {
      groups[root(table_key(*evaluator.pool()[id].table))].push_back(id);
    }
  }
  std::vector<std::vector<std::size_t>> out;
  for (auto& [table, members] : groups) {
    out.push_back(std::move(members));
  }
  return out;
}

// Every subset of one group's candidates that fits, reduced to its Pareto
// front (for each size, the lowest cost of the group's queries and
// writes); nullopt when the time ran out.
std::optional<std::vector<Subset>> group_front(Evaluator& evaluator, SetSearch& search,
                                               const std::vector<std::size_t>& members,
                                               std::optional<std::int64_t> budget) {
  std::vector<std::size_t> queries;
  for (std::size_t id : members) {
    for (std::size_t q : evaluator.queries_on(id)) {
      if (std::find(queries.begin(), queries.end(), q) == queries.end()) {
        queries.push_back(q);
      }
    }
  }
  std::vector<Subset> all;
  const std::size_t count = std::size_t{1} << members.size();
  for (std::size_t mask = 0; mask < count; ++mask) {
    if (search.out_of_time()) {
      return std::nullopt;
    }
    Subset subset;
    for (std::size_t i = 0; i < members.size(); ++i) {
      if (((mask >> i) & 1U) != 0) {
        subset.config.push_back(members[i]);
        subset.size += evaluator.size(members[i]).value_or(0);
        subset.value += evaluator.write_cost(members[i]);
      }
    }
    if (budget && subset.size > *budget) {
      continue;
    }
    std::sort(subset.config.begin(), subset.config.end());
    evaluator.prefetch(queries, subset.config);
    for (std::size_t q : queries) {
      auto plan = evaluator.query_plan(q, subset.config);
      if (!plan) {
        plan = evaluator.query_plan(q, {});
      }
      subset.value += plan ? evaluator.queries()[q].weight * plan->cost : 0;
    }
    all.push_back(std::move(subset));
  }
  std::sort(all.begin(), all.end(), [](const Subset& a, const Subset& b) {
    return a.size != b.size ? a.size < b.size : a.value < b.value;
  });
  std::vector<Subset> front;
  for (Subset& subset : all) {
    if (front.empty() || subset.value < front.back().value) {
      front.push_back(std::move(subset));
    }
  }
  return front;
}

// One subset of each group's front, lowest total cost within the budget (a
// knapsack over the budget in k_budget_units steps, sizes rounded up, or
// down: then the choice may not fit, and the caller checks).
Config knapsack_rounded(const std::vector<std::vector<Subset>>& fronts, std::optional<std::int64_t> budget,
                        bool round_down) {
  const std::int64_t units = budget ? k_budget_units : 0;
  const double unit =
      budget ? std::max(1.0, static_cast<double>(*budget) / static_cast<double>(k_budget_units)) : 1.0;
  const auto units_of = [&](std::int64_t size) {
    const double share = static_cast<double>(size) / unit;
    return budget ? static_cast<std::int64_t>(round_down ? std::floor(share) : std::ceil(share)) : 0;
  };
  const double infinity = std::numeric_limits<double>::infinity();
  const auto slots = static_cast<std::size_t>(units + 1);
  std::vector<double> cost(slots, 0.0);
  std::vector<std::vector<std::size_t>> pick(fronts.size(), std::vector<std::size_t>(slots, 0));
  for (std::size_t g = 0; g < fronts.size(); ++g) {
    std::vector<double> next(slots, infinity);
    for (std::size_t u = 0; u < slots; ++u) {
      for (std::size_t s = 0; s < fronts[g].size(); ++s) {
        const auto need = static_cast<std::size_t>(units_of(fronts[g][s].size));
        if (need > u || cost[u - need] == infinity) {
          continue;
        }
        const double value = cost[u - need] + fronts[g][s].value;
        if (value < next[u]) {
          next[u] = value;
          pick[g][u] = s;
        }
      }
    }
    cost = std::move(next);
  }
  Config best;
  std::size_t u = slots - 1;
  for (std::size_t g = fronts.size(); g-- > 0;) {
    const Subset& chosen = fronts[g][pick[g][u]];
    best.insert(best.end(), chosen.config.begin(), chosen.config.end());
    u -= static_cast<std::size_t>(units_of(chosen.size));
  }
  std::sort(best.begin(), best.end());
  return best;
}

// Sizes rounded down first, so a set that fills the budget to the byte is
// not lost to the rounding (the unbudgeted set at a budget of its own
// size); rounded up, always fitting, when that choice does not fit.
Config knapsack(Evaluator& evaluator, const std::vector<std::vector<Subset>>& fronts,
                std::optional<std::int64_t> budget) {
  Config best = knapsack_rounded(fronts, budget, true);
  if (budget && evaluator.total_size(best) > *budget) {
    best = knapsack_rounded(fronts, budget, false);
  }
  return best;
}

// `ids` that can be simulated and fit alone, by their saving alone, largest first.
std::vector<std::size_t> ranked_by_single_gain(SetSearch& search, const std::vector<std::size_t>& ids) {
  Evaluator& evaluator = search.evaluator();
  const double base = search.none();
  std::vector<std::pair<double, std::size_t>> ranked;
  for (std::size_t id : ids) {
    if (search.out_of_time()) {
      break;
    }
    if (evaluator.pool()[id].method != "btree" || !evaluator.size(id) || !search.fits({id})) {
      continue;
    }
    ranked.emplace_back(base - evaluator.objective({id}), id);
  }
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.first > b.first; });
  std::vector<std::size_t> order;
  for (const auto& [gain, id] : ranked) {
    order.push_back(id);
  }
  return order;
}

// Each group of more than `limit` candidates cut to `keep`'s members and
// then its most useful ones (the groups keep the ranked order); how many
// were left out.
std::size_t trim_groups(std::vector<std::vector<std::size_t>>& groups, std::size_t limit,
                        const std::vector<std::size_t>& keep) {
  std::size_t trimmed = 0;
  for (std::vector<std::size_t>& group : groups) {
    if (limit == 0 || group.size() <= limit) {
      continue;
    }
    std::vector<std::size_t> kept;
    for (std::size_t id : group) {
      if (holds(keep, id)) {
        kept.push_back(id);
      }
    }
    for (std::size_t id : group) {
      if (kept.size() >= limit) {
        break;
      }
      if (!holds(kept, id)) {
        kept.push_back(id);
      }
    }
    trimmed += group.size() - kept.size();
    group = std::move(kept);
  }
  return trimmed;
}

std::string groups_note(std::size_t candidates, const std::vector<std::vector<std::size_t>>& groups,
                        std::size_t trimmed) {
  std::size_t largest = 0;
  for (const std::vector<std::size_t>& group : groups) {
    largest = std::max(largest, group.size());
  }
  std::string note = std::to_string(candidates) + " candidates in " + std::to_string(groups.size()) +
                     " table groups (largest " + std::to_string(largest) + ")";
  if (trimmed > 0) {
    note += ", " + std::to_string(trimmed) + " less useful candidates left out of the largest groups";
  }
  return note;
}

// Branch and bound over `ids`: include or exclude each, in order. Bound:
// the objective with every remaining candidate added (the planner's cost
// never rises when it is offered more indexes), write costs of those left
// out. False when the time ran out.
bool descend(SetSearch& search, const std::vector<std::size_t>& ids, std::size_t next, Config& current,
             Config& best, double& best_value) {
  if (search.out_of_time()) {
    return false;
  }
  Evaluator& evaluator = search.evaluator();
  const double value = evaluator.objective(current);
  if (value < best_value) {
    best_value = value;
    best = current;
  }
  const std::size_t max_indexes = search.options().max_indexes;
  if (next >= ids.size() || (max_indexes > 0 && current.size() >= max_indexes)) {
    return true;
  }
  Config everything = current;
  double writes = 0;
  for (std::size_t i = next; i < ids.size(); ++i) {
    everything = with(everything, ids[i]);
    writes += evaluator.write_cost(ids[i]);
  }
  // objective(everything) counts the write costs of all of them; the bound
  // leaves those out, as the best completion need not build them.
  if (evaluator.objective(everything) - writes >= best_value) {
    return true;
  }
  Config included = with(current, ids[next]);
  if (search.fits(included) && !descend(search, ids, next + 1, included, best, best_value)) {
    return false;
  }
  return descend(search, ids, next + 1, current, best, best_value);
}

// Every group enumerated, one subset of each by the knapsack.
SearchResult enumerate_groups(SetSearch& search, const std::vector<std::vector<std::size_t>>& groups) {
  const std::optional<std::int64_t> budget = search.options().budget_bytes;
  std::vector<std::vector<Subset>> fronts;
  for (const std::vector<std::size_t>& group : groups) {
    auto front = group_front(search.evaluator(), search, group, budget);
    if (!front) {
      break;
    }
    fronts.push_back(std::move(*front));
  }
  const bool complete = fronts.size() == groups.size();
  SearchResult result = search.finish(complete ? knapsack(search.evaluator(), fronts, budget) : Config{});
  result.exact = complete && !search.timed_out();
  result.note = complete ? ", each group enumerated" : ", each group enumerated: stopped by the time limit";
  return result;
}

} // namespace

SearchResult exhaustive_over(Evaluator& evaluator, const std::vector<std::size_t>& ids,
                             const SearchOptions& options, std::size_t group_limit,
                             const std::vector<std::size_t>& keep) {
  SetSearch search(evaluator, options);
  const std::vector<std::size_t> order = ranked_by_single_gain(search, ids);
  std::vector<std::vector<std::size_t>> groups = table_groups(evaluator, order);
  const std::size_t trimmed = trim_groups(groups, group_limit, keep);
  const std::string note = groups_note(order.size(), groups, trimmed);
  const std::size_t enumerable = std::max(k_max_group_candidates, group_limit);
  const bool small = std::all_of(groups.begin(), groups.end(), [&](const std::vector<std::size_t>& group) {
    return group.size() <= enumerable;
  });
  SearchResult result;
  if (options.max_indexes == 0 && small) {
    result = enumerate_groups(search, groups);
  } else {
    Config best;
    double best_value = search.none();
    Config current;
    const bool finished = descend(search, order, 0, current, best, best_value);
    result = search.finish(best);
    result.exact = finished && !search.timed_out();
    result.note = result.exact ? ", branch and bound" : ", branch and bound: stopped by the time limit";
  }
  result.seed = "exhaustive";
  result.note = note + result.note;
  return result;
}

SearchResult exhaustive_index_set(Evaluator& evaluator, const SearchOptions& options) {
  std::vector<std::size_t> ids(evaluator.pool().size());
  std::iota(ids.begin(), ids.end(), 0);
  return exhaustive_over(evaluator, ids, options);
}

} // namespace pgadvise::advisor
