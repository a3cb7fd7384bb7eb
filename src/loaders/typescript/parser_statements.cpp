#include "loaders/typescript/parser_internal.hpp"

#include <array>

// Top-level statements: imports, exports and `const` declarations; any other
// statement is skipped.
namespace pgadvise::loaders::ts::detail {

namespace {

constexpr std::array<Spelling, 15> k_statement_keywords = {
    "export",    "import", "const",   "let",   "var",      "function",  "class", "type",
    "interface", "enum",   "declare", "async", "abstract", "namespace", "module"};

} // namespace

bool Parser::starts_statement(const Token& t) const {
  if (t.kind != TokenKind::identifier) {
    return false;
  }
  for (Spelling keyword : k_statement_keywords) {
    if (t.spelling == keyword.id) {
      return true;
    }
  }
  return false;
}

void Parser::skip_statement() {
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

void Parser::parse_statement() {
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
    if (next.is_ident("default")) {
      parse_default_export(first);
      return;
    }
    if (next.is_punct("=")) {
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
  const std::size_t count = m_prog.statements.size();
  record_named_statement(exported, false, first);
  if (m_prog.statements.size() > count && m_prog.statements.back().kind == StatementKind::function) {
    parse_function_statement(count);
    return;
  }
  skip_statement();
}

void Parser::parse_function_statement(std::size_t statement) {
  m_pos = m_prog.statements[statement].name_token + 1;
  const NodeId function = parse_function_rest(m_prog.statements[statement].first_token);
  m_prog.statements[statement].function = function;
  // An overload's signature (`function f(a: string): string;`) has no body.
  if (!accept_punct(";") && !at_end() && !on_new_line()) {
    skip_statement();
  }
}

void Parser::record_named_statement(bool exported, bool default_export, std::size_t first) {
  std::size_t at = m_pos;
  // Modifiers before the keyword: `declare`, `async`, `abstract`, `const enum`.
  while (m_tokens[at].is_ident("declare") || m_tokens[at].is_ident("async") ||
         m_tokens[at].is_ident("abstract") ||
         (m_tokens[at].is_ident("const") && m_tokens[at + 1].is_ident("enum"))) {
    ++at;
  }
  const Token& keyword = m_tokens[at];
  StatementKind kind = StatementKind::function;
  if (keyword.is_ident("class")) {
    kind = StatementKind::class_declaration;
  } else if (keyword.is_ident("enum")) {
    kind = StatementKind::enumeration;
  } else if (!keyword.is_ident("function")) {
    return;
  }
  std::size_t name = at + 1;
  if (m_tokens[name].is_punct("*")) {
    ++name; // function*
  }
  if (m_tokens[name].kind != TokenKind::identifier || m_tokens[name].is_ident("extends") ||
      m_tokens[name].is_ident("implements")) {
    if (default_export) {
      m_prog.statements.push_back(NamedStatement{"default", kind, true, true, at, first});
    }
    return;
  }
  m_prog.statements.push_back(
      NamedStatement{std::string(m_tokens[name].text), kind, exported, default_export, name, first});
}

void Parser::parse_default_export(std::size_t first) {
  m_pos += 2; // export default
  const Token& t = peek();
  if (t.kind == TokenKind::identifier &&
      (peek(1).is_punct(";") || peek(1).kind == TokenKind::end || m_tokens[m_pos + 1].line > t.end_line)) {
    if (!t.is_ident("function") && !t.is_ident("class")) {
      m_prog.default_export = t.text;
      ++m_pos;
      accept_punct(";");
      return;
    }
  }
  const std::size_t count = m_prog.statements.size();
  record_named_statement(true, true, first);
  if (m_prog.statements.size() == count && !at_end()) {
    m_prog.default_expression = true;
    m_prog.default_expression_token = m_pos;
  }
  skip_statement();
}

void Parser::parse_import() {
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
      found.push_back(Import{std::string(peek(2).text), "*", {}});
      m_pos += 3;
    } else if (t.is_punct("{")) {
      parse_import_names(found);
    } else if (t.kind == TokenKind::identifier) {
      found.push_back(Import{std::string(t.text), "default", {}});
      ++m_pos;
    } else {
      ++m_pos;
    }
  }
  accept_ident("from");
  if (peek().kind == TokenKind::string) {
    for (Import& import : found) {
      import.module = peek().text;
      import.token = start;
      m_prog.imports.push_back(std::move(import));
    }
    ++m_pos;
  }
  accept_punct(";");
}

void Parser::parse_import_names(std::vector<Import>& found) {
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
      std::string imported(t.text);
      std::string local(t.text);
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

void Parser::parse_export_list() {
  ReExport re_export;
  re_export.token = m_pos;
  ++m_pos; // export
  if (at_punct("{")) {
    const std::size_t close = m_match[m_pos];
    ++m_pos;
    // `name [as alias]` items; `type X` items are types, not values.
    while (!at_end() && (close == k_npos || m_pos < close)) {
      if (peek().is_ident("type") &&
          (peek(1).kind == TokenKind::identifier || peek(1).kind == TokenKind::string) &&
          !peek(1).is_ident("as")) {
        m_pos += 2;
        if (accept_ident("as")) {
          ++m_pos;
        }
        continue;
      }
      const Token& t = peek();
      if (t.kind == TokenKind::identifier || t.kind == TokenKind::string) {
        ExportName name{std::string(t.text), std::string(t.text)};
        ++m_pos;
        if (accept_ident("as") &&
            (peek().kind == TokenKind::identifier || peek().kind == TokenKind::string)) {
          name.exported = peek().text;
          ++m_pos;
        }
        re_export.names.push_back(std::move(name));
        continue;
      }
      ++m_pos;
    }
    if (close != k_npos) {
      m_pos = close + 1;
    }
  } else {
    ++m_pos; // *
    re_export.star = true;
    if (accept_ident("as") && (peek().kind == TokenKind::identifier || peek().kind == TokenKind::string)) {
      re_export.namespace_name = peek().text;
      ++m_pos;
    }
  }
  if (accept_ident("from") && peek().kind == TokenKind::string) {
    re_export.module = peek().text;
    m_prog.re_exports.push_back(std::move(re_export));
    ++m_pos;
  } else {
    for (ExportName& name : re_export.names) {
      m_prog.export_names.push_back(name.local);
      m_prog.export_list.push_back(std::move(name));
    }
  }
  accept_punct(";");
}

void Parser::parse_declarators(bool exported, std::size_t first) {
  while (!at_end()) {
    Declaration decl;
    decl.exported = exported;
    decl.first_token = first;
    std::vector<std::pair<std::size_t, std::size_t>> bindings; // (key token, local token)
    if (peek().kind == TokenKind::identifier) {
      decl.name = peek().text;
      decl.name_token = m_pos;
      ++m_pos;
    } else if (at_punct("{")) {
      read_rest_pattern(decl, bindings); // `{ id, name: label, ...rest }`: each is a name
    } else if (at_punct("[")) {
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
    // `const { id, createdAt } = baseColumns`: `id` is `baseColumns.id`.
    for (const auto& [key, local] : decl.init != k_no_node ? bindings : decltype(bindings){}) {
      const NodeId member = make(NodeKind::member, m_prog.nodes[decl.init].first_token, m_tokens[key].text);
      m_prog.nodes[member].children = {decl.init};
      m_prog.nodes[member].name_token = key;
      m_prog.nodes[member].last_token = m_prog.nodes[decl.init].last_token;
      Declaration binding;
      binding.name = m_tokens[local].text;
      binding.init = member;
      binding.exported = exported;
      binding.name_token = local;
      binding.first_token = first;
      binding.last_token = decl.last_token;
      m_prog.declarations.push_back(std::move(binding));
    }
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

// `{ a, b: c, ...rest }` of a declaration: `rest` and the keys before it,
// and each plain binding's (key, local) tokens (`a`, `c`: a nested pattern
// or a computed key binds nothing); the pattern is skipped whole either way.
void Parser::read_rest_pattern(Declaration& decl,
                               std::vector<std::pair<std::size_t, std::size_t>>& bindings) {
  const std::size_t close = m_match[m_pos];
  std::vector<std::string> keys;
  for (std::size_t i = m_pos + 1; close != k_npos && i < close; ++i) {
    const Token& t = m_tokens[i];
    const bool starts_entry = m_tokens[i - 1].is_punct("{") || m_tokens[i - 1].is_punct(",");
    if (starts_entry && t.is_punct("...") && i + 2 == close &&
        m_tokens[i + 1].kind == TokenKind::identifier) {
      decl.name = m_tokens[i + 1].text;
      decl.name_token = i + 1;
      decl.rest = true;
      m_prog.rest_omits[decl.name] = std::move(keys);
      break;
    }
    if (starts_entry && (t.kind == TokenKind::identifier || t.kind == TokenKind::string)) {
      keys.push_back(std::string(t.text));
      const Token& next = m_tokens[i + 1];
      if (t.kind == TokenKind::identifier && (next.is_punct(",") || next.is_punct("=") || i + 1 == close)) {
        bindings.emplace_back(i, i); // `{ id }`, `{ id = x }`
      } else if (next.is_punct(":") && i + 2 < close && m_tokens[i + 2].kind == TokenKind::identifier &&
                 (m_tokens[i + 3].is_punct(",") || m_tokens[i + 3].is_punct("=") || i + 3 == close)) {
        bindings.emplace_back(i, i + 2); // `{ name: label }`
      }
    } else if (starts_entry) {
      break; // a computed key: which keys the rest lacks is not known
    }
    if (is_opener(t) && m_match[i] != k_npos) {
      i = m_match[i]; // a default's or nested pattern's group
    }
  }
  skip_group();
}

} // namespace pgadvise::loaders::ts::detail
