// pg::column_reads: the columns a statement reads per table and what it
// writes, for index-only-scan candidates and the write model of the
// workload index search.

#include "pg/query_analysis.hpp"

#include <algorithm>
#include <gtest/gtest.h>

namespace column_reads_test {

using namespace pgadvise;

bool reads(const pg::ColumnReads& found, std::string_view table, std::string_view column) {
  return std::any_of(found.reads.begin(), found.reads.end(), [&](const model::ColumnUsage& usage) {
    return usage.table == table && usage.column == column;
  });
}

TEST(ColumnReads, SelectListGroupByAndFiltersThroughAliases) {
  const auto found = pg::column_reads_text("SELECT pt.post_id, count(c.id) FROM post_tags pt "
                                           "JOIN comments c ON c.post_id = pt.post_id "
                                           "WHERE pt.tag_id = $1 GROUP BY pt.post_id, c.author_id");
  EXPECT_TRUE(reads(found, "post_tags", "post_id"));
  EXPECT_TRUE(reads(found, "post_tags", "tag_id"));
  EXPECT_TRUE(reads(found, "comments", "id"));
  EXPECT_TRUE(reads(found, "comments", "post_id"));
  EXPECT_TRUE(reads(found, "comments", "author_id")); // only in GROUP BY
  EXPECT_FALSE(found.star);
  EXPECT_TRUE(found.target_table.empty());
}

TEST(ColumnReads, UnqualifiedColumnsOfOneTableAndStar) {
  const auto found = pg::column_reads_text("SELECT * FROM posts WHERE user_id = 4 ORDER BY created_at");
  EXPECT_TRUE(found.star);
  EXPECT_TRUE(reads(found, "posts", "user_id"));
  EXPECT_TRUE(reads(found, "posts", "created_at"));
}

TEST(ColumnReads, SubSelectColumnsBelongToTheirOwnTable) {
  const auto found = pg::column_reads_text("SELECT u.email, (SELECT count(*) FROM orders o WHERE o.user_id = "
                                           "u.id AND o.status = 'paid') FROM users u");
  EXPECT_TRUE(reads(found, "users", "email"));
  EXPECT_TRUE(reads(found, "users", "id"));
  EXPECT_TRUE(reads(found, "orders", "user_id"));
  EXPECT_TRUE(reads(found, "orders", "status"));
}

TEST(ColumnReads, UpdateSetsItsColumnsAndNamesItsTable) {
  const auto found =
      pg::column_reads_text("UPDATE public.users SET last_login_at = now(), logins = logins + 1 "
                            "WHERE id = $1");
  EXPECT_EQ(found.target_table, "users");
  EXPECT_EQ(found.target_schema, "public");
  EXPECT_EQ(found.updated, (std::vector<std::string>{"last_login_at", "logins"}));
  EXPECT_TRUE(reads(found, "users", "id"));
}

TEST(ColumnReads, InsertAndDeleteNameTheirTableAndSetNothing) {
  EXPECT_EQ(pg::column_reads_text("INSERT INTO comments (post_id, body) VALUES ($1, $2)").target_table,
            "comments");
  const auto deleted = pg::column_reads_text("DELETE FROM sessions WHERE expires_at < now()");
  EXPECT_EQ(deleted.target_table, "sessions");
  EXPECT_TRUE(deleted.updated.empty());
}

TEST(ColumnReads, UnparsableTextReadsNothing) {
  const auto found = pg::column_reads_text("SELEC nothing FROM");
  EXPECT_TRUE(found.reads.empty());
  EXPECT_TRUE(found.target_table.empty());
}

} // namespace column_reads_test
