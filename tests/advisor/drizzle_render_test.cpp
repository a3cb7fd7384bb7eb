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

// A table read from a schema.ts of single quotes: its index lines (new and
// removed) are written in them, as its column lines already were.
TEST(RenderDrizzleIndex, FollowsTheQuoteOfTheTablesSchemaFile) {
  pgadvise::model::Table table = make_posts();
  table.columns[0].set_drizzle_chain(".notNull()", '\'');
  table.drizzle_config_param = "t";
  EXPECT_EQ(render_drizzle_index(table, {"author_id"}, "posts_author_id_idx"),
            "index('posts_author_id_idx').on(t.authorId)");
  pgadvise::model::Index index;
  index.name = "it's";
  index.keys.push_back({"author_id", {}, false, {}, {}});
  EXPECT_EQ(pgadvise::advisor::render_drizzle_removal(table, index),
            "// remove from schema.ts: index('it\\'s').on(t.authorId)");
  table.columns[0].set_drizzle_chain(".notNull()", '"');
  EXPECT_EQ(render_drizzle_index(table, {"author_id"}, "posts_author_id_idx"),
            "index(\"posts_author_id_idx\").on(t.authorId)");
}

// The timestamp fix's options: the column's own kept, the key set once.
TEST(DrizzleOptionsWith, KeepsTheColumnsOptionsAndSetsTheKey) {
  using pgadvise::advisor::drizzle_options_with;
  pgadvise::model::Column column;
  column.name = "at";
  EXPECT_EQ(drizzle_options_with(column, "withTimezone", "true"), "{ withTimezone: true }");
  column.set_drizzle_options("{ precision: 3, mode: 'string', }");
  EXPECT_EQ(drizzle_options_with(column, "withTimezone", "true"),
            "{ precision: 3, mode: 'string', withTimezone: true }");
  column.set_drizzle_options("{ withTimezone: false, mode: \"date\" }");
  EXPECT_EQ(drizzle_options_with(column, "withTimezone", "true"), "{ withTimezone: true, mode: \"date\" }");
  column.set_drizzle_options("{ 'withTimezone': false, note: 'a, b' }");
  EXPECT_EQ(drizzle_options_with(column, "withTimezone", "true"), "{ withTimezone: true, note: 'a, b' }");
}

TEST(JsString, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(pgadvise::advisor::js_string("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"");
  EXPECT_EQ(pgadvise::advisor::js_string("bücher"), "\"bücher\"");
}

} // namespace drizzle_render_test
