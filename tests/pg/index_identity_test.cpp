// An index's identity is computed once, when a loader puts the index in the
// model, and is the same whichever source spelled it: the SQL drizzle-kit
// wrote, its snapshot and schema.ts (fixtures/schema-ts/kitchen-sink, made
// by drizzle-kit 0.31).
#include "advisor/index_match.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"
#include "pg/index_identity.hpp"
#include "support/drizzle_files.hpp"

#include <gtest/gtest.h>

namespace pgadvise::pg {
namespace index_identity_test {

using test::fixture;

const model::Index& index_of(const loaders::SchemaLoad& load, std::string_view name) {
  const model::Table* table = load.catalog.find_table("public", "accounts");
  EXPECT_NE(table, nullptr);
  const model::Index* index = table == nullptr ? nullptr : table->find_index(name);
  EXPECT_NE(index, nullptr) << name;
  static const model::Index k_none;
  return index == nullptr ? k_none : *index;
}

TEST(IndexIdentity, EverySourceSetsItAndSpellingsOfOneIndexShareIt) {
  const std::filesystem::path dir = fixture("schema-ts/kitchen-sink");
  loaders::SchemaLoad sql;
  loaders::replay_sql_files({dir / "drizzle" / "0000_lean_changeling.sql"}, sql);
  auto snapshot = loaders::load_drizzle_snapshot(dir / "drizzle" / "meta" / "0000_snapshot.json");
  ASSERT_TRUE(snapshot.ok());
  const loaders::SchemaLoad declared = loaders::load_drizzle_schema(
      {dir / "schema" / "accounts.ts", dir / "schema" / "enums.ts", dir / "schema" / "teams.ts"},
      "snake_case");
  const std::vector<const loaders::SchemaLoad*> sources = {&sql, &snapshot.value(), &declared};

  // lower("email"); `"accounts"."status" = 'active'` in the SQL and the
  // snapshot, `"status" = 'active'` in schema.ts.
  const model::Index& lower = index_of(sql, "accounts_email_lower_idx");
  const model::Index& active = index_of(sql, "accounts_active_idx");
  ASSERT_EQ(lower.keys.size(), 1U);
  EXPECT_EQ(lower.keys[0].identity, expression_identity(lower.keys[0].expression.str()));
  EXPECT_NE(lower.keys[0].identity, 0U);
  EXPECT_EQ(lower.predicate_identity, 0U);
  EXPECT_NE(active.predicate_identity, 0U);
  for (const loaders::SchemaLoad* source : sources) {
    const model::Index& other_lower = index_of(*source, "accounts_email_lower_idx");
    const model::Index& other_active = index_of(*source, "accounts_active_idx");
    ASSERT_EQ(other_lower.keys.size(), 1U);
    EXPECT_EQ(other_lower.keys[0].identity, lower.keys[0].identity) << other_lower.keys[0].expression;
    EXPECT_EQ(other_active.predicate_identity, active.predicate_identity) << other_active.predicate;
    EXPECT_TRUE(advisor::same_index(other_lower, lower, advisor::IncludeColumns::ignored));
    EXPECT_TRUE(advisor::same_index(other_active, active, advisor::IncludeColumns::ignored));
    EXPECT_FALSE(advisor::same_index(other_active, lower, advisor::IncludeColumns::ignored));
  }
}

TEST(IndexIdentity, ComparesWhatPostgreSQLBuildsNotHowItIsSpelled) {
  EXPECT_EQ(expression_identity(""), 0U);
  EXPECT_EQ(expression_identity("lower(email)"), expression_identity("LOWER( (email)::text )"));
  EXPECT_EQ(expression_identity("\"t\".\"deleted_at\" IS NULL"), expression_identity("(deleted_at is null)"));
  EXPECT_NE(expression_identity("lower(email)"), expression_identity("upper(email)"));
  EXPECT_NE(expression_identity("a > 1"), expression_identity("a >= 1"));
  EXPECT_NE(expression_identity("not sql at all ("), 0U); // text that does not parse keys as itself
}

TEST(IndexIdentity, KeysDifferInNullsPlacementAndNamedOperatorClass) {
  model::IndexKey a{"email", "", false, "", {}};
  model::IndexKey b = a;
  b.opclass = "text_ops"; // the default one, named
  EXPECT_TRUE(advisor::same_key(a, b));
  b.opclass = "text_pattern_ops";
  EXPECT_FALSE(advisor::same_key(a, b));
  b = a;
  b.nulls_first = true; // ASC NULLS FIRST is another order
  EXPECT_FALSE(advisor::same_key(a, b));
  b.nulls_first = false; // ASC NULLS LAST is the default
  EXPECT_TRUE(advisor::same_key(a, b));
}

} // namespace index_identity_test
} // namespace pgadvise::pg
