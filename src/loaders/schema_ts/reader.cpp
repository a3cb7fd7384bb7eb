#include "loaders/schema_ts/reader.hpp"

#include "core/suppression.hpp"
#include "core/text.hpp"

#include <algorithm>

namespace pgadvise::loaders::drizzle_reader {

using ts::NodeKind;

namespace {

constexpr int k_max_eval_depth = 16;

bool from_drizzle(const ts::Import& import) {
  return import.module.rfind("drizzle-orm", 0) == 0;
}

} // namespace

const ColumnInfo* TableInfo::column_by_property(std::string_view property) const {
  for (const ColumnInfo& column : columns) {
    if (column.property == property) {
      return &column;
    }
  }
  return nullptr;
}

Reader::Reader(std::vector<SourceFile> files, std::string casing, drizzle_names::Naming naming)
    : m_files(std::move(files)), m_casing(std::move(casing)), m_naming(naming) {}

Ref Reader::child(Ref ref, std::size_t i) const {
  const ts::Node& n = node(ref);
  if (i >= n.children.size()) {
    return Ref{ref.file, ts::k_no_node};
  }
  return Ref{ref.file, n.children[i]};
}

core::SourceLocation Reader::location(std::size_t file, std::size_t token) const {
  const ts::Token& t = m_files[file].program.token(token);
  return core::SourceLocation{m_files[file].label, t.line, t.column};
}

void Reader::unresolved(std::size_t file, std::size_t token, const std::string& what) {
  ++m_load.unresolved_constructs;
  m_load.diagnostics.push_back(
      make_diagnostic(k_replay_warning, core::Severity::info, std::string(k_schema_ts_unresolved) + what,
                      location(file, token),
                      "pgadvise reads schema.ts without running it; this part is left out "
                      "of the schema it checks."));
}

const ts::Declaration* Reader::lookup(std::size_t file, std::string_view name, std::size_t* found_in) const {
  for (const ts::Declaration& decl : m_files[file].program.declarations) {
    if (decl.name == name) {
      *found_in = file;
      return &decl;
    }
  }
  std::string target(name);
  for (const ts::Import& import : m_files[file].program.imports) {
    if (import.local == name) {
      if (from_drizzle(import) || import.imported == "*" || import.imported == "default") {
        return nullptr;
      }
      target = import.imported;
      break;
    }
  }
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    if (f == file) {
      continue;
    }
    for (const ts::Declaration& decl : m_files[f].program.declarations) {
      if (decl.name == target && is_exported(f, decl)) {
        *found_in = f;
        return &decl;
      }
    }
  }
  return nullptr;
}

std::string Reader::builtin(Ref callee) const {
  if (!callee.valid()) {
    return {};
  }
  const ts::Node& n = node(callee);
  const ts::Program& program = m_files[callee.file].program;
  if (n.kind == NodeKind::identifier) {
    for (const ts::Declaration& decl : program.declarations) {
      if (decl.name == n.text) {
        return {};
      }
    }
    for (const ts::Import& import : program.imports) {
      if (import.local == n.text) {
        return from_drizzle(import) ? import.imported : std::string();
      }
    }
    return n.text; // not imported: read it as the drizzle name it spells
  }
  if (n.kind == NodeKind::member) {
    const ts::Node& object = node(child(callee, 0));
    if (object.kind != NodeKind::identifier) {
      return {};
    }
    for (const ts::Import& import : program.imports) {
      if (import.local == object.text && import.imported == "*" && from_drizzle(import)) {
        return n.text;
      }
    }
  }
  return {};
}

const VarInfo* Reader::var_info(std::size_t file, std::string_view name) const {
  std::size_t found = 0;
  const ts::Declaration* decl = lookup(file, name, &found);
  if (decl == nullptr) {
    return nullptr;
  }
  const auto it = m_vars.find({found, decl->name});
  return it == m_vars.end() ? nullptr : &it->second;
}

const TableInfo* Reader::table_of(std::size_t file, std::string_view name) const {
  const VarInfo* info = var_info(file, name);
  if (info == nullptr || info->kind != VarKind::table) {
    return nullptr;
  }
  return &m_tables[info->index];
}

Ref Reader::resolve_alias(Ref ref, int depth) const {
  while (ref.valid() && depth++ < k_max_eval_depth && node(ref).kind == NodeKind::identifier) {
    std::size_t found = 0;
    const ts::Declaration* decl = lookup(ref.file, node(ref).text, &found);
    if (decl == nullptr || decl->init == ts::k_no_node) {
      break;
    }
    ref = Ref{found, decl->init};
  }
  return ref;
}

namespace {

bool truthy(const JsValue& value) {
  switch (value.kind) {
  case JsValue::Kind::undefined:
  case JsValue::Kind::null: return false;
  case JsValue::Kind::boolean: return value.text == "true";
  case JsValue::Kind::number: return value.text != "0" && value.text != "-0" && value.text != "NaN";
  case JsValue::Kind::string: return !value.text.empty();
  case JsValue::Kind::array:
  case JsValue::Kind::object: return true;
  }
  return false;
}

JsValue boolean(bool yes) {
  JsValue out;
  out.kind = JsValue::Kind::boolean;
  out.text = yes ? "true" : "false";
  return out;
}

// `===` on values the evaluator makes (no objects compared by identity).
std::optional<bool> strictly_equal(const JsValue& a, const JsValue& b) {
  if (a.kind == JsValue::Kind::array || a.kind == JsValue::Kind::object || b.kind == JsValue::Kind::array ||
      b.kind == JsValue::Kind::object) {
    return std::nullopt;
  }
  return a.kind == b.kind && a.text == b.text;
}

bool nullish(const JsValue& value) {
  return value.kind == JsValue::Kind::undefined || value.kind == JsValue::Kind::null;
}

} // namespace

std::optional<JsValue> Reader::eval_with(Ref ref, const std::vector<JsField>& env, int depth) const {
  if (!ref.valid() || depth > k_max_eval_depth) {
    return std::nullopt;
  }
  const ts::Node& n = node(ref);
  const auto sub = [&](std::size_t i) { return eval_with(child(ref, i), env, depth + 1); };
  if (n.kind == NodeKind::identifier) {
    for (const JsField& binding : env) {
      if (binding.first == n.text) {
        return binding.second;
      }
    }
    return eval(ref, depth);
  }
  if (n.kind == NodeKind::member) {
    const std::optional<JsValue> object = sub(0);
    if (!object || nullish(*object)) {
      // config?.precision on an absent config is undefined (a plain
      // config.precision would throw in drizzle-kit, so code that runs guards it).
      return object ? std::optional<JsValue>(JsValue{}) : std::nullopt;
    }
    if (object->kind != JsValue::Kind::object) {
      return std::nullopt;
    }
    const JsValue* field = object->field(n.text);
    return field != nullptr ? *field : JsValue{};
  }
  if (n.kind == NodeKind::template_literal && n.tag == ts::k_no_node) {
    JsValue value;
    value.kind = JsValue::Kind::string;
    for (std::size_t i = 0; i < n.quasis.size(); ++i) {
      value.text += n.quasis[i];
      if (i < n.children.size()) {
        const std::optional<JsValue> part = sub(i);
        if (!part || (part->kind != JsValue::Kind::string && part->kind != JsValue::Kind::number &&
                      part->kind != JsValue::Kind::boolean)) {
          return std::nullopt;
        }
        value.text += part->text;
      }
    }
    return value;
  }
  if (n.kind != NodeKind::other) {
    return eval(ref, depth);
  }
  if (n.text == "?:" && n.children.size() == 3) {
    const std::optional<JsValue> test = sub(0);
    if (!test) {
      return std::nullopt;
    }
    return sub(truthy(*test) ? 1 : 2);
  }
  if (n.text == "!" && n.children.size() == 1) {
    const std::optional<JsValue> operand = sub(0);
    return operand ? std::optional<JsValue>(boolean(!truthy(*operand))) : std::nullopt;
  }
  if (n.children.size() != 2) {
    return std::nullopt;
  }
  const std::optional<JsValue> left = sub(0);
  if (!left) {
    return std::nullopt;
  }
  if (n.text == "&&") {
    return truthy(*left) ? sub(1) : left;
  }
  if (n.text == "||") {
    return truthy(*left) ? left : sub(1);
  }
  if (n.text == "??") {
    return nullish(*left) ? sub(1) : left;
  }
  const std::optional<JsValue> right = sub(1);
  if (!right) {
    return std::nullopt;
  }
  if (n.text == "==" || n.text == "!=") {
    // Only the loose comparisons with null/undefined are certain here.
    if (!nullish(*left) && !nullish(*right)) {
      const std::optional<bool> same = strictly_equal(*left, *right);
      if (!same || left->kind != right->kind) {
        return std::nullopt;
      }
      return boolean(*same == (n.text == "=="));
    }
    return boolean((nullish(*left) && nullish(*right)) == (n.text == "=="));
  }
  if (n.text == "===" || n.text == "!==") {
    const std::optional<bool> same = strictly_equal(*left, *right);
    return same ? std::optional<JsValue>(boolean(*same == (n.text == "==="))) : std::nullopt;
  }
  return std::nullopt;
}

std::optional<std::string> Reader::custom_data_type(const VarInfo& var,
                                                    const std::optional<JsValue>& config) const {
  if (!var.data_type.valid()) {
    return var.name;
  }
  const ts::Node& fn = node(var.data_type);
  const std::vector<JsField> env = {{fn.params[0].name, config.value_or(JsValue{})}};
  const std::optional<JsValue> type = eval_with(Ref{var.data_type.file, fn.body}, env);
  if (!type || type->kind != JsValue::Kind::string) {
    return std::nullopt;
  }
  return type->text;
}

std::optional<JsValue> Reader::eval(Ref ref, int depth) const {
  if (!ref.valid() || depth > k_max_eval_depth) {
    return std::nullopt;
  }
  const ts::Node& n = node(ref);
  JsValue value;
  switch (n.kind) {
  case NodeKind::string:
    value.kind = JsValue::Kind::string;
    value.text = n.text;
    return value;
  case NodeKind::number:
    value.kind = JsValue::Kind::number;
    value.text = drizzle_values::normalize_number(n.text);
    if (value.text.empty()) {
      return std::nullopt;
    }
    return value;
  case NodeKind::boolean:
    value.kind = JsValue::Kind::boolean;
    value.text = n.text;
    return value;
  case NodeKind::null_value: value.kind = JsValue::Kind::null; return value;
  case NodeKind::template_literal: {
    if (n.tag != ts::k_no_node) {
      return std::nullopt;
    }
    value.kind = JsValue::Kind::string;
    for (std::size_t i = 0; i < n.quasis.size(); ++i) {
      value.text += n.quasis[i];
      if (i < n.children.size()) {
        const std::optional<JsValue> part = eval(Ref{ref.file, n.children[i]}, depth + 1);
        if (!part || (part->kind != JsValue::Kind::string && part->kind != JsValue::Kind::number &&
                      part->kind != JsValue::Kind::boolean)) {
          return std::nullopt;
        }
        value.text += part->text;
      }
    }
    return value;
  }
  case NodeKind::array: {
    value.kind = JsValue::Kind::array;
    for (std::size_t i = 0; i < n.children.size(); ++i) {
      const Ref item = child(ref, i);
      if (!item.valid()) {
        value.items.emplace_back(); // a hole
        continue;
      }
      if (node(item).kind == NodeKind::spread) {
        const std::optional<JsValue> spread = eval(child(item, 0), depth + 1);
        if (!spread || spread->kind != JsValue::Kind::array) {
          return std::nullopt;
        }
        value.items.insert(value.items.end(), spread->items.begin(), spread->items.end());
        continue;
      }
      std::optional<JsValue> element = eval(item, depth + 1);
      if (!element) {
        return std::nullopt;
      }
      value.items.push_back(std::move(*element));
    }
    return value;
  }
  case NodeKind::object: {
    value.kind = JsValue::Kind::object;
    for (const ts::Property& property : n.properties) {
      if (property.kind == ts::PropertyKind::spread) {
        const std::optional<JsValue> spread = eval(Ref{ref.file, property.value}, depth + 1);
        if (!spread || spread->kind != JsValue::Kind::object) {
          return std::nullopt;
        }
        value.fields.insert(value.fields.end(), spread->fields.begin(), spread->fields.end());
        continue;
      }
      if (property.kind != ts::PropertyKind::value && property.kind != ts::PropertyKind::shorthand) {
        return std::nullopt;
      }
      std::optional<JsValue> field = eval(Ref{ref.file, property.value}, depth + 1);
      if (!field) {
        return std::nullopt;
      }
      value.fields.emplace_back(property.key, std::move(*field));
    }
    return value;
  }
  case NodeKind::identifier: {
    if (n.text == "undefined") {
      return value;
    }
    std::size_t found = 0;
    const ts::Declaration* decl = lookup(ref.file, n.text, &found);
    if (decl == nullptr) {
      return std::nullopt;
    }
    return eval(Ref{found, decl->init}, depth + 1);
  }
  case NodeKind::member: {
    const std::optional<JsValue> object = eval(child(ref, 0), depth + 1);
    if (object && object->kind == JsValue::Kind::object) {
      if (const JsValue* field = object->field(n.text)) {
        return *field;
      }
    }
    return std::nullopt;
  }
  case NodeKind::call: {
    // JSON.stringify(<literal>): a common way to write a JSON default.
    const ts::Node& callee = node(child(ref, 0));
    if (callee.kind == NodeKind::member && callee.text == "stringify" && n.children.size() == 2 &&
        node(child(child(ref, 0), 0)).kind == NodeKind::identifier &&
        node(child(child(ref, 0), 0)).text == "JSON") {
      const std::optional<JsValue> inner = eval(child(ref, 1), depth + 1);
      if (!inner) {
        return std::nullopt;
      }
      value.kind = JsValue::Kind::string;
      value.text = drizzle_values::json_stringify(*inner);
      return value;
    }
    return std::nullopt;
  }
  default: return std::nullopt;
  }
}

bool Reader::is_exported(std::size_t file, const ts::Declaration& decl) const {
  if (const auto& visible = m_files[file].schema_names) {
    return visible->count(decl.name) > 0;
  }
  const auto& names = m_files[file].program.export_names;
  return decl.exported || std::find(names.begin(), names.end(), decl.name) != names.end();
}

void Reader::add_suppressions(std::size_t file, std::size_t first_token, std::size_t last_token) {
  const ts::Program& program = m_files[file].program;
  const auto& tokens = program.lex.tokens;
  if (first_token >= tokens.size() || last_token >= tokens.size()) {
    return;
  }
  const int first_line = tokens[first_token].line;
  const int last_line = tokens[last_token].end_line;
  // pgadvise-ignore-file directives are read once per file (add_file_suppressions).
  auto take = [&](const ts::Comment& comment) {
    if (auto directive = core::parse_ignore(comment.text); directive && !directive->whole_file) {
      m_load.suppressions.add(core::make_suppression(m_files[file].label, comment.line, first_line, last_line,
                                                     std::move(*directive)));
    }
  };
  // Comments on their own lines right before the declaration.
  const ts::Token& first = tokens[first_token];
  const int previous_end = first_token == 0 ? 0 : tokens[first_token - 1].end_line;
  for (std::size_t c = first.comments_begin; c < first.comments_end; ++c) {
    if (program.lex.comments[c].line > previous_end) {
      take(program.lex.comments[c]);
    }
  }
  // A comment after the declaration (and its `,` or `;`) on its last line.
  std::size_t after = last_token + 1;
  if (after < tokens.size() && (tokens[after].is_punct(",") || tokens[after].is_punct(";")) &&
      tokens[after].line == tokens[last_token].end_line) {
    ++after;
  }
  if (after < tokens.size()) {
    for (std::size_t c = tokens[after].comments_begin; c < tokens[after].comments_end; ++c) {
      if (program.lex.comments[c].line == tokens[last_token].end_line) {
        take(program.lex.comments[c]);
      }
    }
  }
}

void Reader::add_file_suppressions() {
  for (const SourceFile& file : m_files) {
    for (const ts::Comment& comment : file.program.lex.comments) {
      if (auto directive = core::parse_ignore(comment.text); directive && directive->whole_file) {
        m_load.suppressions.add(
            core::make_suppression(file.label, comment.line, 1, 0, std::move(*directive)));
      }
    }
  }
}

void Reader::report_lex_problems() {
  for (const SourceFile& file : m_files) {
    for (const ts::LexProblem& problem : file.program.lex.problems) {
      m_load.diagnostics.push_back(
          make_diagnostic(k_parse_error, core::Severity::low, "schema.ts: " + problem.message,
                          core::SourceLocation{file.label, problem.line, problem.column}));
    }
  }
}

// pgSchema, pgEnum, customType and pgTableCreator variables: everything a
// table declaration may name. Schemas first, since enums use them.
void Reader::collect_variables() {
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    for (const ts::Declaration& decl : m_files[f].program.declarations) {
      const Ref init{f, decl.init};
      if (!init.valid() || node(init).kind != NodeKind::call || builtin(child(init, 0)) != "pgSchema") {
        continue;
      }
      const std::optional<JsValue> name = eval(child(init, 1));
      if (!name || name->kind != JsValue::Kind::string) {
        unresolved(f, node(init).first_token, "the name of schema `" + decl.name + "`");
        continue;
      }
      m_vars[{f, decl.name}] = VarInfo{VarKind::schema, name->text, {}, true, 0, {}};
      if (is_exported(f, decl) && !m_load.catalog.has_schema(name->text)) {
        m_load.catalog.schemas.push_back(name->text);
      }
    }
  }
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    for (const ts::Declaration& decl : m_files[f].program.declarations) {
      const Ref init{f, decl.init};
      if (!init.valid() || node(init).kind != NodeKind::call) {
        continue;
      }
      const Ref callee = child(init, 0);
      const std::string name = builtin(callee);
      std::string schema = "public";
      bool is_enum = name == "pgEnum";
      if (!is_enum && node(callee).kind == NodeKind::member && node(callee).text == "enum" &&
          node(child(callee, 0)).kind == NodeKind::identifier) {
        const VarInfo* owner = var_info(f, node(child(callee, 0)).text);
        if (owner != nullptr && owner->kind == VarKind::schema) {
          is_enum = true;
          schema = owner->name;
        }
      }
      if (is_enum) {
        const std::optional<JsValue> enum_name = eval(child(init, 1));
        if (!enum_name || enum_name->kind != JsValue::Kind::string) {
          unresolved(f, node(init).first_token, "the name of enum `" + decl.name + "`");
          continue;
        }
        m_vars[{f, decl.name}] = VarInfo{VarKind::enumeration, enum_name->text, schema, true, 0, {}};
        model::Enum found;
        found.schema = schema;
        found.name = enum_name->text;
        found.location = location(f, decl.name_token);
        const std::optional<JsValue> values = eval(child(init, 2));
        if (values && values->kind == JsValue::Kind::array) {
          for (const JsValue& item : values->items) {
            found.values.push_back(item.text);
          }
        } else {
          unresolved(f, node(init).first_token, "the values of enum `" + enum_name->text + "`");
        }
        if (is_exported(f, decl)) {
          m_load.catalog.enums.push_back(std::move(found));
        }
      } else if (name == "customType") {
        // customType({ dataType() { return "bytea"; } }): the SQL type is the
        // string dataType returns.
        VarInfo info{VarKind::custom_type, {}, {}, false, 0, {}};
        const Ref config = resolve_alias(child(init, 1));
        if (config.valid() && node(config).kind == NodeKind::object) {
          for (const ts::Property& property : node(config).properties) {
            if (property.key == "dataType" && property.value != ts::k_no_node) {
              const ts::Node& fn = node(Ref{config.file, property.value});
              if (fn.kind == NodeKind::arrow && !fn.params.empty() && !fn.params[0].name.empty()) {
                info.data_type = Ref{config.file, property.value}; // dataType(config): per call
                info.resolved = true;
                continue;
              }
              const std::optional<JsValue> type =
                  fn.kind == NodeKind::arrow ? eval(Ref{config.file, fn.body}) : std::nullopt;
              if (type && type->kind == JsValue::Kind::string) {
                info.name = type->text;
                info.resolved = true;
              }
            }
          }
        }
        m_vars[{f, decl.name}] = info;
      } else if (name == "pgTableCreator") {
        // pgTableCreator((name) => `prefix_${name}`)
        VarInfo info{VarKind::table_creator, {}, {}, false, 0, {}};
        const Ref fn = child(init, 1);
        if (fn.valid() && node(fn).kind == NodeKind::arrow && node(fn).params.size() == 1) {
          const Ref body{f, node(fn).body};
          if (body.valid() && node(body).kind == NodeKind::template_literal &&
              node(body).tag == ts::k_no_node && node(body).children.size() == 1 &&
              node(child(body, 0)).kind == NodeKind::identifier &&
              node(child(body, 0)).text == node(fn).params[0].name) {
            info.name = node(body).quasis[0];
            info.extra = node(body).quasis.size() > 1 ? node(body).quasis[1] : std::string();
            info.resolved = true;
          }
        }
        m_vars[{f, decl.name}] = info;
      }
    }
  }
}

void Reader::collect_tables() {
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    for (const ts::Declaration& decl : m_files[f].program.declarations) {
      Ref call{f, decl.init};
      // pgTable(...).enableRLS()
      bool rls = false;
      while (call.valid() && node(call).kind == NodeKind::call &&
             node(child(call, 0)).kind == NodeKind::member && node(child(call, 0)).text == "enableRLS") {
        call = child(child(call, 0), 0);
        rls = true;
      }
      const std::size_t tables_before = m_tables.size();
      collect_table(f, decl, call);
      // pgTable.withRLS(...)
      const bool with_rls = call.valid() && node(call).kind == NodeKind::call &&
                            node(child(call, 0)).kind == NodeKind::member &&
                            node(child(call, 0)).text == "withRLS";
      if ((rls || with_rls) && m_tables.size() > tables_before) {
        m_tables.back().table.rls_enabled = true;
      }
    }
  }
}

void Reader::collect_table(std::size_t f, const ts::Declaration& decl, Ref call) {
  if (!call.valid() || node(call).kind != NodeKind::call) {
    return;
  }
  const Ref callee = child(call, 0);
  const ts::Node& callee_node = node(callee);
  const std::string name = builtin(callee);
  if (name == "pgTable") {
    register_table(f, decl, call, "public", {}, {});
    return;
  }
  if (callee_node.kind == NodeKind::member &&
      (callee_node.text == "withRLS" || callee_node.text == "table")) {
    const Ref object = child(callee, 0);
    if (callee_node.text == "withRLS" && builtin(object) == "pgTable") {
      register_table(f, decl, call, "public", {}, {});
    } else if (node(object).kind == NodeKind::identifier) {
      const VarInfo* owner = var_info(f, node(object).text);
      if (owner != nullptr && owner->kind == VarKind::schema) {
        register_table(f, decl, call, owner->name, {}, {});
      }
    }
    return;
  }
  if (callee_node.kind == NodeKind::identifier) {
    const VarInfo* creator = var_info(f, callee_node.text);
    if (creator != nullptr && creator->kind == VarKind::table_creator) {
      if (!creator->resolved) {
        unresolved(f, decl.name_token,
                   "the table name of `" + decl.name + "` (pgTableCreator `" + callee_node.text + "`)");
        return;
      }
      register_table(f, decl, call, "public", creator->name, creator->extra);
    }
  }
}

void Reader::register_table(std::size_t file, const ts::Declaration& decl, Ref call,
                            const std::string& schema, const std::string& prefix, const std::string& suffix) {
  const std::optional<JsValue> name = eval(child(call, 1));
  if (!name || name->kind != JsValue::Kind::string) {
    const Ref arg = child(call, 1);
    unresolved(file, arg.valid() ? node(arg).first_token : decl.name_token,
               "the table name of `" + decl.name + "`");
    return;
  }
  TableInfo info;
  info.file = file;
  info.decl = &decl;
  info.exported = is_exported(file, decl);
  info.table.schema = schema;
  info.table.name = prefix + name->text + suffix;
  info.table.property = decl.name;
  info.table.location = location(file, decl.name_token);
  info.table.drizzle_location = info.table.location;
  info.extra_config = child(call, 3);
  const Ref columns = child(call, 2);
  if (!columns.valid()) {
    unresolved(file, decl.name_token, "the columns of table `" + info.table.name + "`");
  } else {
    build_columns(info, columns, 0);
  }
  add_suppressions(file, decl.first_token, decl.last_token);
  m_vars[{file, decl.name}] = VarInfo{VarKind::table, info.table.name, schema, true, m_tables.size(), {}};
  m_tables.push_back(std::move(info));
}

void Reader::finish_catalog() {
  for (TableInfo& info : m_tables) {
    if (!info.exported) {
      const bool own_export =
          info.decl->exported || std::find(m_files[info.file].program.export_names.begin(),
                                           m_files[info.file].program.export_names.end(),
                                           info.decl->name) != m_files[info.file].program.export_names.end();
      m_load.notes.push_back(location(info.file, info.decl->name_token).to_string() + ": table `" +
                             info.table.name + "` is not exported" +
                             (own_export ? " by the drizzle.config `schema` files" : "") +
                             ", so drizzle-kit does not create it");
      continue;
    }
    if (!m_load.catalog.has_schema(info.table.schema)) {
      m_load.catalog.schemas.push_back(info.table.schema);
    }
    m_load.catalog.tables.push_back(std::move(info.table));
  }
}

SchemaLoad Reader::run() {
  m_load.catalog.source = model::SchemaSource::drizzle_schema;
  m_load.files_read = m_files.size();
  report_lex_problems();
  add_file_suppressions();
  collect_variables();
  collect_tables();
  for (TableInfo& info : m_tables) {
    resolve_references(info);
    apply_extra_config(info);
  }
  m_load.statements = m_tables.size() + m_load.catalog.enums.size();
  finish_catalog();
  std::vector<std::string> labels;
  for (const SourceFile& file : m_files) {
    labels.push_back(file.label);
  }
  m_load.catalog.source_description = "Drizzle schema " + core::join(labels, ", ") + " (" +
                                      std::to_string(m_load.catalog.tables.size()) + " tables)";
  return std::move(m_load);
}

} // namespace pgadvise::loaders::drizzle_reader
