// pgadvise-ignore directives: what a comment says (ids, whole file, reason)
// and which findings a suppression covers.
#include "core/suppression.hpp"

#include <gtest/gtest.h>

namespace suppression_test {

using namespace pgadvise::core;

Finding at(const std::string& rule, const std::string& file, int line) {
  Finding f;
  f.rule = rule;
  f.location = {file, line, 1};
  return f;
}

TEST(ParseIgnore, IdsThenAReasonAfterDashes) {
  const auto d =
      parse_ignore("-- pgadvise-ignore unindexed-foreign-key, missing-primary-key -- lookup table");
  ASSERT_TRUE(d);
  EXPECT_EQ(d->rules, (std::vector<std::string>{"unindexed-foreign-key", "missing-primary-key"}));
  EXPECT_EQ(d->reason, "lookup table");
  EXPECT_FALSE(d->whole_file);
}

TEST(ParseIgnore, ReasonAfterAColonAndInABlockComment) {
  const auto colon = parse_ignore("// pgadvise-ignore json-in-text-column: legacy");
  ASSERT_TRUE(colon);
  EXPECT_EQ(colon->rules, (std::vector<std::string>{"json-in-text-column"}));
  EXPECT_EQ(colon->reason, "legacy");
  const auto block = parse_ignore("/* pgadvise-ignore select-star -- generated */");
  ASSERT_TRUE(block);
  EXPECT_EQ(block->rules, (std::vector<std::string>{"select-star"}));
  EXPECT_EQ(block->reason, "generated");
  const auto closed = parse_ignore("/* pgadvise-ignore select-star */");
  ASSERT_TRUE(closed);
  EXPECT_EQ(closed->rules, (std::vector<std::string>{"select-star"}));
}

TEST(ParseIgnore, WholeFileAndAll) {
  const auto file = parse_ignore("-- pgadvise-ignore-file duplicate-index -- vendored dump");
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->whole_file);
  EXPECT_EQ(file->rules, (std::vector<std::string>{"duplicate-index"}));
  const auto all = parse_ignore("-- pgadvise-ignore-file");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->rules, (std::vector<std::string>{"all"}));
  const auto all_with_reason = parse_ignore("-- pgadvise-ignore -- everything here is legacy");
  ASSERT_TRUE(all_with_reason);
  EXPECT_EQ(all_with_reason->rules, (std::vector<std::string>{"all"}));
}

TEST(ParseIgnore, LookAlikesAreNotDirectives) {
  EXPECT_FALSE(parse_ignore("-- just a comment"));
  EXPECT_FALSE(parse_ignore("-- pgadvise-ignored earlier"));
  EXPECT_FALSE(parse_ignore("-- pgadvise-ignore-files x"));
  EXPECT_TRUE(parse_ignore_directive("-- pgadvise-ignored").empty());
}

TEST(Suppressions, WholeFileCoversEveryLineOfThatFileOnly) {
  Suppressions s;
  s.add(make_suppression("a.sql", 1, 3, 4, *parse_ignore("-- pgadvise-ignore-file r")));
  EXPECT_TRUE(s.suppresses(at("r", "a.sql", 1)));
  EXPECT_TRUE(s.suppresses(at("r", "a.sql", 900)));
  EXPECT_FALSE(s.suppresses(at("r", "b.sql", 4)));
  EXPECT_FALSE(s.suppresses(at("other", "a.sql", 4)));
}

TEST(Suppressions, UseRecordsWhichIdMatched) {
  Suppressions s;
  s.add(make_suppression("a.sql", 2, 3, 5, *parse_ignore("-- pgadvise-ignore r1, r2")));
  SuppressionUse use;
  EXPECT_TRUE(s.suppresses(at("r2", "a.sql", 4), use));
  EXPECT_FALSE(use.used(0, 0));
  EXPECT_TRUE(use.used(0, 1));
  EXPECT_EQ(s.entries()[0].directive_line, 2);
}

} // namespace suppression_test
