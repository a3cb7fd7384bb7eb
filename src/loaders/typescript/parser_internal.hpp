#pragma once

#include "loaders/typescript/ast.hpp"

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// The parser's own parts, shared by its source files (parser*.cpp); not part
// of its interface (parser.hpp).
namespace pgadvise::loaders::ts::detail {

inline constexpr std::size_t k_npos = static_cast<std::size_t>(-1);
// Deeper nesting than this is skipped as one opaque node, so that hostile
// input cannot exhaust the stack.
inline constexpr int k_max_depth = 200;
// Type arguments and arrow return types longer than this many tokens are not
// looked for, which keeps hostile input from making the parser quadratic.
inline constexpr std::size_t k_max_lookahead = 2000;

// The trees a text of `tokens` tokens may make before the parser stops
// reading it: code makes 0.2 nodes a token, a generated schema 0.4, and none
// of 30,000 files of 18 real applications more than 0.6. A text that takes
// more is read no further (a problem says where), so no shape of code the
// parser reads again and again can take it past linear work and memory.
inline constexpr std::size_t k_nodes_per_token = 4;
inline constexpr std::size_t k_nodes_free = 65536;
[[nodiscard]] inline std::size_t node_budget(std::size_t tokens) {
  return tokens * k_nodes_per_token + k_nodes_free;
}

bool is_opener(const Token& t);
bool is_closer(const Token& t);
// For every opening bracket the index of its closer (k_npos when unmatched).
std::vector<std::size_t> match_brackets(const std::vector<Token>& tokens);

// The tokens as the parser reads them, with the furthest one read: what a
// top-level statement's tree depends on (Program::units).
class TokenReads {
public:
  explicit TokenReads(const std::vector<Token>& tokens) : m_tokens(tokens) {}
  const Token& operator[](std::size_t i) const {
    m_furthest = std::max(m_furthest, i);
    return m_tokens[i];
  }
  [[nodiscard]] const Token& back() const { return (*this)[m_tokens.size() - 1]; }
  [[nodiscard]] std::size_t size() const { return m_tokens.size(); }
  // Whether the token at `pos` is the last (the end token): asks of that
  // token as a read of it would (a statement that stops at the end of a
  // text parsed alone may go on in the whole file).
  [[nodiscard]] bool at_end(std::size_t pos) const {
    m_furthest = std::max(m_furthest, std::min(pos, m_tokens.size() - 1));
    return pos + 1 >= m_tokens.size();
  }
  [[nodiscard]] std::size_t furthest() const { return m_furthest; }
  void restart(std::size_t at) { m_furthest = at; }
  // A read of token `at` answered without it (the cursor's limit).
  void note(std::size_t at) const { m_furthest = std::max(m_furthest, std::min(at, m_tokens.size() - 1)); }

private:
  const std::vector<Token>& m_tokens;
  mutable std::size_t m_furthest = 0;
};

class Parser {
public:
  // `declarations_only`: parse_declarations' mode (parser.hpp). `budget`:
  // the trees it may make, node_budget() of its tokens when 0 (tests set less).
  explicit Parser(Program& program, bool declarations_only = false, std::size_t budget = 0)
      : m_prog(program), m_tokens(program.lex.tokens), m_match(match_brackets(program.lex.tokens)),
        m_declarations_only(declarations_only),
        m_node_budget(budget != 0 ? budget : node_budget(program.lex.tokens.size())) {}

  // The statements that start before the token `stop` (all: k_npos).
  void run(std::size_t stop = k_npos);

private:
  // ---- the cursor (parser.cpp) -------------------------------------------
  [[nodiscard]] const Token& peek(std::size_t ahead = 0) const {
    const std::size_t i = m_pos + ahead;
    if (i >= m_limit || m_over_budget) {
      m_tokens.note(std::min(i, m_limit));
      return k_limit_token;
    }
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.back();
  }
  bool accept_punct(Spelling p) {
    if (at_punct(p)) {
      ++m_pos;
      return true;
    }
    return false;
  }
  bool accept_ident(Spelling name) {
    if (peek().is_ident(name)) {
      ++m_pos;
      return true;
    }
    return false;
  }
  [[nodiscard]] bool stops_expression() const {
    const Token& t = peek();
    return t.kind == TokenKind::end || t.kind == TokenKind::template_middle ||
           t.kind == TokenKind::template_tail || t.is_punct(")") || t.is_punct("]") || t.is_punct("}") ||
           t.is_punct(",") || t.is_punct(";") || t.is_punct(":");
  }
  NodeId add(Node node) {
    m_over_budget = m_over_budget || m_prog.nodes.size() >= m_node_budget;
    m_prog.nodes.push_back(std::move(node));
    return static_cast<NodeId>(m_prog.nodes.size() - 1);
  }
  NodeId make(NodeKind kind, std::size_t first, std::string_view text = {}) {
    Node node;
    node.kind = kind;
    node.text = text;
    node.first_token = first;
    node.name_token = first;
    node.last_token = first;
    return add(std::move(node));
  }
  [[nodiscard]] bool at_end() const {
    if (m_pos >= m_limit || m_over_budget) {
      m_tokens.note(std::min(m_pos, m_limit));
      return true;
    }
    return m_tokens.at_end(m_pos);
  }
  [[nodiscard]] bool at_punct(Spelling p) const { return peek().is_punct(p); }
  [[nodiscard]] std::size_t last_index() const { return m_pos == 0 ? 0 : m_pos - 1; }
  [[nodiscard]] bool on_new_line() const { return m_pos > 0 && peek().line > m_tokens[m_pos - 1].end_line; }
  void finish(NodeId id) {
    m_prog.nodes[id].last_token = std::max(m_prog.nodes[id].first_token, last_index());
  }

  // Moves past the bracket group opening at m_pos (or past one token).
  void skip_group();
  // In a declarations-only parse, whether the group opening at m_pos is
  // passed over instead of read: one holding another group (a callback, a
  // nested literal, a call), which no reader of such a parse looks into.
  // A group of plain tokens is read (`[1, 2, 3]`: a constant's elements).
  [[nodiscard]] bool passes_over_group() const;
  // The group at m_pos passed over, as one `other` node.
  NodeId pass_over_group();
  // Moves past the closer the current group expects, skipping whatever
  // could not be parsed before it.
  void skip_to_closer(Spelling closer);
  // Inside a bracket group that closes at `close`: skip to the next `,` (and
  // past it) or to the closer.
  void recover_in_group(std::size_t close);
  // The comma-separated items of the bracket group opening at m_pos, up to
  // its `closer`: `item` reads one (or notes a hole and reads nothing);
  // whatever it cannot read is skipped up to the next `,`. Ends past the
  // closer.
  template <typename Item> void parse_list(Spelling closer, Item item) {
    const std::size_t close = m_match[m_pos];
    ++m_pos;
    while (!at_end() && !at_punct(closer)) {
      const std::size_t before = m_pos;
      item();
      if (accept_punct(",")) {
        continue;
      }
      if (!at_punct(closer)) {
        recover_in_group(close);
      }
      if (m_pos == before) {
        ++m_pos;
      }
    }
    accept_punct(closer);
  }

  // ---- statements (parser_statements.cpp) --------------------------------
  [[nodiscard]] bool starts_statement(const Token& t) const;
  // Skips a statement we do not read: to its `;`, or to the end of a
  // top-level block followed by a new line, or to the next line that starts
  // a statement.
  void skip_statement();
  void parse_statement();
  void parse_import();
  void parse_import_names(std::vector<Import>& found);
  // export { a, b as c } [from "m"];  export * [as ns] from "m";
  void parse_export_list();
  // `export default x;` or `export default function f ...` (m_pos at `export`).
  void parse_default_export(std::size_t first);
  // Records the `function` / `class` / `enum` statement at m_pos, if it is one.
  void record_named_statement(bool exported, bool default_export, std::size_t first);
  // The parameters and returned expression of the function statement
  // m_prog.statements[statement] names (m_pos anywhere before its name).
  void parse_function_statement(std::size_t statement);
  void parse_declarators(bool exported, std::size_t first);

  // ---- types, skipped (parser_types.cpp) ---------------------------------
  // Skips `<...>` type arguments; false (position unchanged) when the `<`
  // does not start a balanced type argument list.
  bool skip_type_arguments();
  void skip_type();

  // ---- expressions (parser_expressions.cpp) ------------------------------
  NodeId parse_expression() { return parse_assignment(); }
  NodeId parse_assignment();
  // A whole bracket group (or one token) as an `other` node.
  NodeId parse_opaque();
  NodeId parse_conditional();
  [[nodiscard]] bool at_binary_operator() const;
  NodeId parse_binary();
  // The operators after `left` that bind tighter than `min_precedence`.
  NodeId parse_binary_from(NodeId left, int min_precedence);
  NodeId parse_unary();
  NodeId parse_postfix(NodeId expr);
  NodeId parse_call(NodeKind kind, NodeId callee, std::size_t first);
  // One call argument or array element: `...expr` or an assignment expression.
  NodeId parse_element_or_spread();
  NodeId parse_template(NodeId tag, std::size_t first);
  NodeId parse_primary();
  NodeId parse_identifier_primary();
  NodeId parse_array();
  NodeId parse_object();
  bool parse_property(Property& property);

  // m_limit lowered to `to` for a scope, and put back after it.
  struct LimitGuard {
    LimitGuard(std::size_t& limit, std::size_t to) : m_limit(limit), m_saved(limit) {
      m_limit = std::min(m_limit, to);
    }
    ~LimitGuard() { m_limit = m_saved; }
    LimitGuard(const LimitGuard&) = delete;
    LimitGuard& operator=(const LimitGuard&) = delete;
    std::size_t& m_limit;
    std::size_t m_saved;
  };

  struct DepthGuard {
    explicit DepthGuard(int& depth) : m_depth(depth) { ++m_depth; }
    ~DepthGuard() { --m_depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    int& m_depth;
  };

  // ---- functions (parser_functions.cpp) ----------------------------------
  [[nodiscard]] bool arrow_ahead() const;
  // The token after a generic function's `<T extends X, U>` at i (i itself
  // when there is none).
  [[nodiscard]] std::size_t after_type_parameters(std::size_t i) const;
  NodeId parse_arrow();
  // `(params) [: type] { ... }` after `function [name]` or a method name.
  NodeId parse_function_rest(std::size_t first);
  std::vector<Param> parse_params();
  std::vector<std::pair<std::string, std::string>> parse_object_pattern();
  void read_rest_pattern(Declaration& decl, std::vector<std::pair<std::size_t, std::size_t>>& bindings);
  // A block body: the expression of its first top-level `return`.
  NodeId parse_block_return();

  Program& m_prog;
  TokenReads m_tokens;
  std::vector<std::size_t> m_match;
  std::size_t m_pos = 0;
  int m_depth = 0;
  bool m_declarations_only = false;
  // The cursor's end while a function body's returns are read: past the
  // body's `}` (k_limit_token there). A return that did not end inside its
  // body was read on to the end of the file and the body's reader went back
  // to its `}`: nested in broken code, that read the file again at every
  // level (a 12 KB file took 1.7 GB and 5 s).
  std::size_t m_limit = static_cast<std::size_t>(-1);
  static inline const Token k_limit_token{};
  // Past node_budget(): every read from then on is the end (run() stops).
  std::size_t m_node_budget;
  bool m_over_budget = false;
};

} // namespace pgadvise::loaders::ts::detail
