#pragma once

#include <cstddef>
#include <string>
#include <string_view>

// Plain-text layout for the terminal reporters: making untrusted text safe to
// print and word-wrapping it to a fixed width.
namespace pgadvise::reporters {

// Replaces control characters (C0 except newline, DEL, and the UTF-8 encoded
// C1 range, which some terminals treat as CSI) by visible `\xNN` escapes and
// tabs by two spaces. Messages quote migration files and logs: a stray ESC
// in them must not recolor or move the user's terminal.
std::string sanitize_for_terminal(std::string_view text);

// Columns `text` occupies: one per UTF-8 code point (no East Asian widths).
std::size_t display_width(std::string_view text);

// Word-wraps `text` so that no line is wider than `width` columns when the
// first line starts at column `first_column` and every following line starts
// with `indent`. Newlines in `text` start new lines; words that do not fit on
// a line of their own (long paths, identifiers) are kept whole.
std::string wrap(std::string_view text, std::size_t width, std::size_t first_column, std::string_view indent);

} // namespace pgadvise::reporters
