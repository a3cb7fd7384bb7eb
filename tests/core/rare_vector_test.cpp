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

TEST(RareVector, ErasesAndInsertsAsAVectorAndFreesTheLastItem) {
  // A table's checks and policies: DROP CONSTRAINT erases, LIKE ...
  // INCLUDING CONSTRAINTS inserts a range; the list emptied holds nothing.
  RareVector<std::string> list;
  const std::vector<std::string> more{"a", "b", "c", "d"};
  list.insert(list.end(), more.begin(), more.end());
  EXPECT_EQ(list, more);
  const std::string* next = list.erase(list.begin() + 1);
  ASSERT_NE(next, nullptr);
  EXPECT_EQ(*next, "c");
  EXPECT_EQ(list, (std::vector<std::string>{"a", "c", "d"}));
  list.erase(list.begin(), list.begin() + 2);
  EXPECT_EQ(list, std::vector<std::string>{"d"});
  list.back() = "e";
  EXPECT_EQ(list.at(0), "e");
  const std::string* after_last = list.erase(list.begin());
  EXPECT_EQ(after_last, list.end());
  EXPECT_TRUE(list.empty());
  EXPECT_EQ(list.begin(), list.end());
  const std::string* none = list.erase(list.begin(), list.end()); // nothing to erase
  EXPECT_EQ(none, list.end());
  list.edit().push_back("f"); // written as a vector
  EXPECT_EQ(list.size(), 1U);
  list.edit().clear();
  EXPECT_TRUE(list.empty()); // an emptied block reads as empty
  EXPECT_EQ(list, RareVector<std::string>());
}
