#include "loaders/project/query_call_tokens.hpp"

#include "core/json_string.hpp"

#include <initializer_list>

namespace pgadvise::loaders::scan {

using ts::Token;
using ts::TokenKind;

namespace {

constexpr std::size_t k_npos = k_no_token;

} // namespace

namespace {

bool is_one_of(const Token& token, std::initializer_list<ts::Spelling> words) {
  if (token.kind != TokenKind::identifier) {
    return false;
  }
  for (ts::Spelling word : words) {
    if (token.spelling == word.id) {
      return true;
    }
  }
  return false;
}

} // namespace

bool is_modifier(const Token& token) {
  return is_one_of(
      token, {"private", "public", "protected", "readonly", "static", "declare", "override", "abstract"});
}

bool is_control_word(const Token& token) {
  return is_one_of(token, {"if",     "for",    "while",    "switch", "catch", "with",  "await",
                           "return", "typeof", "function", "async",  "new",   "do",    "else",
                           "void",   "delete", "in",       "of",     "yield", "super", "import"});
}

TokenReader::TokenReader(const std::vector<Token>& tokens, std::string path)
    : m_tokens(tokens), m_path(std::move(path)) {
  m_keys.reserve(m_tokens.size());
  for (const Token& token : m_tokens) {
    m_keys.push_back(key_of(token.kind, token.spelling));
  }
  match_brackets();
}

core::SourceLocation TokenReader::where(std::size_t token) const {
  const Token& t = tok(token);
  return {m_path, t.line, t.column};
}

namespace {

// A token as code would write it again: a string quoted, a template's
// pieces with their backquotes and `${ }` (`sql<number>\`count(*)\``).
std::string spelled(const Token& t) {
  switch (t.kind) {
  case TokenKind::string: return core::quote_json_string(t.text);
  case TokenKind::template_full: return "`" + std::string(t.text) + "`";
  case TokenKind::template_head: return "`" + std::string(t.text) + "${";
  case TokenKind::template_middle: return "}" + std::string(t.text) + "${";
  case TokenKind::template_tail: return "}" + std::string(t.text) + "`";
  default: return std::string(t.text);
  }
}

} // namespace

// The source text of tokens [first, last] (strings quoted).
std::string TokenReader::text(std::size_t first, std::size_t last) const {
  if (first > last || last >= m_tokens.size()) {
    return {};
  }
  std::string out;
  for (std::size_t i = first; i <= last; ++i) {
    if (i > first && m_tokens[i].offset > m_tokens[i - 1].offset + m_tokens[i - 1].length) {
      out += ' ';
    }
    out += spelled(m_tokens[i]);
  }
  return out;
}

// Template substitutions are brackets too: `${` opens, `}` (middle/tail) closes.
void TokenReader::match_brackets() {
  std::vector<std::size_t>& match = m_match;
  match.assign(m_tokens.size(), k_npos);
  m_open_of.assign(m_tokens.size(), k_npos);
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < m_tokens.size(); ++i) {
    const TokenKind k = kind(i);
    const bool opens = punct(i, "(") || punct(i, "[") || punct(i, "{") || k == TokenKind::template_head;
    const bool closes = punct(i, ")") || punct(i, "]") || punct(i, "}") || k == TokenKind::template_tail ||
                        k == TokenKind::template_middle;
    if (closes && !stack.empty()) {
      match[stack.back()] = i;
      match[i] = stack.back();
      stack.pop_back();
    }
    m_open_of[i] = stack.empty() ? k_npos : stack.back();
    if (opens || k == TokenKind::template_middle) {
      stack.push_back(i);
    }
  }
}

std::size_t TokenReader::close_of(std::size_t open) const {
  const std::vector<std::size_t>& match = m_match;
  return open < match.size() && match[open] != k_npos && match[open] > open ? match[open] : k_npos;
}

std::size_t TokenReader::open_of(std::size_t close) const {
  const std::vector<std::size_t>& match = m_match;
  return close < match.size() && match[close] != k_npos && match[close] < close ? match[close] : k_npos;
}

// The end of the expression starting at `i`: the token before the first
// `,` `;` or unmatched closing bracket at its depth.
std::size_t TokenReader::expression_end(std::size_t i, std::size_t limit) const {
  std::size_t last = i;
  while (i <= limit && i < m_tokens.size() && tok(i).kind != TokenKind::end) {
    if (punct(i, ",") || punct(i, ";") || punct(i, ")") || punct(i, "]") || punct(i, "}")) {
      break;
    }
    const std::size_t close = close_of(i);
    last = close != k_npos ? close : i;
    i = last + 1;
  }
  return last;
}

// The statement or block after a loop header.
std::size_t TokenReader::body_end(std::size_t begin) const {
  if (punct(begin, "{")) {
    const std::size_t close = close_of(begin);
    return close != k_npos ? close : begin;
  }
  std::size_t i = begin;
  while (i < m_tokens.size() && tok(i).kind != TokenKind::end && !punct(i, ";") && !punct(i, "}")) {
    const std::size_t close = close_of(i);
    i = (close != k_npos ? close : i) + 1;
  }
  return i;
}

// Comma-separated parts of the bracket at `open`.
std::vector<TokenRange> TokenReader::parts(std::size_t open) const {
  std::vector<TokenRange> out;
  const std::size_t close = close_of(open);
  if (close == k_npos || close == open + 1) {
    return out;
  }
  std::size_t first = open + 1;
  for (std::size_t i = open + 1; i <= close; ++i) {
    if (i == close || punct(i, ",")) {
      if (i > first) {
        out.push_back({first, i - 1});
      }
      first = i + 1;
      continue;
    }
    const std::size_t inner = close_of(i);
    i = inner != k_npos && inner < close ? inner : i;
  }
  return out;
}

} // namespace pgadvise::loaders::scan
