#pragma once

// Running the built pgadvise as a user's shell would, for end-to-end tests.

#include "cli/process.hpp"

#include <gtest/gtest.h>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::test {

// pgadvise ARGS. The variables of the user's environment that change what
// pgadvise prints or where it connects (NO_COLOR, PGPASSWORD, DATABASE_URL,
// GITHUB_STEP_SUMMARY) are unset unless `options` sets them, so the outcome
// is the same on every machine. A hang fails the test.
inline ProcessResult run_pgadvise(const std::vector<std::string>& args, ProcessOptions options = {}) {
  for (const char* name : {"NO_COLOR", "PGPASSWORD", "DATABASE_URL", "GITHUB_STEP_SUMMARY"}) {
    options.env.try_emplace(name, std::nullopt);
  }
  ProcessResult result = run_process(PGADVISE_BINARY, args, options);
  EXPECT_FALSE(result.timed_out) << "pgadvise hung";
  return result;
}

// The same, started in `cwd` (reported paths are relative to it).
inline ProcessResult run_pgadvise_in(const std::string& cwd, const std::vector<std::string>& args,
                                     ProcessOptions options = {}) {
  options.cwd = cwd;
  return run_pgadvise(args, options);
}

} // namespace pgadvise::test
