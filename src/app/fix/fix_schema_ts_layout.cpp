#include "app/fix/fix_schema_ts_file.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <regex>

// Writing into a schema file as it is laid out: list items added and
// removed, a new extra-config callback, imports.
namespace pgadvise::app {

namespace ts = loaders::ts;
using ts::NodeId;
using ts::NodeKind;

// New items at the end of a list, laid out as the list already is: one per
// line (with the list's trailing-comma habit) or inline, broken into lines
// when an inline list grows past the width.
void SchemaTsFile::append_items(const ListShape& list, const std::vector<std::string>& items,
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
core::TextEdit SchemaTsFile::remove_item(const ListShape& list, std::size_t index) const {
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

// A table without an extra-config callback gets one after its columns,
// `(table) => [ ... ]`, in the layout of drizzle-orm's documentation, with
// the parameter name callback_param() chooses.
void SchemaTsFile::add_callback(NodeId call, const std::vector<std::string>& given, bool object_form,
                                std::vector<core::TextEdit>& edits) const {
  const std::string open = object_form ? "({\n" : "[\n";
  const std::string close = object_form ? "})" : "]";
  const std::string param = callback_param(call);
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
    std::string text = "\n" + indent + "(" + param + ") => " + open;
    for (const std::string& entry : entries) {
      text += indent + m_indent_unit + entry + ",\n";
    }
    edits.push_back({end_of(columns_last + 1), 0, text + indent + close + ","});
    return;
  }
  const std::string indent = indent_at(begin_of(columns_last));
  std::string text = ", (" + param + ") => " + open;
  for (const std::string& entry : entries) {
    text += indent + m_indent_unit + entry + ",\n";
  }
  edits.push_back({end_of(columns_last), 0, text + indent + close});
}

std::optional<SchemaTsFile::ListShape> SchemaTsFile::import_list(const std::string& module) const {
  const std::vector<ts::Token>& tokens = m_program.lex.tokens;
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
        tokens[k + 1].kind != ts::TokenKind::string || tokens[k + 1].text != module) {
      continue;
    }
    while (j < k && !tokens[j].is_punct("{")) {
      ++j;
    }
    if (j >= k || !tokens[k - 1].is_punct("}") || tokens[i + 1].is_ident("type")) {
      continue;
    }
    ListShape shape;
    shape.open = j;
    shape.close = k - 1;
    shape.object = true;
    std::size_t start = j + 1;
    for (std::size_t t = j + 1; t <= k - 1; ++t) {
      if (tokens[t].is_punct(",") || t == k - 1) {
        if (t > start) {
          shape.items.emplace_back(start, t - 1);
        }
        start = t + 1;
      }
    }
    return shape;
  }
  return std::nullopt;
}

// `names` joined to the file's named import from `module` (in their sorted
// place when the list is sorted), or a new import after the last one.
void SchemaTsFile::add_imports(const std::string& module, const std::set<std::string>& names,
                               std::vector<core::TextEdit>& edits) const {
  const std::vector<ts::Token>& tokens = m_program.lex.tokens;
  std::set<std::string> missing = names;
  for (const ts::Import& import : m_program.imports) {
    missing.erase(import.local);
  }
  if (missing.empty()) {
    return;
  }
  std::size_t last_import_end = 0;
  for (std::size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!tokens[i].is_ident("import") || (i > 0 && tokens[i - 1].is_punct("."))) {
      continue;
    }
    std::size_t k = i + 1;
    while (k < tokens.size() && !tokens[k].is_ident("from") && !tokens[k].is_punct(";") &&
           tokens[k].kind != ts::TokenKind::end && k - i < 400) {
      ++k;
    }
    if (k + 1 < tokens.size() && tokens[k].is_ident("from") && tokens[k + 1].kind == ts::TokenKind::string) {
      last_import_end = end_of(k + 2 < tokens.size() && tokens[k + 2].is_punct(";") ? k + 2 : k + 1);
    }
  }
  const std::optional<ListShape> list = import_list(module);
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
    locals.push_back(std::string(tok(last).text));
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

void SchemaTsFile::swap_builder_imports(const std::vector<BuilderSwap>& swaps,
                                        std::map<std::string, std::set<std::string>>& imports,
                                        std::vector<core::TextEdit>& edits) const {
  if (swaps.empty()) {
    return;
  }
  const std::string module = "drizzle-orm/pg-core";
  std::set<std::size_t> renamed;
  for (const BuilderSwap& swap : swaps) {
    renamed.insert(swap.token);
  }
  std::set<std::string> imported;
  for (const ts::Import& import : m_program.imports) {
    if (import.module == module && import.local == import.imported) {
      imported.insert(import.local);
    }
  }
  std::set<std::string> unused;
  std::set<std::string> wanted;
  for (const BuilderSwap& swap : swaps) {
    if (imported.count(swap.from) > 0 && uses_of(swap.from, renamed) == 0) {
      unused.insert(swap.from);
    }
    if (imported.count(swap.to) == 0) {
      wanted.insert(swap.to);
    }
  }
  const std::optional<ListShape> list = import_list(module);
  if (!list) {
    for (const std::string& name : wanted) {
      imports[module].insert(name);
    }
    return;
  }
  std::vector<std::string> locals;
  for (const auto& [first, last] : list->items) {
    locals.push_back(std::string(tok(last).text));
  }
  const bool sorted = std::is_sorted(locals.begin(), locals.end());
  std::vector<std::size_t> removed;
  for (std::size_t i = 0; i < list->items.size(); ++i) {
    const auto [first, last] = list->items[i];
    if (first != last || unused.count(std::string(tok(first).text)) == 0) {
      continue; // `a as b` specifiers are left alone
    }
    // Renamed in place when a wanted builder takes its sorted place (`json`
    // -> `jsonb` between `integer` and `pgTable`), else removed.
    std::optional<std::string> in_place;
    for (const std::string& name : wanted) {
      const bool after_previous = i == 0 || locals[i - 1] < name;
      const bool before_next = i + 1 == locals.size() || name < locals[i + 1];
      if (!sorted || (after_previous && before_next)) {
        in_place = name;
        break;
      }
    }
    if (in_place) {
      edits.push_back({begin_of(first), tok(first).length, *in_place});
      wanted.erase(*in_place);
    } else {
      removed.push_back(i);
    }
  }
  for (const std::size_t i : removed) {
    edits.push_back(remove_item(*list, i));
  }
  for (const std::string& name : wanted) {
    imports[module].insert(name);
  }
}

void SchemaTsFile::retyped_defaults(std::size_t first, std::size_t last, const std::string& from,
                                    const std::string& to, const std::string& column,
                                    SchemaEditPlan& plan) const {
  // The SQL type a builder writes: `json` and `text` name themselves.
  const std::regex cast("::\\s*(\"?)" + from + "\\1(?![A-Za-z0-9_])", std::regex::icase);
  bool changed = false;
  for (std::size_t i = first; i <= last && i < m_program.lex.tokens.size(); ++i) {
    const ts::Token& t = tok(i);
    if (t.kind != ts::TokenKind::template_full && t.kind != ts::TokenKind::template_head &&
        t.kind != ts::TokenKind::template_middle && t.kind != ts::TokenKind::template_tail &&
        t.kind != ts::TokenKind::string) {
      continue;
    }
    const std::string raw(m_src.substr(t.offset, t.length));
    for (std::sregex_iterator it(raw.begin(), raw.end(), cast), end; it != end; ++it) {
      const std::size_t at = t.offset + static_cast<std::size_t>(it->position(0));
      const std::string quote = (*it)[1].str();
      plan.edits.push_back({at, static_cast<std::size_t>(it->length(0)), "::" + quote + to + quote});
      changed = true;
    }
  }
  if (changed) {
    plan.notes.push_back(column + ": its default casts to " + from + "; it now casts to " + to +
                         " (the same value, as the new type stores it)");
  }
  // `.default("{}")` on a text column holding JSON: a JSON column's default
  // is the value itself (drizzle-kit would store the string "{}" as a JSON
  // string), so the literal becomes the object or array it spells.
  if (to != "jsonb" && to != "json") {
    return;
  }
  for (std::size_t i = first; i + 3 <= last && i + 3 < m_program.lex.tokens.size(); ++i) {
    if (!tok(i).is_punct(".") || !tok(i + 1).is_ident("default") || !tok(i + 2).is_punct("(") ||
        tok(i + 3).kind != ts::TokenKind::string || !tok(i + 4).is_punct(")")) {
      continue;
    }
    const auto value = nlohmann::json::parse(tok(i + 3).text, nullptr, false);
    if (value.is_discarded() || (!value.is_object() && !value.is_array())) {
      continue;
    }
    plan.edits.push_back({begin_of(i + 3), tok(i + 3).length, value.dump()});
    plan.notes.push_back(column + ": its default was the JSON text " + std::string(tok(i + 3).text) + "; a " +
                         to + " column's default is the value itself, so it is now " + value.dump());
  }
}

} // namespace pgadvise::app
