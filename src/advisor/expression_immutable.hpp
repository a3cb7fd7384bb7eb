#pragma once

#include "model/catalog.hpp"
#include "pg/expression.hpp"

#include <optional>
#include <string>

// Whether an expression can be an index key: PostgreSQL accepts only
// IMMUTABLE functions, operators and casts in an index, so now(), random(),
// to_char(), date_trunc() or a ::date cast on a timestamptz (they depend on
// the clock or the session's TimeZone and DateStyle) cannot be one.
namespace pgadvise::advisor {

// Why `expression` on `table` cannot be an index expression (a function,
// cast or operator that is not IMMUTABLE, a column the table does not
// have), or nullopt when it can.
std::optional<std::string> not_immutable_reason(const pg::Expression& expression, const model::Table& table);

// The type of `expression` as far as those checks need it ("text",
// "jsonb", a column's type; "unknown" for a literal); "" when not known.
std::string expression_type(const pg::Expression& expression, const model::Table& table);

} // namespace pgadvise::advisor
