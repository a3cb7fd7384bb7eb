#pragma once

#include "core/stage_timings.hpp"

#include <ostream>

namespace pgadvise::reporters {

// `pgadvise lint --timings` on stderr: one row per stage (wall, CPU, and by
// how much the peak resident set grew while it ran), then what ran outside
// the stages and the whole run. A stage that did not run shows `-` (live
// is left out unless --db ran it).
void write_timings(const core::TimingsSnapshot& timings, std::ostream& out);

} // namespace pgadvise::reporters
