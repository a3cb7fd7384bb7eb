#pragma once

#include <string>
#include <string_view>

// SQL expressions compared as PostgreSQL reads them, not as they are spelled:
// a default, a CHECK, an index expression or predicate from migrations, a
// snapshot and schema.ts each spell the same expression their own way
// (`NOW()` / `now()`, `'{}'::jsonb` / `'{}'`, `"t"."c"` / `"c"`, extra
// parentheses). The key is made from the parse tree in pg/expression_key;
// this is its door for the rules, which cannot see pg/.
namespace pgadvise::advisor {

// A canonical form of `expression` (pg::expression_key): two expressions
// with the same key mean the same thing for a default or an index.
std::string expression_key(std::string_view expression);

} // namespace pgadvise::advisor
