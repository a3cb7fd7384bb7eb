#include "app/inputs/discovery.hpp"
#include "app/inspect/schema_view.hpp"
#include "core/file.hpp"
#include "model/type_ref.hpp"
#include "support/pg_cluster.hpp"

#include <algorithm>
#include <filesystem>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::app {
namespace schema_view_test {

namespace fs = std::filesystem;
using test_support::ClusterTest;

const fs::path k_app = fs::path(PGADVISE_SOURCE_DIR) / "fixtures" / "drizzle-app";

TEST(FormatType, SpellsTypesAsPostgresFormatType) {
  EXPECT_EQ(format_type(model::parse_type_text("varchar(255)")), "character varying(255)");
  EXPECT_EQ(format_type(model::parse_type_text("timestamptz")), "timestamp with time zone");
  EXPECT_EQ(format_type(model::parse_type_text("timestamp(3) with time zone")),
            "timestamp(3) with time zone");
  EXPECT_EQ(format_type(model::parse_type_text("timestamp")), "timestamp without time zone");
  EXPECT_EQ(format_type(model::parse_type_text("int[]")), "integer[]");
  EXPECT_EQ(format_type(model::parse_type_text("int4[][]")), "integer[]");
  EXPECT_EQ(format_type(model::parse_type_text("serial")), "integer");
  EXPECT_EQ(format_type(model::parse_type_text("bigserial")), "bigint");
  EXPECT_EQ(format_type(model::parse_type_text("float8")), "double precision");
  EXPECT_EQ(format_type(model::parse_type_text("numeric(10,2)")), "numeric(10,2)");
  EXPECT_EQ(format_type(model::parse_type_text("bool")), "boolean");
  EXPECT_EQ(format_type(model::parse_type_text("char")), "character(1)");
  EXPECT_EQ(format_type(model::parse_type_text("jsonb")), "jsonb");
  EXPECT_EQ(format_type(model::parse_type_text("\"public\".\"member_role\"")), "member_role");
  EXPECT_EQ(format_type(model::parse_type_text("billing.status")), "billing.status");
}

model::Column column(const char* name, const char* type, std::optional<std::string> def = std::nullopt) {
  model::Column out;
  out.name = name;
  out.type = model::parse_type_text(type);
  out.default_expr = std::move(def);
  return out;
}

TEST(FormatDefault, CastsBareLiteralsAndNamesSerialSequences) {
  model::Table table;
  table.name = "users";
  const model::Column id = column("id", "serial");
  EXPECT_EQ(format_default(table, id), "nextval('users_id_seq'::regclass)");
  const model::Column role = column("role", "\"member_role\"", "'member'");
  EXPECT_EQ(format_default(table, role), "'member'::member_role");
  const model::Column slug = column("slug", "varchar(64)", "'x'");
  EXPECT_EQ(format_default(table, slug), "'x'::character varying");
  const model::Column at = column("at", "timestamp", "now()");
  EXPECT_EQ(format_default(table, at), "now()");
}

// Expression keys: PostgreSQL prints the analyzed expression
// (lower((email)::text)), the replay keeps the text as written
// (lower("email")). Both reduce to the same words once quotes, parentheses,
// spaces and implicit text casts are dropped.
std::string expression_words(std::string text) {
  for (const std::string cast : {"::text", "::character varying"}) {
    for (auto pos = text.find(cast); pos != std::string::npos; pos = text.find(cast)) {
      text.erase(pos, cast.size());
    }
  }
  std::erase_if(text, [](char c) { return c == '"' || c == '(' || c == ')' || c == ' '; });
  return text;
}

void normalize_expression_keys(nlohmann::ordered_json& indexes) {
  for (auto& index : indexes) {
    for (auto& column : index["columns"]) {
      if (column.get<std::string>().find('(') != std::string::npos) {
        column = expression_words(column.get<std::string>());
      }
    }
  }
}

std::vector<std::string> lines(const pg::Value& value) {
  std::vector<std::string> out;
  if (!value) {
    return out;
  }
  std::string item;
  for (char c : *value + "\n") {
    if (c == '\n') {
      out.push_back(item);
      item.clear();
    } else {
      item += c;
    }
  }
  return out;
}

constexpr std::string_view k_user_relations =
    "n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'";

// The three lists as pg_catalog has them (format_type, pg_get_expr,
// pg_index, pg_constraint), in the order schema_json sorts them.
nlohmann::ordered_json catalog_json(pg::Connection& db) {
  nlohmann::ordered_json tables = nlohmann::ordered_json::array();
  auto columns = db.query(
      "SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, "
      "a.attnotnull::text AS not_null, pg_get_expr(d.adbin, d.adrelid) AS def "
      "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
      "JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped "
      "LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum "
      "WHERE c.relkind IN ('r', 'p') AND " +
      std::string(k_user_relations) + " ORDER BY n.nspname COLLATE \"C\", c.relname COLLATE \"C\", a.attnum");
  EXPECT_TRUE(columns.ok()) << columns.error().to_string();
  for (const pg::Row& row : columns->rows) {
    if (tables.empty() || tables.back()["schema"] != *row[0] || tables.back()["name"] != *row[1]) {
      tables.push_back(
          {{"schema", *row[0]}, {"name", *row[1]}, {"columns", nlohmann::ordered_json::array()}});
    }
    tables.back()["columns"].push_back(
        {{"name", *row[2]},
         {"type", *row[3]},
         {"not_null", *row[4] == "true"},
         {"default", row[5] ? nlohmann::ordered_json(*row[5]) : nlohmann::ordered_json(nullptr)}});
  }
  nlohmann::ordered_json indexes = nlohmann::ordered_json::array();
  auto index_rows = db.query(
      "SELECT n.nspname, t.relname, i.relname, "
      "(SELECT string_agg(pg_get_indexdef(ix.indexrelid, k, true), E'\\n' ORDER BY k) "
      " FROM generate_series(1, ix.indnkeyatts) k) AS keys, "
      "ix.indisunique::text, ix.indisprimary::text, (ix.indpred IS NOT NULL)::text, am.amname, "
      "ix.indisvalid::text "
      "FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid "
      "JOIN pg_namespace n ON n.oid = t.relnamespace JOIN pg_am am ON am.oid = i.relam WHERE " +
      std::string(k_user_relations) +
      " ORDER BY n.nspname COLLATE \"C\", t.relname COLLATE \"C\", i.relname COLLATE \"C\"");
  EXPECT_TRUE(index_rows.ok()) << index_rows.error().to_string();
  for (const pg::Row& row : index_rows->rows) {
    indexes.push_back({{"schema", *row[0]},
                       {"table", *row[1]},
                       {"name", *row[2]},
                       {"columns", lines(row[3])},
                       {"unique", *row[4] == "true"},
                       {"primary", *row[5] == "true"},
                       {"partial", *row[6] == "true"},
                       {"method", *row[7]},
                       {"valid", *row[8] == "true"}});
  }
  nlohmann::ordered_json fks = nlohmann::ordered_json::array();
  auto fk_rows = db.query(
      "SELECT n.nspname, t.relname, con.conname, "
      "(SELECT string_agg(a.attname, E'\\n' ORDER BY u.ord) FROM unnest(con.conkey) WITH ORDINALITY u(num, "
      "ord) "
      " JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = u.num) AS cols, "
      "rn.nspname, rt.relname, "
      "(SELECT string_agg(a.attname, E'\\n' ORDER BY u.ord) FROM unnest(con.confkey) WITH ORDINALITY u(num, "
      "ord) "
      " JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = u.num) AS ref_cols, "
      "CASE con.confdeltype WHEN 'a' THEN 'no action' WHEN 'r' THEN 'restrict' WHEN 'c' THEN 'cascade' "
      " WHEN 'n' THEN 'set null' ELSE 'set default' END "
      "FROM pg_constraint con JOIN pg_class t ON t.oid = con.conrelid JOIN pg_namespace n ON n.oid = "
      "t.relnamespace "
      "JOIN pg_class rt ON rt.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rt.relnamespace "
      "WHERE con.contype = 'f' AND " +
      std::string(k_user_relations) +
      " ORDER BY n.nspname COLLATE \"C\", t.relname COLLATE \"C\", con.conname COLLATE \"C\"");
  EXPECT_TRUE(fk_rows.ok()) << fk_rows.error().to_string();
  for (const pg::Row& row : fk_rows->rows) {
    fks.push_back({{"schema", *row[0]},
                   {"table", *row[1]},
                   {"name", *row[2]},
                   {"columns", lines(row[3])},
                   {"ref_schema", *row[4]},
                   {"ref_table", *row[5]},
                   {"ref_columns", lines(row[6])},
                   {"on_delete", *row[7]}});
  }
  return {{"tables", tables}, {"indexes", indexes}, {"foreign_keys", fks}};
}

class SchemaFidelity : public ClusterTest {};

// The schema pgadvise replays from the fixture app's migrations equals what
// PostgreSQL 15 has after running the same migrations.
TEST_F(SchemaFidelity, FixtureAppReplayEqualsPostgresCatalog) {
  std::string why;
  const std::string database = cluster().create_database("schemafid", &why);
  ASSERT_FALSE(database.empty()) << why;
  auto admin = cluster().admin(database);
  ASSERT_TRUE(admin.ok()) << admin.error().to_string();
  std::vector<fs::path> migrations;
  for (const auto& entry : fs::directory_iterator(k_app / "drizzle")) {
    if (entry.path().extension() == ".sql") {
      migrations.push_back(entry.path());
    }
  }
  std::sort(migrations.begin(), migrations.end());
  ASSERT_GE(migrations.size(), 5U);
  for (const fs::path& migration : migrations) {
    auto text = core::read_file(migration);
    ASSERT_TRUE(text.ok()) << migration;
    auto applied = admin->run_script(*text, migration.filename().string());
    ASSERT_TRUE(applied.ok()) << applied.error().to_string();
  }
  nlohmann::ordered_json expected = catalog_json(*admin);

  auto sources = discover({k_app});
  ASSERT_TRUE(sources.ok());
  const loaders::SchemaLoad load = load_schema(*sources);
  ASSERT_EQ(load.catalog.source, model::SchemaSource::sql_replay);
  nlohmann::ordered_json actual = schema_json(load.catalog);

  ASSERT_GE(expected["tables"].size(), 7U);
  normalize_expression_keys(expected["indexes"]);
  normalize_expression_keys(actual["indexes"]);
  for (const char* list : {"tables", "indexes", "foreign_keys"}) {
    ASSERT_EQ(actual[list].size(), expected[list].size())
        << list << "\nactual: " << actual[list].dump(1) << "\nexpected: " << expected[list].dump(1);
    for (std::size_t i = 0; i < expected[list].size(); ++i) {
      EXPECT_EQ(actual[list][i], expected[list][i]) << list << "[" << i << "]";
    }
  }
}

} // namespace schema_view_test
} // namespace pgadvise::app
