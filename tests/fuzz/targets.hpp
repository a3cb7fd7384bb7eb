#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// The fuzz targets: one per reader entry point, each taking arbitrary bytes
// the way the tool would get them (a file's text, or a file in a project
// folder). tests/fuzz/fuzz_main.cpp makes each a libFuzzer binary
// (fuzz_<name>); tests/fuzz/regression_test.cpp replays every checked-in
// input of tests/fuzz/regressions/<name>/ through the same function, in the
// ordinary test binary, so a crash once found stays fixed.
namespace pgadvise::fuzz {

using TargetFunction = void (*)(std::string_view data);

struct Target {
  std::string_view name;
  TargetFunction run;
};

// Every target, in a fixed order (the names scripts/fuzz.sh and CMake use).
const std::vector<Target>& targets();

// Runs the named target on `data`; false when there is no such target.
bool run_target(std::string_view name, std::string_view data);

} // namespace pgadvise::fuzz
