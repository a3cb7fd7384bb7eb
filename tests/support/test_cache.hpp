#pragma once

#include <filesystem>

// What tests make once and every test process reuses (the initdb template,
// drizzle-kit's first migrations of a fixture): ctest runs each test in a
// process of its own, so a cache in memory would be made again each time.
// It lives in the build tree, beside the built pgadvise (build/test-cache/),
// never in /tmp; entries are named by what they were made from, and written
// beside their place and renamed into it, so tests running at once see a
// whole entry or none.
namespace pgadvise::test {

inline std::filesystem::path cache_dir() {
  return std::filesystem::path(PGADVISE_BINARY).parent_path() / "test-cache";
}

} // namespace pgadvise::test
