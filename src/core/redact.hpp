#pragma once

#include <string>
#include <string_view>

// Raw input shown back to users (the first lines of a log whose format was
// not recognized, a line that could not be read) made safe to print in a
// report: reports must not carry the literals and parameters logs are full
// of (emails, tokens, card numbers). What stays is the shape users need to
// fix the problem: prefixes, timestamps, keywords, identifiers.
namespace pgadvise::core {

// `line` with every '...' string replaced by '?', e-mail addresses by
// <email>, and runs of 12 or more digits (optionally grouped by single spaces
// or dashes, as card numbers are written) by ?.
std::string redact_excerpt(std::string_view line);

} // namespace pgadvise::core
