#pragma once

#include "advisor/index_set_evaluator.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgadvise::advisor {

// The workload-level index search: one set of indexes for the whole
// workload, minimizing the objective of index_set_evaluator (the queries'
// weighted planner costs with the set, plus its write costs) under a
// storage budget and a count limit.
//
// The search (Kossmann et al., VLDB 2020, "Magic mirror in my hand":
// Extend, DB2Advis, AutoAdmin; Microsoft DTA's anytime loop):
//   1. seeds: Extend (Schlosser et al. 2019: add the single index, or append
//      one key to a chosen index, with the best saving per byte, until
//      nothing fits or helps), a greedy by absolute saving, and the per-query
//      choice (each query's best index on its own, costliest query first,
//      what per-finding advice does); under a budget or a count limit also
//      the best subset of the set chosen without them, enumerated, which is
//      the result's floor too;
//   2. each seed improved by local search -- drop an index, swap one for
//      another candidate, append or remove a key, add one, and under a
//      budget or a count limit split one (out for smaller candidates by
//      saving per byte) -- taking the best improving move until none is left;
//   3. when there is time, the exact optimum over each group of tables read
//      together, its most useful candidates enumerated (exhaustive_over),
//      improved by local search in turn;
//   4. the best set found; indexes whose removal does not make the
//      objective worse (their write cost outweighs what they save) are
//      dropped, so no chosen index slows the workload by the model; two
//      overlapping indexes (one's keys a left prefix of the other's, one
//      holding every column of the other) become one: either, or their
//      merge, whichever the what-if costs price lowest;
//   5. the budget left is spent on candidates that save anything net of
//      their write cost (below min_gain: small tables, rare queries), best
//      saving per byte first, none overlapping a chosen index.
// Every step checks the work budget (max_costings) and the time limit: the
// search always has a feasible set to return (anytime).
// The moves are index_set_moves; the exact search is index_set_exhaustive.

struct SearchOptions {
  std::optional<std::int64_t> budget_bytes; // none: no storage limit
  std::size_t max_indexes = 0;              // 0: no count limit
  std::chrono::milliseconds time_limit{30'000};
  // The search's work limit, in what-if plans (the evaluator's costings):
  // a search this stops ends the same way on every run and every machine,
  // where one the clock stops ends where the machine's load left it. 0: none.
  std::size_t max_costings = 100'000;
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
  bool greedy_seed = true;    // false: leave out the greedy seed (by saving alone)
  // Under a budget or a count limit, the best subset of the set chosen
  // without them (the Extend seed and its local search: no other seed, no
  // exact step) is a seed and the floor of the result. false: leave it out
  // (for comparisons).
  bool subset_seed = true;
  // Under a budget or a count limit, the split move of local search. false:
  // leave it out (for comparisons).
  bool split_move = true;
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
  bool stopped_by_budget = false; // max_costings reached (the same on every run)
  bool exact = false;             // settled by the exact branch and bound
  std::string seed;               // which seed the set came from
  std::string note;               // how the exhaustive search went (groups, candidates)
};

SearchResult search_index_set(Evaluator& evaluator, const SearchOptions& options);

// Each query's best single candidate, costliest query first, added while it
// fits: the per-query choice the workload search is measured against.
std::vector<std::size_t> per_query_choice(Evaluator& evaluator, const SearchOptions& options);

// `config` in priority order: repeatedly the member whose addition saves the
// most given those before it; with each one's marginal saving.
std::pair<std::vector<std::size_t>, std::vector<double>>
priority_order(Evaluator& evaluator, const std::vector<std::size_t>& config);

} // namespace pgadvise::advisor
