#include "loaders/sql/lexer.hpp"

#include "core/sql_quoted.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::loaders {

namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

bool is_ident_start(char c) {
  const auto u = static_cast<unsigned char>(c);
  return std::isalpha(u) != 0 || c == '_' || u >= 0x80;
}

bool is_ident_char(char c) {
  return is_ident_start(c) || std::isdigit(static_cast<unsigned char>(c)) != 0 || c == '$';
}

bool is_op_char(char c) {
  return std::string_view("+-*/<>=~!@#%^&|`?:").find(c) != std::string_view::npos;
}

// Length of a `$tag$` delimiter at `pos`, or 0 when there is none.
std::size_t dollar_tag_length(std::string_view text, std::size_t pos) {
  std::size_t i = pos + 1;
  if (i < text.size() && text[i] == '$') {
    return 2;
  }
  if (i >= text.size() || !is_ident_start(text[i])) {
    return 0;
  }
  while (i < text.size() && is_ident_char(text[i]) && text[i] != '$') {
    ++i;
  }
  return i < text.size() && text[i] == '$' ? i - pos + 1 : 0;
}

std::size_t block_comment_end(std::string_view text, std::size_t pos) {
  int depth = 0;
  std::size_t i = pos;
  while (i + 1 < text.size()) {
    if (text[i] == '/' && text[i + 1] == '*') {
      ++depth;
      i += 2;
    } else if (text[i] == '*' && text[i + 1] == '/') {
      --depth;
      i += 2;
      if (depth == 0) {
        return i;
      }
    } else {
      ++i;
    }
  }
  return text.size();
}

std::size_t number_end(std::string_view text, std::size_t pos) {
  std::size_t i = pos;
  while (i < text.size()) {
    const char c = text[i];
    const bool exponent_sign =
        (c == '+' || c == '-') && i > pos && (text[i - 1] == 'e' || text[i - 1] == 'E');
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '_' || exponent_sign) {
      ++i;
    } else {
      break;
    }
  }
  return i;
}

std::size_t operator_end(std::string_view text, std::size_t pos) {
  std::size_t i = pos;
  while (i < text.size() && is_op_char(text[i])) {
    const bool comment_starts = i + 1 < text.size() && ((text[i] == '-' && text[i + 1] == '-') ||
                                                        (text[i] == '/' && text[i + 1] == '*'));
    if (comment_starts && i > pos) {
      break;
    }
    ++i;
  }
  return i;
}

// A word followed directly by a quote is a string prefix: E'..', B'..', X'..', N'..', U&'..'.
bool string_prefix(std::string_view word) {
  const std::string lower = core::to_lower(word);
  return lower == "e" || lower == "b" || lower == "x" || lower == "n";
}

// Scans the token starting at `pos` (which is not whitespace).
Token scan_token(std::string_view text, std::size_t pos) {
  const char c = text[pos];
  const char next = pos + 1 < text.size() ? text[pos + 1] : '\0';
  if (c == '-' && next == '-') {
    const std::size_t eol = text.find('\n', pos);
    return {TokenKind::comment, pos, eol == std::string_view::npos ? text.size() : eol};
  }
  if (c == '/' && next == '*') {
    return {TokenKind::comment, pos, block_comment_end(text, pos)};
  }
  if (c == '\'') {
    return {TokenKind::string, pos, core::sql_quoted_end(text, pos)};
  }
  if (c == '"') {
    return {TokenKind::quoted_ident, pos, core::sql_quoted_end(text, pos)};
  }
  if (c == '$') {
    if (std::isdigit(static_cast<unsigned char>(next)) != 0) {
      return {TokenKind::param, pos, number_end(text, pos + 1)};
    }
    if (const std::size_t tag = dollar_tag_length(text, pos); tag > 0) {
      const std::size_t close = text.find(text.substr(pos, tag), pos + tag);
      return {TokenKind::string, pos, close == std::string_view::npos ? text.size() : close + tag};
    }
    return {TokenKind::op, pos, pos + 1};
  }
  if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
      (c == '.' && std::isdigit(static_cast<unsigned char>(next)) != 0)) {
    return {TokenKind::number, pos, number_end(text, pos)};
  }
  if (is_ident_start(c)) {
    std::size_t end = pos + 1;
    while (end < text.size() && is_ident_char(text[end])) {
      ++end;
    }
    if (end < text.size() && text[end] == '\'' && string_prefix(text.substr(pos, end - pos))) {
      const bool escapes = end - pos == 1 && (c == 'e' || c == 'E');
      return {TokenKind::string, pos, core::sql_quoted_end(text, end, escapes)};
    }
    if (end - pos == 1 && (c == 'u' || c == 'U') && end + 1 < text.size() && text[end] == '&' &&
        (text[end + 1] == '\'' || text[end + 1] == '"')) {
      const char quote = text[end + 1];
      return {quote == '"' ? TokenKind::quoted_ident : TokenKind::string, pos,
              core::sql_quoted_end(text, end + 1)};
    }
    return {TokenKind::word, pos, end};
  }
  if (std::string_view("()[],;.").find(c) != std::string_view::npos) {
    return {TokenKind::punct, pos, pos + 1};
  }
  if (is_op_char(c)) {
    return {TokenKind::op, pos, operator_end(text, pos)};
  }
  return {TokenKind::op, pos, pos + 1};
}

std::size_t skip_space(std::string_view text, std::size_t pos) {
  while (pos < text.size() && is_space(text[pos])) {
    ++pos;
  }
  return pos;
}

bool opens(const Token& token, std::string_view text) {
  return token.kind == TokenKind::punct && (text[token.begin] == '(' || text[token.begin] == '[');
}

bool closes_or_separates(const Token& token, std::string_view text) {
  return token.kind == TokenKind::punct &&
         (text[token.begin] == ')' || text[token.begin] == ']' || text[token.begin] == ',');
}

} // namespace

SqlTokens::SqlTokens(std::string_view text) : m_text(text) {
  std::size_t pos = skip_space(text, 0);
  while (pos < text.size()) {
    const Token token = scan_token(text, pos);
    (token.kind == TokenKind::comment ? m_comments : m_tokens).push_back(token);
    pos = skip_space(text, std::max(token.end, pos + 1));
  }
}

std::string_view SqlTokens::spelling(const Token& token) const {
  return m_text.substr(token.begin, token.end - token.begin);
}

std::optional<std::size_t> SqlTokens::first_at_or_after(std::size_t offset) const {
  auto it = std::lower_bound(m_tokens.begin(), m_tokens.end(), offset,
                             [](const Token& t, std::size_t value) { return t.begin < value; });
  if (it == m_tokens.end()) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(it - m_tokens.begin());
}

bool SqlTokens::is_word(std::size_t index, std::string_view lower_word) const {
  if (index >= m_tokens.size() || m_tokens[index].kind != TokenKind::word) {
    return false;
  }
  const std::string_view word = spelling(m_tokens[index]);
  return word.size() == lower_word.size() && core::starts_with_ci(word, lower_word);
}

bool SqlTokens::is_punct(std::size_t index, char c) const {
  return index < m_tokens.size() && m_tokens[index].kind == TokenKind::punct &&
         m_text[m_tokens[index].begin] == c;
}

std::optional<std::size_t> SqlTokens::matching_paren(std::size_t open) const {
  int depth = 0;
  for (std::size_t i = open; i < m_tokens.size(); ++i) {
    if (is_punct(i, '(')) {
      ++depth;
    } else if (is_punct(i, ')')) {
      --depth;
      if (depth == 0) {
        return i;
      }
    }
  }
  return std::nullopt;
}

std::string SqlTokens::squeeze(std::size_t first, std::size_t last) const {
  std::string out;
  for (std::size_t i = first; i <= last && i < m_tokens.size(); ++i) {
    const Token& token = m_tokens[i];
    if (i > first) {
      const Token& previous = m_tokens[i - 1];
      const bool gap = token.begin > previous.end;
      if (gap && !opens(previous, m_text) && !closes_or_separates(token, m_text)) {
        out += ' ';
      }
    }
    out += spelling(token);
  }
  return out;
}

std::string squeeze_unwrapped(const SqlTokens& tokens, std::size_t first, std::size_t last) {
  while (first < last && tokens.is_punct(first, '(') && tokens.matching_paren(first) == last) {
    ++first;
    --last;
  }
  return tokens.squeeze(first, last);
}

std::string blank_psql_meta_lines(std::string_view text) {
  std::string out(text);
  blank_psql_meta_lines_in_place(out);
  return out;
}

void blank_psql_meta_lines_in_place(std::span<char> chars) {
  const std::string_view text(chars.data(), chars.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text[pos] == '\\' && (pos == 0 || text[pos - 1] == '\n')) {
      const std::size_t eol = std::min(text.find('\n', pos), text.size());
      std::fill(chars.begin() + static_cast<std::ptrdiff_t>(pos),
                chars.begin() + static_cast<std::ptrdiff_t>(eol), ' ');
      pos = eol;
      continue;
    }
    if (is_space(text[pos])) {
      ++pos;
      continue;
    }
    pos = std::max(scan_token(text, pos).end, pos + 1);
  }
}

std::vector<TextSpan> split_at_semicolons(std::string_view text) {
  std::vector<TextSpan> spans;
  std::size_t start = 0;
  bool has_token = false;
  std::size_t pos = skip_space(text, 0);
  while (pos < text.size()) {
    const Token token = scan_token(text, pos);
    if (token.kind == TokenKind::punct && text[token.begin] == ';') {
      if (has_token) {
        spans.push_back({start, token.begin - start});
      }
      start = token.end;
      has_token = false;
    } else if (token.kind != TokenKind::comment) {
      has_token = true;
    }
    pos = skip_space(text, std::max(token.end, pos + 1));
  }
  if (has_token) {
    spans.push_back({start, text.size() - start});
  }
  return spans;
}

bool mentions_identifier(std::string_view text, std::string_view identifier) {
  const SqlTokens tokens(text);
  for (const Token& token : tokens.tokens()) {
    const std::string_view spelled = tokens.spelling(token);
    if (token.kind == TokenKind::word && core::to_lower(spelled) == identifier) {
      return true;
    }
    if (token.kind == TokenKind::quoted_ident && spelled.size() >= 2 &&
        spelled.substr(1, spelled.size() - 2) == identifier) {
      return true;
    }
  }
  return false;
}

} // namespace pgadvise::loaders
