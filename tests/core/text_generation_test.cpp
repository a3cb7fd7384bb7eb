// core/text_generation: what a run stored goes when its generation is
// released (the language server's runs after each edit), and only that.
#include "core/packed_text.hpp"
#include "core/stored_text.hpp"
#include "core/text_generation.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace text_generation_test {

using pgadvise::core::PackedText;
using pgadvise::core::StoredText;
namespace generation = pgadvise::core::text_generation;

std::string statement(int run, int i) {
  return "ALTER TABLE t" + std::to_string(i) + " ADD COLUMN run_" + std::to_string(run) + " text -- " +
         std::string(static_cast<std::size_t>(i % 300), 'x');
}

// One run's texts: enough of both kinds for several chunks and blocks.
struct StoredRun {
  std::uint32_t generation = generation::begin();
  std::vector<StoredText> stored;
  std::vector<PackedText> packed;
  int number = 0;

  explicit StoredRun(int n) : number(n) {
    for (int i = 0; i < 6000; ++i) {
      stored.emplace_back(statement(n, i));
      packed.emplace_back(statement(n, i));
    }
  }
  [[nodiscard]] bool intact() const {
    for (int i = 0; i < 6000; ++i) {
      const auto at = static_cast<std::size_t>(i);
      if (stored[at] != statement(number, i) || packed[at].str() != statement(number, i)) {
        return false;
      }
    }
    return true;
  }
};

TEST(TextGeneration, AFreedRunsTextsReadEmptyAndTheOthersKeepTheirs) {
  const StoredText before = std::string("stored before any generation");
  const PackedText packed_before = std::string("packed before any generation");
  StoredRun first(1);
  StoredRun second(2);
  ASSERT_TRUE(first.intact());
  ASSERT_TRUE(second.intact());
  EXPECT_EQ(generation::current(), second.generation);

  // A second holder (a kept replay) keeps the texts past the first one's release.
  generation::hold(first.generation);
  generation::release(first.generation);
  EXPECT_TRUE(first.intact());
  generation::release(first.generation);
  EXPECT_TRUE(second.intact());
  EXPECT_EQ(before, "stored before any generation");
  EXPECT_EQ(packed_before.str(), "packed before any generation");
  // A handle kept past its generation reads empty, never a later run's text.
  StoredRun third(3);
  EXPECT_TRUE(third.intact());
  for (std::size_t i = 0; i < first.stored.size(); i += 97) {
    EXPECT_EQ(first.stored[i].view(), "") << i;
    EXPECT_EQ(first.packed[i].str(), "") << i;
  }
  // The current generation's texts stay until the next one begins.
  generation::release(third.generation);
  EXPECT_TRUE(third.intact());
  generation::release(second.generation);
  EXPECT_TRUE(third.intact());
  const StoredRun fourth(4);
  EXPECT_TRUE(fourth.intact());
  EXPECT_EQ(third.stored[5].view(), "");
  EXPECT_EQ(second.packed[5].str(), "");
  generation::release(fourth.generation);
}

} // namespace text_generation_test
