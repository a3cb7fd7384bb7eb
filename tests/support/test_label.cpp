#include "support/test_label.hpp"

#include <array>
#include <cstdlib>
#include <gtest/gtest.h>

namespace pgadvise::test {

namespace {

struct Permit {
  std::string_view label;
  std::string_view resources; // space-separated
};

// What each label lets its tests use. `unit` is in-process only: no child
// process, so the quick tier (scripts/test.sh) stays quick.
constexpr std::array<Permit, 7> k_permits{{
    {"unit", ""},
    {"cli", "process"},
    {"tools", "process tools"},
    {"cluster", "process tools cluster"},
    {"browser", "process browser"},
    {"pty", "process pty"},
    {"editor", "process tools editor"},
}};

bool permits(std::string_view label, std::string_view resource) {
  for (const Permit& permit : k_permits) {
    if (permit.label != label) {
      continue;
    }
    std::string_view rest = permit.resources;
    while (!rest.empty()) {
      const std::size_t end = std::min(rest.find(' '), rest.size());
      if (rest.substr(0, end) == resource) {
        return true;
      }
      rest.remove_prefix(std::min(end + 1, rest.size()));
    }
    return false;
  }
  return label == resource;
}

// The list a suite that uses `resource` goes in.
std::string_view label_for(std::string_view resource) {
  return resource == "process" ? std::string_view("cli") : resource;
}

} // namespace

std::string label_mismatch(std::string_view resource) {
  const char* label = std::getenv("PGADVISE_TEST_LABEL");
  if (label == nullptr || *label == '\0' || permits(label, resource)) {
    return {};
  }
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string suite = info != nullptr ? info->test_suite_name() : "this test";
  const std::string_view wanted = label_for(resource);
  return "the suite " + suite + " uses " + std::string(resource == "process" ? "a child process" : resource) +
         " but runs under the ctest label " + label + ": add it to PGADVISE_TEST_SUITES_" +
         std::string(wanted) + " in tests/labels.cmake";
}

} // namespace pgadvise::test
