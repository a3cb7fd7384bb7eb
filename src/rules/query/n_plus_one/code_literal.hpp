#pragma once

#include <string_view>

namespace pgadvise::rules::n_plus_one {

// `value`, a value's source text as a query call gives it, is a string,
// number or boolean literal (or null): the same for every row of a loop.
bool is_code_literal(std::string_view value);

} // namespace pgadvise::rules::n_plus_one
