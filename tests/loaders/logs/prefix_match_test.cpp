#include "loaders/logs/prefix.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

// LogPrefix::match on lines whose bytes sit where its shortcuts look: the
// timestamp kept from the line before (lines of one millisecond), literals
// read as one word, free text searched 8 bytes at a time.
namespace prefix_match_test {

using namespace pgadvise::loaders;

LogPrefix compiled(const std::string& pattern) {
  auto prefix = LogPrefix::compile(pattern);
  EXPECT_TRUE(prefix.has_value()) << pattern;
  return prefix ? *prefix : LogPrefix::generic();
}

// Microseconds of 2026-11-24 23:36:19.184 (what parse_timestamp gives).
std::int64_t bench_time_us() {
  std::int64_t us = 0;
  EXPECT_EQ(parse_timestamp("2026-11-24 23:36:19.184", us), 23U);
  return us;
}

// A line that starts with the text of the line before but goes on
// differently (a longer zone, a numeric one) reads its own zone: the kept
// timestamp covers the byte after it.
TEST(PrefixMatch, ALineOfTheSameMillisecondReadsItsOwnZone) {
  const LogPrefix prefix = compiled("%m [%p] ");
  const std::vector<std::pair<std::string, std::int64_t>> lines = {
      {"2026-11-24 23:36:19.184 UTC [11] LOG:  a", 11},
      {"2026-11-24 23:36:19.184 UTC [12] LOG:  b", 12},   // the kept text
      {"2026-11-24 23:36:19.184 UTCX [13] LOG:  c", 13},  // the same bytes, one more letter
      {"2026-11-24 23:36:19.184 CEST [14] LOG:  d", 14},  // another zone
      {"2026-11-24 23:36:19.184 +0530 [15] LOG:  e", 15}, // numeric
      {"2026-11-24 23:36:19.184 +053 [16] LOG:  f", 16},  // shorter numeric, same bytes before
      {"2026-11-24 23:36:19.184 UTC [17] LOG:  g", 17},
      {"2026-11-24 23:36:19.1845 UTC [18] LOG:  h", 18}, // one more digit
  };
  for (const auto& [line, pid] : lines) {
    LogFields fields;
    const auto length = prefix.match(line, fields);
    ASSERT_TRUE(length.has_value()) << line;
    EXPECT_EQ(line.substr(*length, 5), "LOG: ") << line;
    EXPECT_EQ(fields.pid, pid) << line;
    EXPECT_EQ(fields.ts_us, bench_time_us() + (pid == 18 ? 500 : 0)) << line;
  }
}

// A zone that is not one (five digits) is not kept: the next line of that
// millisecond with a real numeric zone still reads it.
TEST(PrefixMatch, AZoneNotReadIsNotKept) {
  const LogPrefix prefix = compiled("%m [%p] ");
  LogFields fields;
  EXPECT_FALSE(prefix.match("2026-11-24 23:36:19.184 +05301 [21] LOG:  a", fields).has_value());
  const std::string line = "2026-11-24 23:36:19.184 +05 [22] LOG:  b";
  const auto length = prefix.match(line, fields);
  ASSERT_TRUE(length.has_value());
  EXPECT_EQ(line.substr(*length, 4), "LOG:");
  EXPECT_EQ(fields.pid, 22);
}

// Free text runs to the next literal wherever it is in the 8-byte steps,
// and a line without that literal does not match.
TEST(PrefixMatch, FreeTextEndsAtItsLiteralAtAnyOffset) {
  const LogPrefix prefix = compiled("%m [%p] %q%u@%d ");
  for (std::size_t user_size = 1; user_size <= 20; ++user_size) {
    const std::string user(user_size, 'u');
    const std::string database = std::string(21 - user_size, 'd') + "@x"; // an '@' of its own
    const std::string line = "2026-11-24 23:36:19.184 UTC [7] " + user + "@" + database + " LOG:  x";
    LogFields fields;
    const auto length = prefix.match(line, fields);
    ASSERT_TRUE(length.has_value()) << line;
    EXPECT_EQ(fields.user, user);
    EXPECT_EQ(fields.database, database);
    EXPECT_EQ(line.substr(*length), "LOG:  x");
  }
  LogFields fields;
  EXPECT_FALSE(
      prefix.match("2026-11-24 23:36:19.184 UTC [7] no_at_sign_in_this_long_name", fields).has_value());
}

// A literal in the line's last bytes (fewer than 8 left) is compared byte
// by byte, and a literal that differs in its last byte does not match.
TEST(PrefixMatch, LiteralsAtTheEndOfTheLine) {
  const LogPrefix prefix = compiled("%m [%p] ");
  LogFields fields;
  const std::string whole = "2026-11-24 23:36:19.184 UTC [9] ";
  EXPECT_EQ(prefix.match(whole, fields).value_or(0), whole.size());
  EXPECT_EQ(fields.pid, 9);
  EXPECT_FALSE(prefix.match("2026-11-24 23:36:19.184 UTC [9]", fields).has_value());
  EXPECT_FALSE(prefix.match("2026-11-24 23:36:19.184 UTC [9}  LOG:  x", fields).has_value());
  const LogPrefix rds = compiled("%t:%r:%u@%d:[%p]:");
  const std::string line = "2026-11-24 23:36:19 UTC:10.0.0.1(5432):app@shop:[4242]:LOG:  x";
  const auto length = rds.match(line, fields);
  ASSERT_TRUE(length.has_value());
  EXPECT_EQ(line.substr(*length), "LOG:  x");
  EXPECT_EQ(fields.client, "10.0.0.1(5432)");
  EXPECT_EQ(fields.user, "app");
  EXPECT_EQ(fields.database, "shop");
  EXPECT_EQ(fields.pid, 4242);
}

// The rest of a prefix after its timestamp is kept per thread from the
// last line with the same bytes there: a line that goes on differently
// reads its own fields, whichever prefix read the bytes before.
TEST(PrefixMatch, TheRestAfterTheTimeIsReadAgainWhenItDiffers) {
  const LogPrefix debian = compiled("%m [%p] %q%u@%d ");
  const LogPrefix open_end = compiled("%m [%p] %u@%d"); // ends with a field: the byte after counts
  struct Case {
    const LogPrefix* prefix;
    std::string line;
    std::int64_t pid;
    std::string user;
    std::string database;
  };
  const std::vector<Case> cases = {
      {&debian, "2026-11-24 23:36:19.184 UTC [1840] postgres@postgres LOG:  a", 1840, "postgres", "postgres"},
      {&debian, "2026-11-24 23:36:19.184 UTC [1840] postgres@postgres DETAIL:  b", 1840, "postgres",
       "postgres"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1840] postgres@shop LOG:  c", 1840, "postgres", "shop"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1841] postgres@postgres LOG:  d", 1841, "postgres", "postgres"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1840] LOG:  not a session", 1840, "", ""},
      {&open_end, "2026-11-24 23:36:19.185 UTC [1840] postgres@postgres LOG:  e", 1840, "postgres",
       "postgres"},
      {&open_end, "2026-11-24 23:36:19.185 UTC [1840] postgres@postgresX LOG:  f", 1840, "postgres",
       "postgresX"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1840] postgres@postgres LOG:  g", 1840, "postgres", "postgres"},
      {&open_end, "2026-11-24 23:36:19.185 UTC [1840] postgres@postgres LOG:  h", 1840, "postgres",
       "postgres"},
  };
  for (const Case& c : cases) {
    LogFields fields;
    const auto length = c.prefix->match(c.line, fields);
    ASSERT_TRUE(length.has_value()) << c.line;
    EXPECT_EQ(fields.pid, c.pid) << c.line;
    EXPECT_EQ(fields.user, c.user) << c.line;
    EXPECT_EQ(fields.database, c.database) << c.line;
    std::string rest = c.line.substr(*length);
    if (c.prefix == &open_end) {
      rest.erase(0, 1); // its pattern ends before the space
    }
    EXPECT_TRUE(rest.rfind("LOG:", 0) == 0 || rest.rfind("DETAIL:", 0) == 0) << c.line << " -> " << rest;
    // The fields point into the line read, not into an earlier one.
    if (!fields.user.empty()) {
      EXPECT_GE(fields.user.data(), c.line.data());
      EXPECT_LT(fields.user.data(), c.line.data() + c.line.size());
    }
  }
}

// A line that starts with the whole prefix of the line before (a
// statement's LOG and DETAIL lines, one millisecond, one backend) reads the
// same fields, pointing into its own text; a line that differs anywhere in
// it, or in the byte after a prefix that ends with a field, is read anew.
TEST(PrefixMatch, ALineWithThePrefixOfTheLineBeforeReadsItsOwnFields) {
  const LogPrefix debian = compiled("%m [%p] %q%u@%d ");
  const LogPrefix open_end = compiled("%m [%p] %u@%d");
  struct Case {
    const LogPrefix* prefix;
    std::string line;
    std::int64_t pid;
    std::string user;
    std::string database;
    std::string rest; // after the prefix
  };
  const std::vector<Case> cases = {
      {&debian, "2026-11-24 23:36:19.184 UTC [1840] app@shop LOG:  a", 1840, "app", "shop", "LOG:  a"},
      {&debian, "2026-11-24 23:36:19.184 UTC [1840] app@shop DETAIL:  b", 1840, "app", "shop", "DETAIL:  b"},
      {&debian, "2026-11-24 23:36:19.184 UTC [1840] app@shop LOG:  c", 1840, "app", "shop", "LOG:  c"},
      {&debian, "2026-11-24 23:36:19.184 UTC [1840] app@shopX LOG:  d", 1840, "app", "shopX", "LOG:  d"},
      {&debian, "2026-11-24 23:36:19.184 UTC [1841] app@shop LOG:  e", 1841, "app", "shop", "LOG:  e"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1841] app@shop LOG:  f", 1841, "app", "shop", "LOG:  f"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1841] LOG:  g", 1841, "", "", "LOG:  g"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1841] LOG:  h", 1841, "", "", "LOG:  h"},
      {&open_end, "2026-11-24 23:36:19.185 UTC [1841] app@shop LOG:  i", 1841, "app", "shop", " LOG:  i"},
      {&open_end, "2026-11-24 23:36:19.185 UTC [1841] app@shop LOG:  j", 1841, "app", "shop", " LOG:  j"},
      {&open_end, "2026-11-24 23:36:19.185 UTC [1841] app@shopping LOG:  k", 1841, "app", "shopping",
       " LOG:  k"},
      {&debian, "2026-11-24 23:36:19.185 UTC [1841] app@shop LOG:  l", 1841, "app", "shop", "LOG:  l"},
  };
  for (const Case& c : cases) {
    LogFields fields;
    const auto length = c.prefix->match(c.line, fields);
    ASSERT_TRUE(length.has_value()) << c.line;
    EXPECT_EQ(c.line.substr(*length), c.rest) << c.line;
    EXPECT_EQ(fields.pid, c.pid) << c.line;
    EXPECT_EQ(fields.user, c.user) << c.line;
    EXPECT_EQ(fields.database, c.database) << c.line;
    EXPECT_EQ(fields.ts_us, bench_time_us() + (c.line[22] == '5' ? 1000 : 0)) << c.line;
    for (const std::string_view field : {fields.user, fields.database}) {
      if (!field.empty()) {
        EXPECT_GE(field.data(), c.line.data()) << c.line;
        EXPECT_LE(field.data() + field.size(), c.line.data() + c.line.size()) << c.line;
      }
    }
  }
}

// %p needs a digit.
TEST(PrefixMatch, APidNeedsADigit) {
  const LogPrefix prefix = compiled("%m [%p] ");
  LogFields fields;
  EXPECT_FALSE(prefix.match("2026-11-24 23:36:19.184 UTC [] LOG:  x", fields).has_value());
  EXPECT_FALSE(prefix.match("2026-11-24 23:36:19.184 UTC [x1] LOG:  x", fields).has_value());
}

} // namespace prefix_match_test
