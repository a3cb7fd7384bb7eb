#include "loaders/logs/event.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <string>

// parse_decimal reads every logged duration ("1.234 ms"): the three-digit
// fractions the server writes are looked up, and each must be the double
// the digit-by-digit sum gives, bit for bit (durations are summed into
// reports, so a last bit would show).
namespace parse_decimal_test {

using pgadvise::loaders::parse_decimal;

// The digit-by-digit reading, as parse_decimal made it before its table.
double reference(const std::string& text) {
  std::uint64_t whole = 0;
  std::size_t i = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i < 18) {
    whole = whole * 10 + static_cast<std::uint64_t>(text[i] - '0');
    ++i;
  }
  double fraction = 0;
  double scale = 0.1;
  if (i < text.size() && text[i] == '.') {
    ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      fraction += (text[i] - '0') * scale;
      scale /= 10;
    }
  }
  return static_cast<double>(whole) + fraction;
}

bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(a)) == 0;
}

TEST(ParseDecimal, EveryThreeDigitFractionIsTheDigitByDigitSum) {
  for (const std::string whole : {"0", "7", "12", "1234567"}) {
    for (int n = 0; n < 1000; ++n) {
      std::string fraction = std::to_string(n);
      fraction.insert(0, 3 - fraction.size(), '0');
      for (const std::string after : {"", " ms", "1", "12"}) { // a fourth or fifth digit reads on
        const std::string text = whole + "." + fraction + after;
        double value = -1;
        std::size_t used = 0;
        ASSERT_TRUE(parse_decimal(text, value, &used)) << text;
        EXPECT_TRUE(same_bits(value, reference(text))) << text;
        EXPECT_EQ(used, text.size() - (after == " ms" ? 3 : 0)) << text;
      }
    }
  }
}

TEST(ParseDecimal, ShorterFractionsAndNone) {
  for (const std::string text : {"1", "1.", "1.5", "0.25", "3.1415926535", "42.000"}) {
    double value = -1;
    ASSERT_TRUE(parse_decimal(text, value)) << text;
    EXPECT_TRUE(same_bits(value, reference(text))) << text;
  }
  double value = 0;
  EXPECT_FALSE(parse_decimal(".5", value));
  EXPECT_FALSE(parse_decimal("ms", value));
  EXPECT_FALSE(parse_decimal("", value));
}

} // namespace parse_decimal_test
