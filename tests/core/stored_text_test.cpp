#include "core/stored_text.hpp"

#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace stored_text_test {

using pgadvise::core::StoredText;

TEST(StoredText, EmptyHoldsNothingAndTakesFourBytes) {
  EXPECT_EQ(sizeof(StoredText), 4U); // five per migration step at 350,000 steps
  const StoredText unset;
  EXPECT_TRUE(unset.empty());
  EXPECT_EQ(unset.view(), "");
  EXPECT_TRUE(StoredText(std::string()).empty());
  StoredText cleared = "VACUUM FULL";
  EXPECT_FALSE(cleared.empty());
  cleared.clear();
  EXPECT_TRUE(cleared.empty());
}

TEST(StoredText, KeepsItsTextAcrossCopiesWritesAndManyEntries) {
  std::vector<StoredText> texts;
  for (int i = 0; i < 10000; ++i) { // more than one chunk of entries
    texts.emplace_back("BEGIN at line " + std::to_string(i));
  }
  for (int i = 0; i < 10000; ++i) {
    ASSERT_EQ(texts[static_cast<std::size_t>(i)], "BEGIN at line " + std::to_string(i));
  }
  StoredText copy = texts[42];
  EXPECT_EQ(copy, texts[42]);
  copy = "drizzle-kit migrate";
  EXPECT_EQ(texts[42], "BEGIN at line 42"); // a write does not touch the copies
  copy += " (all pending files)";
  EXPECT_EQ(copy.str(), "drizzle-kit migrate (all pending files)");
  EXPECT_EQ(copy.size(), copy.str().size());
  EXPECT_NE(copy.find("pending"), std::string::npos);
}

TEST(StoredText, ReadsAsTextAndFromOtherThreads) {
  const StoredText detail = std::string("SET DEFAULT");
  EXPECT_EQ(detail + " 0", "SET DEFAULT 0");
  EXPECT_EQ("runs " + detail, "runs SET DEFAULT");
  EXPECT_EQ(detail, std::string_view("SET DEFAULT"));
  std::ostringstream out;
  out << detail;
  EXPECT_EQ(out.str(), "SET DEFAULT");
  std::vector<StoredText> texts(2000);
  for (std::size_t i = 0; i < texts.size(); ++i) {
    texts[i] = std::to_string(i);
  }
  std::vector<int> wrong(3, 0);
  std::vector<std::thread> threads;
  for (std::size_t t = 0; t < wrong.size(); ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = 0; i < texts.size(); ++i) {
        wrong[t] += texts[i] != std::to_string(i) ? 1 : 0;
        const StoredText mine = std::to_string(t) + ":" + std::to_string(i); // writing while others read
        wrong[t] += mine != std::to_string(t) + ":" + std::to_string(i) ? 1 : 0;
      }
    });
  }
  for (std::thread& thread : threads) {
    thread.join();
  }
  EXPECT_EQ(wrong, std::vector<int>(3, 0));
}

} // namespace stored_text_test
