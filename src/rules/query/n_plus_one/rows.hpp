#pragma once

#include "engine/rule.hpp"
#include "model/workload.hpp"

// Whether the code says a loop runs over a query's rows, where the log
// alone would call it a loop over a constant list.
namespace pgadvise::rules::n_plus_one {

// The project's code runs `child` in request loops over the rows of a
// read of `parent`'s table (each loop follows that read in its function),
// and in no loop over a list written in the code. The log's bursts that
// ran with the same parameter sets every time are then the same rows read
// again (a page whose data did not change while it was logged), not a
// constant list: their number grows with the data.
bool loop_over_parent_rows(const engine::RuleContext& context, const model::QueryStats& child,
                           const model::QueryStats* parent);

} // namespace pgadvise::rules::n_plus_one
