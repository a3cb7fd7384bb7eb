#pragma once

#include "engine/runner.hpp"
#include "reporters/report.hpp"

// A hand-built run shared by the reporter tests: findings in several files
// and without one, with and without evidence, fix and object, two on the
// same line, and a message long enough to wrap.
namespace pgadvise::test {

engine::RunReport sample_run();
reporters::ReportInput sample_input(const engine::RunReport& run);

} // namespace pgadvise::test
