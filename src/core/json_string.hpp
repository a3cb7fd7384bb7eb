#pragma once

#include <string>
#include <string_view>

namespace pgadvise::core {

// A double-quoted string literal that is valid JSON and valid JavaScript
// alike (what JSON.stringify writes): quotes, backslashes and control
// characters escaped (\n \r \t \b \f, the others as \u00XX); every other
// byte, UTF-8 included, passes through.
std::string quote_json_string(std::string_view text);

// The same, appended to `out`: runs that need no escape are appended whole
// (the JSON reports write hundreds of MB through it).
void append_json_string(std::string& out, std::string_view text);

} // namespace pgadvise::core
