#include "core/name_list.hpp"
#include "core/text.hpp"
#include "model/catalog.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <vector>

using pgadvise::core::NameList;

TEST(NameList, EmptyAndOneNameHoldOnlyAPointer) {
  EXPECT_EQ(sizeof(NameList), sizeof(void*));
  const NameList none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.size(), 0U);
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_EQ(none, std::vector<std::string>{});
  const NameList one{"author_id"};
  EXPECT_EQ(one.size(), 1U);
  EXPECT_EQ(one.front(), "author_id");
  EXPECT_EQ(one.back(), "author_id");
  // The pooled name itself: the list's element is the pool's one copy.
  EXPECT_EQ(&one[0], &pgadvise::core::InternedText("author_id").str());
  EXPECT_EQ(one, std::vector<std::string>{"author_id"});
}

TEST(NameList, ReadsCopiesAndComparesAsAVectorOfStrings) {
  NameList names = std::vector<std::string>{"tenant_id", "author_id"};
  EXPECT_EQ(names.size(), 2U);
  EXPECT_EQ(names[0], "tenant_id");
  EXPECT_EQ(names[1], "author_id");
  EXPECT_EQ(pgadvise::core::join(names, ", "), "tenant_id, author_id");
  const std::vector<std::string> as_vector = names;
  EXPECT_EQ(as_vector, (std::vector<std::string>{"tenant_id", "author_id"}));
  EXPECT_TRUE(
      std::any_of(names.begin(), names.end(), [](const std::string& name) { return name == "author_id"; }));
  EXPECT_NE(std::find(names.begin(), names.end(), "author_id"), names.end());
  EXPECT_TRUE(std::is_permutation(names.begin(), names.end(), as_vector.rbegin(), as_vector.rend()));

  NameList copy = names;
  EXPECT_EQ(copy, names);
  copy.set(1, "reviewer_id");
  EXPECT_EQ(names[1], "author_id"); // a copy owns its block
  EXPECT_NE(copy, names);
  NameList moved = std::move(copy);
  EXPECT_EQ(moved, (std::vector<std::string>{"tenant_id", "reviewer_id"}));
  EXPECT_TRUE(copy.empty()); // NOLINT(bugprone-use-after-move): a moved-from list is empty

  NameList grown{"a"};
  grown.push_back("b");
  grown.push_back("c");
  EXPECT_EQ(grown, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_NE(grown, (std::vector<std::string>{"a", "b"}));
  grown.set(0, "z");
  EXPECT_EQ(grown.front(), "z");
  grown.clear();
  EXPECT_TRUE(grown.empty());
  NameList single{"x"};
  single.set(0, "y");
  EXPECT_EQ(single, NameList{"y"});
}

TEST(NameList, KeepsForeignKeysAndIndexesSmall) {
  // 300,000 foreign keys and 150,000 indexes at 100,000 tables.
  EXPECT_LE(sizeof(pgadvise::model::ForeignKey), 88U);
  EXPECT_LE(sizeof(pgadvise::model::Index), 144U);
}
