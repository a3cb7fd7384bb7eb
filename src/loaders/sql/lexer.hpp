#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// A small SQL tokenizer for what libpg_query's JSON tree does not give: the
// end of an expression (trees only carry start offsets), comments before a
// statement (pgadvise-ignore), and a fallback split when the scanner gives
// up. It never fails: an unterminated quote or comment runs to the end.

enum class TokenKind {
  word,         // identifier or key word
  quoted_ident, // "Name"
  string,       // 'text', E'text', $tag$text$tag$
  number,
  punct,   // ( ) [ ] , ; .
  op,      // operators, including ::
  param,   // $1
  comment, // -- or /* */
};

struct Token {
  TokenKind kind = TokenKind::word;
  std::size_t begin = 0; // byte offsets into the tokenized text
  std::size_t end = 0;
};

class SqlTokens {
public:
  explicit SqlTokens(std::string_view text);

  [[nodiscard]] std::string_view text() const { return m_text; }
  // Tokens without comments, in order.
  [[nodiscard]] const std::vector<Token>& tokens() const { return m_tokens; }
  [[nodiscard]] const std::vector<Token>& comments() const { return m_comments; }
  [[nodiscard]] std::string_view spelling(const Token& token) const;

  // Index of the first token starting at or after `offset`.
  [[nodiscard]] std::optional<std::size_t> first_at_or_after(std::size_t offset) const;
  [[nodiscard]] bool is_word(std::size_t index, std::string_view lower_word) const;
  [[nodiscard]] bool is_punct(std::size_t index, char c) const;
  // Index of the ')' closing the '(' at `open`, or nullopt when unbalanced.
  [[nodiscard]] std::optional<std::size_t> matching_paren(std::size_t open) const;
  // Source text of tokens [first, last], whitespace and comments collapsed
  // (identifiers keep their quotes: other loaders read drizzle-kit's text as written).
  [[nodiscard]] std::string squeeze(std::size_t first, std::size_t last) const;

private:
  std::string_view m_text;
  std::vector<Token> m_tokens;
  std::vector<Token> m_comments;
};

// Text of tokens [first, last] of `tokens` without one pair of parentheses
// that wraps all of it: "(a IS NULL)" -> "a IS NULL".
std::string squeeze_unwrapped(const SqlTokens& tokens, std::size_t first, std::size_t last);

// Replaces psql meta-command lines (`\connect`, `\restrict`, ...) that start
// outside quotes and comments with spaces, keeping offsets and line numbers.
std::string blank_psql_meta_lines(std::string_view text);
// The same, in place (a big migration is not copied).
void blank_psql_meta_lines_in_place(std::span<char> text);

struct TextSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Splits at every ';' outside quotes and comments (ignoring parentheses): the
// fallback when libpg_query's scanner cannot split a script. Spans without a
// token are dropped.
std::vector<TextSpan> split_at_semicolons(std::string_view text);

// True when `text` holds an identifier token spelled `identifier` (as a bare
// word when lower case, or quoted).
bool mentions_identifier(std::string_view text, std::string_view identifier);

} // namespace pgadvise::loaders
