// Every input a fuzz target once crashed on (tests/fuzz/regressions/<target>/)
// is replayed through the same target function, in the ordinary test binary
// (g++ and the sanitizer build alike), so the crash stays fixed.
#include "fuzz/targets.hpp"
#include "support/files.hpp"

#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <set>
#include <sstream>

namespace {

namespace fs = std::filesystem;

const fs::path k_regressions = fs::path(PGADVISE_SOURCE_DIR) / "tests" / "fuzz" / "regressions";

TEST(FuzzRegressions, EveryFolderNamesATarget) {
  std::set<std::string> names;
  for (const auto& target : pgadvise::fuzz::targets()) {
    names.emplace(target.name);
  }
  for (const auto& entry : fs::directory_iterator(k_regressions)) {
    if (entry.is_directory()) {
      EXPECT_TRUE(names.count(entry.path().filename().string()) == 1) << entry.path();
    }
  }
}

TEST(FuzzRegressions, CheckedInInputsRunCleanly) {
  for (const auto& entry : fs::recursive_directory_iterator(k_regressions)) {
    if (!entry.is_regular_file() || entry.path().filename() == "README.md") {
      continue;
    }
    const std::string target = entry.path().parent_path().filename().string();
    SCOPED_TRACE(entry.path().string());
    EXPECT_TRUE(pgadvise::fuzz::run_target(target, pgadvise::test::read_text(entry.path())));
  }
}

// The targets themselves run on trivial and odd inputs (what a fuzz run
// starts from), so a target broken by a reader's change fails here first.
TEST(FuzzRegressions, EveryTargetRunsOnEmptyAndBinaryInput) {
  const std::string binary("\x00\xff\x1f\x8b\x08\x00\x7f"
                           "ELF\n\t\"{[(",
                           14);
  for (const auto& target : pgadvise::fuzz::targets()) {
    SCOPED_TRACE(std::string(target.name));
    target.run("");
    target.run(binary);
  }
  EXPECT_FALSE(pgadvise::fuzz::run_target("no-such-target", ""));
}

} // namespace
