// Index keys written as SQL text that PostgreSQL reads as a plain column
// (Drizzle's sql`${t.name} gin_trgm_ops`), as every source must spell them
// for snapshot-drift to compare them with the SQL replay's.
#include "loaders/index_keys.hpp"

#include <gtest/gtest.h>
#include <string>

namespace pgadvise::loaders {
namespace index_keys_test {

model::Table table_with(const std::vector<std::string>& expressions) {
  model::Table table;
  table.name = "drops";
  for (const char* name : {"name", "created_at", "Title"}) {
    model::Column column;
    column.name = name;
    table.columns.push_back(column);
  }
  model::Index index;
  index.name = "drops_idx";
  for (const std::string& expression : expressions) {
    index.keys.push_back(model::IndexKey{{}, expression, false, {}, {}});
  }
  table.indexes.push_back(index);
  return table;
}

TEST(PlainColumnKeys, AColumnWithAnOperatorClassIsThatColumnsKey) {
  model::Table table = table_with({R"("name" gin_trgm_ops)", R"("created_at")", R"("Title" DESC NULLS LAST)",
                                   "name text_pattern_ops asc"});
  finish_indexes(table);
  const auto& keys = table.indexes[0].keys;
  ASSERT_EQ(keys.size(), 4U);
  EXPECT_EQ(keys[0].column, "name");
  EXPECT_EQ(keys[0].opclass, "gin_trgm_ops");
  EXPECT_TRUE(keys[0].expression.empty());
  EXPECT_EQ(keys[1].column, "created_at");
  EXPECT_TRUE(keys[1].opclass.empty());
  EXPECT_EQ(keys[2].column, "Title");
  EXPECT_TRUE(keys[2].descending);
  EXPECT_EQ(keys[2].nulls_first, false);
  EXPECT_EQ(keys[3].column, "name");
  EXPECT_EQ(keys[3].opclass, "text_pattern_ops");
  EXPECT_FALSE(keys[3].descending);
}

TEST(PlainColumnKeys, RealExpressionsAndUnknownColumnsStayExpressions) {
  model::Table table = table_with({R"(lower("name"))", R"(to_tsvector('english', "name"))",
                                   R"("missing" gin_trgm_ops)", "title", R"("name"::text)"});
  finish_indexes(table);
  for (const model::IndexKey& key : table.indexes[0].keys) {
    EXPECT_TRUE(key.column.empty()) << key.expression;
    EXPECT_FALSE(key.expression.empty());
  }
}

} // namespace index_keys_test
} // namespace pgadvise::loaders
