#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// One SQL expression as pgadvise's own tree, in the node kinds an index
// expression is made of: the advisor renders and judges it without seeing
// libpg_query's node names (pg::ExpressionFilter hands these out).
namespace pgadvise::pg {

struct Expression {
  enum class Kind {
    column,   // `email`, `u.email`
    constant, // `'theme'`, `3`, `1.5`, `true`, `NULL`
    cast,     // `prefs::jsonb`, `x::numeric(10,2)`
    call,     // `lower(email)`, `EXTRACT(year FROM seen_at)`
    op,       // `settings ->> 'theme'`, `a + 1`, `-b`
    other,    // anything else: sub-selects, CASE, IN lists, parameters, ...
  };
  // What a constant holds; `value` has its text.
  enum class Constant { null, string, integer, number, boolean, other };

  Kind kind = Kind::other;
  // column: its names, qualifier first ("" for `*`); call: the function's
  // name, cast: the type's, op: the operator's, each without a leading
  // `pg_catalog.` (`pg_catalog.int4` is `int4`).
  std::vector<std::string> names;
  // call: the arguments; cast: the value cast; op: the left and right
  // operands, or only the right one of a prefix operator (`-b`).
  std::vector<Expression> args;
  Constant constant = Constant::other;
  std::string value; // constant: the string, the digits, "true" / "false"
  // cast: the type's modifiers (`numeric(10,2)`: 10 and 2) and its array
  // dimensions (`text[]`: 1).
  std::vector<Expression> type_modifiers;
  std::size_t array_bounds = 0;
  // call: an ordinary call, not an aggregate's `count(*)` / DISTINCT /
  // ORDER BY / FILTER, a window's OVER or a VARIADIC argument;
  bool plain = true;
  // and written in SQL's own syntax (`EXTRACT(year FROM x)` is
  // extract('year', x)).
  bool sql_syntax = false;

  // A column's name: its last name ("" for `*` or a non-column).
  [[nodiscard]] std::string column() const;

  bool operator==(const Expression&) const = default;
};

// libpg_query's expression node (as pg::parse writes it) in pgadvise's
// tree; nodes nested deeper than 100 levels become `other`.
Expression to_expression(const nlohmann::json& node);

// `sql` read as one expression (`SELECT <sql>`'s only target), or nullopt
// when it is not one.
std::optional<Expression> parse_expression(std::string_view sql);

} // namespace pgadvise::pg
