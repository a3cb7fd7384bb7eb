#pragma once

#include "loaders/logs/param_keys.hpp"
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
  ParamLinks links{}; // its logged values (all 0: none logged)
};

// Records the multi-table writes of one closed autocommit group (statements
// no more than the burst window apart) in workload.write_runs: the group's
// INSERT / UPDATE / DELETE statements, a statement repeated back to back
// counted once, cut where a statement of the run comes again (the next
// request on the same connection); each cut with writes to two or more
// tables is one occurrence. Untimed groups are skipped: without timestamps a
// whole session is one group.
//
// A connection may carry several requests' statements at once (postgres.js
// sends each query to the next free connection and pipelines when none is),
// so where the values are logged a write joins the run it shares a value
// with (ParamLinks: the row it writes, the key it looks up); a write sharing
// none starts a run of its own. A write without logged values (the simple
// protocol's literals, a log without parameters) follows the write before
// it, as one request's would.
void record_write_runs(model::Workload& workload, const std::string& session, const std::string& file,
                       const std::vector<GroupStatement>& group);

} // namespace pgadvise::loaders
