#pragma once

#include "loaders/sql/lexer.hpp"

#include <cstddef>
#include <optional>
#include <string>

namespace pgadvise::loaders::replay {

// Source text of expressions, cut from the statement with the lexer: the
// parse tree only records where an expression starts, and pgadvise keeps
// defaults, CHECKs, index expressions and predicates as written (whitespace
// collapsed).

// The expression starting at token `first`, up to the first ',', unmatched
// ')', ';' or column-constraint key word (NOT NULL, PRIMARY, REFERENCES, ...)
// at its own nesting level. Empty when there is none.
std::string expression_text(const SqlTokens& tokens, std::size_t first);

// The DEFAULT expression of a Constraint whose location is the DEFAULT key word.
std::string default_after_keyword(const SqlTokens& tokens, std::size_t keyword_location);

// An expression whose earliest node is at `start_location`, with any opening
// parentheses written before that node (`SET DEFAULT ('a' || 'b')`).
std::string expression_at(const SqlTokens& tokens, std::size_t start_location);

// The contents of the first parenthesized group at or after `location`
// (`CHECK (amount > 0)` -> "amount > 0"), outer parentheses removed.
std::optional<std::string> parenthesized_after(const SqlTokens& tokens, std::size_t location);

} // namespace pgadvise::loaders::replay
