#pragma once

#include "core/finding.hpp"
#include "model/workload.hpp"

#include <vector>

namespace pgadvise::app {

// `lint --show-literals`: reports carry statements with their literals
// replaced by $n, never the values a log recorded. With the flag, each
// finding that cites a logged query also gets that query's one kept
// execution, as it was logged: its literals and its bind parameters
// (evidence kind "example"). For a developer on their own machine, never
// for a report that leaves it.
void add_literal_examples(std::vector<core::Finding>& findings, const model::Workload& workload);

} // namespace pgadvise::app
