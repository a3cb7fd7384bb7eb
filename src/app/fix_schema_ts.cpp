#include "app/fix_schema_ts.hpp"

#include "core/text.hpp"
#include "loaders/typescript/parser.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <set>

namespace pgadvise::app {

namespace {

namespace ts = loaders::ts;
using ts::NodeId;
using ts::NodeKind;

// Past this width a one-line list is broken into one entry per line, as
// Prettier (whose default is 80) would print it.
constexpr std::size_t k_max_width = 80;

// A bracketed list in the file: an array, an object's properties or an
// import's named specifiers, each item as its first and last token.
struct ListShape {
  std::size_t open = 0;  // token of `[`, `{`
  std::size_t close = 0; // token of `]`, `}`
  std::vector<std::pair<std::size_t, std::size_t>> items;
  bool object = false; // `{ a }` is written with spaces inside, `[a]` without
};

class SchemaFile {
public:
  explicit SchemaFile(std::string_view source) : m_src(source), m_program(ts::parse_program(source)) {
    detect_style();
  }

  SchemaEditPlan plan(const std::vector<SchemaEdit>& requests);

private:
  // ---- text positions ----
  [[nodiscard]] const ts::Token& tok(std::size_t i) const { return m_program.token(i); }
  [[nodiscard]] std::size_t begin_of(std::size_t token) const { return tok(token).offset; }
  [[nodiscard]] std::size_t end_of(std::size_t token) const { return tok(token).offset + tok(token).length; }
  [[nodiscard]] std::size_t line_start(std::size_t offset) const {
    if (offset == 0) {
      return 0;
    }
    const std::size_t nl = m_src.rfind('\n', offset - 1);
    return nl == std::string_view::npos ? 0 : nl + 1;
  }
  [[nodiscard]] std::size_t line_end(std::size_t offset) const {
    const std::size_t nl = m_src.find('\n', offset);
    return nl == std::string_view::npos ? m_src.size() : nl;
  }
  [[nodiscard]] std::string indent_at(std::size_t offset) const {
    const std::size_t start = line_start(offset);
    std::size_t end = start;
    while (end < m_src.size() && (m_src[end] == ' ' || m_src[end] == '\t')) {
      ++end;
    }
    return std::string(m_src.substr(start, end - start));
  }
  [[nodiscard]] bool first_on_line(std::size_t token) const {
    return core::trim(
               m_src.substr(line_start(begin_of(token)), begin_of(token) - line_start(begin_of(token))))
        .empty();
  }
  [[nodiscard]] std::string_view text_of(std::size_t first, std::size_t last) const {
    return m_src.substr(begin_of(first), end_of(last) - begin_of(first));
  }

  void detect_style();
  [[nodiscard]] std::string styled(std::string_view entry) const;

  // ---- the tree ----
  [[nodiscard]] const ts::Node& node(NodeId id) const { return m_program.node(id); }
  [[nodiscard]] NodeId table_call(std::string_view table) const;
  [[nodiscard]] std::string callback_param() const;
  [[nodiscard]] std::optional<std::string> built_name(NodeId expression) const;
  [[nodiscard]] std::string builder_of(NodeId expression) const;
  [[nodiscard]] ListShape list_of(NodeId list) const;

  // ---- edits ----
  void append_items(const ListShape& list, const std::vector<std::string>& items,
                    std::vector<core::TextEdit>& edits) const;
  core::TextEdit remove_item(const ListShape& list, std::size_t index) const;
  void add_callback(NodeId call, const std::vector<std::string>& entries,
                    std::vector<core::TextEdit>& edits) const;
  void add_imports(const std::string& module, const std::set<std::string>& names,
                   std::vector<core::TextEdit>& edits) const;

  std::string_view m_src;
  ts::Program m_program;
  char m_quote = '"';
  std::string m_indent_unit = "  ";
};

void SchemaFile::detect_style() {
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
      m_indent_unit = "\t";
      return;
    }
    if (spaces > 0 && start + spaces < end && (smallest == 0 || spaces < smallest)) {
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
std::string SchemaFile::styled(std::string_view entry) const {
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

// The pgTable(...) call (or schema.table(...), or a table creator's) that
// declares `table`: the innermost call of the initializer's chain with a
// name and columns, so `pgTable(...).enableRLS()` finds pgTable's.
NodeId SchemaFile::table_call(std::string_view table) const {
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
        if (n.children.size() >= 3 && (callee.kind == NodeKind::identifier ||
                                       (callee.kind == NodeKind::member && callee.text == "table"))) {
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

// The base call of a builder chain: `index("x")` in `index("x").on(t.a).where(...)`.
std::optional<std::string> SchemaFile::built_name(NodeId expression) const {
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
std::string SchemaFile::builder_of(NodeId expression) const {
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

ListShape SchemaFile::list_of(NodeId list) const {
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

// New items at the end of a list, laid out as the list already is: one per
// line (with the list's trailing-comma habit) or inline, broken into lines
// when an inline list grows past the width.
void SchemaFile::append_items(const ListShape& list, const std::vector<std::string>& items,
                              std::vector<core::TextEdit>& edits) const {
  const int open_line = tok(list.open).line;
  const int close_line = tok(list.close).line;
  const std::string open_indent = indent_at(begin_of(list.open));
  if (list.items.empty()) {
    if (open_line != close_line && first_on_line(list.close)) {
      std::string text;
      for (const std::string& item : items) {
        text += indent_at(begin_of(list.close)) + m_indent_unit + item + ",\n";
      }
      edits.push_back({line_start(begin_of(list.close)), 0, text});
      return;
    }
    const std::string inline_text = core::join(items, ", ");
    const std::size_t width = (begin_of(list.open) - line_start(begin_of(list.open))) + 1 +
                              inline_text.size() + (line_end(begin_of(list.close)) - begin_of(list.close));
    if (width <= k_max_width) {
      const std::string pad = list.object ? " " : "";
      edits.push_back({end_of(list.open), begin_of(list.close) - end_of(list.open), pad + inline_text + pad});
      return;
    }
    std::string text = "\n";
    for (const std::string& item : items) {
      text += open_indent + m_indent_unit + item + ",\n";
    }
    edits.push_back({end_of(list.open), begin_of(list.close) - end_of(list.open), text + open_indent});
    return;
  }
  const std::size_t last = list.items.back().second;
  const bool trailing_comma = last + 1 < list.close && tok(last + 1).is_punct(",");
  const int last_line = tok(last).end_line;
  if (close_line > last_line) { // one item per line
    const std::string indent = indent_at(begin_of(list.items.back().first));
    if (trailing_comma && first_on_line(list.close)) {
      std::string text;
      for (const std::string& item : items) {
        text += indent + item + ",\n";
      }
      edits.push_back({line_start(begin_of(list.close)), 0, text});
    } else if (trailing_comma) { // `a, // note` or `a, ]`: after the comma
      std::string text;
      for (const std::string& item : items) {
        text += "\n" + indent + item + ",";
      }
      edits.push_back({end_of(last + 1), 0, text});
    } else {
      std::string text;
      for (const std::string& item : items) {
        text += ",\n" + indent + item;
      }
      edits.push_back({end_of(last), 0, text});
    }
    return;
  }
  // Inline: `[a, b]`.
  const std::string added = core::join(items, ", ");
  const std::size_t width =
      line_end(begin_of(list.close)) - line_start(begin_of(list.close)) + 2 + added.size();
  if (open_line == close_line && width > k_max_width) {
    std::string text = "\n";
    for (const auto& [first, item_last] : list.items) {
      text += open_indent + m_indent_unit + std::string(text_of(first, item_last)) + ",\n";
    }
    for (const std::string& item : items) {
      text += open_indent + m_indent_unit + item + ",\n";
    }
    edits.push_back({end_of(list.open), begin_of(list.close) - end_of(list.open), text + open_indent});
    return;
  }
  if (trailing_comma) {
    edits.push_back({end_of(last + 1), 0, " " + added + ","});
  } else {
    edits.push_back({end_of(last), 0, ", " + added});
  }
}

// Deletes item `index`: its whole lines when it has them to itself, else
// the item and the comma that separates it.
core::TextEdit SchemaFile::remove_item(const ListShape& list, std::size_t index) const {
  const auto [first, last] = list.items[index];
  std::size_t after = last;
  if (last + 1 < list.close && tok(last + 1).is_punct(",")) {
    after = last + 1;
  }
  const std::size_t end = end_of(after);
  const std::size_t rest_end = line_end(end);
  const std::string_view rest = core::trim(m_src.substr(end, rest_end - end));
  const bool next_on_same_line = tok(after + 1).line == tok(after).end_line;
  if (first_on_line(first) && !next_on_same_line && (rest.empty() || rest.rfind("//", 0) == 0)) {
    const std::size_t start = line_start(begin_of(first));
    const std::size_t stop = std::min(m_src.size(), rest_end + 1);
    return {start, stop - start, ""};
  }
  if (after != last) { // `a, ` -> up to the next item
    const std::size_t stop = begin_of(after + 1);
    return {begin_of(first), stop - begin_of(first), ""};
  }
  if (index > 0) { // the last item: from the end of the one before
    const std::size_t start = end_of(list.items[index - 1].second);
    return {start, end_of(last) - start, ""};
  }
  return {begin_of(first), end_of(last) - begin_of(first), ""};
}

// The parameter name the file's extra-config callbacks use most (`t` in
// `(t) => [...]`); "table", as drizzle-orm's documentation writes it, when
// the file has none.
std::string SchemaFile::callback_param() const {
  std::map<std::string, int> counts;
  for (const ts::Declaration& decl : m_program.declarations) {
    const NodeId call = table_call(decl.name);
    if (call == ts::k_no_node || node(call).children.size() < 4) {
      continue;
    }
    const ts::Node& callback = node(node(call).children[3]);
    if (callback.kind == NodeKind::arrow && callback.params.size() == 1 && !callback.params[0].name.empty()) {
      ++counts[callback.params[0].name];
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
  return best;
}

// A table without an extra-config callback gets one after its columns,
// `(table) => [ ... ]`, in the layout of drizzle-orm's documentation, with
// the parameter name the file's other callbacks use.
void SchemaFile::add_callback(NodeId call, const std::vector<std::string>& given,
                              std::vector<core::TextEdit>& edits) const {
  const std::string param = callback_param();
  std::vector<std::string> entries = given;
  if (param != "table") {
    // The entries were rendered for `table`: `table.x` and `${table.x}` become `t.x`.
    for (std::string& entry : entries) {
      for (std::size_t at = entry.find("table."); at != std::string::npos;
           at = entry.find("table.", at + 1)) {
        const char before = at == 0 ? ' ' : entry[at - 1];
        if (std::isalnum(static_cast<unsigned char>(before)) == 0 && before != '_' && before != '$' &&
            before != '.' && before != '"' && before != '\'') {
          entry.replace(at, 5, param);
        }
      }
    }
  }
  const ts::Node& n = node(call);
  const NodeId columns = n.children[2];
  const std::size_t columns_last = node(columns).last_token;
  const bool comma_after = tok(columns_last + 1).is_punct(",");
  if (comma_after && tok(n.last_token).line > tok(columns_last).end_line) {
    // Arguments one per line: `pgTable(\n  "t",\n  {...},\n);`
    const std::string indent = indent_at(begin_of(node(columns).first_token));
    std::string text = "\n" + indent + "(" + param + ") => [\n";
    for (const std::string& entry : entries) {
      text += indent + m_indent_unit + entry + ",\n";
    }
    edits.push_back({end_of(columns_last + 1), 0, text + indent + "],"});
    return;
  }
  const std::string indent = indent_at(begin_of(columns_last));
  std::string text = ", (" + param + ") => [\n";
  for (const std::string& entry : entries) {
    text += indent + m_indent_unit + entry + ",\n";
  }
  edits.push_back({end_of(columns_last), 0, text + indent + "]"});
}

// `names` joined to the file's named import from `module` (in their sorted
// place when the list is sorted), or a new import after the last one.
void SchemaFile::add_imports(const std::string& module, const std::set<std::string>& names,
                             std::vector<core::TextEdit>& edits) const {
  const std::vector<ts::Token>& tokens = m_program.lex.tokens;
  std::set<std::string> missing = names;
  for (const ts::Import& import : m_program.imports) {
    missing.erase(import.local);
  }
  if (missing.empty()) {
    return;
  }
  std::optional<ListShape> list;
  std::size_t last_import_end = 0;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!tokens[i].is_ident("import") || (i > 0 && tokens[i - 1].is_punct("."))) {
      continue;
    }
    std::size_t j = i + 1;
    std::size_t k = j;
    while (k < tokens.size() && !tokens[k].is_ident("from") && !tokens[k].is_punct(";") &&
           tokens[k].kind != ts::TokenKind::end && k - i < 400) {
      ++k;
    }
    if (k + 1 >= tokens.size() || !tokens[k].is_ident("from") ||
        tokens[k + 1].kind != ts::TokenKind::string) {
      continue;
    }
    last_import_end = end_of(k + 1 < tokens.size() && tokens[k + 2].is_punct(";") ? k + 2 : k + 1);
    if (tokens[k + 1].text != module || list) {
      continue;
    }
    while (j < k && !tokens[j].is_punct("{")) {
      ++j;
    }
    if (j >= k || !tokens[k - 1].is_punct("}") || (i + 1 < tokens.size() && tokens[i + 1].is_ident("type"))) {
      continue;
    }
    ListShape shape;
    shape.open = j;
    shape.close = k - 1;
    std::size_t start = j + 1;
    for (std::size_t t = j + 1; t <= k - 1; ++t) {
      if (tokens[t].is_punct(",") || t == k - 1) {
        if (t > start) {
          shape.items.emplace_back(start, t - 1);
        }
        start = t + 1;
      }
    }
    list = shape;
  }
  const std::vector<std::string> adding(missing.begin(), missing.end());
  if (!list) {
    const std::string q(1, m_quote);
    const std::string line = "import { " + core::join(adding, ", ") + " } from " + q + module + q + ";";
    if (last_import_end == 0) {
      edits.push_back({0, 0, line + "\n"});
    } else {
      edits.push_back({last_import_end, 0, "\n" + line});
    }
    return;
  }
  // The local name of each specifier (`b` in `a as b`).
  std::vector<std::string> locals;
  for (const auto& [first, last] : list->items) {
    locals.push_back(tok(last).text);
  }
  const bool sorted = std::is_sorted(locals.begin(), locals.end());
  const bool one_per_line =
      tok(list->close).line > tok(list->items.empty() ? list->open : list->items.back().second).end_line;
  std::vector<std::string> at_end;
  for (const std::string& name : adding) {
    const auto before = sorted ? std::upper_bound(locals.begin(), locals.end(), name) : locals.end();
    if (before == locals.end()) {
      at_end.push_back(name);
      continue;
    }
    const std::size_t item_first = list->items[static_cast<std::size_t>(before - locals.begin())].first;
    if (one_per_line && first_on_line(item_first)) {
      edits.push_back({line_start(begin_of(item_first)), 0, indent_at(begin_of(item_first)) + name + ",\n"});
    } else {
      edits.push_back({begin_of(item_first), 0, name + ", "});
    }
  }
  if (!at_end.empty()) {
    append_items(*list, at_end, edits);
  }
}

SchemaEditPlan SchemaFile::plan(const std::vector<SchemaEdit>& requests) {
  SchemaEditPlan plan;
  // Requests grouped by table, in the order given.
  std::vector<std::string> order;
  std::map<std::string, std::vector<const SchemaEdit*>> by_table;
  for (const SchemaEdit& request : requests) {
    if (by_table.count(request.table) == 0) {
      order.push_back(request.table);
    }
    by_table[request.table].push_back(&request);
  }
  std::map<std::string, std::set<std::string>> imports; // module -> names
  for (const std::string& table : order) {
    const NodeId call = table_call(table);
    if (call == ts::k_no_node) {
      for (const SchemaEdit* request : by_table[table]) {
        plan.problems.push_back("no pgTable declaration of `" + table + "` to put " + request->name + " in");
      }
      continue;
    }
    const ts::Node& call_node = node(call);
    NodeId columns = call_node.children[2];
    if (node(columns).kind == NodeKind::arrow) {
      columns = node(columns).body; // pgTable("t", (t) => ({ ... }))
    }
    // The extra-config callback's list: its array, or its object (the older form).
    NodeId config_list = ts::k_no_node;
    bool has_callback = call_node.children.size() >= 4;
    if (has_callback) {
      const ts::Node& callback = node(call_node.children[3]);
      if (callback.kind == NodeKind::arrow && callback.body != ts::k_no_node &&
          (node(callback.body).kind == NodeKind::array || node(callback.body).kind == NodeKind::object)) {
        config_list = callback.body;
      }
    }
    const bool object_form = config_list != ts::k_no_node && node(config_list).kind == NodeKind::object;
    std::vector<std::string> adds;
    std::set<std::size_t> removed;
    ListShape list;
    if (config_list != ts::k_no_node) {
      list = list_of(config_list);
    }
    auto item_value = [&](std::size_t i) -> NodeId {
      const ts::Node& l = node(config_list);
      if (object_form) {
        return l.properties[i].value;
      }
      std::size_t seen = 0;
      for (NodeId child : l.children) {
        if (child != ts::k_no_node && seen++ == i) {
          return child;
        }
      }
      return ts::k_no_node;
    };
    auto find_item = [&](const std::string& name) -> std::optional<std::size_t> {
      for (std::size_t i = 0; i < list.items.size(); ++i) {
        const NodeId value = item_value(i);
        if (value != ts::k_no_node && built_name(value) == name) {
          return i;
        }
      }
      return std::nullopt;
    };
    for (const SchemaEdit* request : by_table[table]) {
      switch (request->kind) {
      case SchemaEditKind::add_index: {
        if (config_list != ts::k_no_node && find_item(request->name)) {
          plan.already_done.push_back(table + ": " + request->name + " is already declared");
          break;
        }
        if (has_callback && config_list == ts::k_no_node) {
          plan.problems.push_back(table +
                                  ": its extra-config callback is not `(t) => [...]` or `(t) => ({...})`, "
                                  "so " +
                                  request->name + " was not added; add " + request->entry + " by hand");
          break;
        }
        const std::string entry = styled(request->entry);
        adds.push_back(object_form ? core::snake_to_camel(request->name) + ": " + entry : entry);
        const std::string builder = request->entry.substr(0, request->entry.find('('));
        imports["drizzle-orm/pg-core"].insert(builder);
        if (request->entry.find("sql`") != std::string::npos) {
          imports["drizzle-orm"].insert("sql");
        }
        break;
      }
      case SchemaEditKind::remove_index: {
        const auto found = config_list != ts::k_no_node ? find_item(request->name) : std::nullopt;
        if (!found) {
          plan.already_done.push_back(table + ": " + request->name + " is not declared (already removed)");
          break;
        }
        if (removed.insert(*found).second) {
          plan.edits.push_back(remove_item(list, *found));
        }
        break;
      }
      case SchemaEditKind::replace_column: {
        if (node(columns).kind != NodeKind::object) {
          plan.problems.push_back(table + ": its columns are not an object literal, so " + request->name +
                                  " was not changed");
          break;
        }
        const ts::Property* property = nullptr;
        for (const ts::Property& p : node(columns).properties) {
          if (p.kind == ts::PropertyKind::value && p.key == request->name) {
            property = &p;
          }
        }
        if (property == nullptr) {
          plan.problems.push_back(table + ": no column `" + request->name + "` in its declaration");
          break;
        }
        const std::string entry = styled(request->entry);
        const std::string wanted = entry.substr(0, entry.find('('));
        if (builder_of(property->value) == wanted) {
          plan.already_done.push_back(table + "." + request->name + " is already " + wanted);
          break;
        }
        const std::size_t first = node(property->value).first_token;
        const std::size_t last = node(property->value).last_token;
        plan.edits.push_back({begin_of(first), end_of(last) - begin_of(first), entry});
        imports["drizzle-orm/pg-core"].insert(wanted);
        break;
      }
      }
    }
    if (adds.empty()) {
      continue;
    }
    if (config_list == ts::k_no_node) {
      add_callback(call, adds, plan.edits);
      continue;
    }
    ListShape remaining = list;
    remaining.items.clear();
    for (std::size_t i = 0; i < list.items.size(); ++i) {
      if (removed.count(i) == 0) {
        remaining.items.push_back(list.items[i]);
      }
    }
    append_items(remaining, adds, plan.edits);
  }
  for (const auto& [module, names] : imports) {
    add_imports(module, names, plan.edits);
  }
  return plan;
}

} // namespace

SchemaEditPlan plan_schema_ts_edits(std::string_view source, const std::vector<SchemaEdit>& requests) {
  SchemaFile file(source);
  return file.plan(requests);
}

} // namespace pgadvise::app
