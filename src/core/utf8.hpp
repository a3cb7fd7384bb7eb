#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

// UTF-8 as RFC 3629 defines it: no overlong forms, no surrogates, nothing
// above U+10FFFF. Inputs (SQL files, logs, TypeScript) may hold anything;
// libpg_query's JSON and the JSON reader need valid text.
namespace pgadvise::core::utf8 {

// Length (1-4) of the valid sequence starting at `pos`, or 0 when the bytes
// there are not one (a stray continuation byte, a truncated or overlong
// sequence, a surrogate, a code point above U+10FFFF).
std::size_t sequence_length(std::string_view text, std::size_t pos);

// Whether the whole text is valid UTF-8.
bool valid(std::string_view text);

// Replaces each byte that is not part of a valid sequence with `replacement`,
// one byte for one, so every offset into the text stays where it was.
// Returns how many bytes were replaced.
std::size_t replace_invalid(std::string& text, char replacement = '?');
std::size_t replace_invalid(std::span<char> text, char replacement = '?');

// Appends the encoding of code point `cp`; one above U+10FFFF is written as
// U+FFFD. Surrogates are encoded as they come (an unpaired \uD800 escape
// stays visible rather than vanishing).
void append(std::string& out, std::uint32_t cp);

} // namespace pgadvise::core::utf8
