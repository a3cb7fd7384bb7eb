#include "core/interned_text.hpp"

#include <gtest/gtest.h>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace pgadvise::core {
namespace {

TEST(InternedText, EqualTextsShareOneCopy) {
  const std::string built = std::string("ref") + "1_id";
  const InternedText a("ref1_id");
  const InternedText b(built);
  const InternedText c(std::string_view("ref2_id"));
  EXPECT_EQ(&a.str(), &b.str()); // one pooled copy
  EXPECT_NE(&a.str(), &c.str());
  EXPECT_EQ(a, b);
  EXPECT_FALSE(a == c);
  EXPECT_EQ(a, "ref1_id");
  EXPECT_EQ(a, built);
  EXPECT_EQ(std::string("ref1_id"), a);
  EXPECT_TRUE(a < c);
}

TEST(InternedText, EmptyUntilSetAndWritesReplaceTheText) {
  InternedText name;
  EXPECT_TRUE(name.empty());
  EXPECT_EQ(name.str(), "");
  EXPECT_EQ(name, InternedText(""));
  name = "orders";
  EXPECT_FALSE(name.empty());
  EXPECT_EQ(name.size(), 6U);
  name += "_archive";
  EXPECT_EQ(name, "orders_archive");
  EXPECT_EQ(&name.str(), &InternedText("orders_archive").str());
  name.clear();
  EXPECT_TRUE(name.empty());
}

TEST(InternedText, ReadsAsTheStringItHolds) {
  const InternedText schema("public");
  const InternedText table("orders");
  EXPECT_EQ(schema + "." + table, "public.orders");
  EXPECT_EQ(table + '.', "orders.");
  EXPECT_EQ("t:" + table, "t:orders");
  const std::string_view view = table;
  EXPECT_EQ(view, "orders");
  const std::string& text = table;
  EXPECT_EQ(text, "orders");
  EXPECT_TRUE(table.starts_with("ord"));
  EXPECT_EQ(table.find('d'), 2U);
  EXPECT_EQ(table.substr(1, 3), "rde");
  std::set<std::string> names{table};
  EXPECT_EQ(names.count("orders"), 1U);
  std::map<std::string, int> counts;
  ++counts[table];
  EXPECT_EQ(counts["orders"], 1);
}

// Threads that pool the same texts at once get the same copies.
TEST(InternedText, ThreadsShareThePool) {
  constexpr int k_texts = 2000;
  std::vector<const std::string*> first(k_texts);
  std::vector<const std::string*> second(k_texts);
  auto pool_all = [](std::vector<const std::string*>* out) {
    for (int i = 0; i < k_texts; ++i) {
      (*out)[static_cast<std::size_t>(i)] = &InternedText("thread_table_" + std::to_string(i)).str();
    }
  };
  std::thread a(pool_all, &first);
  std::thread b(pool_all, &second);
  a.join();
  b.join();
  EXPECT_EQ(first, second);
  EXPECT_EQ(*first[42], "thread_table_42");
}

} // namespace
} // namespace pgadvise::core
