#include "core/redact.hpp"

#include <gtest/gtest.h>

using pgadvise::core::redact_excerpt;

TEST(RedactExcerpt, QuotedStringsBecomeAPlaceholder) {
  EXPECT_EQ(redact_excerpt("SELECT 1 FROM users WHERE email = 'a@b.example' AND n = 'x''y'"),
            "SELECT 1 FROM users WHERE email = '?' AND n = '?''?'");
  EXPECT_EQ(redact_excerpt("WHERE token = 'unterminated secret"), "WHERE token = '?'");
}

TEST(RedactExcerpt, EmailsOutsideQuotes) {
  EXPECT_EQ(redact_excerpt("notify alice.smith+x@example.co.uk now"), "notify <email> now");
  // user@database in a log prefix is not an address: no dot after the '@'.
  EXPECT_EQ(redact_excerpt("[15178] app@app LOG:  statement"), "[15178] app@app LOG:  statement");
}

TEST(RedactExcerpt, CardLikeDigitRunsButNotTimestamps) {
  EXPECT_EQ(redact_excerpt("card 4111111111111111 ok"), "card ? ok");
  EXPECT_EQ(redact_excerpt("card 4111 1111 1111 1111 ok"), "card ? ok");
  EXPECT_EQ(redact_excerpt("card 4111-1111-1111-1111"), "card ?");
  EXPECT_EQ(redact_excerpt("2026-11-21 16:09:00.455 UTC [15178] LOG:  duration: 0.120 ms"),
            "2026-11-21 16:09:00.455 UTC [15178] LOG:  duration: 0.120 ms");
}
