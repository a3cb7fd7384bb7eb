#pragma once

#include "model/workload.hpp"
#include "rules/query/n_plus_one/bursts.hpp"

#include <cstdint>
#include <vector>

// n-plus-one's judgement: which gathered bursts are a loop in code (the
// parent's executions nearly all followed by a run of the child), and which
// children are one loop's body.
namespace pgadvise::rules::n_plus_one {

struct JudgeOptions {
  std::uint32_t min_burst = 5;
  double min_share = 0.8;
  std::uint64_t min_executions = 2;
};

// One loop to report: its per-row statements, the main one first (its
// write, else the one run most).
struct Loop {
  std::vector<const Bursts*> body;
  bool several_parents = false; // the main child is reported after another parent too
};

// Judges every entry of `found` (writing its share and runs) and returns
// the loops, in the order of their first child in `found`.
std::vector<Loop> judge_loops(const model::Workload& workload, const JudgeOptions& options,
                              std::vector<Bursts>& found);

} // namespace pgadvise::rules::n_plus_one
