#pragma once

#include "core/source_location.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

// n-plus-one's runs: the log's repeats that make a burst of an N+1's size
// after a parent, gathered per (child, parent, transaction shape): one code
// path each.
namespace pgadvise::rules::n_plus_one {

// The qualifying bursts of one (parent, child) pair, over all sessions: one
// code path.
struct Bursts {
  std::uint64_t fingerprint = 0;       // the child
  std::uint64_t parent = 0;            // 0: runs inside transactions with nothing before them
  std::uint64_t transaction_shape = 0; // the child runs in a transaction of its own per row
  std::vector<std::uint32_t> counts;   // per burst: executions per execution of the parent
  std::set<std::string> sessions;      // capped: only the count is shown
  std::uint64_t in_transaction = 0;
  std::uint64_t fan_outs = 0;     // bursts spread over several backends of one client
  std::uint64_t fan_followed = 0; // the parent's executions the fan-outs followed
  std::uint64_t fan_children = 0; // the fan-outs' children per parent execution, times those executions
  // As judged: the parent's share, its executions (those another loop
  // followed left out), and how many of them a run of the child followed.
  double share = 0;
  std::uint64_t parent_runs = 0;
  std::uint64_t followed_runs = 0;
  std::uint64_t left_out = 0;
  std::uint64_t traced = 0;      // bursts grouped by a traceparent's trace id
  std::uint64_t keyed = 0;       // bursts of one request on several backends, joined by a shared key value
  std::uint64_t interleaved = 0; // bursts among the optional statements of a varying loop body
  std::uint32_t max_backends = 0;
  std::string backend_list;            // of the burst on the most backends
  std::int64_t max_window_us = 0;      // the longest fan-out, first to last child
  std::set<std::uint64_t> params_sets; // one per burst: a single one over several bursts is a constant list
  std::uint64_t statements = 0;        // the child's executions in the bursts
  // Of them, those in fan-outs that overlap a run of the child on one
  // connection (after another parent): that run counts them already.
  std::uint64_t shadowed = 0;
  std::set<std::uint64_t> groups;                           // the groups the bursts came from (capped)
  std::vector<std::pair<std::int64_t, std::int64_t>> spans; // fan-outs' first and last child (capped)
  double total_ms = 0;
  core::SourceLocation first;
  std::uint32_t code_path = 0; // the first burst's sqlcommenter route/file
};

// The repeats of the log that make bursts of at least `min_burst` per-row
// executions after a parent (or inside a transaction), gathered per (child,
// parent, transaction shape); fan-outs of a child that follow no statement
// consistently are merged into the one they follow most.
std::vector<Bursts> gather_bursts(const model::Workload& workload, std::uint32_t min_burst, double min_share);

} // namespace pgadvise::rules::n_plus_one
