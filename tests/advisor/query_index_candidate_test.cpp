#include "../rules/rule_test_support.hpp"
#include "../rules/workload_test_support.hpp"
#include "advisor/query_index_candidate.hpp"

#include <gtest/gtest.h>
#include <map>

namespace query_index_candidate_test {

using namespace pgadvise;
using namespace pgadvise::test;

model::Catalog shop() {
  model::Table users = table("users", {column("id"), column("email", "text"), column("org_id")});
  users.indexes.push_back(primary_key("users_pkey", {"id"}));
  model::Table posts = table("posts", {column("id"), column("user_id"), column("status", "text"),
                                       column("created_at", "timestamptz"), column("title", "text")});
  posts.indexes.push_back(primary_key("posts_pkey", {"id"}));
  posts.indexes.push_back(index("posts_user_id_idx", {"user_id"}));
  return catalog_of({users, posts});
}

std::vector<advisor::QueryIndexCandidate> candidates(std::string_view sql, const model::Catalog& catalog) {
  model::Workload workload;
  const auto fp = add_query(workload, sql);
  return advisor::query_index_candidates(*workload.find(fp), catalog);
}

TEST(QueryIndexCandidate, EqualityThenOneRangeThenOrderByForLimitQueries) {
  const model::Catalog catalog = shop();
  const auto found =
      candidates("SELECT id FROM posts WHERE created_at > now() - interval '1 day' AND status = 'x' "
                 "AND id > 5 ORDER BY title LIMIT 20",
                 catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].table->name, "posts");
  EXPECT_EQ(found[0].columns, (std::vector<std::string>{"status", "created_at", "title"}));
  EXPECT_EQ(found[0].range, "created_at");
  // id leads the primary key: the planner has an index path already.
  EXPECT_TRUE(found[0].covered);
  EXPECT_EQ(found[0].covered_by, "posts_pkey");
}

TEST(QueryIndexCandidate, OrderByIsLeftOutWithoutLimit) {
  const model::Catalog catalog = shop();
  const auto found = candidates("SELECT id FROM posts WHERE status = 'x' ORDER BY created_at", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].columns, std::vector<std::string>{"status"});
  EXPECT_FALSE(found[0].covered);
}

TEST(QueryIndexCandidate, JoinSidesAreJudgedPerTable) {
  // The candidates point into the catalog: it must outlive them.
  const model::Catalog catalog = shop();
  const auto found = candidates("SELECT p.id, u.email FROM posts p JOIN users u ON u.id = p.user_id "
                                "WHERE u.email = 'a@b.c'",
                                catalog);
  ASSERT_EQ(found.size(), 2U);
  // posts is only joined: its join key user_id is what it needs, and has.
  EXPECT_EQ(found[0].table->name, "posts");
  EXPECT_EQ(found[0].columns, std::vector<std::string>{"user_id"});
  EXPECT_TRUE(found[0].covered);
  // users is filtered on email: the primary key on its join key id does not
  // serve that filter.
  EXPECT_EQ(found[1].table->name, "users");
  EXPECT_EQ(found[1].columns, std::vector<std::string>{"email"});
  EXPECT_FALSE(found[1].covered);
}

TEST(QueryIndexCandidate, AFilteredTableIsNotCoveredByAnIndexOnItsJoinKey) {
  model::Table memberships =
      table("memberships", {column("org_id"), column("user_id"), column("role", "text")});
  memberships.indexes.push_back(primary_key("memberships_pkey", {"org_id", "user_id"}));
  model::Table organizations = table("organizations", {column("id"), column("name", "text")});
  organizations.indexes.push_back(primary_key("organizations_pkey", {"id"}));
  const model::Catalog catalog = catalog_of({memberships, organizations});
  const auto found =
      candidates("SELECT o.id, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id "
                 "WHERE m.user_id = $1",
                 catalog);
  ASSERT_EQ(found.size(), 2U);
  EXPECT_EQ(found[0].table->name, "memberships");
  EXPECT_EQ(found[0].columns, std::vector<std::string>{"user_id"});
  EXPECT_FALSE(found[0].covered);
  EXPECT_EQ(found[1].table->name, "organizations");
  EXPECT_TRUE(found[1].covered);
}

TEST(QueryIndexCandidate, PartialExpressionAndInvalidIndexesDoNotCover) {
  model::Catalog catalog = shop();
  model::Table& users = catalog.tables[0];
  model::Index partial = index("users_email_live_idx", {"email"});
  partial.predicate = "deleted_at IS NULL";
  model::Index invalid = index("users_email_idx", {"email"});
  invalid.valid = false;
  users.indexes.push_back(partial);
  users.indexes.push_back(invalid);
  users.indexes.push_back(keyed_index("users_lower_email_idx", {expression_key("lower(email)")}));
  const auto found = candidates("SELECT id FROM users WHERE email = $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_FALSE(found[0].covered);
}

// A job queue's partial index, as pg_get_expr returns its predicate: it
// serves the statements that make its test, and only those.
model::Catalog queue(std::string predicate) {
  model::Table jobs =
      table("jobs", {column("id"), column("kind", "text"), column("created_at", "timestamptz"),
                     column("finished_at", "timestamptz")});
  jobs.indexes.push_back(primary_key("jobs_pkey", {"id"}));
  model::Index partial = index("jobs_created_at_partial_idx", {"created_at"});
  partial.predicate = std::move(predicate);
  jobs.indexes.push_back(partial);
  return catalog_of({jobs});
}

TEST(QueryIndexCandidate, APartialIndexCoversStatementsMakingItsNullTest) {
  for (const char* predicate : {"(finished_at IS NULL)", "\"finished_at\" is null", "finished_at IS NULL"}) {
    const model::Catalog catalog = queue(predicate);
    const auto oldest = candidates(
        "select \"id\" from \"jobs\" where \"jobs\".\"finished_at\" is null order by \"jobs\".\"created_at\" "
        "limit $1",
        catalog);
    ASSERT_EQ(oldest.size(), 1U);
    EXPECT_TRUE(oldest[0].covered) << predicate;
    EXPECT_EQ(oldest[0].covered_by, "jobs_created_at_partial_idx");
    // Another filter: the partial index covers only when it leads with it.
    EXPECT_TRUE(
        candidates("SELECT id FROM jobs WHERE finished_at IS NULL AND created_at < $1", catalog)[0].covered);
    EXPECT_FALSE(
        candidates("SELECT id FROM jobs WHERE finished_at IS NULL AND kind = $1", catalog)[0].covered);
  }
}

TEST(QueryIndexCandidate, APartialIndexDoesNotCoverTheOppositeTestOrOtherPredicates) {
  EXPECT_FALSE(candidates("SELECT id FROM jobs WHERE finished_at IS NOT NULL AND created_at < $1",
                          queue("(finished_at IS NULL)"))[0]
                   .covered);
  EXPECT_FALSE(candidates("SELECT id FROM jobs WHERE finished_at IS NULL AND created_at < $1",
                          queue("(finished_at IS NULL AND kind = 'x'::text)"))[0]
                   .covered);
  EXPECT_FALSE(candidates("SELECT id FROM jobs WHERE kind IS NULL AND created_at < $1",
                          queue("(finished_at IS NULL)"))[0]
                   .covered);
}

// A soft-delete or flag test keeps most rows: never an index's key. Alone
// it gets no proposal; beside a real filter it is left to a partial index's
// predicate (the live advisor's call, with pg_stats).
TEST(QueryIndexCandidate, SoftDeleteAndFlagColumnsAreNeverKeys) {
  model::Table cards =
      table("card", {column("id"), column("listId"), column("title", "text"),
                     column("deletedAt", "timestamptz"), column("archived", "boolean"), column("index")});
  cards.indexes.push_back(primary_key("card_pkey", {"id"}));
  const model::Catalog catalog = catalog_of({cards});
  EXPECT_TRUE(candidates("SELECT id FROM card WHERE \"deletedAt\" IS NULL", catalog).empty());
  EXPECT_TRUE(candidates("SELECT id FROM card WHERE archived = false", catalog).empty());
  const auto found = candidates(
      "SELECT id FROM card WHERE \"deletedAt\" IS NULL AND archived = $1 AND \"listId\" = $2", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].columns, std::vector<std::string>{"listId"});
  EXPECT_EQ(found[0].null_tests, (std::vector<std::string>{"deletedAt", "archived"}));
  EXPECT_FALSE(found[0].covered);
}

// Drizzle's relational query (`db.query.board.findFirst({ with: { lists: {
// where: isNull(list.deletedAt), with: { cards: ... } } } })`, as drizzle-orm
// 0.45 writes it): each lateral sub-select looks its rows up by the outer
// row's key. That column leads, then the sort; the soft-delete test is not a
// key. An index on the foreign key already serves it.
TEST(QueryIndexCandidate, ALateralSubSelectLeadsWithItsCorrelationColumn) {
  constexpr std::string_view k_board =
      R"(select "board"."id", "board"."name", "board_lists"."data" as "lists" from "board" "board" )"
      R"(left join lateral (select coalesce(json_agg(json_build_array("board_lists"."id", "board_lists"."name", )"
      R"("board_lists_cards"."data") order by "board_lists"."index" asc), '[]'::json) as "data" from )"
      R"((select * from "list" "board_lists" where ("board_lists"."boardId" = "board"."id" and )"
      R"("board_lists"."deletedAt" is null) order by "board_lists"."index" asc) "board_lists" )"
      R"(left join lateral (select coalesce(json_agg(json_build_array("board_lists_cards"."id", )"
      R"("board_lists_cards"."title") order by "board_lists_cards"."index" asc), '[]'::json) as "data" from )"
      R"((select * from "card" "board_lists_cards" where ("board_lists_cards"."listId" = "board_lists"."id" )"
      R"(and "board_lists_cards"."deletedAt" is null) order by "board_lists_cards"."index" asc) )"
      R"("board_lists_cards") "board_lists_cards" on true) "board_lists" on true )"
      R"(where ("board"."id" = $1 and "board"."deletedAt" is null) limit $2)";
  model::Table board =
      table("board", {column("id"), column("name", "text"), column("deletedAt", "timestamptz")});
  board.indexes.push_back(primary_key("board_pkey", {"id"}));
  model::Table list = table("list", {column("id"), column("boardId"), column("name", "text"), column("index"),
                                     column("deletedAt", "timestamptz")});
  list.indexes.push_back(primary_key("list_pkey", {"id"}));
  model::Table card = table("card", {column("id"), column("listId"), column("title", "text"), column("index"),
                                     column("deletedAt", "timestamptz")});
  card.indexes.push_back(primary_key("card_pkey", {"id"}));
  card.indexes.push_back(index("card_list_id_idx", {"listId"}));
  const model::Catalog catalog = catalog_of({board, list, card});
  const auto found = candidates(k_board, catalog);
  ASSERT_EQ(found.size(), 3U);
  std::map<std::string, const advisor::QueryIndexCandidate*> by_table;
  for (const auto& candidate : found) {
    by_table[candidate.table->name] = &candidate;
    for (const std::string& column : candidate.columns) {
      EXPECT_NE(column, "deletedAt") << candidate.table->name;
    }
  }
  EXPECT_EQ(by_table.at("list")->columns, (std::vector<std::string>{"boardId", "index"}));
  EXPECT_EQ(by_table.at("list")->correlation, std::vector<std::string>{"boardId"});
  EXPECT_FALSE(by_table.at("list")->covered);
  EXPECT_EQ(by_table.at("card")->columns, (std::vector<std::string>{"listId", "index"}));
  EXPECT_TRUE(by_table.at("card")->covered);
  EXPECT_EQ(by_table.at("card")->covered_by, "card_list_id_idx");
  // The outer query's own filter: the primary key.
  EXPECT_EQ(by_table.at("board")->columns, std::vector<std::string>{"id"});
  EXPECT_TRUE(by_table.at("board")->covered);
}

TEST(QueryIndexCandidate, LikeJsonUnknownTablesAndUnparsedGiveNothing) {
  const model::Catalog catalog = shop();
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE email LIKE '%x'", catalog).empty());
  EXPECT_TRUE(candidates("SELECT id FROM missing WHERE a = 1", catalog).empty());
  EXPECT_TRUE(candidates("SELEC nonsense", catalog).empty());
}

} // namespace query_index_candidate_test
