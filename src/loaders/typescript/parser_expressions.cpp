#include "loaders/typescript/parser_internal.hpp"

#include <array>

// Expressions: operators, calls, member accesses, literals, templates,
// arrays and objects.
namespace pgadvise::loaders::ts::detail {

namespace {

// JavaScript's binary operators with their binding strength: `a !== b && c`
// is `(a !== b) && c`, so a reader that evaluates conditions sees the tree
// JavaScript would.
struct BinaryOperator {
  Spelling spelling;
  int precedence;
};

constexpr std::array<BinaryOperator, 24> k_binary_operators = {{
    {"??", 1},         {"||", 2},  {"&&", 3}, {"|", 4},  {"^", 5},  {"&", 6},  {"==", 7}, {"!=", 7},
    {"===", 7},        {"!==", 7}, {"<", 8},  {">", 8},  {"<=", 8}, {">=", 8}, {"in", 8}, {"<<", 9},
    {"instanceof", 8}, {">>", 9},  {"+", 10}, {"-", 10}, {"*", 11}, {"/", 11}, {"%", 11}, {"**", 12},
}};

// The binding strength of the operator token `t`; 0 when it is none.
int binary_precedence(const Token& t) {
  if (t.kind != TokenKind::punct && t.kind != TokenKind::identifier) {
    return 0;
  }
  for (const BinaryOperator& op : k_binary_operators) {
    if (t.spelling == op.spelling.id) {
      return op.precedence;
    }
  }
  return 0;
}

} // namespace

NodeId Parser::parse_assignment() {
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

NodeId Parser::parse_opaque() {
  const NodeId id = make(NodeKind::other, m_pos);
  if (!stops_expression()) {
    skip_group();
  }
  finish(id);
  return id;
}

NodeId Parser::parse_conditional() {
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

bool Parser::at_binary_operator() const {
  return binary_precedence(peek()) > 0;
}

NodeId Parser::parse_binary() {
  return parse_binary_from(parse_unary(), 0);
}

NodeId Parser::parse_binary_from(NodeId left, int min_precedence) {
  for (int guard = 0; guard < 100000 && at_binary_operator(); ++guard) {
    const Token& op = peek();
    const int precedence = binary_precedence(op);
    if (precedence < min_precedence) {
      break;
    }
    const std::size_t first = m_prog.nodes[left].first_token;
    ++m_pos;
    // `a >> b` arrives as two `>` tokens
    if ((op.is_punct(">") || op.is_punct("<")) && peek().spelling == op.spelling &&
        peek().offset == op.offset + 1) {
      ++m_pos;
    }
    NodeId right = parse_unary();
    for (int inner = 0; inner < 100000 && at_binary_operator() && binary_precedence(peek()) > precedence;
         ++inner) {
      right = parse_binary_from(right, precedence + 1);
    }
    const NodeId id = make(NodeKind::other, first, op.text);
    m_prog.nodes[id].children = {left, right};
    finish(id);
    left = id;
  }
  return left;
}

NodeId Parser::parse_unary() {
  DepthGuard guard(m_depth);
  if (m_depth > k_max_depth) {
    return parse_opaque();
  }
  const Token& t = peek();
  const std::size_t first = m_pos;
  if (t.is_punct("-") || t.is_punct("+") || t.is_punct("!") || t.is_punct("~") || t.is_ident("typeof") ||
      t.is_ident("void") || t.is_ident("await") || t.is_ident("delete")) {
    const std::string op(t.text);
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

NodeId Parser::parse_postfix(NodeId expr) {
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
    } else if ((t.is_punct("?.") && (peek(1).is_punct("(") || peek(1).is_punct("["))) ||
               (t.is_punct("!") && !on_new_line())) {
      ++m_pos; // optional call or index (`?.(`, `?.[`); non-null assertion (`!`)
    } else if (t.is_punct("[") && !on_new_line() && passes_over_group()) {
      const NodeId index = pass_over_group();
      const NodeId id = make(NodeKind::index, first);
      m_prog.nodes[id].children = {expr, index};
      finish(id);
      expr = id;
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
    } else if ((t.is_ident("as") || t.is_ident("satisfies")) && !on_new_line()) {
      ++m_pos;
      skip_type();
    } else {
      break;
    }
  }
  return expr;
}

NodeId Parser::parse_call(NodeKind kind, NodeId callee, std::size_t first) {
  const NodeId id = make(kind, first);
  if (passes_over_group()) {
    m_prog.nodes[id].children = {callee};
    skip_group();
    finish(id);
    return id;
  }
  std::vector<NodeId> children{callee};
  parse_list(")", [&] { children.push_back(parse_element_or_spread()); });
  m_prog.nodes[id].children = std::move(children);
  finish(id);
  return id;
}

NodeId Parser::parse_element_or_spread() {
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

NodeId Parser::parse_template(NodeId tag, std::size_t first) {
  const std::size_t open = m_pos;
  const NodeId id = make(NodeKind::template_literal, first);
  m_prog.nodes[id].tag = tag;
  m_prog.nodes[id].quasis.push_back(std::string(peek().text));
  if (peek().kind == TokenKind::template_full) {
    ++m_pos;
    finish(id);
    return id;
  }
  const std::size_t close = m_match[open];
  if (m_declarations_only && close != k_npos) {
    m_pos = close + 1; // past the tail: the substitutions are not read
    finish(id);
    return id;
  }
  ++m_pos; // head
  std::vector<NodeId> substitutions;
  while (!at_end()) {
    substitutions.push_back(parse_expression());
    // Whatever could not be parsed before the next chunk is skipped.
    while (!at_end() && peek().kind != TokenKind::template_middle &&
           peek().kind != TokenKind::template_tail) {
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
      m_prog.nodes[id].quasis.push_back(std::string(peek().text));
      ++m_pos;
      continue;
    }
    if (peek().kind == TokenKind::template_tail) {
      m_prog.nodes[id].quasis.push_back(std::string(peek().text));
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

NodeId Parser::parse_primary() {
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
    if (t.is_punct("(") && passes_over_group()) {
      return pass_over_group();
    }
    if (t.is_punct("(")) {
      ++m_pos;
      NodeId inner = parse_assignment();
      while (accept_punct(",")) { // comma expression: its value is the last one
        inner = parse_assignment();
      }
      skip_to_closer(")");
      return inner;
    }
    if (t.is_punct("[")) {
      return parse_array();
    }
    if (t.is_punct("{")) {
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

NodeId Parser::parse_identifier_primary() {
  const Token& t = peek();
  const std::size_t first = m_pos;
  if (t.is_ident("true") || t.is_ident("false")) {
    ++m_pos;
    return make(NodeKind::boolean, first, t.text);
  }
  if (t.is_ident("null")) {
    ++m_pos;
    return make(NodeKind::null_value, first);
  }
  if (t.is_ident("new")) {
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
  if (t.is_ident("function")) {
    ++m_pos;
    if (peek().kind == TokenKind::identifier) {
      ++m_pos; // a named function expression
    }
    return parse_function_rest(first);
  }
  if (t.is_ident("class")) {
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

NodeId Parser::parse_array() {
  if (passes_over_group()) {
    return pass_over_group();
  }
  const NodeId id = make(NodeKind::array, m_pos);
  std::vector<NodeId> elements;
  parse_list("]", [&] { elements.push_back(at_punct(",") ? k_no_node : parse_element_or_spread()); });
  m_prog.nodes[id].children = std::move(elements);
  finish(id);
  return id;
}

NodeId Parser::parse_object() {
  if (passes_over_group()) {
    return pass_over_group();
  }
  const NodeId id = make(NodeKind::object, m_pos);
  std::vector<Property> properties;
  parse_list("}", [&] {
    Property property;
    property.key_token = m_pos;
    if (parse_property(property)) {
      property.last_token = last_index();
      properties.push_back(std::move(property));
    }
  });
  m_prog.nodes[id].properties = std::move(properties);
  finish(id);
  return id;
}

bool Parser::parse_property(Property& property) {
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
  while ((peek().is_ident("get") || peek().is_ident("set") || peek().is_ident("async") ||
          peek().is_ident("static")) &&
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

} // namespace pgadvise::loaders::ts::detail
