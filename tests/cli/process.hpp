#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

// Runs a program the way a user's shell would, for end-to-end CLI tests.
namespace pgadvise::test {

struct ProcessResult {
  int exit_code = -1; // 128 + signal when killed
  std::string out;    // stdout (with `tty`, stdout and stderr together)
  std::string err;    // stderr (empty with `tty`)
  bool timed_out = false;
};

struct ProcessOptions {
  // Environment changes on top of this process's: a value sets, nullopt unsets.
  std::map<std::string, std::optional<std::string>> env;
  // Run on a pseudo-terminal, so the program sees a TTY on stdout/stderr.
  bool tty = false;
  std::chrono::seconds timeout{120};
  // The directory the program starts in; empty: this process's.
  std::string cwd;
};

ProcessResult run_process(const std::string& program, const std::vector<std::string>& args,
                          const ProcessOptions& options = {});

} // namespace pgadvise::test
