#include "pg/conninfo.hpp"

#include <gtest/gtest.h>

namespace pgadvise::pg {
namespace {

TEST(Conninfo, RecognizesUris) {
  EXPECT_TRUE(is_connection_uri("postgresql://localhost/db"));
  EXPECT_TRUE(is_connection_uri("  POSTGRES://localhost"));
  EXPECT_FALSE(is_connection_uri("host=localhost dbname=db"));
  EXPECT_FALSE(is_connection_uri(""));
}

TEST(Conninfo, RedactsUriPassword) {
  EXPECT_EQ(redact_conninfo("postgresql://app:s3cr%40t@db.example.com:5432/shop?sslmode=require"),
            "postgresql://app:***@db.example.com:5432/shop?sslmode=require");
  EXPECT_EQ(redact_conninfo("postgres://app:pw@[::1]:5433,other:5434/db"),
            "postgres://app:***@[::1]:5433,other:5434/db");
}

TEST(Conninfo, KeepsUriWithoutSecrets) {
  for (const char* uri : {"postgres://app@host/db", "postgresql://host:5432/db?sslmode=disable",
                          "postgresql://", "postgresql:///db?host=/var/run/postgresql"}) {
    EXPECT_EQ(redact_conninfo(uri), uri);
  }
}

TEST(Conninfo, RedactsRawAtSignInUriPassword) {
  // Not valid for libpq, but users paste such URIs: never print the rest.
  const std::string redacted = redact_conninfo("postgresql://app:p@ss@host/db");
  EXPECT_EQ(redacted.find("ss@"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("host/db"), std::string::npos) << redacted;
}

TEST(Conninfo, RedactsUriQueryPasswords) {
  EXPECT_EQ(redact_conninfo("postgresql://host/db?user=app&password=hunter22&sslmode=require"),
            "postgresql://host/db?user=app&password=***&sslmode=require");
  EXPECT_EQ(redact_conninfo("postgresql://host/db?sslpassword=keypass&PASSWORD=x"),
            "postgresql://host/db?sslpassword=***&PASSWORD=***");
}

TEST(Conninfo, RedactsKeyValuePasswords) {
  EXPECT_EQ(redact_conninfo("host=db user=app password=hunter22 dbname=shop"),
            "host=db user=app password=*** dbname=shop");
  EXPECT_EQ(redact_conninfo("password = hunter22 host=db"), "password = *** host=db");
  EXPECT_EQ(redact_conninfo("password='two words\\' here' host=db"), "password=*** host=db");
  EXPECT_EQ(redact_conninfo("sslpassword=keypass sslkey=/k"), "sslpassword=*** sslkey=/k");
}

TEST(Conninfo, RedactsWordsFollowingAnUnquotedPassword) {
  const std::string redacted = redact_conninfo("host=db password=first second dbname=shop");
  EXPECT_EQ(redacted.find("first"), std::string::npos) << redacted;
  EXPECT_EQ(redacted.find("second"), std::string::npos) << redacted;
  EXPECT_NE(redacted.find("dbname=shop"), std::string::npos) << redacted;
}

TEST(Conninfo, RedactsKnownSecretsInText) {
  EXPECT_EQ(redact_secrets("auth for hunter22 failed: hunter22", {"hunter22"}), "auth for *** failed: ***");
  // Too short to mask without destroying the message.
  EXPECT_EQ(redact_secrets("a bad day", {"a"}), "a bad day");
  EXPECT_EQ(redact_secrets("nothing here", {}), "nothing here");
}

TEST(Conninfo, FoldsMultiLineMessages) {
  EXPECT_EQ(one_line("connection to server failed: refused\n\tIs the server running?\n"),
            "connection to server failed: refused; Is the server running?");
  EXPECT_EQ(one_line("single"), "single");
}

} // namespace
} // namespace pgadvise::pg
