#pragma once

#include "loaders/logs/group_runs.hpp"
#include "loaders/logs/param_keys.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pgadvise::loaders {

// One statement (or one whole transaction) of a client, in log order: what
// the fan-out search keeps of it.
struct FanOutExec {
  std::int64_t ts_us = 0;
  std::uint64_t id = 0;            // the statement's fingerprint, or a transaction's shape
  std::uint64_t row_statement = 0; // the statement a Repeat names (id itself for a statement)
  std::uint64_t parent = 0;        // what it counts as when it is a parent (0: never one)
  bool drives_loop = false;        // its rows may drive a loop (tried first as a parent)
  std::uint64_t params = 0;
  ParamKeys keys{};              // its key parameters' values (param_values)
  std::uint64_t row = 0;         // the values its row gives (FoldStep::row)
  std::uint64_t step_parent = 0; // what it counts as before a run, whatever its kind
  std::uint64_t session = 0;     // the fold's session key
  std::int64_t pid = 0;
  double duration_ms = 0;
  int line = 0;
  std::uint32_t file = 0; // index given by begin_file
  std::uint32_t code_path = 0;
  bool child = true;         // may be a per-row child (not a set query, not transaction control)
  bool set_filter = false;   // a batched read (`= ANY($1)`, `IN (SELECT ...)`)
  std::uint64_t claimed = 0; // the child whose fan-out already counted this parent execution
};

// A run of one child's executions in a client's window (a fan-out's
// burst, a key's strand): its first and last, by sequence number and time,
// and how many.
struct ExecSpan {
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint32_t count = 0;
};

// A repeat found as a span: its executions, their distinct parameter sets
// (capped) and when they ran.
inline void set_span(model::Repeat& repeat, const ExecSpan& span, const std::vector<std::uint64_t>& params) {
  repeat.count = span.count;
  repeat.distinct_params = static_cast<std::uint32_t>(params.size());
  repeat.params_set = params_set_hash(params);
  repeat.first_us = span.first_us;
  repeat.last_us = span.last_us;
}

// "pid 4100, pid 4101, ... and 2 more" (the first eight), for the evidence.
inline std::string listed_backends(const std::vector<std::int64_t>& pids) {
  constexpr std::size_t k_listed = 8;
  std::string out;
  for (std::size_t i = 0; i < pids.size() && i < k_listed; ++i) {
    out += (i == 0 ? "" : ", ") + (pids[i] != 0 ? "pid " + std::to_string(pids[i]) : "?");
  }
  if (pids.size() > k_listed) {
    out += " and " + std::to_string(pids.size() - k_listed) + " more";
  }
  return out;
}

} // namespace pgadvise::loaders
