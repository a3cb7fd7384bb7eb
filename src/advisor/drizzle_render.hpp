#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "model/catalog.hpp"

namespace pgadvise::advisor {

// Drizzle schema.ts snippets for proposed fixes. They refer to columns by
// their Drizzle property: Column::property when the schema loader knew it,
// else the camelCase spelling of the column name (drizzle-kit's convention).

// A JavaScript double-quoted string literal.
std::string js_string(std::string_view text);

// The Drizzle property of a column of `table` (by SQL name).
std::string drizzle_property(const model::Table& table, std::string_view column);

// `table.prop`, or `table["prop"]` when prop is not a JavaScript identifier.
std::string drizzle_member(std::string_view object, std::string_view property);

// index("name").on(table.prop1, table.prop2) -- for the table's extra config
// callback `(table) => [ ... ]`.
std::string render_drizzle_index(const model::Table& table, const std::vector<std::string>& columns,
                                 std::string_view name);

// The line to delete from schema.ts when dropping `index`, as a comment:
// `// remove from schema.ts: uniqueIndex("x").on(table.a)`. Expression keys
// are left out of .on() (pgadvise does not render Drizzle sql``).
std::string render_drizzle_removal(const model::Table& table, const model::Index& index);

} // namespace pgadvise::advisor
