#pragma once

#include "model/catalog.hpp"

#include <string>
#include <string_view>
#include <vector>

// Row-level security policies: which calls in a policy run once per row,
// how to make them run once per query, and the policy as SQL and as a
// Drizzle pgPolicy(...) line.
namespace pgadvise::advisor {

// Functions whose result is the same for every row of a statement, but which
// PostgreSQL calls for each row when a policy calls them directly:
// Supabase's auth.uid(), auth.jwt(), auth.role(), auth.email(), and
// current_setting(...) (how other setups pass the user).
bool is_per_row_auth_call(std::string_view name);

struct InitPlanRewrite {
  std::vector<std::string> calls; // the per-row calls, as written ("auth.uid()")
  std::string expression;         // the expression with each wrapped in (select ...)
};

// The per-row auth calls of `expression` (decided on its parse tree: a call
// inside a sub-select is an initPlan already) and the expression with each
// wrapped. `calls` is empty when there are none or the text does not parse.
InitPlanRewrite wrap_per_row_calls(std::string_view expression);

// "ALL", "SELECT", ...: a policy's command as CREATE POLICY writes it.
std::string policy_command_sql(const model::Policy& policy);
// The roles as a TO list ("authenticated, anon"), PUBLIC when none.
std::string policy_roles_sql(const model::Policy& policy);

// CREATE POLICY for `policy` on `table`, with the given expressions
// (empty: the clause is left out).
std::string render_create_policy(const model::Table& table, const model::Policy& policy,
                                 std::string_view using_expr, std::string_view check_expr);
// ALTER POLICY ... ON table USING (...) WITH CHECK (...): only the clauses given.
std::string render_alter_policy(const model::Table& table, const model::Policy& policy,
                                std::string_view using_expr, std::string_view check_expr);

// `expression` as a Drizzle sql`` template: references to columns of
// `table` become ${t.property}, with `t` the table's extra-config parameter.
std::string drizzle_sql_template(const model::Table& table, std::string_view expression);
// pgPolicy("name", { as, for, to, using: sql`...`, withCheck: sql`...` }),
std::string render_drizzle_policy(const model::Table& table, const model::Policy& policy,
                                  std::string_view using_expr, std::string_view check_expr);

} // namespace pgadvise::advisor
