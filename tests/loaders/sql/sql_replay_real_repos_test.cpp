// The replay against what PostgreSQL 15 itself does with statements met in
// real repositories: guarded DO blocks, temporary tables, tables the hosting
// platform provides, and 63-byte identifiers.
#include "loaders/identifiers.hpp"
#include "sql_replay_test_support.hpp"

#include <gtest/gtest.h>

namespace sql_replay_real_repos_test {

using namespace pgadvise;
using test::replay;
using test::rule_ids;

TEST(SqlReplayRealRepos, EnumValueAddedUnderAPgEnumGuardIsNotADuplicate) {
  const auto load = replay(R"sql(
CREATE TYPE "status" AS ENUM ('pending', 'done');
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid
                 WHERE t.typname = 'status' AND e.enumlabel = 'done') THEN
    ALTER TYPE "status" ADD VALUE 'done';
  END IF;
END $$;
DO $$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'status') THEN
    CREATE TYPE "status" AS ENUM ('pending');
  END IF;
END $$;
)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  ASSERT_EQ(load.catalog.enums.size(), 1U);
  EXPECT_EQ(load.catalog.enums[0].values, (std::vector<std::string>{"pending", "done"}));
}

TEST(SqlReplayRealRepos, UnguardedDuplicateInsideADoBlockStillWarns) {
  const auto load = replay(R"sql(
CREATE TABLE "t" ("id" integer);
DO $$ BEGIN
  IF EXISTS (SELECT 1 FROM pg_tables WHERE tablename = 'x') THEN
    CREATE TABLE "t" ("id" integer);
  END IF;
END $$;
)sql");
  EXPECT_EQ(rule_ids(load), std::vector<std::string>{"replay-warning"});
}

TEST(SqlReplayRealRepos, TemporaryTablesAreFilledAlteredAndDroppedQuietly) {
  const auto load = replay(R"sql(
CREATE TABLE "accounts" ("id" integer PRIMARY KEY, "email" text);
CREATE TEMP TABLE "dedup" AS SELECT 1 AS id;
CREATE TEMPORARY TABLE "moved" ("id" integer);
INSERT INTO "moved" SELECT "id" FROM "accounts";
ALTER TABLE "moved" ADD COLUMN "note" text;
DROP TABLE "moved";
DROP TABLE "dedup";
)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  EXPECT_EQ(load.catalog.find_table("public", "moved"), nullptr);
  EXPECT_NE(load.catalog.find_table("public", "accounts"), nullptr);
}

TEST(SqlReplayRealRepos, ForeignKeyToThePlatformsAuthUsersIsNoWarning) {
  const auto load = replay(R"sql(
CREATE TABLE "profiles" (
  "id" uuid PRIMARY KEY NOT NULL,
  "user_id" uuid NOT NULL
);
ALTER TABLE "profiles" ADD CONSTRAINT "profiles_user_id_users_id_fk" FOREIGN KEY ("user_id")
  REFERENCES "auth"."users"("id") ON DELETE cascade ON UPDATE no action;
)sql");
  EXPECT_TRUE(load.diagnostics.empty()) << load.diagnostics.front().message;
  const model::Table* profiles = load.catalog.find_table("public", "profiles");
  ASSERT_NE(profiles, nullptr);
  ASSERT_EQ(profiles->foreign_keys.size(), 1U);
  EXPECT_EQ(profiles->foreign_keys[0].ref_schema, "auth");
  EXPECT_EQ(profiles->foreign_keys[0].ref_table, "users");
  // A schema the migrations do not provide, and that no platform does, still warns.
  const auto missing = replay(R"sql(
CREATE TABLE "p" ("user_id" uuid REFERENCES "billing"."users"("id"));
)sql");
  EXPECT_EQ(rule_ids(missing), std::vector<std::string>{"replay-warning"});
}

TEST(SqlReplayRealRepos, NamesAreCutAt63BytesOnBothSides) {
  // PostgreSQL keeps the first 63 bytes of every identifier; drizzle-kit's
  // snapshot keeps the whole name it made up.
  const std::string long_name = "organization_memberships_organization_id_organizations_id_fk_extra";
  const auto load = replay("CREATE TABLE \"organizations\" (\"id\" integer PRIMARY KEY);\n"
                           "CREATE TABLE \"organization_memberships\" (\"organization_id\" integer,\n"
                           "  CONSTRAINT \"" +
                           long_name +
                           "\" FOREIGN KEY (\"organization_id\") "
                           "REFERENCES \"organizations\"(\"id\"));\n");
  const model::Table* table = load.catalog.find_table("public", "organization_memberships");
  ASSERT_NE(table, nullptr);
  ASSERT_EQ(table->foreign_keys.size(), 1U);
  EXPECT_EQ(table->foreign_keys[0].name, long_name.substr(0, 63));

  model::Catalog snapshot;
  model::Table copy;
  copy.name = "organization_memberships";
  model::ForeignKey fk;
  fk.name = long_name;
  copy.foreign_keys.push_back(fk);
  snapshot.tables.push_back(copy);
  loaders::truncate_identifiers(snapshot);
  EXPECT_EQ(snapshot.tables[0].foreign_keys[0].name, table->foreign_keys[0].name);
}

} // namespace sql_replay_real_repos_test
