#include "pg/query_analysis.hpp"

#include <algorithm>
#include <gtest/gtest.h>
#include <string>
#include <utility>
#include <vector>

namespace query_analysis_test {

using namespace pgadvise;
using model::ColumnUse;

model::QueryShape shape_of(std::string_view sql) {
  bool parsed = false;
  model::QueryShape shape = pg::analyze_query_text(sql, &parsed);
  EXPECT_TRUE(parsed) << sql;
  return shape;
}

bool has_use(const model::QueryShape& shape, std::string_view table, std::string_view column, ColumnUse use) {
  return std::any_of(shape.columns.begin(), shape.columns.end(), [&](const model::ColumnUsage& u) {
    return u.table == table && u.column == column && u.use == use;
  });
}

TEST(QueryAnalysis, EqualityRangeInNullOrderAndJoinUsesAreAttributedThroughAliases) {
  const auto shape = shape_of("SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id "
                              "WHERE p.status = 'x' AND p.created_at > now() AND u.org_id = ANY($1) "
                              "AND p.body IS NULL ORDER BY p.created_at LIMIT 5 OFFSET 10");
  EXPECT_EQ(shape.kind, model::StatementKind::select);
  EXPECT_TRUE(has_use(shape, "posts", "user_id", ColumnUse::join));
  EXPECT_TRUE(has_use(shape, "users", "id", ColumnUse::join));
  EXPECT_TRUE(has_use(shape, "posts", "status", ColumnUse::equality));
  EXPECT_TRUE(has_use(shape, "posts", "created_at", ColumnUse::range));
  EXPECT_TRUE(has_use(shape, "users", "org_id", ColumnUse::in_list));
  EXPECT_TRUE(has_use(shape, "posts", "body", ColumnUse::is_null));
  EXPECT_TRUE(has_use(shape, "posts", "created_at", ColumnUse::order_by));
  EXPECT_EQ(shape.limit, 5);
  EXPECT_EQ(shape.offset, 10);
}

TEST(QueryAnalysis, JoinUsingColumnsAreJoinKeysOfBothTables) {
  const auto shape =
      shape_of("SELECT o.total FROM orders o JOIN customers c USING (customer_id) WHERE c.country = 'x'");
  EXPECT_TRUE(has_use(shape, "orders", "customer_id", ColumnUse::join));
  EXPECT_TRUE(has_use(shape, "customers", "customer_id", ColumnUse::join));
  EXPECT_TRUE(has_use(shape, "customers", "country", ColumnUse::equality));
}

TEST(QueryAnalysis, SetOperationsReadEverythingOnlyWhenABranchDoes) {
  EXPECT_TRUE(shape_of("SELECT id FROM a WHERE x = 1 UNION SELECT id FROM b WHERE y = 2").has_where);
  const auto unfiltered = shape_of("SELECT id FROM a WHERE x = 1 UNION ALL SELECT * FROM b");
  EXPECT_FALSE(unfiltered.has_where);
  EXPECT_TRUE(unfiltered.select_star);
  EXPECT_TRUE(shape_of("SELECT id FROM a UNION SELECT id FROM b LIMIT 3").has_limit);
}

TEST(QueryAnalysis, JsonCastsOperatorsAndFunctionsOnColumns) {
  const auto shape =
      shape_of("SELECT profile::json -> 'theme' FROM users "
               "WHERE settings::jsonb ->> 'plan' = 'pro' AND jsonb_extract_path_text(extra, 'a') = 'b'");
  EXPECT_TRUE(has_use(shape, "users", "profile", ColumnUse::json_cast) ||
              has_use(shape, "users", "profile", ColumnUse::json_operator));
  EXPECT_TRUE(has_use(shape, "users", "settings", ColumnUse::json_operator));
  EXPECT_TRUE(has_use(shape, "users", "extra", ColumnUse::json_operator));
}

// Drizzle's relational queries (`db.query.environments.findMany({ with:
// { applications: ... } })`, drizzle-orm 0.x) return related rows as
// json_agg(json_build_array(col, ...)): the columns are values put into
// JSON, not JSON read, so none of them is a JSON use (json-in-text-column
// said application.name held JSON). jsonb_set and json_array_elements do
// read their first argument as JSON.
TEST(QueryAnalysis, JsonBuildersAndAggregatesAreNotJsonUseOfTheirColumns) {
  const auto shape =
      shape_of(R"(select "environments"."name", "environments_applications"."data" as "applications" )"
               R"(from "environment" "environments" left join lateral (select )"
               R"(coalesce(json_agg(json_build_array("environments_applications"."name", )"
               R"("environments_applications"."appName")), '[]'::json) as "data" from "application" )"
               R"("environments_applications" where "environments_applications"."environmentId" = )"
               R"("environments"."environmentId") "environments_applications" on true )"
               R"(left join lateral (select json_build_object('id', "p"."projectId") as "data", )"
               R"(jsonb_agg("p"."name"), json_object_agg("p"."name", "p"."env"), )"
               R"(json_populate_record(null::project, "p"."env"::json) from "project" "p" )"
               R"(where "p"."projectId" = "environments"."projectId") "environments_project" on true )"
               R"(where "environments"."projectId" = $1)");
  for (const auto& [table, column] :
       std::vector<std::pair<std::string, std::string>>{{"application", "name"},
                                                        {"application", "appName"},
                                                        {"project", "projectId"},
                                                        {"project", "name"}}) {
    EXPECT_FALSE(has_use(shape, table, column, ColumnUse::json_operator)) << table << "." << column;
    EXPECT_FALSE(has_use(shape, table, column, ColumnUse::json_cast)) << table << "." << column;
  }
  EXPECT_TRUE(has_use(shape, "project", "env", ColumnUse::json_cast)); // the cast still counts
  const auto readers =
      shape_of("SELECT jsonb_set(settings, '{a}', '1'), json_array_elements(tags) FROM users");
  EXPECT_TRUE(has_use(readers, "users", "settings", ColumnUse::json_operator));
  EXPECT_TRUE(has_use(readers, "users", "tags", ColumnUse::json_operator));
}

TEST(QueryAnalysis, WritesWithAndWithoutWhere) {
  EXPECT_FALSE(shape_of("UPDATE posts SET body = 'x'").has_where);
  EXPECT_TRUE(shape_of("DELETE FROM posts WHERE id = 1").has_where);
  EXPECT_EQ(shape_of("DELETE FROM posts").kind, model::StatementKind::delete_);
  EXPECT_TRUE(shape_of("BEGIN").transaction_control);
}

TEST(QueryAnalysis, BothBranchesOfASetOperationAreRead) {
  const auto shape = shape_of("SELECT id FROM a WHERE x = 1 UNION SELECT id FROM b WHERE y > 2");
  ASSERT_EQ(shape.tables.size(), 2U);
  EXPECT_EQ(shape.tables[1].name, "b");
  EXPECT_TRUE(has_use(shape, "a", "x", ColumnUse::equality));
  EXPECT_TRUE(has_use(shape, "b", "y", ColumnUse::range));
}

// What safe EXPLAIN needs to plan a statement with values (pg/explain reads
// these; it walks no parse tree of its own).
TEST(QueryAnalysis, ParametersAreTiedToTheirColumnsAndClauses) {
  const auto shape =
      shape_of("SELECT p.id FROM posts p JOIN users u ON u.id = p.user_id "
               "WHERE u.email = $1 AND p.created_at BETWEEN $2 AND $3::timestamptz "
               "AND p.status IN ($4, $5) AND p.tag_id = ANY($6) ORDER BY p.id LIMIT $7 OFFSET $8");
  EXPECT_EQ(shape.max_param, 8);
  ASSERT_EQ(shape.param_columns.size(), 6U);
  EXPECT_EQ(shape.param_columns.at(1).table, "users");
  EXPECT_EQ(shape.param_columns.at(1).column, "email");
  EXPECT_EQ(shape.param_columns.at(2).column, "created_at");
  EXPECT_EQ(shape.param_columns.at(3).column, "created_at") << "a cast parameter still feeds its column";
  EXPECT_EQ(shape.param_columns.at(5).table, "posts");
  EXPECT_EQ(shape.param_columns.at(6).column, "tag_id");
  EXPECT_EQ(shape.param_clauses.at(7), "limit");
  EXPECT_EQ(shape.param_clauses.at(8), "offset");
  EXPECT_FALSE(shape.modifies);
}

TEST(QueryAnalysis, WritesAnywhereAndFunctionsCalledAreKnown) {
  EXPECT_TRUE(
      shape_of("WITH gone AS (DELETE FROM sessions WHERE id = $1 RETURNING id) SELECT count(*) FROM gone")
          .modifies);
  EXPECT_TRUE(shape_of("SELECT * INTO backup FROM users").modifies);
  EXPECT_EQ(shape_of("SELECT * INTO backup FROM users").kind, model::StatementKind::other);
  EXPECT_TRUE(shape_of("UPDATE users SET name = $2 WHERE id = $1").modifies);
  const auto calls = shape_of("SELECT pg_advisory_lock($1), lower(email) FROM users WHERE id = 1");
  EXPECT_EQ(calls.functions, (std::vector<std::string>{"pg_advisory_lock", "lower"}));
  EXPECT_EQ(calls.max_param, 1);
  EXPECT_FALSE(calls.modifies);
}

} // namespace query_analysis_test
