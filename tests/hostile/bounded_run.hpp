#pragma once

#include <string>
#include <vector>

// Runs the pgadvise binary on one hostile input under the bounds:
// a watchdog kills it after 20 s (the test then fails on timed_out, it does
// not assert on normal speed), its address space is capped at 1 GiB (not in
// sanitizer builds, whose shadow memory needs terabytes of address space;
// there the peak resident size is checked instead), and it can run as an
// unprivileged user, so a chmod 000 file is unreadable although the tests
// run as root.
namespace pgadvise::test {

struct BoundedResult {
  int exit_code = -1; // 128 + signal when killed
  std::string out;
  std::string err;
  long peak_rss_kib = 0;
  bool timed_out = false;
};

struct BoundedOptions {
  std::string cwd;              // where the program starts
  bool as_nobody = false;       // drop to uid/gid 65534 first (when root)
  int timeout_seconds = 20;     // the watchdog
  long memory_limit_mib = 1024; // RLIMIT_AS outside sanitizer builds
  bool stdin_held_open = false; // stdin: a pipe nobody writes to nor closes (else /dev/null)
};

BoundedResult run_bounded(const std::vector<std::string>& args, const BoundedOptions& options);

// Whether this binary was built with AddressSanitizer (then the pgadvise
// binary it runs was too).
bool built_with_sanitizers();

} // namespace pgadvise::test
