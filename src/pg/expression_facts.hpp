#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// One SQL expression (a policy's USING or WITH CHECK, a default) read with
// libpg_query, for code above pg/ that must not see its node names.
namespace pgadvise::pg {

struct TextRange {
  std::size_t offset = 0; // into the expression text
  std::size_t length = 0;
};

// A function call, `auth.uid()` or `current_setting('app.user_id', true)`.
struct ExpressionCall {
  std::string name; // as written, lower case, schema-qualified when it was: "auth.uid"
  TextRange range;  // the whole call, name to closing parenthesis
};

// A column reference, `user_id` or `posts.user_id`.
struct ExpressionColumn {
  std::string column;    // the last name of the reference
  std::string qualifier; // the table or alias before it, empty when none
  TextRange range;
};

struct ExpressionFacts {
  bool parsed = false;
  // Calls evaluated by the expression itself, for each row it is applied
  // to: not inside a sub-select (`(select auth.uid())` is an initPlan,
  // evaluated once per query). Nested calls are listed outermost first.
  std::vector<ExpressionCall> direct_calls;
  std::vector<ExpressionColumn> columns; // every column reference, sub-selects included
};

// What `expression` calls and which columns it reads; `parsed` is false
// when it is not one valid expression.
ExpressionFacts expression_facts(std::string_view expression);

// `expression` as PostgreSQL's deparser writes it (key words upper case,
// redundant parentheses dropped), or nullopt when it does not parse.
std::optional<std::string> deparse_expression(std::string_view expression);

} // namespace pgadvise::pg
