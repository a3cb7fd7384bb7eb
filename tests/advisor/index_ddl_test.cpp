#include "advisor/index_ddl.hpp"
#include "pg/parser.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace index_ddl_test {

using pgadvise::advisor::render_create_index;
using pgadvise::advisor::render_drop_constraint;
using pgadvise::advisor::render_drop_index;

// The IndexStmt of a rendered statement, as libpg_query parses it back.
nlohmann::json parse_single(const std::string& sql, const char* node) {
  const auto result = pgadvise::pg::parse(sql);
  EXPECT_TRUE(result.ok()) << sql;
  if (!result.ok()) {
    return nlohmann::json::object();
  }
  EXPECT_EQ(result.tree["stmts"].size(), 1U) << sql;
  return result.tree["stmts"][0]["stmt"][node];
}

TEST(RenderCreateIndex, PlainNamesStayUnquotedAndPublicIsImplicit) {
  EXPECT_EQ(render_create_index("public", "posts", {"author_id"}, "posts_author_id_idx"),
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_author_id_idx ON posts (author_id);");
  EXPECT_EQ(
      render_create_index("blog", "posts", {"org_id", "user_id"}, "posts_org_id_user_id_idx"),
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS posts_org_id_user_id_idx ON blog.posts (org_id, user_id);");
}

TEST(RenderCreateIndex, QuotesMixedCaseReservedWordsAndEmbeddedQuotes) {
  const std::string sql =
      render_create_index("Sales", "order", {"userId", "user", "we\"ird col"}, "Order_userId_idx");
  EXPECT_EQ(sql, "CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Order_userId_idx\" ON \"Sales\".\"order\" "
                 "(\"userId\", \"user\", \"we\"\"ird col\");");
  // The parser must read back exactly the names we meant.
  const nlohmann::json stmt = parse_single(sql, "IndexStmt");
  EXPECT_EQ(stmt["idxname"], "Order_userId_idx");
  EXPECT_EQ(stmt["relation"]["schemaname"], "Sales");
  EXPECT_EQ(stmt["relation"]["relname"], "order");
  EXPECT_EQ(stmt["concurrent"], true);
  EXPECT_EQ(stmt["if_not_exists"], true);
  ASSERT_EQ(stmt["indexParams"].size(), 3U);
  EXPECT_EQ(stmt["indexParams"][0]["IndexElem"]["name"], "userId");
  EXPECT_EQ(stmt["indexParams"][1]["IndexElem"]["name"], "user");
  EXPECT_EQ(stmt["indexParams"][2]["IndexElem"]["name"], "we\"ird col");
}

TEST(RenderCreateIndex, MultiByteNamesRoundTrip) {
  const std::string sql = render_create_index("public", "bücher", {"autor_id"}, "bücher_autor_id_idx");
  const nlohmann::json stmt = parse_single(sql, "IndexStmt");
  EXPECT_EQ(stmt["relation"]["relname"], "bücher");
  EXPECT_EQ(stmt["idxname"], "bücher_autor_id_idx");
}

TEST(RenderDropIndex, QualifiesOutsidePublicAndQuotes) {
  EXPECT_EQ(render_drop_index("public", "posts_author_idx"),
            "DROP INDEX CONCURRENTLY IF EXISTS posts_author_idx;");
  const std::string sql = render_drop_index("Blog", "Posts Idx");
  EXPECT_EQ(sql, "DROP INDEX CONCURRENTLY IF EXISTS \"Blog\".\"Posts Idx\";");
  const nlohmann::json stmt = parse_single(sql, "DropStmt");
  EXPECT_EQ(stmt["concurrent"], true);
  EXPECT_EQ(stmt["missing_ok"], true);
  EXPECT_EQ(stmt["removeType"], "OBJECT_INDEX");
  const nlohmann::json& names = stmt["objects"][0]["List"]["items"];
  ASSERT_EQ(names.size(), 2U);
  EXPECT_EQ(names[0]["String"]["sval"], "Blog");
  EXPECT_EQ(names[1]["String"]["sval"], "Posts Idx");
}

TEST(RenderDropConstraint, QuotesTableAndConstraint) {
  const std::string sql = render_drop_constraint("public", "User", "User_email_key");
  EXPECT_EQ(sql, "ALTER TABLE \"User\" DROP CONSTRAINT \"User_email_key\";");
  const nlohmann::json stmt = parse_single(sql, "AlterTableStmt");
  EXPECT_EQ(stmt["relation"]["relname"], "User");
}

} // namespace index_ddl_test
