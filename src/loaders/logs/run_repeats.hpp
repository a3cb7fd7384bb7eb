#pragma once

#include "loaders/logs/fold_step.hpp"
#include "loaders/logs/group_runs.hpp"
#include "loaders/logs/write_runs.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pgadvise::loaders {

// The runs of one closed group (a transaction, a session's burst, or a
// request's trace) become Repeats; a run of the same statement per row
// after a parent is what n-plus-one reads. Each run of each unit member is
// one Repeat, so counts are per run (per request when requests share a
// connection), never summed over back-to-back requests. An autocommit
// group's multi-table writes and its batched reads after a parent are
// counted on the way.
class RunRepeats {
public:
  explicit RunRepeats(model::Workload& workload) : m_workload(workload) {}

  // `file` is the log shown in locations, `session` the group's session (or
  // its trace's first backend), `vxid` an open transaction's.
  void record(const std::string& file, const std::vector<FoldStep>& steps, const std::string& session,
              bool in_transaction, const std::string& vxid, model::Repeat::Grouping grouping);

private:
  void count_group(const std::string& file, const std::vector<FoldStep>& steps, const std::string& session,
                   bool autocommit);
  static void add_run_steps(model::Repeat& repeat, const std::vector<FoldStep>& steps, const GroupRun& run);
  // group_runs of m_ids and m_parents, remembered: the transactions of one
  // code path give the same steps again and again.
  const std::vector<GroupRun>& runs_of(bool one_request);

  struct Memo {
    bool valid = false;
    bool one_request = false;
    std::uint64_t hash = 0;
    std::vector<std::uint64_t> ids;
    std::vector<std::uint64_t> parents;
    std::vector<GroupRun> runs;
  };
  static constexpr std::size_t k_memo_slots = 64;
  static constexpr std::size_t k_memo_max_steps = 256; // longer groups are worked out each time

  model::Workload& m_workload;
  std::uint64_t m_groups = 0; // groups closed, to tell Repeats of one group
  // Working lists, kept for their capacity.
  std::vector<std::uint64_t> m_ids;
  std::vector<std::uint64_t> m_parents;
  std::vector<GroupStatement> m_statements;
  std::vector<Memo> m_memo;
  std::vector<GroupRun> m_runs; // a group too long to remember
};

} // namespace pgadvise::loaders
