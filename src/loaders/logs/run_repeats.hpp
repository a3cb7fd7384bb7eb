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

  model::Workload& m_workload;
  std::uint64_t m_groups = 0; // groups closed, to tell Repeats of one group
  // Working lists, kept for their capacity.
  std::vector<std::uint64_t> m_ids;
  std::vector<std::uint64_t> m_parents;
  std::vector<GroupStatement> m_statements;
};

} // namespace pgadvise::loaders
