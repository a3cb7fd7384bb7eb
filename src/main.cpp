#include "cli/cli.hpp"

#include <cstdlib>
#include <cstring>

#if defined(__linux__) && defined(__GLIBC__)
#include <unistd.h>
#endif

namespace {

#if defined(__linux__) && defined(__GLIBC__)
constexpr const char* k_tunables = "glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1";
constexpr const char* k_marker = "PGADVISE_HUGE_PAGES";

// A big schema faults in a few hundred MB of fresh heap 4 KiB at a time:
// at 10,000 tables a quarter of the CPU went to page faults and the
// allocator around them. glibc backs its heap with transparent huge pages
// (where the kernel allows them on request, as most distributions'
// defaults do) when GLIBC_TUNABLES says so, and reads that only at
// startup: so the first start sets it and runs the program again, once.
// It cut a 10,000-table run's CPU by about a quarter for 3% more peak RSS.
// One malloc arena for every thread (arena_max=1): the rules' second worker
// had an arena of its own, whose freed chunk buffers and temporaries stayed
// resident beside the main heap's free space left by the load, which the
// worker could not reuse; at 100,000 tables that was 27 MB of the peak
// (319 MB, 292 MB with one arena), at 10,000 tables 6 MB. It costs time:
// measured idle, 10,000 tables take 0.97 s with it and 0.79 s without, and
// 100,000 tables 9.4 to 10.4 s against 7.9 to 8.7 s (but 271 MB without
// it, over the 256 MB goal). docs/benchmarks.md has the trade and the next
// step.
// A user's own GLIBC_TUNABLES is left alone; if the exec fails, the run
// goes on as it is. The variables are removed again so that child
// processes (psql, node) start with the environment they were given.
void use_huge_pages(char** argv) {
  if (std::getenv(k_marker) != nullptr) {
    const char* tunables = std::getenv("GLIBC_TUNABLES");
    if (tunables != nullptr && std::strcmp(tunables, k_tunables) == 0) {
      unsetenv("GLIBC_TUNABLES");
    }
    unsetenv(k_marker);
    return;
  }
  if (std::getenv("GLIBC_TUNABLES") != nullptr) {
    return;
  }
  if (setenv("GLIBC_TUNABLES", k_tunables, 1) != 0 || setenv(k_marker, "1", 1) != 0) {
    return;
  }
  execv("/proc/self/exe", argv);
  unsetenv("GLIBC_TUNABLES");
  unsetenv(k_marker);
}
#endif

} // namespace

int main(int argc, char** argv) {
#if defined(__linux__) && defined(__GLIBC__)
  use_huge_pages(argv);
#endif
  return pgadvise::cli::run(argc, argv);
}
