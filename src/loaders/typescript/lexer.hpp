#pragma once

#include <cstddef>
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

enum class TokenKind {
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

struct Token {
  TokenKind kind = TokenKind::end;
  std::string text;
  std::size_t offset = 0; // byte offset of the first character
  std::size_t length = 0;
  int line = 1;   // 1-based
  int column = 1; // 1-based, in bytes (as LineIndex counts them)
  int end_line = 1;
  char quote = 0; // a string's quote: ' or " (in the padding: no cost)
  // Comments between the previous token and this one: comments[first..last).
  std::size_t comments_begin = 0;
  std::size_t comments_end = 0;

  [[nodiscard]] bool is(TokenKind k, std::string_view spelling) const {
    return kind == k && text == spelling;
  }
  [[nodiscard]] bool is_punct(std::string_view spelling) const { return is(TokenKind::punct, spelling); }
  [[nodiscard]] bool is_ident(std::string_view name) const { return is(TokenKind::identifier, name); }
};

struct Comment {
  std::string text; // including the // or /* */ markers
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

struct LexResult {
  std::vector<Token> tokens; // always ends with one TokenKind::end token
  std::vector<Comment> comments;
  std::vector<LexProblem> problems;
};

LexResult tokenize(std::string_view source);

} // namespace pgadvise::loaders::ts
