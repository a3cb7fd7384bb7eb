#include "cli/cli.hpp"
#include "core/background.hpp"

#include <cstdlib>
#include <cstring>

#if defined(__linux__) && defined(__GLIBC__)
#include <unistd.h>
#endif

namespace {

#if defined(__linux__) && defined(__GLIBC__)
constexpr const char* k_tunables =
    "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=2097152:glibc.malloc.trim_threshold=16777216:"
    "glibc.malloc.mxfast=0:glibc.malloc.top_pad=67108864";
constexpr const char* k_marker = "PGADVISE_HUGE_PAGES";

// A big schema faults in a few hundred MB of fresh heap 4 KiB at a time:
// at 10,000 tables a quarter of the CPU went to page faults and the
// allocator around them. glibc backs its heap with transparent huge pages
// (where the kernel allows them on request, as most distributions'
// defaults do) when GLIBC_TUNABLES says so, and reads that only at
// startup: so the first start sets it and runs the program again, once.
// It cut a 10,000-table run's CPU by about a quarter for 3% more peak RSS.
// Blocks of 2 MiB and more are mapped on their own (mmap_threshold), not
// carved from an arena: a 100,000-table run's one-off big blocks (the
// sort's index vectors, a rule's lookup table) go back to the system when
// freed instead of staying resident as arena space that only the thread
// that freed them could reuse. A fixed threshold stops glibc from raising
// its trim threshold with it, so that is set too: with the default 128 KiB
// the heap's top was given back and faulted in again, 16,000 to 22,700
// page faults at 10,000 tables instead of 10,000 to 11,000 (9,000 with
// neither). It is 16 MiB: at 4 MiB (glibc's rule, twice the mmap
// threshold) a parse that grows and frees tens of MB at the heap's top
// (a 5 MB schema.ts of 10,000 tables) gave it back and faulted it in again
// as huge pages, each zeroed anew: 1.0 s of system time in a 1.45 s run,
// 0.11 s and 0.58 s at 16 MiB, with the same peak at 100,000 tables.
// glibc's default arenas are kept (one per thread): one arena for every
// thread (arena_max=1, which kept the rules' second worker's freed memory
// reusable) cost the time, measured idle: 10,000 tables 0.97 s with it and
// 0.79 s without, 100,000 tables 9.4 to 10.4 s against 7.9 to 8.7 s.
// Default arenas alone took 100,000 tables to 265 to 273 MB; with these
// thresholds, smaller chunks of findings held by the rules
// (engine::RunInput::spill_from) and the heap trimmed after the rules
// (engine/runner.cpp), 231 to 240 MB (mostly 231 to 235), against 235 to
// 242 MB with one arena before. Fast bins are off (mxfast=0; the
// per-thread cache still serves small blocks): the many small blocks a
// run frees were merged again (malloc_consolidate, 5% of the language
// server's time) each time a large block was asked for; sim's root 2.57
// and 2.60 s -> 2.43 and 2.42 s, 100,000 tables 240 -> 234 MB.
// docs/benchmarks.md has the measurements.
// Each worker thread's arena is a heap of up to 64 MiB that glibc makes
// usable, and asks huge pages for, only as far as its first size: the
// block that created it plus top_pad. Grown after that, it was faulted in
// 4 KiB at a time: on a real monorepo (sim) 30,000 page faults, a quarter
// of the CPU of a 1.15 s run. With top_pad at 64 MiB the whole heap is
// huge pages from the start: 10,000 faults, 0.83 s (lobe-chat 0.89 ->
// 0.68 s, 10,000 tables 1.06 -> 0.97 s), for 6 to 12 MB more peak RSS
// (100,000 tables 230 -> 243 MB, under the 256 MB goal).
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
  const int code = pgadvise::cli::run(argc, argv);
  pgadvise::core::wait_for_background_work(); // what is freed in the background
  return code;
}
