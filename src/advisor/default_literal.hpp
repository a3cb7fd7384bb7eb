#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace pgadvise::advisor {

// The string value of a column default that is a plain string literal,
// with casts and parentheses stripped: `'{}'::text` -> `{}`,
// `('[]'::character varying)` -> `[]`, `E'{\"a\": 1}'` -> `{"a": 1}`.
// nullopt for anything else (function calls, numbers, concatenations).
std::optional<std::string> default_string_literal(std::string_view default_expr);

// True when the text parses as a JSON object or array (not a scalar).
bool is_json_container(std::string_view text);

} // namespace pgadvise::advisor
