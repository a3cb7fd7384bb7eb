#include "core/finding.hpp"
#include "core/rare_text.hpp"

#include <gtest/gtest.h>
#include <string>
#include <string_view>

using namespace pgadvise::core;

TEST(RareText, EmptyHoldsNothingAndReadsAsAnEmptyString) {
  EXPECT_EQ(sizeof(RareText), sizeof(void*)); // four per fix at 450,000 fixes
  const RareText unset;
  EXPECT_TRUE(unset.empty());
  EXPECT_EQ(unset.str(), "");
  const RareText emptied = std::string();
  EXPECT_TRUE(emptied.empty());
  EXPECT_EQ(unset, emptied);
}

TEST(RareText, SetTextReadsBackAndCopiesAreIndependent) {
  RareText file = std::string("src/db/schema.ts:12");
  RareText copy = file;
  file = "src/db/other.ts";
  EXPECT_EQ(copy, "src/db/schema.ts:12");
  EXPECT_EQ(file, std::string("src/db/other.ts"));
  EXPECT_EQ(copy.find(":"), 16U);
  EXPECT_EQ(copy.substr(0, 3), "src");
  const std::string& read = copy;
  EXPECT_EQ(read, "src/db/schema.ts:12");
  const std::string_view view = copy;
  EXPECT_EQ(view.size(), copy.size());
  RareText moved = std::move(copy);
  EXPECT_EQ(moved, "src/db/schema.ts:12");
  moved += " (table)";
  EXPECT_EQ("at " + moved, "at src/db/schema.ts:12 (table)");
  moved.clear();
  EXPECT_TRUE(moved.empty());
}

TEST(RareText, KeepsAFixSmall) {
  // A plain SQL file's fixes leave the Drizzle texts empty: 450,000 fixes at
  // 100,000 tables, each 96 bytes instead of 184.
  EXPECT_LE(sizeof(Fix), 96U);
  Fix fix;
  fix.sql().ddl = "CREATE INDEX CONCURRENTLY t_a_idx ON t (a);";
  fix.sql().drizzle_table = std::string("tickets");
  const Fix copy = fix;
  EXPECT_EQ(copy.sql().drizzle_table, "tickets");
  EXPECT_TRUE(copy.sql().drizzle_file.empty());
}
