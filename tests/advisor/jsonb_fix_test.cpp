#include "advisor/jsonb_fix.hpp"
#include "model/type_ref.hpp"
#include "pg/parser.hpp"

#include <gtest/gtest.h>

namespace jsonb_fix_test {

using pgadvise::advisor::make_jsonb_fix;

pgadvise::model::Table table_with(const std::string& type, std::optional<std::string> default_expr,
                                  bool not_null = false) {
  pgadvise::model::Table table;
  table.name = "events";
  pgadvise::model::Column column;
  column.name = "payload";
  column.type = pgadvise::model::parse_type_text(type);
  column.default_expr = std::move(default_expr);
  column.not_null = not_null;
  table.columns.push_back(column);
  return table;
}

void expect_parses(const std::string& sql) {
  const auto result = pgadvise::pg::parse(sql);
  EXPECT_TRUE(result.ok()) << sql;
}

TEST(JsonbFix, MovesAJsonDefaultOverInOneStatement) {
  const auto table = table_with("text", "'{}'::text", true);
  const auto fix = make_jsonb_fix(table, table.columns[0], true);
  EXPECT_EQ(fix.statements(),
            "ALTER TABLE events ALTER COLUMN payload DROP DEFAULT, ALTER COLUMN payload TYPE jsonb USING "
            "payload::jsonb, ALTER COLUMN payload SET DEFAULT '{}'::jsonb;");
  EXPECT_EQ(fix.code_text(),
            "payload: jsonb(\"payload\").$type<Record<string, unknown>>().notNull().default({})");
  expect_parses(fix.statements());
}

TEST(JsonbFix, PlainConversionWithoutDefault) {
  const auto table = table_with("varchar(255)", std::nullopt);
  const auto fix = make_jsonb_fix(table, table.columns[0], false);
  EXPECT_EQ(fix.statements(), "ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;");
  EXPECT_TRUE(fix.code_text().empty());
  EXPECT_NE(fix.safety_note.find("ACCESS EXCLUSIVE"), std::string::npos);
}

TEST(JsonbFix, DropsATextDefaultThatIsNotJson) {
  const auto table = table_with("text", "''::text");
  const auto fix = make_jsonb_fix(table, table.columns[0], false);
  EXPECT_EQ(fix.statements(),
            "ALTER TABLE events ALTER COLUMN payload DROP DEFAULT, ALTER COLUMN payload TYPE jsonb USING "
            "payload::jsonb;");
  expect_parses(fix.statements());
}

TEST(JsonbFix, JsonColumnKeepsANonLiteralDefault) {
  // json -> jsonb has an assignment cast: the default converts by itself.
  const auto table = table_with("json", "json_build_object()");
  const auto fix = make_jsonb_fix(table, table.columns[0], true);
  EXPECT_EQ(fix.statements(), "ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;");
  EXPECT_EQ(fix.code_text(), "payload: jsonb(\"payload\")");
}

TEST(JsonbFix, QuotesNamesAndMirrorsNestedDefaults) {
  pgadvise::model::Table table = table_with("text", "'{\"json\": {}}'");
  table.schema = "App";
  table.name = "Order";
  table.columns[0].name = "userSettings";
  const auto fix = make_jsonb_fix(table, table.columns[0], true);
  EXPECT_EQ(fix.statements(),
            "ALTER TABLE \"App\".\"Order\" ALTER COLUMN \"userSettings\" DROP DEFAULT, ALTER COLUMN "
            "\"userSettings\" TYPE jsonb USING \"userSettings\"::jsonb, ALTER COLUMN \"userSettings\" SET "
            "DEFAULT '{\"json\": {}}'::jsonb;");
  EXPECT_EQ(fix.code_text(),
            "userSettings: jsonb(\"userSettings\").$type<Record<string, unknown>>().default({\"json\":{}})");
  expect_parses(fix.statements());
}

// t3's columns callback, createTable("post", (d) => ({ meta: d.json() })):
// the line is in the callback's style (was jsonb("meta"), a builder such a
// file does not import), and an explicit name stays where the property differs.
TEST(JsonbFix, ColumnsCallbackTableGetsTheCallbacksBuilder) {
  auto table = table_with("json", std::nullopt, true);
  table.drizzle_column_param = "d";
  table.columns[0].set_property("payload");
  EXPECT_EQ(make_jsonb_fix(table, table.columns[0], true).sql().drizzle, "payload: d.jsonb().notNull()");
  table.columns[0].name = "pay_load";
  table.columns[0].set_property("payLoad");
  EXPECT_EQ(make_jsonb_fix(table, table.columns[0], true).sql().drizzle,
            "payLoad: d.jsonb(\"pay_load\").notNull()");
}

} // namespace jsonb_fix_test
