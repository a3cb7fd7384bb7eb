#pragma once

#include "loaders/sql/lexer.hpp"

#include <cstddef>
#include <string_view>
#include <vector>

// Splits a script into its statements with libpg_query's scanner, a piece of
// the text at a time. The scanner keeps every token of its input until it
// returns (a 70 MB script held about 300 MB while split whole); pieces of
// about a megabyte keep that small and give the same statements.
namespace pgadvise::loaders::replay {

inline constexpr std::size_t k_split_piece_bytes = std::size_t{1} << 20;

// Statement spans of `text` (offsets relative to it), as libpg_query's
// scanner splits the whole text. Where the scanner gives up (an unbalanced
// '(' drops the rest, an unterminated quote fails), the rest is split at
// semicolons so later statements survive.
std::vector<TextSpan> split_statements(std::string_view text, std::size_t piece_bytes = k_split_piece_bytes);

} // namespace pgadvise::loaders::replay
