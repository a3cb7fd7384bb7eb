#include "loaders/typescript/lexer.hpp"

#include "core/text.hpp"
#include "core/utf8.hpp"

#include <array>
#include <cstdint>
#include <limits>
#include <optional>
#include <span>
#include <string_view>

namespace pgadvise::loaders::ts {

using core::hex_value;

namespace {

// Which bytes start a name and which continue one: a table, as the lexer
// asks it of nearly every byte of a project's sources.
constexpr std::array<std::uint8_t, 256> k_ident_bytes = [] {
  std::array<std::uint8_t, 256> table{};
  for (unsigned c = 0; c < 256; ++c) {
    const bool start =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c == '#' || c >= 0x80;
    const bool part = start || (c >= '0' && c <= '9');
    table[c] = static_cast<std::uint8_t>((start ? 1U : 0U) | (part ? 2U : 0U));
  }
  return table;
}();

bool is_ident_start(char c) {
  return (k_ident_bytes[static_cast<unsigned char>(c)] & 1U) != 0;
}

bool is_ident_part(char c) {
  return (k_ident_bytes[static_cast<unsigned char>(c)] & 2U) != 0;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// Keywords after which a `/` starts a regular expression, not a division.
constexpr std::array<Spelling, 14> k_regex_keywords = {"return", "typeof",     "case",  "do",     "else",
                                                       "in",     "of",         "new",   "delete", "void",
                                                       "throw",  "instanceof", "yield", "await"};

// Longest first, so that "..." wins over ".".
constexpr std::array<std::string_view, 12> k_multi_punct = {
    "...", "=>", "?.", "??", "===", "!==", "==", "!=", "&&", "||", "<=", ">="};
// A source this long gets room for a token per 3 bytes (Lexer's constructor).
constexpr std::size_t k_large_source = std::size_t{1} << 20U;

// Whether a character starts one of them, worked out from the list: `(`,
// `,` and `:`, most of a schema's punctuation, are one character without a
// look through it.
constexpr std::array<bool, 256> k_starts_multi_punct = [] {
  std::array<bool, 256> starts{};
  for (const std::string_view spelling : k_multi_punct) {
    starts[static_cast<unsigned char>(spelling[0])] = true;
  }
  return starts;
}();

class Lexer {
public:
  // Room for the tokens a source of this size has, taken at once: growing
  // by doubling copied every token of a large file, each time into freshly
  // zeroed pages. Code has one per 4 to 6 bytes; a large file is most
  // likely a generated schema, one per 3.5 (at 10,000 tables, 100 MB of
  // tokens were copied into 200 MB when its room was for one per 5).
  explicit Lexer(std::string source) : m_text(std::make_shared<LexedText>()) {
    m_text->source = std::move(source);
    m_src = m_text->source;
    m_out.tokens.reserve(m_src.size() / (m_src.size() > k_large_source ? 3 : 5) + 16);
  }

  LexResult run() {
    while (true) {
      skip_trivia();
      if (m_pos >= m_src.size()) {
        break;
      }
      lex_token();
    }
    if (!m_brace_stack.empty()) {
      problem("unterminated template literal substitution", m_pos);
    }
    Token end;
    end.kind = TokenKind::end;
    end.offset = static_cast<std::uint32_t>(m_src.size());
    set_position(end, m_src.size());
    end.end_line = end.line;
    end.comments_begin = static_cast<std::uint32_t>(m_pending_comments);
    end.comments_end = static_cast<std::uint32_t>(m_out.comments.size());
    m_out.tokens.push_back(end);
    m_out.text = std::move(m_text);
    return std::move(m_out);
  }

private:
  [[nodiscard]] char at(std::size_t i) const { return i < m_src.size() ? m_src[i] : '\0'; }

  // Lines and columns are computed lazily from a running cursor: tokens
  // are produced in order, so this stays linear.
  void advance_cursor_to(std::size_t offset) {
    if (offset < m_cursor) { // never expected; restart rather than underflow
      m_cursor = 0;
      m_cursor_line = 1;
      m_cursor_line_start = 0;
    }
    while (m_cursor < offset && m_cursor < m_src.size()) {
      if (m_src[m_cursor] == '\n') {
        ++m_cursor_line;
        m_cursor_line_start = m_cursor + 1;
      }
      ++m_cursor;
    }
  }

  void set_position(Token& token, std::size_t offset) {
    advance_cursor_to(offset);
    token.line = m_cursor_line;
    token.column = static_cast<int>(offset - m_cursor_line_start) + 1;
  }

  int line_at(std::size_t offset) {
    advance_cursor_to(offset);
    return m_cursor_line;
  }

  void problem(std::string message, std::size_t offset) {
    advance_cursor_to(offset);
    m_out.problems.push_back(
        LexProblem{std::move(message), m_cursor_line, static_cast<int>(offset - m_cursor_line_start) + 1});
  }

  void skip_trivia() {
    while (m_pos < m_src.size()) {
      const char c = m_src[m_pos];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
        ++m_pos;
      } else if (c == '/' && at(m_pos + 1) == '/') {
        const std::size_t start = m_pos;
        while (m_pos < m_src.size() && m_src[m_pos] != '\n') {
          ++m_pos;
        }
        add_comment(start);
      } else if (c == '/' && at(m_pos + 1) == '*') {
        const std::size_t start = m_pos;
        const auto close = m_src.find("*/", m_pos + 2);
        if (close == std::string_view::npos) {
          problem("unterminated block comment", start);
          m_pos = m_src.size();
        } else {
          m_pos = close + 2;
        }
        add_comment(start);
      } else if (c == '#' && m_pos == 0 && at(1) == '!') { // shebang
        while (m_pos < m_src.size() && m_src[m_pos] != '\n') {
          ++m_pos;
        }
      } else {
        break;
      }
    }
  }

  void add_comment(std::size_t start) {
    Comment comment;
    comment.text = m_src.substr(start, m_pos - start);
    comment.offset = start;
    comment.line = line_at(start);
    comment.end_line = line_at(m_pos);
    m_out.comments.push_back(comment);
  }

  // The token made in place (a Token is large: no temporary moved in).
  Token& emit_at(TokenKind kind, std::size_t start) {
    Token& token = m_out.tokens.emplace_back();
    token.kind = kind;
    token.offset = static_cast<std::uint32_t>(start);
    token.length = static_cast<std::uint32_t>(m_pos - start);
    set_position(token, start);
    token.end_line = line_at(m_pos > start ? m_pos - 1 : start);
    token.comments_begin = static_cast<std::uint32_t>(m_pending_comments);
    token.comments_end = static_cast<std::uint32_t>(m_out.comments.size());
    m_pending_comments = m_out.comments.size();
    return token;
  }

  void emit(TokenKind kind, std::string_view text, std::size_t start) { emit_at(kind, start).text = text; }
  // A token spelled as the source has it.
  void emit_spelled(TokenKind kind, std::size_t start) {
    emit_at(kind, start).text = m_src.substr(start, m_pos - start);
  }
  // A name or punctuator, with its number among k_spellings.
  void emit_word(TokenKind kind, std::size_t start) {
    Token& token = emit_at(kind, start);
    token.text = m_src.substr(start, m_pos - start);
    token.spelling = spelling_id(token.text);
  }
  // A string's or template's value: the source's characters in
  // [content, content_end), or `decoded` when an escape was met.
  std::string_view value_of(std::size_t content, std::size_t content_end,
                            std::optional<std::string>& decoded) {
    if (!decoded) {
      return m_src.substr(content, content_end - content);
    }
    return m_text->decoded.emplace_back(std::move(*decoded));
  }
  // The first escape of a value: its characters so far, to decode the rest into.
  void start_decoding(std::size_t content, std::optional<std::string>& decoded) const {
    if (!decoded) {
      decoded.emplace(m_src.substr(content, m_pos - content));
    }
  }

  void lex_token() {
    const std::size_t start = m_pos;
    const char c = m_src[m_pos];
    if (is_ident_start(c)) {
      while (m_pos < m_src.size() && is_ident_part(m_src[m_pos])) {
        ++m_pos;
      }
      emit_word(TokenKind::identifier, start);
    } else if (is_digit(c) || (c == '.' && is_digit(at(m_pos + 1)))) {
      lex_number(start);
    } else if (c == '"' || c == '\'') {
      lex_string(start, c);
    } else if (c == '`') {
      ++m_pos;
      lex_template_chunk(start, false);
    } else if (c == '}' && !m_brace_stack.empty() && m_brace_stack.back() == 0) {
      m_brace_stack.pop_back();
      ++m_pos;
      lex_template_chunk(start, true);
    } else if (c == '/' && regex_allowed() && lex_regex(start)) {
      // done
    } else {
      lex_punct(start);
    }
  }

  void lex_number(std::size_t start) {
    if (m_src[m_pos] == '0' && (at(m_pos + 1) == 'x' || at(m_pos + 1) == 'X' || at(m_pos + 1) == 'b' ||
                                at(m_pos + 1) == 'B' || at(m_pos + 1) == 'o' || at(m_pos + 1) == 'O')) {
      m_pos += 2;
      while (m_pos < m_src.size() && (hex_value(m_src[m_pos]) >= 0 || m_src[m_pos] == '_')) {
        ++m_pos;
      }
    } else {
      while (m_pos < m_src.size() && (is_digit(m_src[m_pos]) || m_src[m_pos] == '_')) {
        ++m_pos;
      }
      if (at(m_pos) == '.' && at(m_pos + 1) != '.') {
        ++m_pos;
        while (m_pos < m_src.size() && (is_digit(m_src[m_pos]) || m_src[m_pos] == '_')) {
          ++m_pos;
        }
      }
      if ((at(m_pos) == 'e' || at(m_pos) == 'E') &&
          (is_digit(at(m_pos + 1)) ||
           ((at(m_pos + 1) == '+' || at(m_pos + 1) == '-') && is_digit(at(m_pos + 2))))) {
        m_pos += 2;
        while (m_pos < m_src.size() && is_digit(m_src[m_pos])) {
          ++m_pos;
        }
      }
    }
    if (at(m_pos) == 'n') { // BigInt literal
      ++m_pos;
    }
    emit_spelled(TokenKind::number, start);
  }

  // Decodes one escape sequence after a backslash at m_pos; returns false
  // at the end of input.
  bool decode_escape(std::string& out) {
    ++m_pos; // the backslash
    if (m_pos >= m_src.size()) {
      return false;
    }
    const char e = m_src[m_pos++];
    switch (e) {
    case 'n': out += '\n'; break;
    case 't': out += '\t'; break;
    case 'r': out += '\r'; break;
    case 'b': out += '\b'; break;
    case 'f': out += '\f'; break;
    case 'v': out += '\v'; break;
    case '0': out += '\0'; break;
    case '\r':
      if (at(m_pos) == '\n') {
        ++m_pos;
      }
      break; // line continuation
    case '\n': break;
    case 'x': {
      const int hi = hex_value(at(m_pos));
      const int lo = hex_value(at(m_pos + 1));
      if (hi >= 0 && lo >= 0) {
        core::utf8::append(out, static_cast<std::uint32_t>(hi * 16 + lo));
        m_pos += 2;
      } else {
        out += 'x';
      }
      break;
    }
    case 'u': {
      std::uint32_t cp = 0;
      if (at(m_pos) == '{') {
        std::size_t i = m_pos + 1;
        int digits = 0;
        while (hex_value(at(i)) >= 0 && digits < 8) {
          cp = cp * 16 + static_cast<std::uint32_t>(hex_value(at(i)));
          ++i;
          ++digits;
        }
        if (at(i) == '}' && digits > 0) {
          m_pos = i + 1;
          core::utf8::append(out, cp);
        } else {
          out += 'u';
        }
      } else {
        int digits = 0;
        while (digits < 4 && hex_value(at(m_pos + static_cast<std::size_t>(digits))) >= 0) {
          cp = cp * 16 + static_cast<std::uint32_t>(hex_value(at(m_pos + static_cast<std::size_t>(digits))));
          ++digits;
        }
        if (digits == 4) {
          m_pos += 4;
          core::utf8::append(out, cp);
        } else {
          out += 'u';
        }
      }
      break;
    }
    default: out += e; break;
    }
    return true;
  }

  void lex_string(std::size_t start, char quote) {
    ++m_pos;
    const std::size_t content = m_pos;
    std::size_t content_end = m_pos;
    std::optional<std::string> decoded; // only once an escape is met
    while (true) {
      if (m_pos >= m_src.size() || m_src[m_pos] == '\n') {
        problem("unterminated string literal", start);
        content_end = m_pos;
        break;
      }
      const char c = m_src[m_pos];
      if (c == quote) {
        content_end = m_pos++;
        break;
      }
      if (c == '\\') {
        start_decoding(content, decoded);
        if (!decode_escape(*decoded)) {
          problem("unterminated string literal", start);
          break;
        }
        continue;
      }
      if (decoded) {
        *decoded += c;
      }
      ++m_pos;
    }
    emit(TokenKind::string, value_of(content, content_end, decoded), start);
    m_out.tokens.back().quote = quote;
  }

  // Reads template characters up to the closing backtick or the next `${`.
  // `continued` is true after the `}` that closed a substitution.
  void lex_template_chunk(std::size_t start, bool continued) {
    const std::size_t content = m_pos;
    std::optional<std::string> decoded; // only once an escape is met
    while (true) {
      if (m_pos >= m_src.size()) {
        problem("unterminated template literal", start);
        emit(continued ? TokenKind::template_tail : TokenKind::template_full,
             value_of(content, m_pos, decoded), start);
        return;
      }
      const char c = m_src[m_pos];
      if (c == '`') {
        const std::size_t content_end = m_pos++;
        emit(continued ? TokenKind::template_tail : TokenKind::template_full,
             value_of(content, content_end, decoded), start);
        return;
      }
      if (c == '$' && at(m_pos + 1) == '{') {
        const std::size_t content_end = m_pos;
        m_pos += 2;
        m_brace_stack.push_back(0);
        emit(continued ? TokenKind::template_middle : TokenKind::template_head,
             value_of(content, content_end, decoded), start);
        return;
      }
      if (c == '\\') {
        start_decoding(content, decoded);
        decode_escape(*decoded); // false at the end of input, reported above
        continue;
      }
      if (decoded) {
        *decoded += c;
      }
      ++m_pos;
    }
  }

  [[nodiscard]] bool regex_allowed() const {
    if (m_out.tokens.empty()) {
      return true;
    }
    const Token& prev = m_out.tokens.back();
    switch (prev.kind) {
    case TokenKind::number:
    case TokenKind::string:
    case TokenKind::regex:
    case TokenKind::template_full:
    case TokenKind::template_tail: return false;
    case TokenKind::identifier:
      for (Spelling keyword : k_regex_keywords) {
        if (prev.spelling == keyword.id) {
          return true;
        }
      }
      return false;
    case TokenKind::punct: return !prev.is_punct(")") && !prev.is_punct("]") && !prev.is_punct("}");
    default: return true;
    }
  }

  // A regular expression literal, when one ends on this line; otherwise the
  // `/` is left for lex_punct.
  bool lex_regex(std::size_t start) {
    std::size_t i = m_pos + 1;
    bool in_class = false;
    while (i < m_src.size() && m_src[i] != '\n') {
      const char c = m_src[i];
      if (c == '\\') {
        i += 2;
        continue;
      }
      if (c == '[') {
        in_class = true;
      } else if (c == ']') {
        in_class = false;
      } else if (c == '/' && !in_class) {
        ++i;
        while (i < m_src.size() && is_ident_part(m_src[i])) {
          ++i;
        }
        m_pos = i;
        emit_spelled(TokenKind::regex, start);
        return true;
      }
      ++i;
    }
    return false;
  }

  void lex_punct(std::size_t start) {
    const char first = m_src[m_pos];
    const bool multi = k_starts_multi_punct[static_cast<unsigned char>(first)];
    for (std::string_view spelling : multi ? std::span(k_multi_punct) : std::span<const std::string_view>()) {
      if (spelling[0] == first && m_src.substr(m_pos, spelling.size()) == spelling) {
        // `?.5` is a conditional followed by a number, not optional chaining.
        if (spelling == "?." && is_digit(at(m_pos + 2))) {
          continue;
        }
        m_pos += spelling.size();
        emit_word(TokenKind::punct, start);
        return;
      }
    }
    const char c = m_src[m_pos++];
    if (!m_brace_stack.empty()) {
      if (c == '{') {
        ++m_brace_stack.back();
      } else if (c == '}') {
        --m_brace_stack.back();
      }
    }
    emit_word(TokenKind::punct, start);
  }

  std::shared_ptr<LexedText> m_text;
  std::string_view m_src; // m_text's source
  std::size_t m_pos = 0;
  std::size_t m_cursor = 0;
  int m_cursor_line = 1;
  std::size_t m_cursor_line_start = 0;
  std::size_t m_pending_comments = 0;
  // One entry per open template substitution: the `{` nesting inside it.
  std::vector<int> m_brace_stack;
  LexResult m_out;
};

} // namespace

LexResult tokenize(std::string source) {
  if (source.size() > std::numeric_limits<std::uint32_t>::max()) {
    source.resize(std::numeric_limits<std::uint32_t>::max()); // Token's offsets are 32 bits
  }
  return Lexer(std::move(source)).run();
}

} // namespace pgadvise::loaders::ts
