#pragma once

#include "model/workload.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace pgadvise::loaders {

// One statement of an autocommit group, as the fold saw it.
struct GroupStatement {
  std::uint64_t fingerprint = 0;
  std::int64_t ts_us = 0; // 0: not timed
  int line = 0;
};

// Records the multi-table writes of one closed autocommit group (statements
// no more than the burst window apart) in workload.write_runs: the group's
// INSERT / UPDATE / DELETE statements, a statement repeated back to back
// counted once, cut where a statement of the run comes again (the next
// request on the same connection); each cut with writes to two or more
// tables is one occurrence. Untimed groups are skipped: without timestamps a
// whole session is one group.
void record_write_runs(model::Workload& workload, const std::string& session, const std::string& file,
                       const std::vector<GroupStatement>& group);

} // namespace pgadvise::loaders
