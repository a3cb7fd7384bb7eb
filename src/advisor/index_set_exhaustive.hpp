#pragma once

#include "advisor/index_set_search.hpp"

#include <cstddef>
#include <vector>

namespace pgadvise::advisor {

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

} // namespace pgadvise::advisor
