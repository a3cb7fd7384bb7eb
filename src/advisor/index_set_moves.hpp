#pragma once

#include "advisor/index_set_evaluator.hpp"
#include "advisor/index_set_search.hpp"

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <vector>

namespace pgadvise::advisor {

// A configuration: sorted pool ids.
using Config = std::vector<std::size_t>;
Config with(Config config, std::size_t id);
Config without(Config config, std::size_t id);
Config replaced(const Config& config, std::size_t out, std::size_t in);
bool holds(const Config& config, std::size_t id);

// The least saving, as a share of the objective, that makes a candidate
// useful and that fill() spends the budget left on: above the
// floating-point noise of summing the costs.
constexpr double k_fill_gain = 1e-9;

// One run of the workload search: the evaluator, the limits and the clock
// its steps share, and the moves of the heuristic search (index_set_search):
// the greedy seeds, local search, pruning, merging overlaps, filling the
// budget left. Every move checks the time limit.
class SetSearch {
  using Clock = std::chrono::steady_clock;

public:
  SetSearch(Evaluator& evaluator, const SearchOptions& options)
      : m_ev(evaluator), m_options(options), m_start(Clock::now()), m_deadline(m_start + options.time_limit) {
  }

  // Out of work budget (costings, deterministic) or of time.
  [[nodiscard]] bool out_of_time() {
    if (m_options.max_costings > 0 && m_ev.evaluations() >= m_options.max_costings) {
      m_budget_spent = true;
    }
    if (!m_budget_spent && Clock::now() >= m_deadline) {
      m_timed_out = true;
    }
    return m_timed_out || m_budget_spent;
  }

  [[nodiscard]] bool timed_out() const { return m_timed_out; }
  [[nodiscard]] bool budget_spent() const { return m_budget_spent; }

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

  bool fits(const Config& config);

  // Candidates that save something alone and can be simulated, best first.
  const std::vector<std::size_t>& useful();

  [[nodiscard]] double single_gain(std::size_t id) const {
    const auto it = m_single_gain.find(id);
    return it == m_single_gain.end() ? 0 : it->second;
  }

  // The candidates `id` grows into by one key some query uses with its
  // leading key (added to the pool).
  std::vector<std::size_t> growths(std::size_t id);

  // The candidate without its last key (a shorter index), if it has two or more.
  std::optional<std::size_t> shrunk(std::size_t id);

  // Greedy from `start`: per round, the best add or key append; by saving
  // per byte (Extend) or by saving alone.
  Config greedy(Config config, bool per_byte);

  // Best-improvement local search: drop, add, swap, grow, shrink; under a
  // budget or a count limit, at each local optimum, split too.
  Config improve(Config config);

  // The best split of `config` that saves more than min_gain, under a
  // budget or a count limit: one chosen index out, then smaller candidates
  // in its place by the largest saving per byte while they fit and save
  // (refill). One large index can hold the budget where two smaller ones
  // save more together; a swap, one for one, never reaches them, as the
  // first small one alone saves less than the large one.
  std::optional<Config> split(const Config& config);

  // Candidates smaller than `below` bytes added to `config` by the largest
  // saving per byte, while they fit and each saves more than min_gain.
  Config refill(Config config, std::int64_t below);

  // Indexes whose removal raises the objective by less than min_gain: their
  // write cost outweighs what they save, others do their work, or what
  // they save is noise.
  Config prune(Config config);

  // Each pair of overlapping chosen indexes (one's keys a left prefix of
  // the other's, one holding every column of the other) kept as one: either
  // of them, or their merge (the longer keys with both's INCLUDE columns),
  // whichever costs least by the what-if costs. One index answers both
  // lookups from its leaf pages; what HypoPG prices the second at is the
  // width of the leaf pages scanned, not worth a second index to maintain.
  Config merge_overlaps(Config config);

  // The budget left spent on candidates that still save something net of
  // their write cost, below the noise floor the search steps by (an index
  // on a small table, a rarely run query's): the largest saving per byte
  // first, none overlapping a chosen index. The set then never leaves out
  // an index that fits and pays for itself by the what-if costs.
  Config fill(Config config);

  [[nodiscard]] Evaluator& evaluator() { return m_ev; }
  [[nodiscard]] const SearchOptions& options() const { return m_options; }
  // `config` as the search's result: priority order, savings, costs, size, time.
  SearchResult finish(const Config& config);

private:
  Evaluator& m_ev;
  const SearchOptions& m_options;
  Clock::time_point m_start;
  Clock::time_point m_deadline;
  bool m_timed_out = false;
  bool m_budget_spent = false;
  std::optional<double> m_none;
  std::vector<std::size_t> m_useful;
  bool m_useful_done = false;
  std::map<std::size_t, double> m_single_gain;
  std::map<std::size_t, std::vector<std::size_t>> m_growths;
};

} // namespace pgadvise::advisor
