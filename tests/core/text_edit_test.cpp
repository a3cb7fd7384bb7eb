#include "core/text_edit.hpp"

#include <gtest/gtest.h>

namespace text_edit_test {

using pgadvise::core::apply_edits;
using pgadvise::core::TextEdit;
using pgadvise::core::unified_diff;

TEST(TextEdit, AppliesEditsInOffsetOrderKeepingInsertionOrder) {
  const auto out = apply_edits("abcdef", {{4, 1, "E"}, {1, 0, "1"}, {1, 0, "2"}, {0, 1, ""}});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "12bcdEf");
}

TEST(TextEdit, OverlappingEditsAreAnError) {
  EXPECT_FALSE(apply_edits("abcdef", {{1, 3, "x"}, {2, 1, "y"}}).ok());
  EXPECT_FALSE(apply_edits("abc", {{2, 5, "x"}}).ok());
}

TEST(UnifiedDiff, EqualTextsHaveNoDiff) {
  EXPECT_EQ(unified_diff("f.ts", "a\nb\n", "a\nb\n"), "");
}

TEST(UnifiedDiff, OneHunkWithThreeLinesOfContext) {
  const std::string before = "1\n2\n3\n4\n5\n6\n7\n8\n9\n";
  const std::string after = "1\n2\n3\n4\nfive\n6\n7\n8\n9\n";
  EXPECT_EQ(unified_diff("f.ts", before, after),
            "--- a/f.ts\n+++ b/f.ts\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
}

TEST(UnifiedDiff, DistantChangesAreSeparateHunksAndInsertionsCountRight) {
  std::string before;
  for (int i = 1; i <= 20; ++i) {
    before += std::to_string(i) + "\n";
  }
  std::string after = before;
  after.insert(0, "0\n");
  after += "21\n";
  EXPECT_EQ(unified_diff("f", before, after),
            "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -18,3 +19,4 @@\n 18\n 19\n 20\n+21\n");
}

TEST(UnifiedDiff, NewFileAndMissingFinalNewline) {
  EXPECT_EQ(unified_diff("m.sql", "", "x;\n", true), "--- /dev/null\n+++ b/m.sql\n@@ -0,0 +1 @@\n+x;\n");
  EXPECT_EQ(
      unified_diff("f", "a", "b"),
      "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline at end of file\n");
}

} // namespace text_edit_test
