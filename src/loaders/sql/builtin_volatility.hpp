#pragma once

#include <string_view>

namespace pgadvise::loaders::replay {

// Whether `name` (lower case, no schema) is a builtin that is STABLE or
// IMMUTABLE in every overload of PostgreSQL 15's pg_proc: a column default
// calling it is evaluated once by ADD COLUMN. A listed VOLATILE builtin
// (random, gen_random_uuid, nextval, ...) or a function pgadvise does not
// know is not: CREATE FUNCTION's default is VOLATILE.
bool builtin_never_volatile(std::string_view name);

} // namespace pgadvise::loaders::replay
