#pragma once

#include "model/catalog.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// The key of a new entry of `table`'s object-form extra config
// (`(t) => ({ key: index(...) })`) for an index on `columns` (SQL names) named
// `name`: in the style its schema file keys indexes (Table::drizzle_key_style:
// `teamIdIdx` beside `userIdIdx`, `team_id_idx` beside `org_id_idx`), else
// the name in camelCase without the table's in front; never a key another
// entry of the table has.
std::string drizzle_entry_key(const model::Table& table, const std::vector<std::string>& columns,
                              std::string_view name);
// The same with the key's words given (an expression's words in place of a column's).
std::string drizzle_entry_key(const model::Table& table, const std::vector<model::KeyColumn>& words,
                              std::string_view name);
// A column of `table` as a key names it: its property and SQL name.
model::KeyColumn key_column(const model::Table& table, std::string_view column);

} // namespace pgadvise::advisor
