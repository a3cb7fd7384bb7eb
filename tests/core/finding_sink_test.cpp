// core::FindingSink: a rule's findings written to the spill a chunk at a
// time as they are pushed, read back in the order pushed, the last one
// always in memory for back().

#include "core/finding_sink.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace finding_sink_test {

using namespace pgadvise::core;

Finding numbered(int n) {
  Finding f;
  f.rule = "serial-primary-key";
  f.message = "f" + std::to_string(n);
  f.location = {"db/0001_init.sql", n + 1, 3};
  return f;
}

// What the sink gives after finish(): the chunks written, then what it holds.
std::vector<std::string> messages_after(FindingSink& sink, const FindingSpill& spill) {
  sink.finish();
  std::vector<Finding> all;
  spill.read(sink.written(), all);
  all.insert(all.end(), sink.held().begin(), sink.held().end());
  std::vector<std::string> out;
  for (const Finding& f : all) {
    out.push_back(f.message);
  }
  return out;
}

std::vector<std::string> messages(int count) {
  std::vector<std::string> out;
  for (int n = 0; n < count; ++n) {
    out.push_back("f" + std::to_string(n));
  }
  return out;
}

TEST(FindingSink, WritesEachChunkAsItFillsAndReadsBackInOrder) {
  FindingSpill spill;
  FindingSink sink(spill, 3);
  for (int n = 0; n < 10; ++n) {
    sink.push_back(numbered(n));
    // Never more than a chunk held: the first three are written when the fourth comes.
    EXPECT_EQ(sink.held().size(), static_cast<std::size_t>(n % 3) + 1) << n;
    EXPECT_EQ(sink.size(), static_cast<std::size_t>(n) + 1);
    EXPECT_EQ(FindingSpill::count(sink.written()), sink.size() - sink.held().size());
  }
  EXPECT_EQ(sink.back().message, "f9");
  EXPECT_EQ(messages_after(sink, spill), messages(10));
  EXPECT_TRUE(sink.held().empty()); // once anything was written, the rest is too
  EXPECT_EQ(sink.size(), 10U);
}

TEST(FindingSink, BackAmendsTheLastFindingOnEitherSideOfAChunk) {
  FindingSpill spill;
  FindingSink sink(spill, 2);
  sink.push_back(numbered(0));
  sink.push_back(numbered(1));
  sink.back().message += " amended"; // the chunk is full: amended before it is written
  sink.push_back(numbered(2));       // writes f0 and f1
  EXPECT_EQ(FindingSpill::count(sink.written()), 2U);
  EXPECT_EQ(sink.back().message, "f2");
  sink.back().message += " amended";
  Finding& made = sink.emplace_back(numbered(3));
  made.message += " made";
  EXPECT_EQ(&made, &sink.back());
  EXPECT_EQ(messages_after(sink, spill),
            (std::vector<std::string>{"f0", "f1 amended", "f2 amended", "f3 made"}));
}

TEST(FindingSink, FewerThanAChunkStayInMemoryAWholeChunkIsWritten) {
  FindingSpill spill;
  FindingSink few(spill, 4);
  for (int n = 0; n < 3; ++n) {
    few.push_back(numbered(n));
  }
  EXPECT_EQ(messages_after(few, spill), messages(3));
  EXPECT_TRUE(few.written().empty()); // no file for a few findings
  EXPECT_EQ(few.held().size(), 3U);

  FindingSink whole(spill, 4);
  for (int n = 0; n < 4; ++n) {
    whole.push_back(numbered(n));
  }
  EXPECT_EQ(messages_after(whole, spill), messages(4));
  EXPECT_TRUE(whole.held().empty());
}

TEST(FindingSink, WithoutASpillKeepsEveryFinding) {
  FindingSink sink;
  EXPECT_TRUE(sink.empty());
  for (int n = 0; n < 5000; ++n) {
    sink.push_back(numbered(n));
  }
  sink.finish();
  EXPECT_TRUE(sink.written().empty());
  ASSERT_EQ(sink.held().size(), 5000U);
  EXPECT_EQ(sink.held()[4999].message, "f4999");
}

TEST(FindingSink, KeepsTheFindingsInOrderWhenNoFileCanBeMade) {
  FindingSpill spill("/nonexistent/pgadvise-spill");
  FindingSink sink(spill, 2);
  for (int n = 0; n < 7; ++n) {
    sink.push_back(numbered(n));
  }
  EXPECT_EQ(sink.size(), 7U);
  EXPECT_EQ(messages_after(sink, spill), messages(7));
  EXPECT_EQ(sink.held().size(), 7U);
}

} // namespace finding_sink_test
