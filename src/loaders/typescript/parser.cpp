#include "loaders/typescript/parser.hpp"

#include <array>

namespace pgadvise::loaders::ts {

namespace {

constexpr std::size_t k_npos = static_cast<std::size_t>(-1);
// Deeper nesting than this is skipped as one opaque node, so that hostile
// input cannot exhaust the stack.
constexpr int k_max_depth = 200;
// Type arguments and arrow return types longer than this many tokens are not
// looked for, which keeps hostile input from making the parser quadratic.
constexpr std::size_t k_max_lookahead = 2000;

constexpr std::array<std::string_view, 15> k_statement_keywords = {
    "export", "import", "const", "let",   "var",   "function", "class",   "type",
    "interface", "enum", "declare", "async", "abstract", "namespace", "module"};

constexpr std::array<std::string_view, 24> k_binary_operators = {
    "+", "-", "*", "/", "%", "==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||", "??",
    "&", "|", "^", "instanceof", "in", "**", "<<", ">>"};

bool is_opener(const Token& t) {
  return t.kind == TokenKind::template_head ||
         (t.kind == TokenKind::punct && (t.text == "(" || t.text == "[" || t.text == "{"));
}

bool is_closer(const Token& t) {
  return t.kind == TokenKind::template_tail ||
         (t.kind == TokenKind::punct && (t.text == ")" || t.text == "]" || t.text == "}"));
}

bool closes(const Token& open, const Token& close) {
  if (open.kind == TokenKind::template_head) {
    return close.kind == TokenKind::template_tail;
  }
  return (open.text == "(" && close.is_punct(")")) || (open.text == "[" && close.is_punct("]")) ||
         (open.text == "{" && close.is_punct("}"));
}

// For every opening bracket the index of its closer (k_npos when unmatched).
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

class Parser {
public:
  explicit Parser(Program& program)
      : m_prog(program), m_tokens(program.lex.tokens), m_match(match_brackets(program.lex.tokens)) {}

  void run() {
    while (!at_end()) {
      const std::size_t before = m_pos;
      parse_statement();
      if (m_pos == before) {
        ++m_pos;
      }
    }
  }

private:
  // ---- token helpers -------------------------------------------------
  [[nodiscard]] const Token& peek(std::size_t ahead = 0) const {
    const std::size_t i = m_pos + ahead;
    return i < m_tokens.size() ? m_tokens[i] : m_tokens.back();
  }
  [[nodiscard]] bool at_end() const { return m_pos + 1 >= m_tokens.size(); }
  [[nodiscard]] bool at_punct(std::string_view p) const { return peek().is_punct(p); }
  bool accept_punct(std::string_view p) {
    if (at_punct(p)) {
      ++m_pos;
      return true;
    }
    return false;
  }
  [[nodiscard]] std::size_t last_index() const { return m_pos == 0 ? 0 : m_pos - 1; }
  [[nodiscard]] bool on_new_line() const { return m_pos > 0 && peek().line > m_tokens[m_pos - 1].end_line; }
  [[nodiscard]] bool stops_expression() const {
    const Token& t = peek();
    return t.kind == TokenKind::end || t.kind == TokenKind::template_middle || t.kind == TokenKind::template_tail ||
           (t.kind == TokenKind::punct && (t.text == ")" || t.text == "]" || t.text == "}" || t.text == "," ||
                                           t.text == ";" || t.text == ":"));
  }

  // Moves past the bracket group opening at m_pos (or past one token).
  void skip_group() {
    const std::size_t close = m_match[m_pos];
    if (is_opener(peek()) && close != k_npos) {
      m_pos = close + 1;
    } else if (is_opener(peek())) {
      m_pos = m_tokens.size() - 1; // unmatched: the rest of the file is inside it
    } else if (!at_end()) {
      ++m_pos;
    }
  }

  NodeId add(Node node) {
    m_prog.nodes.push_back(std::move(node));
    return static_cast<NodeId>(m_prog.nodes.size() - 1);
  }

  NodeId make(NodeKind kind, std::size_t first, std::string text = {}) {
    Node node;
    node.kind = kind;
    node.text = std::move(text);
    node.first_token = first;
    node.name_token = first;
    node.last_token = first;
    return add(std::move(node));
  }

  void finish(NodeId id) { m_prog.nodes[id].last_token = std::max(m_prog.nodes[id].first_token, last_index()); }

  // ---- statements -----------------------------------------------------
  [[nodiscard]] bool starts_statement(const Token& t) const {
    if (t.kind != TokenKind::identifier) {
      return false;
    }
    for (std::string_view keyword : k_statement_keywords) {
      if (t.text == keyword) {
        return true;
      }
    }
    return false;
  }

  // Skips a statement we do not read: to its `;`, or to the end of a
  // top-level block followed by a new line, or to the next line that starts
  // a statement.
  void skip_statement() {
    const std::size_t start = m_pos;
    while (!at_end()) {
      const Token& t = peek();
      if (m_pos > start && on_new_line() && starts_statement(t)) {
        return;
      }
      if (t.is_punct(";")) {
        ++m_pos;
        return;
      }
      if (is_opener(t)) {
        const bool brace = t.is_punct("{");
        skip_group();
        if (brace && (at_end() || on_new_line())) {
          accept_punct(";");
          return;
        }
        continue;
      }
      ++m_pos;
    }
  }

  void parse_statement() {
    const std::size_t first = m_pos;
    const Token& t = peek();
    if (t.is_punct(";")) {
      ++m_pos;
      return;
    }
    if (t.is_ident("import") && !peek(1).is_punct("(") && !peek(1).is_punct(".")) {
      parse_import();
      return;
    }
    bool exported = false;
    if (t.is_ident("export")) {
      const Token& next = peek(1);
      if (next.is_punct("{") || next.is_punct("*")) {
        parse_export_list();
        return;
      }
      if (next.is_ident("default") || next.is_punct("=")) {
        skip_statement();
        return;
      }
      ++m_pos;
      exported = true;
    }
    const Token& keyword = peek();
    if ((keyword.is_ident("const") || keyword.is_ident("let") || keyword.is_ident("var")) &&
        !peek(1).is_ident("enum")) {
      ++m_pos;
      parse_declarators(exported, first);
      return;
    }
    skip_statement();
  }

  void parse_import() {
    const std::size_t start = m_pos;
    ++m_pos; // import
    if (peek().is_ident("type") && !peek(1).is_punct(",") && !peek(1).is_ident("from")) {
      skip_statement(); // type-only imports bring no values
      return;
    }
    std::vector<Import> found;
    while (!at_end() && !peek().is_ident("from") && peek().kind != TokenKind::string) {
      const Token& t = peek();
      if (m_pos > start + 1 && on_new_line() && starts_statement(t)) {
        return; // malformed import: leave the next statement alone
      }
      if (t.is_punct("*") && peek(1).is_ident("as") && peek(2).kind == TokenKind::identifier) {
        found.push_back(Import{peek(2).text, "*", {}});
        m_pos += 3;
      } else if (t.is_punct("{")) {
        parse_import_names(found);
      } else if (t.kind == TokenKind::identifier) {
        found.push_back(Import{t.text, "default", {}});
        ++m_pos;
      } else {
        ++m_pos;
      }
    }
    accept_ident("from");
    if (peek().kind == TokenKind::string) {
      for (Import& import : found) {
        import.module = peek().text;
        m_prog.imports.push_back(std::move(import));
      }
      ++m_pos;
    }
    accept_punct(";");
  }

  void parse_import_names(std::vector<Import>& found) {
    const std::size_t close = m_match[m_pos];
    ++m_pos;
    while (!at_end() && (close == k_npos || m_pos < close)) {
      if (peek().is_ident("type") && peek(1).kind == TokenKind::identifier && !peek(1).is_ident("as")) {
        // `type X` inside braces: a type, not a value
        m_pos += 2;
        continue;
      }
      const Token& t = peek();
      if (t.kind == TokenKind::identifier || t.kind == TokenKind::string) {
        std::string imported = t.text;
        std::string local = t.text;
        ++m_pos;
        if (peek().is_ident("as") && peek(1).kind == TokenKind::identifier) {
          local = peek(1).text;
          m_pos += 2;
        }
        found.push_back(Import{local, imported, {}});
        continue;
      }
      ++m_pos;
    }
    if (close != k_npos) {
      m_pos = close + 1;
    }
  }

  bool accept_ident(std::string_view name) {
    if (peek().is_ident(name)) {
      ++m_pos;
      return true;
    }
    return false;
  }

  // export { a, b as c } [from "m"];  export * [as ns] from "m";
  void parse_export_list() {
    const std::size_t token = m_pos;
    ++m_pos; // export
    std::vector<std::string> names;
    if (at_punct("{")) {
      const std::size_t close = m_match[m_pos];
      ++m_pos;
      while (!at_end() && (close == k_npos || m_pos < close)) {
        if (peek().kind == TokenKind::identifier && !peek().is_ident("type") && !peek().is_ident("as")) {
          if (m_pos == 0 || !m_tokens[m_pos - 1].is_ident("as")) {
            names.push_back(peek().text);
          }
        }
        ++m_pos;
      }
      if (close != k_npos) {
        m_pos = close + 1;
      }
    } else {
      ++m_pos; // *
      if (accept_ident("as") && peek().kind == TokenKind::identifier) {
        ++m_pos;
      }
    }
    if (accept_ident("from") && peek().kind == TokenKind::string) {
      m_prog.re_exports.push_back(ReExport{peek().text, token});
      ++m_pos;
    } else {
      m_prog.export_names.insert(m_prog.export_names.end(), names.begin(), names.end());
    }
    accept_punct(";");
  }

  void parse_declarators(bool exported, std::size_t first) {
    while (!at_end()) {
      Declaration decl;
      decl.exported = exported;
      decl.first_token = first;
      if (peek().kind == TokenKind::identifier) {
        decl.name = peek().text;
        decl.name_token = m_pos;
        ++m_pos;
      } else if (at_punct("{") || at_punct("[")) {
        skip_group(); // destructuring: nothing we can name
      } else {
        skip_statement();
        return;
      }
      accept_punct("!");
      if (accept_punct(":")) {
        skip_type();
      }
      if (accept_punct("=")) {
        decl.init = parse_expression();
      }
      decl.last_token = last_index();
      if (!decl.name.empty()) {
        m_prog.declarations.push_back(std::move(decl));
      }
      if (!accept_punct(",")) {
        break;
      }
    }
    if (!accept_punct(";") && !at_end() && !on_new_line()) {
      skip_statement(); // something we could not read follows on the same line
    }
  }

  // ---- types (skipped) ---------------------------------------------------
  // Skips `<...>` type arguments; false (position unchanged) when the `<`
  // does not start a balanced type argument list.
  bool skip_type_arguments() {
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
      } else if (t.is_punct("=>")) {
        ++m_pos;
      } else if (is_opener(t)) {
        skip_group();
      } else if (is_closer(t) || t.is_punct(";") || t.is_punct("=") || t.is_punct("&&") || t.is_punct("||")) {
        break;
      } else {
        ++m_pos;
      }
    }
    m_pos = start;
    return false;
  }

  void skip_type() {
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
      } else if (t.kind == TokenKind::identifier || t.kind == TokenKind::string || t.kind == TokenKind::number ||
                 t.kind == TokenKind::template_full) {
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

  // ---- expressions -------------------------------------------------------
  NodeId parse_expression() { return parse_assignment(); }

  struct DepthGuard {
    explicit DepthGuard(int& depth) : m_depth(depth) { ++m_depth; }
    ~DepthGuard() { --m_depth; }
    DepthGuard(const DepthGuard&) = delete;
    DepthGuard& operator=(const DepthGuard&) = delete;
    int& m_depth;
  };

  NodeId parse_assignment() {
    DepthGuard guard(m_depth);
    if (m_depth > k_max_depth) {
      return parse_opaque();
    }
    if (arrow_ahead()) {
      return parse_arrow();
    }
    const NodeId left = parse_conditional();
    if (at_punct("=")) {
      const std::size_t first = m_prog.nodes[left].first_token;
      ++m_pos;
      const NodeId right = parse_assignment();
      const NodeId id = make(NodeKind::other, first, "=");
      m_prog.nodes[id].children = {left, right};
      finish(id);
      return id;
    }
    return left;
  }

  // A whole bracket group (or one token) as an `other` node.
  NodeId parse_opaque() {
    const NodeId id = make(NodeKind::other, m_pos);
    if (!stops_expression()) {
      skip_group();
    }
    finish(id);
    return id;
  }

  NodeId parse_conditional() {
    const NodeId test = parse_binary();
    if (!at_punct("?")) {
      return test;
    }
    const std::size_t first = m_prog.nodes[test].first_token;
    ++m_pos;
    const NodeId yes = parse_assignment();
    NodeId no = k_no_node;
    if (accept_punct(":")) {
      no = parse_assignment();
    }
    const NodeId id = make(NodeKind::other, first, "?:");
    m_prog.nodes[id].children = {test, yes};
    if (no != k_no_node) {
      m_prog.nodes[id].children.push_back(no);
    }
    finish(id);
    return id;
  }

  [[nodiscard]] bool at_binary_operator() const {
    const Token& t = peek();
    if (t.kind != TokenKind::punct && !(t.kind == TokenKind::identifier && (t.text == "instanceof" || t.text == "in"))) {
      return false;
    }
    for (std::string_view op : k_binary_operators) {
      if (t.text == op) {
        return true;
      }
    }
    return false;
  }

  NodeId parse_binary() {
    NodeId left = parse_unary();
    for (int guard = 0; guard < 100000 && at_binary_operator(); ++guard) {
      const std::size_t first = m_prog.nodes[left].first_token;
      const std::string op = peek().text;
      ++m_pos;
      // `a >> b` arrives as two `>` tokens
      if ((op == ">" || op == "<") && peek().text == op && peek().offset == m_tokens[m_pos - 1].offset + 1) {
        ++m_pos;
      }
      const NodeId right = parse_unary();
      const NodeId id = make(NodeKind::other, first, op);
      m_prog.nodes[id].children = {left, right};
      finish(id);
      left = id;
    }
    return left;
  }

  NodeId parse_unary() {
    DepthGuard guard(m_depth);
    if (m_depth > k_max_depth) {
      return parse_opaque();
    }
    const Token& t = peek();
    const std::size_t first = m_pos;
    if (t.is_punct("-") || t.is_punct("+") || t.is_punct("!") || t.is_punct("~") || t.is_ident("typeof") ||
        t.is_ident("void") || t.is_ident("await") || t.is_ident("delete")) {
      const std::string op = t.text;
      ++m_pos;
      const NodeId operand = parse_unary();
      const Node& inner = m_prog.nodes[operand];
      if (op == "-" && inner.kind == NodeKind::number && !inner.text.empty() && inner.text[0] != '-') {
        const NodeId id = make(NodeKind::number, first, "-" + inner.text);
        finish(id);
        return id;
      }
      if (op == "+" && inner.kind == NodeKind::number) {
        return operand;
      }
      const NodeId id = make(NodeKind::other, first, op);
      m_prog.nodes[id].children = {operand};
      finish(id);
      return id;
    }
    if (t.is_punct("<")) { // `<T>value` type assertion
      if (skip_type_arguments()) {
        return parse_unary();
      }
    }
    return parse_postfix(parse_primary());
  }

  NodeId parse_postfix(NodeId expr) {
    for (int guard = 0; guard < 100000; ++guard) {
      const Token& t = peek();
      const std::size_t first = m_prog.nodes[expr].first_token;
      if ((t.is_punct(".") || t.is_punct("?.")) && peek(1).kind == TokenKind::identifier) {
        const NodeId id = make(NodeKind::member, first, peek(1).text);
        m_prog.nodes[id].children = {expr};
        m_prog.nodes[id].name_token = m_pos + 1;
        m_pos += 2;
        finish(id);
        expr = id;
      } else if (t.is_punct("?.") && (peek(1).is_punct("(") || peek(1).is_punct("["))) {
        ++m_pos;
      } else if (t.is_punct("[") && !on_new_line()) {
        ++m_pos;
        const NodeId index = parse_expression();
        skip_to_closer("]");
        const NodeId id = make(NodeKind::index, first);
        m_prog.nodes[id].children = {expr, index};
        finish(id);
        expr = id;
      } else if (t.is_punct("(")) {
        expr = parse_call(NodeKind::call, expr, first);
      } else if (t.is_punct("<") && !on_new_line()) {
        const std::size_t save = m_pos;
        if (skip_type_arguments() && (at_punct("(") || peek().kind == TokenKind::template_full ||
                                      peek().kind == TokenKind::template_head)) {
          continue;
        }
        m_pos = save;
        break;
      } else if (t.kind == TokenKind::template_full || t.kind == TokenKind::template_head) {
        expr = parse_template(expr, first);
      } else if (t.is_punct("!") && !on_new_line()) {
        ++m_pos; // non-null assertion
      } else if ((t.is_ident("as") || t.is_ident("satisfies")) && !on_new_line()) {
        ++m_pos;
        skip_type();
      } else {
        break;
      }
    }
    return expr;
  }

  // Moves past the closer the current group expects, skipping whatever
  // could not be parsed before it.
  void skip_to_closer(std::string_view closer) {
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

  NodeId parse_call(NodeKind kind, NodeId callee, std::size_t first) {
    const std::size_t open = m_pos;
    const std::size_t close = m_match[open];
    ++m_pos; // (
    const NodeId id = make(kind, first);
    std::vector<NodeId> children{callee};
    while (!at_end() && !at_punct(")")) {
      const std::size_t before = m_pos;
      children.push_back(parse_element_or_spread());
      if (accept_punct(",")) {
        continue;
      }
      if (!at_punct(")")) {
        recover_in_group(close);
      }
      if (m_pos == before) {
        ++m_pos;
      }
    }
    accept_punct(")");
    m_prog.nodes[id].children = std::move(children);
    finish(id);
    return id;
  }

  // One call argument or array element: `...expr` or an assignment expression.
  NodeId parse_element_or_spread() {
    if (!at_punct("...")) {
      return parse_assignment();
    }
    const std::size_t spread_first = m_pos;
    ++m_pos;
    const NodeId inner = parse_assignment();
    const NodeId spread = make(NodeKind::spread, spread_first);
    m_prog.nodes[spread].children = {inner};
    finish(spread);
    return spread;
  }

  // Inside a bracket group that closes at `close`: skip to the next `,` (and
  // past it) or to the closer.
  void recover_in_group(std::size_t close) {
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

  NodeId parse_template(NodeId tag, std::size_t first) {
    const std::size_t open = m_pos;
    const NodeId id = make(NodeKind::template_literal, first);
    m_prog.nodes[id].tag = tag;
    m_prog.nodes[id].quasis.push_back(peek().text);
    if (peek().kind == TokenKind::template_full) {
      ++m_pos;
      finish(id);
      return id;
    }
    const std::size_t close = m_match[open];
    ++m_pos; // head
    std::vector<NodeId> substitutions;
    while (!at_end()) {
      substitutions.push_back(parse_expression());
      // Whatever could not be parsed before the next chunk is skipped.
      while (!at_end() && peek().kind != TokenKind::template_middle && peek().kind != TokenKind::template_tail) {
        if (close != k_npos && m_pos >= close) {
          break;
        }
        if (is_opener(peek())) {
          skip_group();
        } else {
          ++m_pos;
        }
      }
      if (peek().kind == TokenKind::template_middle) {
        m_prog.nodes[id].quasis.push_back(peek().text);
        ++m_pos;
        continue;
      }
      if (peek().kind == TokenKind::template_tail) {
        m_prog.nodes[id].quasis.push_back(peek().text);
        ++m_pos;
      }
      break;
    }
    while (m_prog.nodes[id].quasis.size() < substitutions.size() + 1) {
      m_prog.nodes[id].quasis.emplace_back();
    }
    m_prog.nodes[id].children = std::move(substitutions);
    finish(id);
    return id;
  }

  NodeId parse_primary() {
    const Token& t = peek();
    const std::size_t first = m_pos;
    switch (t.kind) {
    case TokenKind::string: {
      const NodeId id = make(NodeKind::string, first, t.text);
      ++m_pos;
      return id;
    }
    case TokenKind::number: {
      const NodeId id = make(NodeKind::number, first, t.text);
      ++m_pos;
      return id;
    }
    case TokenKind::template_full:
    case TokenKind::template_head: return parse_template(k_no_node, first);
    case TokenKind::identifier: return parse_identifier_primary();
    case TokenKind::punct:
      if (t.text == "(") {
        ++m_pos;
        NodeId inner = parse_assignment();
        while (accept_punct(",")) { // comma expression: its value is the last one
          inner = parse_assignment();
        }
        skip_to_closer(")");
        return inner;
      }
      if (t.text == "[") {
        return parse_array();
      }
      if (t.text == "{") {
        return parse_object();
      }
      break;
    default: break;
    }
    const NodeId id = make(NodeKind::other, first);
    if (!stops_expression()) {
      if (is_opener(peek())) {
        skip_group();
      } else {
        ++m_pos;
      }
    }
    finish(id);
    return id;
  }

  NodeId parse_identifier_primary() {
    const Token& t = peek();
    const std::size_t first = m_pos;
    if (t.text == "true" || t.text == "false") {
      ++m_pos;
      return make(NodeKind::boolean, first, t.text);
    }
    if (t.text == "null") {
      ++m_pos;
      return make(NodeKind::null_value, first);
    }
    if (t.text == "new") {
      ++m_pos;
      NodeId callee = parse_primary();
      while (at_punct(".") && peek(1).kind == TokenKind::identifier) {
        const NodeId member = make(NodeKind::member, first, peek(1).text);
        m_prog.nodes[member].children = {callee};
        m_pos += 2;
        finish(member);
        callee = member;
      }
      if (at_punct("<")) {
        skip_type_arguments();
      }
      if (at_punct("(")) {
        return parse_call(NodeKind::new_expression, callee, first);
      }
      const NodeId id = make(NodeKind::new_expression, first);
      m_prog.nodes[id].children = {callee};
      finish(id);
      return id;
    }
    if (t.text == "function") {
      ++m_pos;
      if (peek().kind == TokenKind::identifier) {
        ++m_pos; // a named function expression
      }
      return parse_function_rest(first);
    }
    if (t.text == "class") {
      const NodeId id = make(NodeKind::other, first, "class");
      while (!at_end() && !at_punct("{")) {
        ++m_pos;
      }
      skip_group();
      finish(id);
      return id;
    }
    ++m_pos;
    return make(NodeKind::identifier, first, t.text);
  }

  NodeId parse_array() {
    const std::size_t first = m_pos;
    const std::size_t close = m_match[m_pos];
    ++m_pos;
    const NodeId id = make(NodeKind::array, first);
    std::vector<NodeId> elements;
    while (!at_end() && !at_punct("]")) {
      const std::size_t before = m_pos;
      if (at_punct(",")) {
        elements.push_back(k_no_node);
        ++m_pos;
        continue;
      }
      elements.push_back(parse_element_or_spread());
      if (accept_punct(",")) {
        continue;
      }
      if (!at_punct("]")) {
        recover_in_group(close);
      }
      if (m_pos == before) {
        ++m_pos;
      }
    }
    accept_punct("]");
    m_prog.nodes[id].children = std::move(elements);
    finish(id);
    return id;
  }

  NodeId parse_object() {
    const std::size_t first = m_pos;
    const std::size_t close = m_match[m_pos];
    ++m_pos;
    const NodeId id = make(NodeKind::object, first);
    std::vector<Property> properties;
    while (!at_end() && !at_punct("}")) {
      const std::size_t before = m_pos;
      Property property;
      property.key_token = m_pos;
      if (parse_property(property)) {
        property.last_token = last_index();
        properties.push_back(std::move(property));
      }
      if (accept_punct(",")) {
        continue;
      }
      if (!at_punct("}")) {
        recover_in_group(close);
      }
      if (m_pos == before) {
        ++m_pos;
      }
    }
    accept_punct("}");
    m_prog.nodes[id].properties = std::move(properties);
    finish(id);
    return id;
  }

  bool parse_property(Property& property) {
    if (accept_punct("...")) {
      property.kind = PropertyKind::spread;
      property.value = parse_assignment();
      return true;
    }
    if (at_punct("[")) {
      property.kind = PropertyKind::computed;
      skip_group();
      if (accept_punct(":")) {
        property.value = parse_assignment();
      } else if (at_punct("(") || at_punct("<")) {
        property.value = parse_function_rest(m_pos);
      }
      return true;
    }
    // get/set/async/static modifiers before a method name
    while (peek().kind == TokenKind::identifier &&
           (peek().text == "get" || peek().text == "set" || peek().text == "async" || peek().text == "static") &&
           (peek(1).kind == TokenKind::identifier || peek(1).kind == TokenKind::string)) {
      ++m_pos;
    }
    accept_punct("*"); // generator method
    const Token& key = peek();
    if (key.kind != TokenKind::identifier && key.kind != TokenKind::string && key.kind != TokenKind::number) {
      return false;
    }
    property.key = key.text;
    property.key_token = m_pos;
    ++m_pos;
    accept_punct("?");
    if (accept_punct(":")) {
      property.kind = PropertyKind::value;
      property.value = parse_assignment();
      return true;
    }
    if (at_punct("(") || at_punct("<")) {
      property.kind = PropertyKind::method;
      property.value = parse_function_rest(property.key_token);
      return true;
    }
    if (at_punct(",") || at_punct("}") || at_punct("=")) {
      property.kind = PropertyKind::shorthand;
      const NodeId value = make(NodeKind::identifier, property.key_token, property.key);
      property.value = value;
      if (accept_punct("=")) { // `{ a = 1 }` (a pattern, not an object): keep the name
        parse_assignment();
      }
      return true;
    }
    return false;
  }

  // ---- functions ---------------------------------------------------------
  [[nodiscard]] bool arrow_ahead() const {
    std::size_t i = m_pos;
    if (m_tokens[i].is_ident("async") && i + 1 < m_tokens.size() &&
        (m_tokens[i + 1].kind == TokenKind::identifier || m_tokens[i + 1].is_punct("(")) &&
        m_tokens[i + 1].line == m_tokens[i].line) {
      ++i;
    }
    if (i + 1 >= m_tokens.size()) {
      return false;
    }
    if (m_tokens[i].kind == TokenKind::identifier) {
      return m_tokens[i + 1].is_punct("=>");
    }
    if (!m_tokens[i].is_punct("(") || m_match[i] == k_npos) {
      return false;
    }
    const std::size_t after = m_match[i] + 1;
    if (after >= m_tokens.size()) {
      return false;
    }
    if (m_tokens[after].is_punct("=>")) {
      return true;
    }
    if (!m_tokens[after].is_punct(":")) {
      return false;
    }
    // `(t): ReturnType => ...`: the return type ends right before `=>` at
    // this nesting level.
    for (std::size_t j = after + 1; j < m_tokens.size() && j - after < k_max_lookahead; ++j) {
      const Token& t = m_tokens[j];
      if (t.is_punct("=>")) {
        return true;
      }
      if (is_opener(t) && m_match[j] != k_npos) {
        j = m_match[j];
        continue;
      }
      if (is_closer(t) || t.is_punct(";") || t.is_punct(",") || t.is_punct("=") || t.kind == TokenKind::end) {
        return false;
      }
    }
    return false;
  }

  NodeId parse_arrow() {
    const std::size_t first = m_pos;
    if (peek().is_ident("async") && !peek(1).is_punct("=>")) {
      ++m_pos;
    }
    const NodeId id = make(NodeKind::arrow, first);
    std::vector<Param> params;
    if (peek().kind == TokenKind::identifier) {
      params.push_back(Param{peek().text, {}});
      ++m_pos;
    } else {
      params = parse_params();
      if (accept_punct(":")) {
        skip_type();
      }
    }
    accept_punct("=>");
    m_prog.nodes[id].params = std::move(params);
    const NodeId body = at_punct("{") ? parse_block_return() : parse_assignment();
    m_prog.nodes[id].body = body;
    finish(id);
    return id;
  }

  // `(params) [: type] { ... }` after `function [name]` or a method name.
  NodeId parse_function_rest(std::size_t first) {
    const NodeId id = make(NodeKind::arrow, first);
    if (at_punct("<")) {
      skip_type_arguments();
    }
    std::vector<Param> params;
    if (at_punct("(")) {
      params = parse_params();
    }
    if (accept_punct(":")) {
      skip_type();
    }
    m_prog.nodes[id].params = std::move(params);
    if (at_punct("{")) {
      m_prog.nodes[id].body = parse_block_return();
    }
    finish(id);
    return id;
  }

  std::vector<Param> parse_params() {
    std::vector<Param> params;
    const std::size_t close = m_match[m_pos];
    ++m_pos; // (
    while (!at_end() && (close == k_npos || m_pos < close)) {
      const std::size_t before = m_pos;
      accept_punct("...");
      Param param;
      if (peek().kind == TokenKind::identifier) {
        param.name = peek().text;
        ++m_pos;
      } else if (at_punct("{")) {
        param.bindings = parse_object_pattern();
      } else if (at_punct("[")) {
        skip_group();
      }
      params.push_back(std::move(param));
      recover_in_group(close); // skips `?`, `: type` and `= default` up to the next `,`
      if (m_pos == before) {
        ++m_pos;
      }
    }
    if (close != k_npos) {
      m_pos = close + 1;
    }
    return params;
  }

  std::vector<std::pair<std::string, std::string>> parse_object_pattern() {
    std::vector<std::pair<std::string, std::string>> bindings;
    const std::size_t close = m_match[m_pos];
    ++m_pos;
    while (!at_end() && (close == k_npos || m_pos < close)) {
      const std::size_t before = m_pos;
      if (peek().kind == TokenKind::identifier) {
        const std::string prop = peek().text;
        ++m_pos;
        if (at_punct(":") && peek(1).kind == TokenKind::identifier) {
          bindings.emplace_back(peek(1).text, prop);
          m_pos += 2;
        } else {
          bindings.emplace_back(prop, prop);
        }
      }
      recover_in_group(close);
      // An unmatched `{` stops at the first closer without moving: that
      // closer ends the pattern (looping here once hung on garbage).
      if (m_pos == before) {
        break;
      }
    }
    if (close != k_npos) {
      m_pos = close + 1;
    }
    return bindings;
  }

  // A block body: the expression of its first top-level `return`.
  NodeId parse_block_return() {
    const std::size_t open = m_pos;
    const std::size_t close = m_match[open];
    const std::size_t end = close == k_npos ? m_tokens.size() - 1 : close;
    NodeId result = k_no_node;
    for (std::size_t i = open + 1; i < end; ++i) {
      if (m_tokens[i].is_ident("return")) {
        m_pos = i + 1;
        if (!at_punct(";") && !at_punct("}") && !on_new_line()) {
          result = parse_expression();
        }
        break;
      }
      if (is_opener(m_tokens[i]) && m_match[i] != k_npos) {
        i = m_match[i];
      }
    }
    m_pos = close == k_npos ? m_tokens.size() - 1 : close + 1;
    return result;
  }

  Program& m_prog;
  const std::vector<Token>& m_tokens;
  std::vector<std::size_t> m_match;
  std::size_t m_pos = 0;
  int m_depth = 0;
};

} // namespace

Program parse_program(std::string_view source) {
  Program program;
  program.lex = tokenize(source);
  Parser(program).run();
  return program;
}

} // namespace pgadvise::loaders::ts
