#include "loaders/typescript/parser.hpp"

#include "loaders/typescript/parser_internal.hpp"

#include <cstddef>
#include <string>
#include <vector>

namespace pgadvise::loaders::ts {

namespace detail {

bool is_opener(const Token& t) {
  return t.kind == TokenKind::template_head || t.is_punct("(") || t.is_punct("[") || t.is_punct("{");
}

bool is_closer(const Token& t) {
  return t.kind == TokenKind::template_tail || t.is_punct(")") || t.is_punct("]") || t.is_punct("}");
}

namespace {

bool closes(const Token& open, const Token& close) {
  if (open.kind == TokenKind::template_head) {
    return close.kind == TokenKind::template_tail;
  }
  return (open.is_punct("(") && close.is_punct(")")) || (open.is_punct("[") && close.is_punct("]")) ||
         (open.is_punct("{") && close.is_punct("}"));
}

} // namespace

std::vector<std::size_t> match_brackets(const std::vector<Token>& tokens) {
  std::vector<std::size_t> match(tokens.size(), k_npos);
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    if (is_opener(tokens[i])) {
      stack.push_back(i);
    } else if (is_closer(tokens[i])) {
      // Pop unmatched openers until one fits; a stray closer matches nothing.
      for (std::size_t s = stack.size(); s > 0; --s) {
        if (closes(tokens[stack[s - 1]], tokens[i])) {
          match[stack[s - 1]] = i;
          stack.resize(s - 1);
          break;
        }
      }
    }
  }
  return match;
}

namespace {

// What a program's statements have added so far: a statement the budget
// stopped is taken back to it (a table read half would lack columns).
struct Added {
  explicit Added(const Program& program)
      : imports(program.imports.size()), declarations(program.declarations.size()),
        export_names(program.export_names.size()), export_list(program.export_list.size()),
        re_exports(program.re_exports.size()), statements(program.statements.size()),
        default_export(program.default_export), default_expression_token(program.default_expression_token),
        default_expression(program.default_expression) {}

  void take_back(Program& program) const {
    for (std::size_t i = declarations; i < program.declarations.size(); ++i) {
      if (program.declarations[i].rest) {
        program.rest_omits.erase(program.declarations[i].name);
      }
    }
    keep(program.imports, imports);
    keep(program.declarations, declarations);
    keep(program.export_names, export_names);
    keep(program.export_list, export_list);
    keep(program.re_exports, re_exports);
    keep(program.statements, statements);
    program.default_export = default_export;
    program.default_expression_token = default_expression_token;
    program.default_expression = default_expression;
  }

  template <typename T> static void keep(std::vector<T>& items, std::size_t count) {
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(count), items.end());
  }

  std::size_t imports;
  std::size_t declarations;
  std::size_t export_names;
  std::size_t export_list;
  std::size_t re_exports;
  std::size_t statements;
  std::string default_export;
  std::size_t default_expression_token;
  bool default_expression;
};

} // namespace

void Parser::run(std::size_t stop) {
  while (!at_end() && m_pos < stop) {
    const std::size_t before = m_pos;
    m_tokens.restart(before);
    const Added added(m_prog);
    parse_statement();
    if (m_over_budget) {
      added.take_back(m_prog);
      const Token& first = m_tokens[before];
      m_prog.lex.problems.push_back(
          {"the code from here on takes more parsing than a file of this size allows (" +
               std::to_string(m_prog.nodes.size()) + " syntax nodes for " + std::to_string(m_tokens.size()) +
               " tokens; an unclosed bracket is the usual cause): it is not read",
           first.line, first.column});
      return;
    }
    if (m_pos == before) {
      ++m_pos;
    }
    if (!m_declarations_only) { // its programs keep no tokens to reparse
      m_prog.units.push_back({before, m_pos, m_tokens.furthest()});
    }
  }
}

void Parser::skip_group() {
  const std::size_t close = m_match[m_pos];
  if (is_opener(peek()) && close != k_npos) {
    m_pos = close + 1;
  } else if (is_opener(peek())) {
    m_pos = m_tokens.size() - 1; // unmatched: the rest of the file is inside it
    m_tokens.note(m_pos);        // where that ends is a read of the end
  } else if (!at_end()) {
    ++m_pos;
  }
}

bool Parser::passes_over_group() const {
  if (!m_declarations_only || !is_opener(peek())) {
    return false;
  }
  const std::size_t close = m_match[m_pos];
  if (close == k_npos) {
    return false; // unmatched: read as the full parse reads it
  }
  for (std::size_t i = m_pos + 1; i < close; ++i) {
    if (is_opener(m_tokens[i])) {
      return true;
    }
  }
  return false;
}

NodeId Parser::pass_over_group() {
  const NodeId id = make(NodeKind::other, m_pos);
  skip_group();
  finish(id);
  return id;
}

void Parser::skip_to_closer(Spelling closer) {
  for (int guard = 0; guard < 1000000 && !at_end(); ++guard) {
    if (accept_punct(closer)) {
      return;
    }
    if (is_closer(peek())) {
      return; // belongs to an outer group: leave it
    }
    if (is_opener(peek())) {
      skip_group();
    } else {
      ++m_pos;
    }
  }
}

void Parser::recover_in_group(std::size_t close) {
  while (!at_end() && (close == k_npos || m_pos < close)) {
    if (accept_punct(",")) {
      return;
    }
    if (is_opener(peek())) {
      skip_group();
    } else if (is_closer(peek())) {
      if (close == k_npos) {
        return;
      }
      ++m_pos; // stray closer inside the group
    } else {
      ++m_pos;
    }
  }
}

} // namespace detail

namespace {

constexpr std::size_t k_reserve_nodes_above = 65536;

} // namespace

Program parse_program(std::string source) {
  Program program;
  program.lex = tokenize(std::move(source));
  // A large file (a generated schema of thousands of tables) gets its trees'
  // room at once: growing by doubling copied each node up to twice and held
  // both copies at the peak. Its tokens make 0.4 nodes each, code 0.2; a
  // small file grows as it goes, without room it never uses.
  if (const std::size_t tokens = program.lex.tokens.size(); tokens > k_reserve_nodes_above) {
    program.nodes.reserve(tokens / 2);
  }
  detail::Parser(program).run();
  return program;
}

Program parse_statements_before(std::string source, std::size_t stop_offset) {
  Program program;
  program.lex = tokenize(std::move(source));
  const std::vector<Token>& tokens = program.lex.tokens;
  const auto stop = std::find_if(tokens.begin(), tokens.end(),
                                 [&](const Token& token) { return token.offset >= stop_offset; });
  detail::Parser(program).run(static_cast<std::size_t>(stop - tokens.begin()));
  return program;
}

Program parse_declarations(std::string source) {
  Program program;
  program.lex = tokenize(std::move(source));
  detail::Parser(program, true).run();
  return program;
}

} // namespace pgadvise::loaders::ts
