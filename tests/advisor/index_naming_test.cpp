#include "advisor/index_naming.hpp"

#include <gtest/gtest.h>
#include <string>

namespace index_naming_test {

using pgadvise::advisor::index_name;
using pgadvise::advisor::unique_index_name;

// True when every multi-byte UTF-8 sequence in `text` is complete.
bool is_complete_utf8(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    std::size_t length = lead < 0x80U            ? 1
                         : (lead >> 5U) == 0x6U  ? 2
                         : (lead >> 4U) == 0xEU  ? 3
                         : (lead >> 3U) == 0x1EU ? 4
                                                 : 0;
    if (length == 0 || i + length > text.size()) {
      return false;
    }
    for (std::size_t k = 1; k < length; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) & 0xC0U) != 0x80U) {
        return false;
      }
    }
    i += length;
  }
  return true;
}

TEST(IndexName, JoinsTableColumnsAndSuffix) {
  EXPECT_EQ(index_name("posts", {"author_id"}), "posts_author_id_idx");
  EXPECT_EQ(index_name("memberships", {"org_id", "user_id"}), "memberships_org_id_user_id_idx");
  EXPECT_EQ(index_name("users", {"email"}, "key"), "users_email_key");
}

TEST(IndexName, ExactlySixtyThreeBytesIsKept) {
  const std::string table(63 - std::string("_a_idx").size(), 't');
  const std::string name = index_name(table, {"a"});
  EXPECT_EQ(name.size(), 63U);
  EXPECT_EQ(name, table + "_a_idx");
}

TEST(IndexName, LongNamesAreCutWithAHashAndKeepTheSuffix) {
  const std::string table = "organization_membership_invitations_audit_trail";
  const std::string name = index_name(table, {"invited_by_user_id", "organization_id"});
  EXPECT_LE(name.size(), 63U);
  EXPECT_EQ(name.substr(name.size() - 4), "_idx");
  EXPECT_EQ(name.rfind("organization_membership_", 0), 0U);
  // Two long names sharing the first 63 bytes still differ.
  const std::string other = index_name(table, {"invited_by_user_id", "organization_kind"});
  EXPECT_NE(name, other);
  EXPECT_LE(other.size(), 63U);
  // Stable across calls.
  EXPECT_EQ(name, index_name(table, {"invited_by_user_id", "organization_id"}));
}

TEST(IndexName, MultiByteNamesAreNotSplit) {
  std::string table;
  for (int i = 0; i < 30; ++i) {
    table += "\xC3\xBC"; // ü: 2 bytes each, 60 bytes in all
  }
  const std::string name = index_name(table, {"\xE2\x82\xAC_betrag"}); // €_betrag
  EXPECT_LE(name.size(), 63U);
  EXPECT_TRUE(is_complete_utf8(name)) << name;
  EXPECT_EQ(name.substr(name.size() - 4), "_idx");
}

TEST(UniqueIndexName, AvoidsNamesAlreadyTakenInTheSchema) {
  pgadvise::model::Catalog catalog;
  pgadvise::model::Table posts;
  posts.name = "posts";
  pgadvise::model::Index taken;
  taken.name = "posts_author_id_idx";
  taken.keys = {{"title", "", false, "", {}}};
  posts.indexes.push_back(taken);
  catalog.tables.push_back(posts);

  EXPECT_EQ(unique_index_name(catalog, "public", "posts", {"author_id"}), "posts_author_id_idx1");
  // Another schema has its own namespace.
  EXPECT_EQ(unique_index_name(catalog, "blog", "posts", {"author_id"}), "posts_author_id_idx");
  EXPECT_EQ(unique_index_name(catalog, "public", "posts", {"editor_id"}), "posts_editor_id_idx");
}

TEST(UniqueIndexName, NumberedNamesStayWithinSixtyThreeBytes) {
  pgadvise::model::Catalog catalog;
  pgadvise::model::Table table;
  table.name = std::string(60, 'x');
  pgadvise::model::Index taken;
  taken.name = index_name(table.name, {"a"});
  table.indexes.push_back(taken);
  catalog.tables.push_back(table);
  const std::string name = unique_index_name(catalog, "public", table.name, {"a"});
  EXPECT_NE(name, taken.name);
  EXPECT_LE(name.size(), 63U);
  EXPECT_EQ(name.back(), '1');
}

} // namespace index_naming_test
