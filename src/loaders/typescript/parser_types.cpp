#include "loaders/typescript/parser_internal.hpp"

// Types are skipped: annotations, type arguments, `as` / `satisfies` targets.
namespace pgadvise::loaders::ts::detail {

bool Parser::skip_type_arguments() {
  const std::size_t start = m_pos;
  int depth = 0;
  while (!at_end() && m_pos - start < k_max_lookahead) {
    const Token& t = peek();
    if (t.is_punct("<")) {
      ++depth;
      ++m_pos;
    } else if (t.is_punct(">")) {
      --depth;
      ++m_pos;
      if (depth == 0) {
        return true;
      }
    } else if (is_opener(t)) {
      skip_group();
    } else if (is_closer(t) || t.is_punct(";") || t.is_punct("=") || t.is_punct("&&") || t.is_punct("||")) {
      break;
    } else {
      ++m_pos; // names, `.`, `,`, `=>` of a function type, ...
    }
  }
  m_pos = start;
  return false;
}

void Parser::skip_type() {
  for (int guard = 0; guard < 10000 && !at_end(); ++guard) {
    while (peek().is_ident("keyof") || peek().is_ident("typeof") || peek().is_ident("readonly") ||
           peek().is_ident("unique") || peek().is_ident("infer") || peek().is_ident("new")) {
      ++m_pos;
    }
    accept_punct("|");
    accept_punct("&");
    const Token& t = peek();
    if (t.is_punct("(")) {
      skip_group();
      if (accept_punct("=>")) {
        continue;
      }
    } else if (t.is_punct("[") || t.is_punct("{") || t.kind == TokenKind::template_head) {
      skip_group();
    } else if (t.kind == TokenKind::identifier || t.kind == TokenKind::string ||
               t.kind == TokenKind::number || t.kind == TokenKind::template_full) {
      ++m_pos;
      while (at_punct(".") && peek(1).kind == TokenKind::identifier) {
        m_pos += 2;
      }
    } else if (t.is_punct("<")) {
      if (!skip_type_arguments()) {
        return;
      }
      continue; // generic function type: <T>(x: T) => T
    } else {
      return;
    }
    while (true) {
      if (at_punct("<")) {
        if (!skip_type_arguments()) {
          return;
        }
      } else if (at_punct("[") && !on_new_line()) {
        skip_group();
      } else {
        break;
      }
    }
    if (at_punct("|") || at_punct("&")) {
      ++m_pos;
      continue;
    }
    if (peek().is_ident("extends") && !on_new_line()) { // conditional types: T extends U ? X : Y
      ++m_pos;
      continue;
    }
    return;
  }
}

} // namespace pgadvise::loaders::ts::detail
