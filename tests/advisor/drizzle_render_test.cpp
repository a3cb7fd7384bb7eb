#include "advisor/drizzle_render.hpp"

#include <gtest/gtest.h>

namespace drizzle_render_test {

using pgadvise::advisor::render_drizzle_index;

pgadvise::model::Table make_posts() {
  pgadvise::model::Table table;
  table.name = "posts";
  pgadvise::model::Column author;
  author.name = "author_id";
  table.columns.push_back(author);
  pgadvise::model::Column org;
  org.name = "org_id";
  org.set_property("organization"); // schema.ts names it differently
  table.columns.push_back(org);
  return table;
}

TEST(RenderDrizzleIndex, UsesCamelCaseWhenThePropertyIsUnknown) {
  EXPECT_EQ(render_drizzle_index(make_posts(), {"author_id"}, "posts_author_id_idx"),
            "index(\"posts_author_id_idx\").on(table.authorId)");
}

TEST(RenderDrizzleIndex, PrefersTheKnownPropertyAndKeepsColumnOrder) {
  EXPECT_EQ(render_drizzle_index(make_posts(), {"org_id", "author_id"}, "posts_org_id_author_id_idx"),
            "index(\"posts_org_id_author_id_idx\").on(table.organization, table.authorId)");
}

TEST(RenderDrizzleIndex, EscapesNamesAndNonIdentifierProperties) {
  pgadvise::model::Table table = make_posts();
  EXPECT_EQ(render_drizzle_index(table, {"weird col"}, "a\"b"), "index(\"a\\\"b\").on(table[\"weird col\"])");
}

TEST(JsString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(pgadvise::advisor::js_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
  EXPECT_EQ(pgadvise::advisor::js_string("bücher"), "\"bücher\"");
}

} // namespace drizzle_render_test
