#pragma once

#include "model/workload.hpp"

#include <cstdint>
#include <map>

// n-plus-one's parent choice: which statement's rows drive a run of a
// per-row child, judged on how consistently the child's runs follow it over
// the whole log.
namespace pgadvise::rules::n_plus_one {

// A statement that can be a loop's parent or child: parsed, not transaction
// control, a known kind.
bool repeatable(const model::QueryStats* query);

// A child of an N+1 reads or writes one row's worth: an INSERT of one row,
// or a lookup by equality with one value; never a set query.
bool per_row(const model::QueryStats& query);

// A child's fan-outs, and how many of them each candidate parent ran right
// before.
struct FanChild {
  std::uint32_t bursts = 0;
  std::map<std::uint64_t, std::uint32_t> seen;     // candidate -> fan-outs it ran right before
  std::map<std::uint64_t, std::uint64_t> followed; // candidate -> its executions these fan-outs followed
};

// Per child: its fan-outs, and how many of them each candidate parent ran
// right before.
using FanCandidates = std::map<std::uint64_t, FanChild>;

FanCandidates fan_candidates(const model::Workload& workload);

// The parent a repeat was judged after, with the run's executions per
// execution of that parent (a fan-out's window may hold several) and, for
// fan-outs, the parent's executions two or more children followed.
struct ParentChoice {
  std::uint64_t parent = 0;
  std::uint32_t per_parent = 0;
  std::uint32_t followed = 0;
};

ParentChoice parent_of(const model::Workload& workload, const model::Repeat& repeat, const FanCandidates& fan,
                       double min_share);

// The parent's executions that could have been followed by a run of the
// child: all of them, but those followed by a batched read of the child's
// table (the same page query in a code path that does it right).
std::uint64_t executions(const model::Workload& workload, std::uint64_t child, std::uint64_t parent);

} // namespace pgadvise::rules::n_plus_one
