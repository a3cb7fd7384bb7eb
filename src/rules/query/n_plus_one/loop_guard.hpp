#pragma once

#include "model/project_graph.hpp"
#include "model/workload.hpp"

#include <string>

namespace pgadvise::rules::n_plus_one {

// The warning a batched write's fix opens with when the loop's body runs
// the write only under an `if` of its own (QueryCall::condition): one
// statement for all rows drops that test and writes rows the loop leaves
// alone (a delete of the agents still linked to another session). "" for a
// read (a batch reads more rows and the loop takes its matches), or a write
// no test of the loop's body guards.
std::string loop_guard_note(const model::QueryCall& call, model::StatementKind kind);

} // namespace pgadvise::rules::n_plus_one
