#include "core/rare_vector.hpp"
#include "core/text.hpp"
#include "model/catalog.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

using pgadvise::core::RareVector;

TEST(RareVector, EmptyHoldsNothingAndReadsAsAnEmptyVector) {
  EXPECT_EQ(sizeof(RareVector<std::string>), sizeof(void*));
  const RareVector<std::string> unset;
  EXPECT_TRUE(unset.empty());
  EXPECT_EQ(unset.size(), 0U);
  EXPECT_EQ(unset.begin(), unset.end());
  EXPECT_TRUE(unset.items().empty());
  const RareVector<std::string> emptied = std::vector<std::string>{};
  EXPECT_TRUE(emptied.empty());
  EXPECT_EQ(unset, emptied);
}

TEST(RareVector, GrowsReadsAndCopiesAsAVector) {
  RareVector<std::string> modifiers;
  modifiers.emplace_back("10");
  modifiers.push_back("2");
  EXPECT_EQ(modifiers, (std::vector<std::string>{"10", "2"}));
  EXPECT_EQ(modifiers.size(), 2U);
  EXPECT_EQ(modifiers.front(), "10");
  EXPECT_EQ(modifiers[1], "2");
  EXPECT_EQ(pgadvise::core::join(modifiers, ","), "10,2");
  std::string joined;
  for (const std::string& each : modifiers) {
    joined += each;
  }
  EXPECT_EQ(joined, "102");
  RareVector<std::string> copy = modifiers;
  copy[0] = "12";
  EXPECT_EQ(modifiers[0], "10");
  EXPECT_FALSE(copy == modifiers);
  modifiers.clear();
  EXPECT_TRUE(modifiers.empty());
  RareVector<std::string> moved = std::move(copy);
  EXPECT_EQ(moved, (std::vector<std::string>{"12", "2"}));
}

TEST(RareVector, KeepsAColumnSmall) {
  // A type's modifiers take a pointer: 600,000 columns at 100,000 tables.
  EXPECT_LE(sizeof(pgadvise::model::TypeRef), 32U);
  EXPECT_LE(sizeof(pgadvise::model::Column), 96U);
}
