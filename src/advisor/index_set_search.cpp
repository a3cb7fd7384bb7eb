#include "advisor/index_set_search.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <numeric>
#include <set>

namespace pgadvise::advisor {

namespace {

using Clock = std::chrono::steady_clock;
using Config = std::vector<std::size_t>;

Config with(Config config, std::size_t id) {
  config.push_back(id);
  std::sort(config.begin(), config.end());
  return config;
}

Config without(Config config, std::size_t id) {
  config.erase(std::remove(config.begin(), config.end(), id), config.end());
  return config;
}

Config replaced(const Config& config, std::size_t out, std::size_t in) {
  return with(without(config, out), in);
}

bool holds(const Config& config, std::size_t id) {
  return std::find(config.begin(), config.end(), id) != config.end();
}

// The least saving, as a share of the objective, that makes a candidate
// useful and that fill() spends the budget left on: above the
// floating-point noise of summing the costs.
constexpr double k_fill_gain = 1e-9;

// One search run's shared state: the evaluator, the limits, the clock.
class Search {
public:
  Search(Evaluator& evaluator, const SearchOptions& options)
      : m_ev(evaluator), m_options(options), m_start(Clock::now()), m_deadline(m_start + options.time_limit) {
  }

  [[nodiscard]] bool out_of_time() {
    if (Clock::now() >= m_deadline) {
      m_timed_out = true;
    }
    return m_timed_out;
  }
  [[nodiscard]] bool timed_out() const { return m_timed_out; }
  [[nodiscard]] std::chrono::milliseconds remaining() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(m_deadline - Clock::now());
    return std::max(left, std::chrono::milliseconds(0));
  }
  [[nodiscard]] double seconds() const {
    return std::chrono::duration<double>(Clock::now() - m_start).count();
  }

  double none() {
    if (!m_none) {
      m_none = m_ev.objective({});
    }
    return *m_none;
  }
  // The least saving worth a step from a configuration whose objective is `current`.
  [[nodiscard]] double min_gain(double current) const { return std::max(m_options.min_gain * current, 1e-9); }

  bool fits(const Config& config) {
    if (m_options.max_indexes > 0 && config.size() > m_options.max_indexes) {
      return false;
    }
    for (std::size_t id : config) {
      if (!m_ev.size(id)) {
        return false;
      }
    }
    return !m_options.budget_bytes || m_ev.total_size(config) <= *m_options.budget_bytes;
  }

  // Candidates that save something alone and can be simulated, best first.
  const std::vector<std::size_t>& useful() {
    if (m_useful_done) {
      return m_useful;
    }
    const double base = none();
    std::vector<std::pair<double, std::size_t>> gains;
    const std::size_t count = m_ev.pool().size();
    for (std::size_t id = 0; id < count && !out_of_time(); ++id) {
      if (m_ev.pool()[id].method != "btree" || !m_ev.size(id) || !fits({id})) {
        continue;
      }
      const double gain = base - m_ev.objective({id});
      if (gain > k_fill_gain * base) {
        gains.emplace_back(gain, id);
        m_single_gain[id] = gain;
      }
    }
    std::stable_sort(gains.begin(), gains.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [gain, id] : gains) {
      m_useful.push_back(id);
    }
    m_useful_done = true;
    return m_useful;
  }

  [[nodiscard]] double single_gain(std::size_t id) const {
    const auto it = m_single_gain.find(id);
    return it == m_single_gain.end() ? 0 : it->second;
  }

  // The candidates `id` grows into by one key some query uses with its
  // leading key (added to the pool).
  std::vector<std::size_t> growths(std::size_t id) {
    if (const auto it = m_growths.find(id); it != m_growths.end()) {
      return it->second;
    }
    std::vector<std::size_t> out;
    const SetCandidate base = m_ev.pool()[id];
    const auto table = m_ev.pool().growth.find(table_key(*base.table));
    if (table != m_ev.pool().growth.end() && !base.keys.empty()) {
      const std::string lead = base.keys.front().sql();
      const std::vector<CandidatePool::Growth> steps = table->second;
      for (const CandidatePool::Growth& step : steps) {
        if (std::find(step.with.begin(), step.with.end(), lead) == step.with.end()) {
          continue;
        }
        if (auto grown = grow(base, step.key, m_options.max_width)) {
          const std::size_t grown_id = m_ev.pool().add(std::move(*grown));
          if (grown_id != id) {
            out.push_back(grown_id);
          }
        }
      }
    }
    m_growths[id] = out;
    return out;
  }

  // The candidate without its last key (a shorter index), if it has two or more.
  std::optional<std::size_t> shrunk(std::size_t id) {
    const SetCandidate& base = m_ev.pool()[id];
    if (!base.include.empty()) {
      SetCandidate shorter = base;
      shorter.include.pop_back();
      return m_ev.pool().add(std::move(shorter));
    }
    if (base.keys.size() < 2) {
      return std::nullopt;
    }
    SetCandidate shorter = base;
    shorter.keys.pop_back();
    return m_ev.pool().add(std::move(shorter));
  }

  // Greedy from `start`: per round, the best add or key append; by saving
  // per byte (Extend) or by saving alone.
  Config greedy(Config config, bool per_byte) {
    while (!out_of_time()) {
      const double current = m_ev.objective(config);
      double best_score = 0;
      std::optional<Config> best;
      const auto consider = [&](Config next, std::int64_t added_bytes) {
        if (!fits(next)) {
          return;
        }
        const double gain = current - m_ev.objective(next);
        if (gain <= min_gain(current)) {
          return;
        }
        const double score =
            per_byte ? gain / static_cast<double>(std::max<std::int64_t>(added_bytes, 1)) : gain;
        if (score > best_score) {
          best_score = score;
          best = std::move(next);
        }
      };
      for (std::size_t id : useful()) {
        if (out_of_time()) {
          break;
        }
        if (!holds(config, id)) {
          consider(with(config, id), *m_ev.size(id));
        }
      }
      for (std::size_t id : Config(config)) {
        for (std::size_t grown : growths(id)) {
          if (out_of_time()) {
            break;
          }
          const auto size = m_ev.size(grown);
          if (size && !holds(config, grown)) {
            consider(replaced(config, id, grown), *size - *m_ev.size(id));
          }
        }
      }
      if (!best) {
        break;
      }
      config = std::move(*best);
    }
    return config;
  }

  // Best-improvement local search: drop, add, swap, grow, shrink.
  Config improve(Config config) {
    while (!out_of_time()) {
      const double current = m_ev.objective(config);
      double best_value = current - min_gain(current);
      std::optional<Config> best;
      const auto consider = [&](const Config& next) {
        if (!fits(next)) {
          return;
        }
        const double value = m_ev.objective(next);
        if (value < best_value) {
          best_value = value;
          best = next;
        }
      };
      for (std::size_t id : config) {
        consider(without(config, id));
      }
      for (std::size_t id : useful()) {
        if (out_of_time()) {
          break;
        }
        if (holds(config, id)) {
          continue;
        }
        consider(with(config, id));
        for (std::size_t out : config) {
          consider(replaced(config, out, id));
        }
      }
      for (std::size_t id : Config(config)) {
        for (std::size_t grown : growths(id)) {
          if (!holds(config, grown) && !out_of_time()) {
            consider(replaced(config, id, grown));
          }
        }
        if (auto shorter = shrunk(id); shorter && !holds(config, *shorter) && !out_of_time()) {
          consider(replaced(config, id, *shorter));
        }
      }
      if (!best) {
        break;
      }
      config = std::move(*best);
    }
    return config;
  }

  // Indexes whose removal raises the objective by less than min_gain: their
  // write cost outweighs what they save, others do their work, or what
  // they save is noise.
  Config prune(Config config) {
    bool changed = true;
    while (changed) {
      changed = false;
      const double current = m_ev.objective(config);
      for (std::size_t id : config) {
        if (m_ev.objective(without(config, id)) < current + min_gain(current)) {
          config = without(config, id);
          changed = true;
          break;
        }
      }
    }
    return config;
  }

  // Each pair of overlapping chosen indexes (one's keys a left prefix of
  // the other's, one holding every column of the other) kept as one: either
  // of them, or their merge (the longer keys with both's INCLUDE columns),
  // whichever costs least by the what-if costs. One index answers both
  // lookups from its leaf pages; what HypoPG prices the second at is the
  // width of the leaf pages scanned, not worth a second index to maintain.
  Config merge_overlaps(Config config) {
    while (!out_of_time()) {
      double best_value = std::numeric_limits<double>::infinity();
      std::optional<Config> best;
      const auto consider = [&](const Config& next) {
        if (fits(next)) {
          const double value = m_ev.objective(next);
          if (value < best_value) {
            best_value = value;
            best = next;
          }
        }
      };
      for (std::size_t i = 0; i < config.size(); ++i) {
        for (std::size_t j = i + 1; j < config.size(); ++j) {
          const std::size_t a = config[i];
          const std::size_t b = config[j];
          if (!overlapping(m_ev.pool()[a], m_ev.pool()[b])) {
            continue;
          }
          consider(without(config, a));
          consider(without(config, b));
          if (auto both = merged(m_ev.pool()[a], m_ev.pool()[b], m_options.max_width)) {
            const std::size_t id = m_ev.pool().add(std::move(*both));
            if (m_ev.size(id)) {
              consider(replaced(without(config, a), b, id));
            }
          }
        }
      }
      if (!best) {
        break;
      }
      config = std::move(*best);
    }
    return config;
  }

  // The budget left spent on candidates that still save something net of
  // their write cost, below the noise floor the search steps by (an index
  // on a small table, a rarely run query's): the largest saving per byte
  // first, none overlapping a chosen index. The set then never leaves out
  // an index that fits and pays for itself by the what-if costs.
  Config fill(Config config) {
    while (!out_of_time()) {
      const double current = m_ev.objective(config);
      double best_score = 0;
      std::optional<std::size_t> best;
      for (std::size_t id : useful()) {
        if (out_of_time()) {
          break;
        }
        const bool overlaps = std::any_of(config.begin(), config.end(), [&](std::size_t member) {
          return overlapping(m_ev.pool()[member], m_ev.pool()[id]);
        });
        if (holds(config, id) || overlaps || !fits(with(config, id))) {
          continue;
        }
        const double gain = current - m_ev.objective(with(config, id));
        const double score = gain / static_cast<double>(std::max<std::int64_t>(*m_ev.size(id), 1));
        if (gain > k_fill_gain * current && score > best_score) {
          best_score = score;
          best = id;
        }
      }
      if (!best) {
        break;
      }
      config = with(config, *best);
    }
    return config;
  }

  // Branch and bound over `ids`: include or exclude each, best single gain
  // first. Bound: the objective with every remaining candidate added (the
  // planner's cost never rises when it is offered more indexes), write costs
  // of those left out. Returns false when the time ran out.
  bool branch_and_bound(const std::vector<std::size_t>& ids, Config& best, double& best_value) {
    Config current;
    return descend(ids, 0, current, best, best_value);
  }

private:
  Evaluator& m_ev;
  const SearchOptions& m_options;
  Clock::time_point m_start;
  Clock::time_point m_deadline;
  bool m_timed_out = false;
  std::optional<double> m_none;
  std::vector<std::size_t> m_useful;
  bool m_useful_done = false;
  std::map<std::size_t, double> m_single_gain;
  std::map<std::size_t, std::vector<std::size_t>> m_growths;

  bool descend(const std::vector<std::size_t>& ids, std::size_t next, Config& current, Config& best,
               double& best_value) {
    if (out_of_time()) {
      return false;
    }
    const double value = m_ev.objective(current);
    if (value < best_value) {
      best_value = value;
      best = current;
    }
    if (next >= ids.size() || (m_options.max_indexes > 0 && current.size() >= m_options.max_indexes)) {
      return true;
    }
    Config everything = current;
    double writes = 0;
    for (std::size_t i = next; i < ids.size(); ++i) {
      everything = with(everything, ids[i]);
      writes += m_ev.write_cost(ids[i]);
    }
    // objective(everything) counts the write costs of all of them; the bound
    // leaves those out, as the best completion need not build them.
    if (m_ev.objective(everything) - writes >= best_value) {
      return true;
    }
    const std::size_t id = ids[next];
    Config included = with(current, id);
    if (fits(included)) {
      if (!descend(ids, next + 1, included, best, best_value)) {
        return false;
      }
    }
    return descend(ids, next + 1, current, best, best_value);
  }
};

SearchResult finish(Evaluator& evaluator, Search& search, const Config& config) {
  SearchResult result;
  auto [order, savings] = priority_order(evaluator, config);
  result.chosen = std::move(order);
  result.savings = std::move(savings);
  result.cost_none = search.none();
  result.cost_chosen = evaluator.objective(config);
  result.size_bytes = evaluator.total_size(config);
  result.evaluations = evaluator.evaluations();
  result.seconds = search.seconds();
  result.stopped_by_time_limit = search.timed_out();
  return result;
}

} // namespace

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

double Evaluator::objective(const std::vector<std::size_t>& config) {
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

std::vector<std::size_t> per_query_choice(Evaluator& evaluator, const SearchOptions& options) {
  Search search(evaluator, options);
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

SearchResult search_index_set(Evaluator& evaluator, const SearchOptions& options) {
  Search search(evaluator, options);
  (void)search.none();
  (void)search.useful();

  std::vector<std::pair<std::string, Config>> seeds;
  seeds.emplace_back("extend", search.greedy({}, true));
  if (!search.out_of_time()) {
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
  SearchResult result = finish(evaluator, search, best);
  result.seed = best_seed;
  result.exact = exact;
  return result;
}

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
std::optional<std::vector<Subset>> group_front(Evaluator& evaluator, Search& search,
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
// knapsack over the budget in k_budget_units steps, sizes rounded up).
Config knapsack(const std::vector<std::vector<Subset>>& fronts, std::optional<std::int64_t> budget) {
  const std::int64_t units = budget ? k_budget_units : 0;
  const double unit =
      budget ? std::max(1.0, static_cast<double>(*budget) / static_cast<double>(k_budget_units)) : 1.0;
  const auto units_of = [&](std::int64_t size) {
    return budget ? static_cast<std::int64_t>(std::ceil(static_cast<double>(size) / unit)) : 0;
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

} // namespace

SearchResult exhaustive_over(Evaluator& evaluator, const std::vector<std::size_t>& ids,
                             const SearchOptions& options, std::size_t group_limit,
                             const std::vector<std::size_t>& keep) {
  Search search(evaluator, options);
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
  std::vector<std::vector<std::size_t>> groups = table_groups(evaluator, order);
  std::size_t trimmed = 0;
  if (group_limit > 0) {
    for (std::vector<std::size_t>& group : groups) {
      if (group.size() <= group_limit) {
        continue;
      }
      std::vector<std::size_t> kept;
      for (std::size_t id : group) { // best single saving first: `order`'s order
        if (holds(keep, id)) {
          kept.push_back(id);
        }
      }
      for (std::size_t id : group) {
        if (kept.size() >= group_limit) {
          break;
        }
        if (!holds(kept, id)) {
          kept.push_back(id);
        }
      }
      trimmed += group.size() - kept.size();
      group = std::move(kept);
    }
  }
  const std::size_t enumerable = std::max(k_max_group_candidates, group_limit);
  const bool small = std::all_of(groups.begin(), groups.end(), [&](const std::vector<std::size_t>& group) {
    return group.size() <= enumerable;
  });
  std::string note = std::to_string(order.size()) + " candidates in " + std::to_string(groups.size()) +
                     " table groups (largest ";
  std::size_t largest = 0;
  for (const std::vector<std::size_t>& group : groups) {
    largest = std::max(largest, group.size());
  }
  note += std::to_string(largest) + ")";
  if (trimmed > 0) {
    note += ", " + std::to_string(trimmed) + " less useful candidates left out of the largest groups";
  }
  if (options.max_indexes == 0 && small) {
    std::vector<std::vector<Subset>> fronts;
    for (const std::vector<std::size_t>& group : groups) {
      auto front = group_front(evaluator, search, group, options.budget_bytes);
      if (!front) {
        break;
      }
      fronts.push_back(std::move(*front));
    }
    const bool complete = fronts.size() == groups.size();
    SearchResult result =
        finish(evaluator, search, complete ? knapsack(fronts, options.budget_bytes) : Config{});
    result.exact = complete && !search.timed_out();
    result.seed = "exhaustive";
    result.note = note + ", each group enumerated" + (complete ? "" : ": stopped by the time limit");
    return result;
  }
  Config best;
  double best_value = base;
  const bool finished = search.branch_and_bound(order, best, best_value);
  SearchResult result = finish(evaluator, search, best);
  result.exact = finished && !search.timed_out();
  result.seed = "exhaustive";
  result.note = note + ", branch and bound" + (result.exact ? "" : ": stopped by the time limit");
  return result;
}

SearchResult exhaustive_index_set(Evaluator& evaluator, const SearchOptions& options) {
  std::vector<std::size_t> ids(evaluator.pool().size());
  std::iota(ids.begin(), ids.end(), 0);
  return exhaustive_over(evaluator, ids, options);
}

} // namespace pgadvise::advisor
