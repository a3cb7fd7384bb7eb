#pragma once

#include "loaders/typescript/spelling.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

// A small TypeScript tokenizer: enough of the lexical grammar (strings,
// template literals with nested substitutions, comments, regular
// expressions, numbers, punctuators) to read TypeScript source without
// ever mis-reading a string or comment as code. It never fails: whatever it
// cannot make sense of becomes a one-character punctuator or a recorded
// problem, and it always terminates.
namespace pgadvise::loaders::ts {

enum class TokenKind : std::uint8_t {
  identifier,      // names and keywords alike
  string,          // '...' or "..."; text is the decoded value
  number,          // text is the literal as written
  template_full,   // `...` without substitutions; text is the cooked value
  template_head,   // `...${
  template_middle, // }...${
  template_tail,   // }...`
  regex,           // /.../flags; text is the literal as written
  punct,           // operators and brackets; text is the spelling
  end,
};

// A token's text is a view of the text its LexResult holds: valid while
// that LexResult (or a copy of it) lives. Nothing on the heap per token,
// and 48 bytes: a project's tokens are tens of millions, and the language
// server keeps a 10,000-table schema.ts's 1.4 million between keystrokes.
// Offsets fit 32 bits: sources are read up to 16 MiB (tokenize cuts a text
// at 4 GiB).
struct Token {
  std::string_view text;
  std::uint32_t offset = 0; // byte offset of the first character
  std::uint32_t length = 0;
  int line = 1;   // 1-based
  int column = 1; // 1-based, in bytes (as LineIndex counts them)
  int end_line = 1;
  TokenKind kind = TokenKind::end;
  char quote = 0; // a string's quote: ' or "
  // A name's or punctuator's number among k_spellings (0: not listed).
  SpellingId spelling = 0;
  // Comments between the previous token and this one: comments[first..last).
  std::uint32_t comments_begin = 0;
  std::uint32_t comments_end = 0;

  // Compared by number: `s` is a spelling the code names.
  [[nodiscard]] bool is_punct(Spelling s) const { return kind == TokenKind::punct && spelling == s.id; }
  [[nodiscard]] bool is_ident(Spelling s) const { return kind == TokenKind::identifier && spelling == s.id; }
  // A name known only when the program runs (a table's, a variable's): compared as text.
  [[nodiscard]] bool is_named(std::string_view name) const {
    return kind == TokenKind::identifier && text == name;
  }
};

struct Comment {
  std::string_view text; // including the // or /* */ markers; a view, as Token::text
  std::size_t offset = 0;
  int line = 1;
  int end_line = 1;
};

// Something the tokenizer had to repair (an unterminated string, comment or
// template), with where it started.
struct LexProblem {
  std::string message;
  int line = 1;
  int column = 1;
};

// The text the tokens and comments are views of: the source, and the
// decoded values of the strings and templates that have escapes (the
// rest are views of the source). Shared, so a copied LexResult's views
// stay valid.
struct LexedText {
  std::string source;
  std::deque<std::string> decoded; // a deque: its strings never move
};

struct LexResult {
  std::vector<Token> tokens; // always ends with one TokenKind::end token
  std::vector<Comment> comments;
  std::vector<LexProblem> problems;
  std::shared_ptr<const LexedText> text;
};

// Takes the source: the result holds it, and its tokens are views of it.
LexResult tokenize(std::string source);

} // namespace pgadvise::loaders::ts
