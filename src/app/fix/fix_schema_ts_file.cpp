#include "app/fix/fix_schema_ts_file.hpp"

#include <algorithm>
#include <map>

// Reading a schema file: its style and where things are.
namespace pgadvise::app {

namespace ts = loaders::ts;
using ts::NodeId;
using ts::NodeKind;

void SchemaTsFile::detect_style() {
  for (const ts::Token& t : m_program.lex.tokens) {
    if (t.kind == ts::TokenKind::string && t.offset < m_src.size()) {
      m_quote = m_src[t.offset];
      break;
    }
  }
  // The file's indentation step: tabs, else the smallest indent of a line.
  std::size_t smallest = 0;
  std::size_t start = 0;
  while (start < m_src.size()) {
    const std::size_t end = line_end(start);
    std::size_t spaces = 0;
    while (start + spaces < end && m_src[start + spaces] == ' ') {
      ++spaces;
    }
    if (start < end && m_src[start] == '\t') {
      m_indent_unit.assign(1, '\t'); // `= "\t"` trips g++ 12's -Wrestrict false positive here
      return;
    }
    // ` * ...` continues a block comment (JSDoc): its one space is not a step.
    const bool comment_line = start + spaces < end && m_src[start + spaces] == '*';
    if (spaces > 0 && start + spaces < end && !comment_line && (smallest == 0 || spaces < smallest)) {
      smallest = spaces;
    }
    start = end + 1;
  }
  if (smallest > 0) {
    m_indent_unit = std::string(std::min<std::size_t>(smallest, 8), ' ');
  }
}

// The rendered entry with the file's quote character for its JavaScript
// strings (text inside template literals, SQL included, is left alone).
std::string SchemaTsFile::styled(std::string_view entry) const {
  if (m_quote != '\'') {
    return std::string(entry);
  }
  std::string out;
  bool in_template = false;
  for (std::size_t i = 0; i < entry.size(); ++i) {
    const char c = entry[i];
    if (c == '`') {
      in_template = !in_template;
      out += c;
    } else if (in_template || c != '"') {
      out += c;
      if (in_template && c == '\\' && i + 1 < entry.size()) {
        out += entry[++i];
      }
    } else {
      out += '\'';
      for (++i; i < entry.size() && entry[i] != '"'; ++i) {
        if (entry[i] == '\\' && i + 1 < entry.size()) {
          if (entry[i + 1] != '"') {
            out += '\\';
          }
          out += entry[++i];
        } else if (entry[i] == '\'') {
          out += "\\'";
        } else {
          out += entry[i];
        }
      }
      out += '\'';
    }
  }
  return out;
}

// The pgTable(...) call (or schema.table(...), pgTable.withRLS(...),
// pg.pgTable(...) through a namespace import, or a table creator's) that declares `table`: the innermost call
// of the initializer's chain with a name and columns, so `pgTable(...).enableRLS()` finds pgTable's.
NodeId SchemaTsFile::table_call(std::string_view table) const {
  for (const ts::Declaration& decl : m_program.declarations) {
    if (decl.name != table || decl.init == ts::k_no_node) {
      continue;
    }
    NodeId found = ts::k_no_node;
    NodeId at = decl.init;
    for (int depth = 0; depth < 64 && at != ts::k_no_node; ++depth) {
      const ts::Node& n = node(at);
      if (n.kind == NodeKind::call) {
        const ts::Node& callee = node(n.children[0]);
        if (n.children.size() >= 3 &&
            (callee.kind == NodeKind::identifier ||
             (callee.kind == NodeKind::member &&
              (callee.text == "table" || callee.text == "withRLS" || callee.text == "pgTable")))) {
          found = at;
        }
        at = n.children[0];
      } else if (n.kind == NodeKind::member) {
        at = n.children.empty() ? ts::k_no_node : n.children[0];
      } else {
        break;
      }
    }
    return found;
  }
  return ts::k_no_node;
}

NodeId SchemaTsFile::shared_columns(std::string_view name) const {
  const auto object_of = [&](NodeId value) {
    if (value != ts::k_no_node && node(value).kind == NodeKind::arrow) {
      value = node(value).body; // () => ({ ... })
    }
    return value != ts::k_no_node && node(value).kind == NodeKind::object ? value : ts::k_no_node;
  };
  for (const ts::Declaration& decl : m_program.declarations) {
    if (decl.name == name && !decl.rest) {
      return object_of(decl.init);
    }
  }
  for (const ts::NamedStatement& statement : m_program.statements) {
    if (statement.name == name && statement.function != ts::k_no_node) {
      return object_of(statement.function);
    }
  }
  return ts::k_no_node;
}

std::string SchemaTsFile::pg_core_namespace() const {
  std::string space;
  for (const ts::Import& import : m_program.imports) {
    if (import.module != "drizzle-orm/pg-core") {
      continue;
    }
    if (import.imported != "*") {
      return {}; // a named import: new names join it
    }
    space = import.local;
  }
  return space;
}

// The base call of a builder chain: `index("x")` in `index("x").on(t.a).where(...)`.
std::optional<std::string> SchemaTsFile::built_name(NodeId expression) const {
  NodeId at = expression;
  for (int depth = 0; depth < 64 && at != ts::k_no_node; ++depth) {
    const ts::Node& n = node(at);
    if (n.kind == NodeKind::call) {
      if (node(n.children[0]).kind == NodeKind::identifier) {
        if (n.children.size() >= 2 && node(n.children[1]).kind == NodeKind::string) {
          return node(n.children[1]).text;
        }
        return std::nullopt;
      }
      at = n.children[0];
    } else if (n.kind == NodeKind::member && !n.children.empty()) {
      at = n.children[0];
    } else {
      break;
    }
  }
  return std::nullopt;
}

// The function a builder chain starts with (`jsonb` in `jsonb("c").notNull()`).
std::string SchemaTsFile::builder_of(NodeId expression) const {
  NodeId at = expression;
  for (int depth = 0; depth < 64 && at != ts::k_no_node; ++depth) {
    const ts::Node& n = node(at);
    if (n.kind == NodeKind::identifier) {
      return n.text;
    }
    if ((n.kind == NodeKind::call || n.kind == NodeKind::member) && !n.children.empty()) {
      at = n.children[0];
    } else {
      break;
    }
  }
  return {};
}

std::size_t SchemaTsFile::builder_token(NodeId expression) const {
  NodeId at = expression;
  for (int depth = 0; depth < 64 && at != ts::k_no_node; ++depth) {
    const ts::Node& n = node(at);
    if (n.kind == NodeKind::identifier) {
      return n.first_token;
    }
    if (n.kind == NodeKind::call && !n.children.empty()) {
      const ts::Node& callee = node(n.children[0]);
      // `t.json()` (the columns callback's builders) or `pg.json()` (a
      // namespace import): the member's name is the builder.
      if (callee.kind == NodeKind::member && !callee.children.empty() &&
          node(callee.children[0]).kind == NodeKind::identifier) {
        return callee.name_token;
      }
      at = n.children[0];
    } else if (n.kind == NodeKind::member && !n.children.empty()) {
      at = n.children[0];
    } else {
      break;
    }
  }
  return k_no_token;
}

std::size_t SchemaTsFile::uses_of(std::string_view name, const std::set<std::size_t>& except) const {
  const std::vector<ts::Token>& tokens = m_program.lex.tokens;
  std::size_t count = 0;
  bool in_import = false;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const ts::Token& t = tokens[i];
    if (t.is_ident("import") && (i == 0 || !tokens[i - 1].is_punct("."))) {
      in_import = true;
    } else if (in_import && (t.kind == ts::TokenKind::string || t.is_punct(";"))) {
      in_import = false;
      continue;
    }
    if (in_import || !t.is_named(name) || except.count(i) > 0) {
      continue;
    }
    const bool member = i > 0 && (tokens[i - 1].is_punct(".") || tokens[i - 1].is_punct("?."));
    const bool key = i + 1 < tokens.size() && tokens[i + 1].is_punct(":") && i > 0 &&
                     (tokens[i - 1].is_punct("{") || tokens[i - 1].is_punct(","));
    if (!member && !key) {
      ++count;
    }
  }
  return count;
}

SchemaTsFile::ListShape SchemaTsFile::list_of(NodeId list) const {
  const ts::Node& n = node(list);
  ListShape shape;
  shape.open = n.first_token;
  shape.close = n.last_token;
  shape.object = n.kind == NodeKind::object;
  if (n.kind == NodeKind::array) {
    for (NodeId child : n.children) {
      if (child != ts::k_no_node) {
        shape.items.emplace_back(node(child).first_token, node(child).last_token);
      }
    }
  } else {
    for (const ts::Property& property : n.properties) {
      shape.items.emplace_back(property.key_token, property.last_token);
    }
  }
  return shape;
}

// The parameter name for a new extra-config callback on the table `call`
// builds: the table's own variable when the file names each callback's
// parameter after its table (`(credentials) => ({...})` in `credentials`,
// as interval.so does), else the name the file's callbacks use most (`t` in
// `(t) => [...]`), else "table", as drizzle-orm's documentation writes it.
// Another table's name would read as a reference to that table.
std::string SchemaTsFile::callback_param(NodeId call) const {
  std::map<std::string, int> counts;
  int own = 0; // callbacks whose parameter is their table's variable
  std::string variable;
  for (const ts::Declaration& decl : m_program.declarations) {
    const NodeId declared = table_call(decl.name);
    if (declared == call) {
      variable = decl.name;
    }
    if (declared == ts::k_no_node || node(declared).children.size() < 4) {
      continue;
    }
    const ts::Node& callback = node(node(declared).children[3]);
    if (callback.kind == NodeKind::arrow && callback.params.size() == 1 && !callback.params[0].name.empty()) {
      if (callback.params[0].name == decl.name) {
        ++own;
      } else {
        ++counts[callback.params[0].name];
      }
    }
  }
  std::string best = "table";
  int most = 0;
  for (const auto& [name, count] : counts) {
    if (count > most) {
      best = name;
      most = count;
    }
  }
  return own > 0 && own >= most && !variable.empty() ? variable : best;
}

} // namespace pgadvise::app
