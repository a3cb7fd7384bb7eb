#include "core/json_string.hpp"

#include <gtest/gtest.h>

using namespace pgadvise::core;

TEST(QuoteJsonString, EscapesWhatJsonStringifyEscapes) {
  EXPECT_EQ(quote_json_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
  EXPECT_EQ(quote_json_string("\t\r\b\f"), "\"\\t\\r\\b\\f\"");
  EXPECT_EQ(quote_json_string(std::string("\x01") + '\0'), "\"\\u0001\\u0000\"");
  EXPECT_EQ(quote_json_string("bücher"), "\"bücher\"");
}
