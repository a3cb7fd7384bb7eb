#include "support/test_label.hpp"

#include <cstdlib>
#include <gtest/gtest.h>

namespace pgadvise::test {

std::string label_mismatch(std::string_view resource) {
  const char* label = std::getenv("PGADVISE_TEST_LABEL");
  if (label == nullptr || *label == '\0' || resource == label) {
    return {};
  }
  const ::testing::TestInfo* info = ::testing::UnitTest::GetInstance()->current_test_info();
  const std::string suite = info != nullptr ? info->test_suite_name() : "this test";
  return "the suite " + suite + " uses " + std::string(resource) + " but runs under the ctest label " +
         label + ": add it to PGADVISE_TEST_SUITES_" + std::string(resource) + " in tests/labels.cmake";
}

} // namespace pgadvise::test
