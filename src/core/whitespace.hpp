#pragma once

#include <string>
#include <string_view>

namespace pgadvise::core {

// Runs of blanks (space, tab, newline, CR) become one space, leading and
// trailing ones go; past `max` bytes the text is cut at a UTF-8 boundary and
// ends in "...". What statements and expressions are shown and compared as.
std::string collapse_whitespace(std::string_view text, std::size_t max = std::string_view::npos);

} // namespace pgadvise::core
