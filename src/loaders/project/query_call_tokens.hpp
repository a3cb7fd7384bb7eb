#pragma once

#include "core/source_location.hpp"
#include "loaders/typescript/lexer.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// One JS/TS file's tokens with their brackets matched, and the questions
// the query-call scan asks of them (query_call_reader, query_call_drizzle).
namespace pgadvise::loaders::scan {

inline constexpr std::size_t k_no_token = static_cast<std::size_t>(-1);

struct TokenRange {
  std::size_t first = 0;
  std::size_t last = 0; // inclusive; first > last when empty
};

// TypeScript's member modifiers: `private`, `readonly`, `static`, ...
bool is_modifier(const ts::Token& token);
// Words that a `(` follows without a call or a declaration: `if (`, `for (`, `await (`, ...
bool is_control_word(const ts::Token& token);

class TokenReader {
public:
  TokenReader(const std::vector<ts::Token>& tokens, std::string path);

  [[nodiscard]] std::size_t size() const { return m_tokens.size(); }
  // The innermost open bracket around a token; k_no_token at the top.
  [[nodiscard]] std::size_t enclosing(std::size_t token) const {
    return token < m_open_of.size() ? m_open_of[token] : k_no_token;
  }
  // The token at i; past the end, the end token. Inline: the readers ask it of every token, often.
  [[nodiscard]] const ts::Token& tok(std::size_t i) const {
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.back();
  }
  // A punctuator or a name the code names: asked of the key alone.
  [[nodiscard]] bool punct(std::size_t i, ts::Spelling s) const {
    return key(i) == key_of(ts::TokenKind::punct, s.id);
  }
  [[nodiscard]] bool ident(std::size_t i) const { return kind(i) == ts::TokenKind::identifier; }
  [[nodiscard]] bool ident(std::size_t i, ts::Spelling s) const {
    return key(i) == key_of(ts::TokenKind::identifier, s.id);
  }
  // A name known only at run time (a field's, a method's): compared as text.
  [[nodiscard]] bool named(std::size_t i, std::string_view name) const {
    return ident(i) && tok(i).text == name;
  }
  [[nodiscard]] ts::TokenKind kind(std::size_t i) const { return static_cast<ts::TokenKind>(key(i) & 0xFFU); }
  [[nodiscard]] core::SourceLocation where(std::size_t token) const;
  // The source text of tokens [first, last] (strings quoted).
  [[nodiscard]] std::string text(std::size_t first, std::size_t last) const;
  [[nodiscard]] std::string text(TokenRange range) const { return text(range.first, range.last); }
  [[nodiscard]] std::size_t close_of(std::size_t open) const;
  [[nodiscard]] std::size_t open_of(std::size_t close) const;
  // The end of the expression starting at `i`: the token before the first
  // `,` `;` or unmatched closing bracket at its depth.
  [[nodiscard]] std::size_t expression_end(std::size_t i, std::size_t limit) const;
  // The statement or block after a loop header.
  [[nodiscard]] std::size_t body_end(std::size_t begin) const;
  // Comma-separated parts of the bracket at `open`.
  [[nodiscard]] std::vector<TokenRange> parts(std::size_t open) const;

protected:
  const std::vector<ts::Token>& m_tokens;
  std::string m_path;

private:
  // Template substitutions are brackets too: `${` opens, `}` (middle/tail) closes.
  void match_brackets();

  // Each token's kind and spelling number in one word (key_of): the
  // readers ask `punct(i, "(")` and `ident(i, "eq")` of every token again
  // and again, and a token (64 bytes) is read from memory each time; a
  // file's keys stay in the cache. On a real
  // monorepo's 3,600 files the readers took a quarter less time.
  [[nodiscard]] static std::uint32_t key_of(ts::TokenKind k, ts::SpellingId s) {
    return static_cast<std::uint32_t>(k) | (static_cast<std::uint32_t>(s) << 8U);
  }
  [[nodiscard]] std::uint32_t key(std::size_t i) const {
    return i < m_keys.size() ? m_keys[i] : m_keys.back();
  }
  std::vector<std::uint32_t> m_keys;
  std::vector<std::size_t> m_match;   // the matching bracket of each bracket token
  std::vector<std::size_t> m_open_of; // the innermost open bracket around each token
};

} // namespace pgadvise::loaders::scan
