#include "core/format.hpp"

#include <cstdint>
#include <gtest/gtest.h>
#include <limits>

namespace pgadvise::core {
namespace {

TEST(Format, GroupDigitsInsertsThousandsSeparators) {
  EXPECT_EQ(group_digits(0), "0");
  EXPECT_EQ(group_digits(999), "999");
  EXPECT_EQ(group_digits(1000), "1,000");
  EXPECT_EQ(group_digits(1234567), "1,234,567");
  EXPECT_EQ(group_digits(-1234567), "-1,234,567");
  EXPECT_EQ(group_digits(std::numeric_limits<std::int64_t>::min()), "-9,223,372,036,854,775,808");
}

TEST(Format, HumanBytesUsesPowersOf1024) {
  EXPECT_EQ(human_bytes(0), "0 bytes");
  EXPECT_EQ(human_bytes(1023), "1023 bytes");
  EXPECT_EQ(human_bytes(8192), "8.0 kB");
  EXPECT_EQ(human_bytes(std::int64_t{3} * 1024 * 1024 * 1024 / 2), "1.5 GB");
}

TEST(Format, PercentNeverRoundsASmallShareToZero) {
  EXPECT_EQ(percent(0.934), "93%");
  EXPECT_EQ(percent(0.004), "0.4%");
  EXPECT_EQ(percent(0), "0%");
  EXPECT_EQ(percent(1), "100%");
}

TEST(Format, HumanAgeFloorsToTheLargestUnit) {
  EXPECT_EQ(human_age(59), "0 minutes");
  EXPECT_EQ(human_age(60), "1 minute");
  EXPECT_EQ(human_age(5400), "1 hour");
  EXPECT_EQ(human_age(3.5 * 86400), "3 days");
  EXPECT_EQ(human_age(-5), "0 minutes");
}

TEST(Format, HumanDurationPicksAReadableUnit) {
  EXPECT_EQ(human_duration_ms(0.42), "0.42 ms");
  EXPECT_EQ(human_duration_ms(250), "250 ms");
  EXPECT_EQ(human_duration_ms(1234.5), "1.2 s");
  EXPECT_EQ(human_duration_ms(90'000), "1.5 min");
  EXPECT_EQ(human_duration_ms(7'260'000), "2.0 h");
}

} // namespace
} // namespace pgadvise::core
