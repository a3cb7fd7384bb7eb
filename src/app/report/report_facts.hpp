#pragma once

#include "reporters/report.hpp"

#include <string>

// Facts the reporters need but cannot find themselves (they sit below the
// registry and never look at the file system).
namespace pgadvise::app {

// Every registered rule, then the built-in diagnostics, as the output
// formats describe them (SARIF rules[], JUnit suites, the README table).
std::vector<reporters::RuleInfo> describe_rules();

// The repository a lint path belongs to: the nearest directory at or above
// it holding `.git` (a directory, or a file in a worktree), else the path
// itself (its directory when it is a file). Absolute and normalized.
std::string repository_root(const std::string& lint_path);

} // namespace pgadvise::app
