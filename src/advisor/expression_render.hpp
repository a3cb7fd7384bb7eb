#pragma once

#include "pg/expression.hpp"

#include <functional>
#include <optional>
#include <string>

// An expression (pg::Expression) written back as SQL, the way an index
// expression must spell the query's own expression for the planner to use
// it: columns, constants, casts, function calls and operators.
namespace pgadvise::advisor {

// How a column is written: quoted (`"email"`), or a Drizzle `${table.email}`.
using ColumnText = std::function<std::string(const std::string&)>;

// SQL for `expression`, each column written by `column`; nullopt for any
// node outside that subset or nested deeper than 64 levels.
std::optional<std::string> render_expression(const pg::Expression& expression, const ColumnText& column);

// The same with columns quoted where SQL needs it.
std::optional<std::string> render_expression(const pg::Expression& expression);

// The index element for `expression` rendered as `text`: a bare column or
// function call as it is, anything else in parentheses (CREATE INDEX's
// grammar).
std::string index_element(const pg::Expression& expression, const std::string& text);

} // namespace pgadvise::advisor
