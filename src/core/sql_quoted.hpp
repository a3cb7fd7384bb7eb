#pragma once

#include <cstddef>
#include <string_view>

namespace pgadvise::core {

// The end of a SQL quoted run ('a literal', "an identifier") whose opening
// quote is at `open`: just past its closing quote, a doubled quote being
// part of the text; with `backslash_escapes` (E'...'), \x escapes one
// character. text.size() when the run is not closed.
std::size_t sql_quoted_end(std::string_view text, std::size_t open, bool backslash_escapes = false);

} // namespace pgadvise::core
