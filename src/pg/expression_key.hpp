#pragma once

#include <string>
#include <string_view>

// SQL expressions compared as PostgreSQL reads them, not as they are spelled:
// a default, a CHECK, an index expression or predicate from migrations, a
// snapshot and schema.ts each spell the same expression their own way
// (`NOW()` / `now()`, `'{}'::jsonb` / `'{}'`, `"t"."c"` / `"c"`, extra
// parentheses).
namespace pgadvise::pg {

// A canonical form of `expression`: its libpg_query parse tree without
// source positions, with column references reduced to the column, casts of
// literals reduced to the literal and `pg_catalog.` dropped from function
// names. Two expressions with the same key mean the same thing for a
// default or an index. Text that does not parse keys as its lower-cased,
// space-collapsed self.
std::string expression_key(std::string_view expression);

} // namespace pgadvise::pg
