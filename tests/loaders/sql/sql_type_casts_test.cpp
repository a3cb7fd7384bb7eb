// PostgreSQL 15's refusals of ALTER COLUMN ... TYPE without USING
// (loaders/sql/type_casts): the facts checked against the server itself,
// and how the replay and column-type-change-rewrite use them.
#include "loaders/sql/migrations.hpp"
#include "loaders/sql/type_casts.hpp"
#include "model/type_ref.hpp"
#include "support/pg_cluster.hpp"

#include <gtest/gtest.h>
#include <string>
#include <vector>

namespace sql_type_casts_test {

using namespace pgadvise;
using loaders::replay::refused_type_change;

bool refused(std::string_view from, std::string_view to) {
  return !refused_type_change(model::parse_type_text(from), model::parse_type_text(to)).empty();
}

TEST(TypeCasts, ChangesWithoutAnAutomaticCastAreRefused) {
  EXPECT_EQ(refused_type_change(model::parse_type_text("text"), model::parse_type_text("jsonb")),
            "no automatic cast from text to jsonb");
  EXPECT_TRUE(refused("varchar(255)", "uuid"));
  EXPECT_TRUE(refused("text", "integer"));
  EXPECT_TRUE(refused("integer", "boolean"));
  EXPECT_TRUE(refused("text", "timestamp with time zone"));
  EXPECT_TRUE(refused("text", "text[]"));
  // Assignment and implicit casts, and the output function to a string type.
  EXPECT_FALSE(refused("json", "jsonb"));
  EXPECT_FALSE(refused("bigint", "integer"));
  EXPECT_FALSE(refused("integer[]", "bigint[]"));
  EXPECT_FALSE(refused("uuid", "text"));
  EXPECT_FALSE(refused("jsonb", "varchar(100)"));
  EXPECT_FALSE(refused("timestamp", "timestamptz"));
  EXPECT_FALSE(refused("varchar(10)", "varchar(20)"));
  // Types these facts do not cover are not judged: an enum, an extension's.
  EXPECT_FALSE(refused("text", "\"public\".\"status\""));
  EXPECT_FALSE(refused("text", "citext"));
}

// Every pair of the types the facts cover, and a few arrays, altered on the
// test cluster: PostgreSQL refuses exactly the changes the facts say it does.
class TypeCastsLive : public test_support::ClusterTest {};

TEST_F(TypeCastsLive, EveryRefusalIsPostgreSQLs) {
  std::string why;
  const std::string database = cluster().create_database("casts", &why);
  ASSERT_FALSE(database.empty()) << why;
  auto session = cluster().admin(database);
  ASSERT_TRUE(session.ok()) << session.error().to_string();
  const std::vector<std::string> types = {
      "int2",     "int4",    "int8",   "float4", "float8", "numeric", "money",     "bool",
      "text",     "varchar", "bpchar", "date",   "time",   "timetz",  "timestamp", "timestamptz",
      "interval", "json",    "jsonb",  "uuid",   "bytea",  "inet",    "cidr",      "bit",
      "varbit",   "xml",     "int4[]", "int8[]", "text[]"};
  int table = 0;
  for (const std::string& from : types) {
    for (const std::string& to : types) {
      const std::string name = "t" + std::to_string(table++);
      ASSERT_TRUE(session->run_script("CREATE TABLE " + name + " (c " + from + ")").ok());
      const bool server_refuses = !session->query("ALTER TABLE " + name + " ALTER COLUMN c TYPE " + to).ok();
      EXPECT_EQ(refused(from, to), server_refuses) << from << " -> " << to;
    }
  }
}

// The replay records why: a change without USING that PostgreSQL refuses
// (drizzle-kit generate writes text to jsonb so), none for one with USING.
TEST(TypeCasts, TheReplayRecordsWhyAChangeWithoutUsingIsRefused) {
  loaders::SchemaLoad load;
  loaders::replay_sql("CREATE TABLE customers (id bigint PRIMARY KEY, prefs text, age text);", "0000.sql",
                      load);
  const std::size_t before = load.catalog.migration_steps.size();
  loaders::replay_sql(
      "ALTER TABLE \"customers\" ALTER COLUMN \"prefs\" SET DATA TYPE jsonb;--> statement-breakpoint\n"
      "ALTER TABLE \"customers\" ALTER COLUMN \"age\" SET DATA TYPE integer USING age::integer;",
      "0001.sql", load);
  const auto& steps = load.catalog.migration_steps;
  ASSERT_EQ(steps.size(), before + 2);
  EXPECT_EQ(steps[before].detail.str(), "no automatic cast from text to jsonb");
  EXPECT_TRUE(steps[before].rewrites);
  EXPECT_TRUE(steps[before + 1].detail.empty());
}

} // namespace sql_type_casts_test
