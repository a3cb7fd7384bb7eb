#include "core/packed_text.hpp"

#include <gtest/gtest.h>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace packed_text_test {

using pgadvise::core::PackedText;

// Statement-like texts, alike as a migration's are, some long enough to fill
// a block on their own.
std::vector<std::string> statements(std::size_t count) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string text = "ALTER TABLE t" + std::to_string(i) + " ADD CONSTRAINT t" + std::to_string(i) +
                       "_fk FOREIGN KEY (ref_id) REFERENCES t" + std::to_string(i / 3) + " (id)";
    if (i % 997 == 0) {
      text += " -- " + std::string(20000 + i, static_cast<char>('a' + i % 26));
    }
    out.push_back(std::move(text));
  }
  return out;
}

TEST(PackedText, ReadsBackEveryTextAcrossManyBlocksInAnyOrder) {
  const std::vector<std::string> texts = statements(20000);
  std::vector<PackedText> packed(texts.begin(), texts.end());
  ASSERT_EQ(packed.size(), texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(packed[i].str(), texts[i]) << i;
    EXPECT_EQ(packed[i].size(), texts[i].size());
  }
  for (std::size_t i = texts.size(); i-- > 0;) {
    ASSERT_EQ(packed[i].str(), texts[i]) << i;
  }
  for (std::size_t k = 0; k < texts.size(); ++k) {
    const std::size_t at = (k * 7919) % texts.size();
    ASSERT_EQ(packed[at].str(), texts[at]) << at;
  }
}

TEST(PackedText, OtherThreadsReadWhatOneThreadPacked) {
  const std::vector<std::string> texts = statements(5000);
  std::vector<PackedText> packed(texts.begin(), texts.end());
  std::vector<int> wrong(4, 0);
  std::vector<std::thread> readers;
  for (std::size_t t = 0; t < wrong.size(); ++t) {
    readers.emplace_back([&, t] {
      for (std::size_t i = t; i < texts.size(); i += 3) {
        const std::size_t at = (i * 31 + t) % texts.size();
        wrong[t] += packed[at].str() != texts[at] ? 1 : 0;
        // Packing while others read.
        const PackedText more(texts[at] + " again");
        wrong[t] += more.str() != texts[at] + " again" ? 1 : 0;
      }
    });
  }
  for (std::thread& reader : readers) {
    reader.join();
  }
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

TEST(PackedText, EmptyAndOverlongTexts) {
  const PackedText none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.str(), "");
  EXPECT_TRUE(PackedText(std::string()).empty());
  const std::string huge(PackedText::k_max_size + 10, 'q');
  const PackedText cut(huge);
  EXPECT_EQ(cut.size(), PackedText::k_max_size);
  EXPECT_EQ(cut.str(), huge.substr(0, PackedText::k_max_size));
  EXPECT_EQ(sizeof(PackedText), 8U);
}

TEST(PackedText, ReadsAsTextInComparisonsAndJoins) {
  const PackedText text("CREATE INDEX a ON b (c)");
  const PackedText copy = text;
  EXPECT_EQ(copy, text);
  EXPECT_EQ(text, "CREATE INDEX a ON b (c)");
  EXPECT_EQ(text, std::string("CREATE INDEX a ON b (c)"));
  EXPECT_EQ(text + ";", "CREATE INDEX a ON b (c);");
  EXPECT_EQ(std::string("-- ") + text, "-- CREATE INDEX a ON b (c)");
  std::string ddl = "x: ";
  ddl += text;
  EXPECT_EQ(ddl, "x: CREATE INDEX a ON b (c)");
  std::ostringstream out;
  out << text;
  EXPECT_EQ(out.str(), "CREATE INDEX a ON b (c)");
}

} // namespace packed_text_test
