#include "loaders/typescript/parser_internal.hpp"

// Arrow functions, function expressions and methods: their parameters and
// the expression a body returns.
namespace pgadvise::loaders::ts::detail {

bool Parser::arrow_ahead() const {
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
  i = after_type_parameters(i); // <T extends Columns>(name: string, columns: T) => ...
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

std::size_t Parser::after_type_parameters(std::size_t i) const {
  if (!m_tokens[i].is_punct("<")) {
    return i;
  }
  int depth = 0;
  for (std::size_t j = i; j < m_tokens.size() && j - i < k_max_lookahead; ++j) {
    const Token& t = m_tokens[j];
    if (t.is_punct("<")) {
      ++depth;
    } else if (t.is_punct(">") && --depth == 0) {
      return j + 1;
    } else if (is_opener(t) && m_match[j] != k_npos) {
      j = m_match[j];
    } else if (is_closer(t) || t.is_punct(";") || t.is_punct("=") || t.kind == TokenKind::end) {
      break;
    }
  }
  return i;
}

NodeId Parser::parse_arrow() {
  const std::size_t first = m_pos;
  if (peek().is_ident("async") && !peek(1).is_punct("=>")) {
    ++m_pos;
  }
  const NodeId id = make(NodeKind::arrow, first);
  m_pos = after_type_parameters(m_pos);
  std::vector<Param> params;
  if (peek().kind == TokenKind::identifier) {
    params.push_back(Param{std::string(peek().text), {}});
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

NodeId Parser::parse_function_rest(std::size_t first) {
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

std::vector<Param> Parser::parse_params() {
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
    accept_punct("?");
    if (accept_punct(":")) {
      skip_type(); // a type's own commas (Record<string, Column>) do not end the parameter
    }
    recover_in_group(close); // skips `= default` up to the next `,`
    if (m_pos == before) {
      ++m_pos;
    }
  }
  if (close != k_npos) {
    m_pos = close + 1;
  }
  return params;
}

std::vector<std::pair<std::string, std::string>> Parser::parse_object_pattern() {
  std::vector<std::pair<std::string, std::string>> bindings;
  const std::size_t close = m_match[m_pos];
  ++m_pos;
  while (!at_end() && (close == k_npos || m_pos < close)) {
    const std::size_t before = m_pos;
    if (peek().kind == TokenKind::identifier) {
      const std::string prop(peek().text);
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

NodeId Parser::parse_block_return() {
  if (m_declarations_only) {
    skip_group(); // where the full reading ends too: past the body's `}`
    return k_no_node;
  }
  const std::size_t open = m_pos;
  const std::size_t close = m_match[open];
  const std::size_t end = close == k_npos ? m_tokens.size() - 1 : close;
  // The returns are read inside the body (m_limit).
  const LimitGuard bounded(m_limit, close == k_npos ? m_limit : close + 1);
  // `if (test) return a;` / `if (test) { return a; }` before the return
  // become `test ? a : ...`; any other return ahead of it (in a loop, a
  // switch, an else) makes the result one the reader cannot evaluate,
  // rather than the last fallback.
  std::vector<std::pair<NodeId, NodeId>> branches;
  bool opaque = false;
  NodeId result = k_no_node;
  for (std::size_t i = open + 1; i < end && !m_over_budget; ++i) {
    if (m_tokens[i].is_ident("return")) {
      m_pos = i + 1;
      if (!at_punct(";") && !at_punct("}") && !on_new_line()) {
        result = parse_expression();
      }
      break;
    }
    if (m_tokens[i].is_ident("if") && i + 1 < end && m_tokens[i + 1].is_punct("(") &&
        m_match[i + 1] != k_npos) {
      const std::size_t paren_close = m_match[i + 1];
      m_pos = i + 2;
      const NodeId test = parse_expression();
      std::size_t after = paren_close + 1;
      const bool braced = after < end && m_tokens[after].is_punct("{") && m_match[after] != k_npos;
      const std::size_t ret = braced ? after + 1 : after;
      if (ret < end && m_tokens[ret].is_ident("return")) {
        m_pos = ret + 1;
        const NodeId value = parse_expression();
        accept_punct(";");
        const bool closed = !braced || m_pos == m_match[after];
        const std::size_t next = braced ? m_match[after] + 1 : m_pos;
        if (closed && !(next < end && m_tokens[next].is_ident("else"))) {
          branches.emplace_back(test, value);
          i = next - 1;
          continue;
        }
        opaque = true; // an if that returns, in a shape not modelled
        if (braced && m_pos > m_match[after]) {
          i = m_pos - 1; // broken code read past the `}`: not scanned again (it doubled each level)
          continue;
        }
      }
      // Otherwise the body is scanned like any block: a return inside it
      // makes the result opaque.
      i = paren_close;
      continue;
    }
    if (is_opener(m_tokens[i]) && m_match[i] != k_npos) {
      for (std::size_t j = i + 1; j < m_match[i]; ++j) {
        opaque = opaque || m_tokens[j].is_ident("return");
      }
      i = m_match[i];
    }
  }
  m_pos = close == k_npos ? m_tokens.size() - 1 : close + 1;
  if (close == k_npos) {
    m_tokens.note(m_pos); // a body left open ends with the file: a read of its end
  }
  if (opaque && result != k_no_node) {
    const NodeId id = make(NodeKind::other, m_prog.nodes[result].first_token, "return?");
    m_prog.nodes[id].last_token = m_prog.nodes[result].last_token;
    return id;
  }
  for (auto it = branches.rbegin(); it != branches.rend() && result != k_no_node; ++it) {
    const NodeId id = make(NodeKind::other, m_prog.nodes[it->first].first_token, "?:");
    m_prog.nodes[id].children = {it->first, it->second, result};
    m_prog.nodes[id].last_token = m_prog.nodes[result].last_token;
    result = id;
  }
  return result;
}

} // namespace pgadvise::loaders::ts::detail
