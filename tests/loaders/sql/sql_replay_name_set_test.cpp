#include "loaders/sql/name_set.hpp"

#include <gtest/gtest.h>
#include <string>
#include <unordered_set>

namespace pgadvise::sql_replay_name_set_test {

using loaders::replay::NameSet;

TEST(SqlReplayNameSet, HoldsWhatWasInsertedOnce) {
  NameSet names;
  EXPECT_FALSE(names.contains("orders"));
  names.insert("orders");
  names.insert("orders_pkey");
  names.insert("orders");
  names.insert("");
  EXPECT_EQ(names.size(), 3U);
  EXPECT_TRUE(names.contains("orders"));
  EXPECT_TRUE(names.contains("orders_pkey"));
  EXPECT_TRUE(names.contains(""));
  EXPECT_FALSE(names.contains("order"));
  EXPECT_FALSE(names.contains("orders_pkey2"));
  EXPECT_TRUE(names.contains(std::string("audit\x1f") + "orders") == false);
  names.insert(std::string("audit\x1f") + "orders");
  EXPECT_TRUE(names.contains(std::string("audit\x1f") + "orders"));
  names.clear();
  EXPECT_EQ(names.size(), 0U);
  EXPECT_FALSE(names.contains("orders"));
  names.insert("orders");
  EXPECT_TRUE(names.contains("orders"));
}

// Through many growths the set answers as std::unordered_set does, for
// names in it and names that only share a prefix or a length with them.
TEST(SqlReplayNameSet, AgreesWithAStandardSetThroughGrowth) {
  NameSet names;
  std::unordered_set<std::string> expected;
  for (int i = 0; i < 20000; ++i) {
    const std::string name = "t" + std::to_string(i * 7 % 13001) + "_ref" + std::to_string(i % 3) + "_fk";
    names.insert(name);
    expected.insert(name);
  }
  EXPECT_EQ(names.size(), expected.size());
  for (int i = 0; i < 30000; ++i) {
    const std::string probe = "t" + std::to_string(i) + "_ref" + std::to_string(i % 4) + "_fk";
    ASSERT_EQ(names.contains(probe), expected.count(probe) != 0) << probe;
  }
}

// Names inserted and erased in turn, many more times than the table has
// slots (erased slots are reused or dropped as it grows): the set answers
// as std::unordered_set does; erase_if drops a schema's names.
TEST(SqlReplayNameSet, ErasesAsAStandardSetDoes) {
  NameSet names;
  std::unordered_set<std::string> expected;
  EXPECT_FALSE(names.erase("none"));
  for (int i = 0; i < 30000; ++i) {
    const std::string name = (i % 5 == 0 ? "audit." : "public.") + std::to_string(i * 13 % 997) + "_seq";
    if (i % 3 == 2) {
      ASSERT_EQ(names.erase(name), expected.erase(name) != 0) << name;
    } else {
      names.insert(name);
      expected.insert(name);
    }
    ASSERT_EQ(names.size(), expected.size());
  }
  for (int i = 0; i < 997; ++i) {
    for (const std::string schema : {"audit.", "public."}) {
      const std::string probe = schema + std::to_string(i) + "_seq";
      ASSERT_EQ(names.contains(probe), expected.count(probe) != 0) << probe;
    }
  }
  names.erase_if([](std::string_view name) { return name.starts_with("audit."); });
  std::erase_if(expected, [](const std::string& name) { return name.starts_with("audit."); });
  EXPECT_EQ(names.size(), expected.size());
  for (int i = 0; i < 997; ++i) {
    EXPECT_FALSE(names.contains("audit." + std::to_string(i) + "_seq"));
    const std::string kept = "public." + std::to_string(i) + "_seq";
    ASSERT_EQ(names.contains(kept), expected.count(kept) != 0) << kept;
  }
  names.insert("audit.1_seq");
  EXPECT_TRUE(names.contains("audit.1_seq"));
}

} // namespace pgadvise::sql_replay_name_set_test
