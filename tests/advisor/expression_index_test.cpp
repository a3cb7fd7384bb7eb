// Expression and GIN index candidates: each filter form, the immutability
// guard, the key rendered as the planner matches it, coverage by existing
// indexes compared by parse tree, and the proposals the advisor makes.
#include "../rules/rule_test_support.hpp"
#include "../rules/workload_test_support.hpp"
#include "advisor/expression_index.hpp"
#include "advisor/expression_render.hpp"
#include "advisor/index_advisor.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "advisor/verify.hpp"
#include "pg/expression.hpp"
#include "pg/index_identity.hpp"
#include "pg/parser.hpp"
#include "pg/query_analysis.hpp"

#include <gtest/gtest.h>

namespace expression_index_test {

using namespace pgadvise;
using namespace pgadvise::test;
using advisor::ExpressionIndexCandidate;
using advisor::ExpressionSkip;

bool same_expression(std::string_view a, std::string_view b) {
  return pg::expression_identity(a) == pg::expression_identity(b);
}

model::Table users_table() {
  model::Table users =
      table("users", {column("id"), column("email", "varchar(255)"), column("settings", "jsonb"),
                      column("prefs", "text"), column("meta", "json"), column("created_at", "timestamptz"),
                      column("seen_at", "timestamp")});
  users.indexes.push_back(primary_key("users_pkey", {"id"}));
  users.indexes.push_back(index("users_email_idx", {"email"}));
  return users;
}

model::Catalog shop() {
  model::Table orders = table("orders", {column("id"), column("user_id"), column("data", "jsonb")});
  return catalog_of({users_table(), orders});
}

std::vector<ExpressionIndexCandidate> candidates(std::string_view sql, const model::Catalog& catalog,
                                                 std::vector<ExpressionSkip>* skipped = nullptr) {
  return advisor::expression_index_candidates_text(sql, catalog, skipped);
}

std::string ddl_of(const ExpressionIndexCandidate& candidate, const model::Catalog& catalog) {
  return advisor::render_expression_index_ddl(candidate, advisor::expression_index_name(catalog, candidate));
}

TEST(ExpressionIndex, LowerOfAColumnIsAFunctionKey) {
  const model::Catalog catalog = shop();
  const auto found = candidates("SELECT id FROM users WHERE lower(email) = $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].table->name, "users");
  EXPECT_EQ(found[0].method, "btree");
  EXPECT_EQ(found[0].expression, "lower(email)");
  EXPECT_EQ(found[0].element, "lower(email)");
  EXPECT_EQ(found[0].columns, std::vector<std::string>{"email"});
  // The plain index on email does not serve lower(email).
  EXPECT_FALSE(found[0].covered);
  const std::string ddl = ddl_of(found[0], catalog);
  EXPECT_EQ(ddl, "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_lower_email_idx ON users (lower(email));");
  EXPECT_TRUE(pg::parse(ddl).ok());
  EXPECT_EQ(advisor::render_drizzle_expression_index(found[0], "users_lower_email_idx"),
            "index(\"users_lower_email_idx\").on(sql`lower(${table.email})`)");
}

TEST(ExpressionIndex, JsonFieldOfAJsonbColumnIsAParenthesizedKey) {
  const model::Catalog catalog = shop();
  for (std::string_view sql : {"SELECT id FROM users WHERE settings ->> 'theme' = $1",
                               "SELECT id FROM users WHERE (settings->>'theme') = 'dark'",
                               "SELECT u.id FROM users u WHERE $1 = u.settings ->> 'theme'"}) {
    const auto found = candidates(sql, catalog);
    ASSERT_EQ(found.size(), 1U) << sql;
    EXPECT_EQ(found[0].expression, "settings ->> 'theme'") << sql;
    EXPECT_EQ(found[0].element, "(settings ->> 'theme')") << sql;
    EXPECT_EQ(ddl_of(found[0], catalog),
              "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_settings_theme_idx ON "
              "users ((settings ->> 'theme'));");
    EXPECT_EQ(advisor::render_drizzle_expression_index(found[0], "users_settings_theme_idx"),
              "index(\"users_settings_theme_idx\").on(sql`(${table.settings} ->> 'theme')`)");
  }
}

TEST(ExpressionIndex, TextColumnCastToJsonbKeepsTheCast) {
  const model::Catalog catalog = shop();
  const auto found = candidates("SELECT id FROM users WHERE prefs::jsonb ->> 'theme' = $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].element, "(prefs::jsonb ->> 'theme')");
  EXPECT_EQ(found[0].columns, std::vector<std::string>{"prefs"});
  EXPECT_TRUE(pg::parse(ddl_of(found[0], catalog)).ok());
  // Nested paths and IS NULL tests are expression filters too.
  const auto nested = candidates("SELECT id FROM users WHERE settings -> 'ui' ->> 'lang' IS NULL", catalog);
  ASSERT_EQ(nested.size(), 1U);
  EXPECT_EQ(nested[0].element, "((settings -> 'ui') ->> 'lang')");
  EXPECT_EQ(nested[0].ops, std::vector<std::string>{"IS NULL"});
}

TEST(ExpressionIndex, DateTruncOnTimestampIsImmutableOnTimestamptzItIsNot) {
  const model::Catalog catalog = shop();
  const auto found = candidates("SELECT id FROM users WHERE date_trunc('day', seen_at) = $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].element, "date_trunc('day', seen_at)");
  EXPECT_EQ(found[0].name_parts, (std::vector<std::string>{"date_trunc", "day", "seen_at"}));

  std::vector<ExpressionSkip> skipped;
  EXPECT_TRUE(
      candidates("SELECT id FROM users WHERE date_trunc('day', created_at) = $1", catalog, &skipped).empty());
  ASSERT_EQ(skipped.size(), 1U);
  EXPECT_EQ(skipped[0].expression, "date_trunc('day', created_at)");
  EXPECT_NE(skipped[0].reason.find("not IMMUTABLE"), std::string::npos) << skipped[0].reason;
  EXPECT_NE(skipped[0].reason.find("TimeZone"), std::string::npos) << skipped[0].reason;
}

TEST(ExpressionIndex, VolatileAndStableExpressionsGetNoIndex) {
  const model::Catalog catalog = shop();
  std::vector<ExpressionSkip> skipped;
  EXPECT_TRUE(
      candidates("SELECT id FROM users WHERE to_char(seen_at, 'YYYY') = $1", catalog, &skipped).empty());
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE age(created_at) > $1", catalog, &skipped).empty());
  EXPECT_TRUE(
      candidates("SELECT id FROM users WHERE created_at + interval '1 day' > $1", catalog, &skipped).empty());
  EXPECT_TRUE(
      candidates("SELECT id FROM users WHERE (prefs::timestamptz)::date = $1", catalog, &skipped).empty());
  ASSERT_EQ(skipped.size(), 4U);
  EXPECT_NE(skipped[0].reason.find("to_char() is not known to be IMMUTABLE"), std::string::npos);
  EXPECT_NE(skipped[1].reason.find("age()"), std::string::npos);
  EXPECT_NE(skipped[2].reason.find("timestamptz"), std::string::npos);
  EXPECT_NE(skipped[3].reason.find("cast from timestamptz to date"), std::string::npos) << skipped[3].reason;
  // now() and random() hold no column: nothing to index, nothing skipped.
  skipped.clear();
  EXPECT_TRUE(
      candidates("SELECT id FROM users WHERE random() < 0.1 AND now() > $1", catalog, &skipped).empty());
  EXPECT_TRUE(skipped.empty());
}

TEST(ExpressionIndex, ContainmentGetsGinWithJsonbPathOps) {
  const model::Catalog catalog = shop();
  const auto found = candidates("SELECT id FROM users WHERE settings @> $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].method, "gin");
  EXPECT_EQ(found[0].element, "settings jsonb_path_ops");
  const std::string ddl = ddl_of(found[0], catalog);
  EXPECT_EQ(ddl,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_settings_gin_idx ON users USING gin (settings "
            "jsonb_path_ops);");
  EXPECT_TRUE(pg::parse(ddl).ok());
  EXPECT_EQ(advisor::render_drizzle_expression_index(found[0], "users_settings_gin_idx"),
            "index(\"users_settings_gin_idx\").using(\"gin\", table.settings.op(\"jsonb_path_ops\"))");
}

TEST(ExpressionIndex, KeyExistenceNeedsTheDefaultJsonbOps) {
  const model::Catalog catalog = shop();
  for (std::string_view sql :
       {"SELECT id FROM users WHERE settings ? 'beta'", "SELECT id FROM users WHERE settings ?| $1",
        "SELECT id FROM users WHERE settings ?& array['a', 'b']",
        "SELECT id FROM users WHERE settings @> $1 AND settings ? 'beta'"}) {
    const auto found = candidates(sql, catalog);
    ASSERT_EQ(found.size(), 1U) << sql;
    EXPECT_EQ(found[0].method, "gin") << sql;
    EXPECT_EQ(found[0].element, "settings") << sql;
    EXPECT_EQ(advisor::render_drizzle_expression_index(found[0], "i"),
              "index(\"i\").using(\"gin\", table.settings)");
  }
}

TEST(ExpressionIndex, ContainmentOnACastTextColumnIsAGinExpression) {
  const model::Catalog catalog = shop();
  const auto found = candidates("SELECT id FROM users WHERE prefs::jsonb @> '{\"beta\": true}'", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_EQ(found[0].element, "(prefs::jsonb) jsonb_path_ops");
  EXPECT_TRUE(pg::parse(ddl_of(found[0], catalog)).ok());
  EXPECT_EQ(advisor::render_drizzle_expression_index(found[0], "i"),
            "index(\"i\").using(\"gin\", sql`(${table.prefs}::jsonb) jsonb_path_ops`)");
  // json (not jsonb) has no @> operator and no GIN operator class.
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE meta::text = $1 AND meta @> $2", catalog).empty());
}

TEST(ExpressionIndex, LookAlikesGetNoCandidate) {
  const model::Catalog catalog = shop();
  // A plain column (indexed or not) is the column advisor's business.
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE email = $1", catalog).empty());
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE prefs = $1", catalog).empty());
  // The JSON key is a parameter: no index expression can match it.
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE settings ->> $1 = $2", catalog).empty());
  // An expression over two tables, or compared with another column.
  EXPECT_TRUE(candidates("SELECT u.id FROM users u JOIN orders o ON o.user_id = u.id "
                         "WHERE lower(u.email) || o.data ->> 'k' = $1",
                         catalog)
                  .empty());
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE lower(email) = lower(prefs)", catalog).empty());
  // LIKE on lower() needs text_pattern_ops or a C collation: not proposed.
  EXPECT_TRUE(candidates("SELECT id FROM users WHERE lower(email) LIKE 'a%'", catalog).empty());
  // An unknown table.
  EXPECT_TRUE(candidates("SELECT id FROM people WHERE lower(email) = $1", catalog).empty());
}

TEST(ExpressionIndex, AnExistingExpressionIndexCoversByParseTreeNotText) {
  model::Table users = users_table();
  // As pg_get_indexdef writes them: casts of the literal and of the varchar column.
  users.indexes.push_back(keyed_index("users_email_lower", {expression_key("lower((email)::text)")}));
  users.indexes.push_back(keyed_index("users_theme", {expression_key("((settings ->> 'theme'::text))")}));
  model::Index gin = index("users_settings_gin", {"settings"});
  gin.method = "gin";
  gin.keys.front().opclass = "jsonb_path_ops";
  users.indexes.push_back(gin);
  const model::Catalog catalog = catalog_of({users});

  auto found = candidates("SELECT id FROM users WHERE LOWER(\"email\") = $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].covered);
  EXPECT_EQ(found[0].covered_by, "users_email_lower");
  found = candidates("SELECT id FROM users u WHERE (u.settings->>'theme') = $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].covered);
  EXPECT_EQ(found[0].covered_by, "users_theme");
  found = candidates("SELECT id FROM users WHERE settings @> $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_TRUE(found[0].covered);
  // jsonb_path_ops has no ? operator: the existing GIN index does not serve it.
  found = candidates("SELECT id FROM users WHERE settings ? 'beta'", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_FALSE(found[0].covered);
  // A different key of the same column is not covered.
  found = candidates("SELECT id FROM users WHERE settings ->> 'lang' = $1", catalog);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_FALSE(found[0].covered);
  // An invalid or partial expression index does not count.
  users.indexes[2].valid = false;
  const model::Catalog broken = catalog_of({users});
  found = candidates("SELECT id FROM users WHERE lower(email) = $1", broken);
  ASSERT_EQ(found.size(), 1U);
  EXPECT_FALSE(found[0].covered);
}

TEST(ExpressionIndex, ExpressionIdentityComparesParseTrees) {
  EXPECT_TRUE(same_expression("lower(email)", "lower((email)::text)"));
  EXPECT_TRUE(same_expression("(settings ->> 'theme'::text)", "settings->>'theme'"));
  EXPECT_TRUE(same_expression("((prefs)::jsonb ->> 'theme'::text)", "prefs::jsonb ->> 'theme'"));
  EXPECT_FALSE(same_expression("lower(email)", "upper(email)"));
  EXPECT_FALSE(same_expression("settings ->> 'theme'", "settings -> 'theme'"));
  EXPECT_FALSE(same_expression("prefs::jsonb ->> 'theme'", "prefs ->> 'theme'"));
}

TEST(ExpressionIndex, QueryAnalysisResolvesAliasesAndSkipsParameters) {
  const auto filters = pg::expression_filters_text(
      "SELECT u.id FROM users u JOIN orders o ON o.user_id = u.id "
      "WHERE lower(u.email) = $1 AND o.data @> $2 AND u.settings ->> $3 = 'x' AND o.id IN (SELECT 1)");
  ASSERT_EQ(filters.size(), 2U);
  EXPECT_EQ(filters[0].table, "users");
  EXPECT_EQ(filters[0].columns, std::vector<std::string>{"email"});
  EXPECT_EQ(filters[0].use, model::ColumnUse::equality);
  EXPECT_EQ(advisor::render_expression(filters[0].expression).value_or(""), "lower(email)");
  EXPECT_EQ(filters[1].table, "orders");
  EXPECT_EQ(filters[1].op, "@>");
  EXPECT_EQ(filters[1].use, model::ColumnUse::json_operator);
  EXPECT_TRUE(pg::expression_filters_text("SELECT 1 FROM").empty()); // does not parse
}

TEST(ExpressionIndex, RenderingReadsBackToTheSameTree) {
  for (std::string_view sql :
       {"lower(email)", "settings ->> 'theme'", "prefs::jsonb ->> 'it''s'", "EXTRACT(year FROM seen_at)",
        "substring(email, 1, 3)", "(a + 1) * -b", "x::numeric(10,2)", "y::text[]"}) {
    const auto value = pg::parse_expression(sql);
    ASSERT_TRUE(value) << sql;
    const auto rendered = advisor::render_expression(*value);
    ASSERT_TRUE(rendered) << sql;
    EXPECT_TRUE(same_expression(*rendered, sql)) << sql << " -> " << *rendered;
  }
}

TEST(ExpressionIndex, TransactionalFormOfTheDdlKeepsMethodAndExpressions) {
  EXPECT_EQ(advisor::transactional_create_index(
                "CREATE INDEX CONCURRENTLY IF NOT EXISTS i ON users USING gin (settings jsonb_path_ops);"),
            "CREATE INDEX i ON users USING gin (settings jsonb_path_ops)");
  model::IndexProposal proposal;
  proposal.name = "users_settings_theme_idx";
  proposal.table = "users";
  proposal.columns = {"(settings ->> 'theme')"};
  proposal.ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_settings_theme_idx ON users ((settings ->> "
                 "'theme'));";
  EXPECT_EQ(advisor::plain_create_index(proposal),
            "CREATE INDEX users_settings_theme_idx ON users ((settings ->> 'theme'))");
  EXPECT_FALSE(advisor::uses_gin(proposal));
  proposal.ddl = "CREATE INDEX CONCURRENTLY IF NOT EXISTS g ON users USING gin (settings);";
  EXPECT_TRUE(advisor::uses_gin(proposal));
}

TEST(ExpressionIndex, AdvisorProposesOneIndexPerExpressionForEveryQueryItServes) {
  model::Table users = users_table();
  users.stats = model::TableStats{};
  users.stats->reltuples = 20'000;
  const model::Catalog catalog = catalog_of({users});
  model::Workload workload;
  const auto by_theme =
      add_query(workload, "SELECT id FROM users WHERE settings ->> 'theme' = $1", 100, 500.0);
  const auto by_theme_limit =
      add_query(workload, "SELECT id, email FROM users u WHERE u.settings->>'theme' = $1 LIMIT 10", 10, 50.0);
  const auto contains = add_query(workload, "SELECT id FROM users WHERE settings @> $1", 10, 50.0);
  const auto has_key = add_query(workload, "SELECT id FROM users WHERE settings ? 'beta'", 10, 50.0);
  advisor::AdvisorOptions options;
  options.drizzle = true;
  const auto proposals = advisor::propose_indexes(workload, catalog, {}, options);
  ASSERT_EQ(proposals.size(), 2U);
  const auto theme = std::find_if(proposals.begin(), proposals.end(), [](const model::IndexProposal& p) {
    return p.name == "users_settings_theme_idx";
  });
  ASSERT_NE(theme, proposals.end());
  EXPECT_EQ(theme->columns, std::vector<std::string>{"(settings ->> 'theme')"});
  EXPECT_EQ(theme->serves, (std::vector<std::uint64_t>{by_theme, by_theme_limit}));
  EXPECT_EQ(
      theme->ddl,
      "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_settings_theme_idx ON users ((settings ->> 'theme'));");
  EXPECT_EQ(theme->drizzle, "index(\"users_settings_theme_idx\").on(sql`(${table.settings} ->> 'theme')`)");
  EXPECT_DOUBLE_EQ(theme->workload_ms, 550.0);
  // @> and ? on the same column: one GIN index with jsonb_ops, serving both.
  const auto gin = std::find_if(proposals.begin(), proposals.end(), [](const model::IndexProposal& p) {
    return p.name == "users_settings_gin_idx";
  });
  ASSERT_NE(gin, proposals.end());
  EXPECT_EQ(gin->ddl,
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_settings_gin_idx ON users USING gin (settings);");
  EXPECT_EQ(gin->serves, (std::vector<std::uint64_t>{contains, has_key}));

  // A small table is scanned fast enough: nothing proposed.
  users.stats->reltuples = 500;
  EXPECT_TRUE(advisor::propose_indexes(workload, catalog_of({users}), {}, options).empty());
}

} // namespace expression_index_test
