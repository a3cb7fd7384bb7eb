#include "loaders/schema_ts/reader.hpp"

#include "core/suppression.hpp"
#include "core/text.hpp"
#include "loaders/index_keys.hpp"
#include "loaders/schema_ts/key_style.hpp"
#include "loaders/schema_ts/read_memo.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace pgadvise::loaders::drizzle_reader {

using ts::NodeKind;

namespace {

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

namespace {

// `function id() { return text("id").primaryKey(); }` is read as `const id =
// () => text("id").primaryKey()` is: a helper a column or a table may call.
// An overload's signature (no body) is not the function.
void declare_functions(ts::Program& program) {
  for (const ts::NamedStatement& statement : program.statements) {
    if (statement.kind == ts::StatementKind::function && statement.function != ts::k_no_node &&
        program.node(statement.function).body != ts::k_no_node && !statement.default_export) {
      ts::Declaration decl;
      decl.name = statement.name;
      decl.init = statement.function;
      decl.exported = statement.exported;
      decl.name_token = statement.name_token;
      decl.first_token = statement.first_token;
      decl.last_token = program.node(statement.function).last_token;
      program.declarations.push_back(std::move(decl));
    }
  }
}

} // namespace

Reader::Reader(std::vector<SourceFile> files, std::string casing, drizzle_names::Naming naming)
    : m_files(std::move(files)), m_casing(std::move(casing)), m_naming(naming) {
  for (SourceFile& file : m_files) {
    m_parsed_declarations.push_back(file.program.declarations.size());
    declare_functions(file.program);
  }
  // The declarations no longer change: their names can be keys.
  m_declared.resize(m_files.size());
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    const std::vector<ts::Declaration>& declarations = m_files[f].program.declarations;
    for (std::size_t i = 0; i < declarations.size(); ++i) {
      m_declared[f][declarations[i].name].push_back(i);
    }
  }
}

std::vector<ts::Program> Reader::release_programs() {
  std::vector<ts::Program> programs;
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    ts::Program& program = m_files[f].program;
    program.declarations.resize(m_parsed_declarations[f]);
    programs.push_back(std::move(program));
  }
  return programs;
}

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

const std::vector<std::size_t>* Reader::declared(std::size_t file, std::string_view name) const {
  const auto found = m_declared[file].find(name);
  return found == m_declared[file].end() ? nullptr : &found->second;
}

const ts::Declaration* Reader::lookup(std::size_t file, std::string_view name, std::size_t* found_in) const {
  if (const std::vector<std::size_t>* here = declared(file, name)) {
    *found_in = file;
    return &m_files[file].program.declarations[here->front()];
  }
  std::string target(name);
  for (const ts::Import& import : m_files[file].program.imports) {
    if (import.local == name) {
      if (import.imported == "default" && !from_drizzle(import)) {
        return default_imported(file, name, found_in);
      }
      if (from_drizzle(import) || import.imported == "*") {
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
    const std::vector<std::size_t>* there = declared(f, target);
    if (there == nullptr) {
      continue;
    }
    for (const std::size_t i : *there) {
      const ts::Declaration& decl = m_files[f].program.declarations[i];
      if (is_exported(f, decl) || (m_files[f].helper && exports_itself(f, decl))) {
        *found_in = f;
        return &decl;
      }
    }
  }
  return nullptr;
}

// What a default import names: the declaration its file default-exports
// (declared there, exported or not), when the module graph resolved it.
const ts::Declaration* Reader::default_imported(std::size_t file, std::string_view name,
                                                std::size_t* found_in) const {
  const auto import = m_files[file].default_imports.find(name);
  if (import == m_files[file].default_imports.end()) {
    return nullptr;
  }
  const auto& [label, declared] = import->second;
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    if (m_files[f].label != label) {
      continue;
    }
    for (const ts::Declaration& decl : m_files[f].program.declarations) {
      if (decl.name == declared) {
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
    if (declared(callee.file, n.text) != nullptr) {
      return {};
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
  while (ref.valid() && depth++ < k_max_eval_depth &&
         (node(ref).kind == NodeKind::identifier || node(ref).kind == NodeKind::member)) {
    if (node(ref).kind == NodeKind::member) {
      // `timestampColumns.createdAt`: a property of an object literal the
      // object names (a shared set of columns).
      const Ref field = object_property(resolve_alias(child(ref, 0), depth), node(ref).text);
      if (!field.valid()) {
        break;
      }
      ref = field;
      continue;
    }
    if (const std::optional<Ref> argument = bound_argument(ref)) {
      if (!argument->valid()) {
        break;
      }
      ref = *argument;
      continue;
    }
    std::size_t found = 0;
    const ts::Declaration* decl = lookup(ref.file, node(ref).text, &found);
    // `const { name, ...rest } = base`: `rest` is not all of `base`; only
    // the spread of columns (rest_source) reads it, without the keys.
    if (decl == nullptr || decl->init == ts::k_no_node || decl->rest) {
      break;
    }
    ref = Ref{found, decl->init};
  }
  return ref;
}

Ref Reader::rest_source(Ref ref, std::vector<std::string>& omitted) const {
  for (int depth = 0; ref.valid() && depth < k_max_eval_depth; ++depth) {
    ref = resolve_alias(ref);
    if (!ref.valid() || node(ref).kind != NodeKind::identifier || bound_argument(ref)) {
      break;
    }
    std::size_t found = 0;
    const ts::Declaration* decl = lookup(ref.file, node(ref).text, &found);
    if (decl == nullptr || !decl->rest || decl->init == ts::k_no_node) {
      break;
    }
    if (const auto keys = m_files[found].program.rest_omits.find(decl->name);
        keys != m_files[found].program.rest_omits.end()) {
      omitted.insert(omitted.end(), keys->second.begin(), keys->second.end());
    }
    ref = Ref{found, decl->init};
  }
  return ref;
}

std::string Reader::declared_name(Ref object) const {
  // Every table spreading one object asks for it: the scan of the file's
  // declarations is made once per object (20,000 tables spreading the
  // columns of a file of 20,000 declarations were 400 million comparisons).
  const auto [cached, added] = m_declared_names.try_emplace({object.file, object.node});
  if (added) {
    cached->second = find_declared_name(object);
  }
  return cached->second;
}

std::string Reader::find_declared_name(Ref object) const {
  const ts::Program& program = m_files[object.file].program;
  for (const ts::Declaration& decl : program.declarations) {
    if (decl.init == object.node ||
        (decl.init != ts::k_no_node && program.node(decl.init).kind == NodeKind::arrow &&
         program.node(decl.init).body == object.node)) {
      return decl.name;
    }
  }
  for (const ts::NamedStatement& statement : program.statements) {
    if (statement.function != ts::k_no_node && program.node(statement.function).body == object.node) {
      return statement.name;
    }
  }
  return {};
}

Ref Reader::object_property(Ref object, std::string_view key) const {
  if (!object.valid() || node(object).kind != NodeKind::object) {
    return Ref{};
  }
  const std::vector<ts::Property>& properties = node(object).properties;
  for (std::size_t i = properties.size(); i-- > 0;) { // the last one wins
    const ts::Property& property = properties[i];
    if ((property.kind == ts::PropertyKind::value || property.kind == ts::PropertyKind::shorthand) &&
        property.key == key) {
      return Ref{object.file, property.value};
    }
    if (property.kind == ts::PropertyKind::method && property.key == key) {
      return getter_result(object.file, property);
    }
    if (property.kind == ts::PropertyKind::spread || property.kind == ts::PropertyKind::computed) {
      return Ref{}; // it may be the spread's
    }
  }
  return Ref{};
}

Ref Reader::getter_result(std::size_t file, const ts::Property& property) const {
  const ts::Program& program = m_files[file].program;
  if (property.kind != ts::PropertyKind::method || property.value == ts::k_no_node ||
      property.key_token == 0 || !program.token(property.key_token - 1).is_ident("get")) {
    return Ref{};
  }
  const ts::Node& getter = program.node(property.value);
  return getter.kind == NodeKind::arrow && getter.params.empty() ? Ref{file, getter.body} : Ref{};
}

Ref Reader::helper_result(Ref call) const {
  if (!call.valid() || node(call).kind != NodeKind::call || node(call).children.empty() ||
      node(child(call, 0)).kind != NodeKind::identifier || !builtin(child(call, 0)).empty()) {
    return Ref{};
  }
  const Ref fn = resolve_alias(child(call, 0));
  if (!fn.valid() || node(fn).kind != NodeKind::arrow || node(fn).body == ts::k_no_node) {
    return Ref{};
  }
  const ts::Node& arrow = node(fn);
  for (const ts::Param& param : arrow.params) {
    if (param.name.empty()) {
      return Ref{}; // ({ name, length }) => ...: cannot tell
    }
  }
  // Arguments are bound as the call site gives them: an argument that is
  // itself a parameter of the helper calling this one is that one's argument.
  std::vector<ParamBinding> bindings;
  for (std::size_t i = 0; i < arrow.params.size(); ++i) {
    Ref argument = i + 1 < node(call).children.size() ? child(call, i + 1) : Ref{};
    if (argument.valid() && node(argument).kind == NodeKind::identifier) {
      argument = bound_argument(argument).value_or(argument);
    }
    bindings.push_back(
        ParamBinding{fn.file, arrow.first_token, arrow.last_token, arrow.params[i].name, argument});
  }
  m_bindings.insert(m_bindings.end(), bindings.begin(), bindings.end());
  return Ref{fn.file, arrow.body};
}

std::optional<Ref> Reader::bound_argument(Ref identifier) const {
  const ts::Node& n = node(identifier);
  for (std::size_t i = m_bindings.size(); i-- > 0;) { // innermost first
    const ParamBinding& binding = m_bindings[i];
    if (binding.file == identifier.file && binding.name == n.text && n.first_token > binding.first_token &&
        n.first_token <= binding.last_token) {
      return binding.argument;
    }
  }
  return std::nullopt;
}

bool Reader::is_exported(std::size_t file, const ts::Declaration& decl) const {
  if (const auto& visible = m_files[file].schema_names) {
    return visible->count(decl.name) > 0;
  }
  return exports_itself(file, decl);
}

bool Reader::exports_itself(std::size_t file, const ts::Declaration& decl) const {
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
    if (file.helper) {
      continue;
    }
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
    if (file.helper) {
      continue;
    }
    for (const ts::LexProblem& problem : file.program.lex.problems) {
      m_load.diagnostics.push_back(
          make_diagnostic(k_parse_error, core::Severity::low, "schema.ts: " + problem.message,
                          core::SourceLocation{file.label, problem.line, problem.column}));
    }
  }
}

void Reader::collect_declaration(std::size_t f, const ts::Declaration& decl) {
  Ref call{f, decl.init};
  // pgTable(...).enableRLS()
  bool rls = false;
  while (call.valid() && node(call).kind == NodeKind::call && node(child(call, 0)).kind == NodeKind::member &&
         node(child(call, 0)).text == "enableRLS") {
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

void Reader::collect_tables() {
  for (std::size_t f = 0; f < m_files.size(); ++f) {
    const std::vector<ts::Declaration>& declarations = m_files[f].program.declarations;
    for (std::size_t d = 0; d < declarations.size(); ++d) {
      if (reuse_table(f, d)) {
        continue;
      }
      const std::size_t tables_before = m_tables.size();
      const std::size_t problems = m_load.diagnostics.size();
      const std::size_t suppressions = m_load.suppressions.size();
      collect_declaration(f, declarations[d]);
      if (m_memo != nullptr && m_tables.size() > tables_before) {
        m_reads.push_back(TableRead{nullptr, d, problems, m_load.diagnostics.size(), suppressions,
                                    m_load.suppressions.size()});
      }
    }
  }
}

std::optional<std::string> Reader::casing_object(Ref object) const {
  const std::string name = builtin(object);
  if (name == "snakeCase") {
    return std::string("snake_case");
  }
  if (name == "camelCase") {
    return std::string("camelCase");
  }
  return std::nullopt;
}

void Reader::collect_table(std::size_t f, const ts::Declaration& decl, Ref call, int depth) {
  if (!call.valid() || node(call).kind != NodeKind::call) {
    return;
  }
  const Ref callee = child(call, 0);
  const ts::Node& callee_node = node(callee);
  const std::string name = builtin(callee);
  TableOrigin origin;
  origin.casing = m_casing;
  if (name == "pgTable") {
    register_table(f, decl, call, origin);
    return;
  }
  if (callee_node.kind == NodeKind::member &&
      (callee_node.text == "withRLS" || callee_node.text == "table")) {
    const Ref object = child(callee, 0);
    if (callee_node.text == "withRLS" && builtin(object) == "pgTable") {
      register_table(f, decl, call, origin);
    } else if (const std::optional<std::string> casing = casing_object(object);
               casing && callee_node.text == "table") {
      // drizzle-orm 1.0: snakeCase.table("users", { createdAt: timestamp() })
      origin.casing = *casing;
      register_table(f, decl, call, origin);
    } else if (node(object).kind == NodeKind::identifier) {
      const VarInfo* owner = var_info(f, node(object).text);
      if (owner != nullptr && owner->kind == VarKind::schema) {
        origin.schema = owner->name;
        if (!owner->extra.empty()) {
          origin.casing = owner->extra; // snakeCase.schema("billing")
        }
        register_table(f, decl, call, origin);
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
      origin.prefix = creator->name;
      origin.suffix = creator->extra;
      register_table(f, decl, call, origin);
    } else if (creator == nullptr && depth < k_max_eval_depth) {
      // A factory of the app's own, `const generateTable = (name, base, extra)
      // => pgTable(name, { ...base, ...extra })`: the table it returns, read
      // with its parameters bound to this call's arguments.
      const std::size_t mark = binding_mark();
      if (const Ref result = helper_result(call); result.valid() && node(result).kind == NodeKind::call) {
        collect_table(f, decl, result, depth + 1);
      }
      unbind(mark);
    }
  }
}

void Reader::register_table(std::size_t file, const ts::Declaration& decl, Ref call,
                            const TableOrigin& origin) {
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
  info.table.schema = origin.schema;
  info.table.name = origin.prefix + name->text + origin.suffix;
  info.casing = origin.casing;
  info.table.property = decl.name;
  info.table.location = location(file, decl.name_token);
  info.table.drizzle_location = info.table.location;
  info.extra_config = child(call, 3);
  info.factory_bindings = m_bindings;
  info.table.drizzle_factory = !m_bindings.empty();
  if (info.extra_config.valid() && node(info.extra_config).kind == NodeKind::identifier) {
    // A factory's parameter: the callback its call was given (read after
    // the factory's parameters are unbound).
    if (const std::optional<Ref> argument = bound_argument(info.extra_config)) {
      info.extra_config = *argument;
    }
  }
  const Ref columns = child(call, 2);
  if (!columns.valid()) {
    unresolved(file, decl.name_token, "the columns of table `" + info.table.name + "`");
  } else {
    build_columns(info, columns, 0);
  }
  add_suppressions(file, decl.first_token, decl.last_token);
  m_vars[{file, decl.name}] =
      VarInfo{VarKind::table, info.table.name, origin.schema, true, m_tables.size(), {}};
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
    finish_indexes(info.table); // sql`${t.name} gin_trgm_ops` is that column's key
    m_load.catalog.tables.push_back(std::move(info.table));
  }
}

namespace {

// The folder of the package.json nearest above a schema file: its package
// (empty when none is found, as for in-memory sources).
std::string package_of(const std::string& label) {
  std::error_code ec;
  for (std::filesystem::path dir = std::filesystem::path(label).parent_path(); !dir.empty();
       dir = dir.parent_path()) {
    if (std::filesystem::exists(dir / "package.json", ec)) {
      return dir.generic_string();
    }
    if (dir == dir.parent_path()) {
      break;
    }
  }
  return {};
}

} // namespace

void Reader::read_configs() {
  for (std::size_t t = 0; t < m_tables.size(); ++t) {
    if (m_memo != nullptr && take_kept_config(t)) {
      continue;
    }
    TableInfo& info = m_tables[t];
    const std::size_t problems = m_load.diagnostics.size();
    const std::size_t mark = binding_mark();
    m_bindings.insert(m_bindings.end(), info.factory_bindings.begin(), info.factory_bindings.end());
    resolve_references(info);
    apply_extra_config(info);
    unbind(mark);
    if (m_memo != nullptr) {
      m_reads[t].config_begin = problems;
      m_reads[t].config_end = m_load.diagnostics.size();
    }
  }
}

SchemaLoad Reader::run() {
  m_load.catalog.source = model::SchemaSource::drizzle_schema;
  m_load.files_read = static_cast<std::size_t>(
      std::count_if(m_files.begin(), m_files.end(), [](const SourceFile& file) { return !file.helper; }));
  report_lex_problems();
  add_file_suppressions();
  collect_variables();
  if (m_memo != nullptr) {
    plan_reuse();
  }
  collect_tables();
  read_configs();
  if (m_memo != nullptr) {
    keep_read();
  }
  // A table without an extra-config callback gets its first index in the
  // form its file's other tables write theirs.
  std::map<std::size_t, const TableInfo*> styled;
  for (const TableInfo& info : m_tables) {
    if (info.extra_config.valid() && !info.table.drizzle_config_param.empty()) {
      styled.try_emplace(info.file, &info);
    }
  }
  // A file without any takes the habit of its package's other schema files
  // (one package.json: one drizzle-orm): the object form where most of
  // their callbacks are objects (drizzle-orm before 0.36 has no other).
  std::map<std::string, std::pair<std::size_t, std::size_t>> habits; // package -> (objects, files)
  for (const auto& [file, info] : styled) {
    auto& [objects, files] = habits[package_of(m_files[file].label)];
    objects += info->table.drizzle_config_object ? 1 : 0;
    ++files;
  }
  for (TableInfo& info : m_tables) {
    const auto found = styled.find(info.file);
    if (!info.extra_config.valid() && found != styled.end()) {
      info.table.drizzle_config_object = found->second->table.drizzle_config_object;
      info.table.drizzle_unnamed_indexes = found->second->table.drizzle_unnamed_indexes;
    } else if (const auto habit = info.extra_config.valid() || habits.empty()
                                      ? habits.end()
                                      : habits.find(package_of(m_files[info.file].label));
               habit != habits.end()) {
      info.table.drizzle_config_object = habit->second.first * 2 > habit->second.second;
    }
  }
  // Its object-form entries' keys say how a new one is keyed, file by file.
  std::map<std::size_t, std::vector<const model::Table*>> keyed;
  for (const TableInfo& info : m_tables) {
    if (info.table.drizzle_config_object) {
      keyed[info.file].push_back(&info.table);
    }
  }
  for (const auto& [file, tables] : keyed) {
    if (const std::optional<model::DrizzleKeyStyle> style = learn_key_style(tables)) {
      for (TableInfo& info : m_tables) {
        if (info.file == file && info.table.drizzle_config_object) {
          info.table.drizzle_key_style = *style;
        }
      }
    }
  }
  m_load.statements = m_tables.size() + m_load.catalog.enums.size();
  finish_catalog();
  std::vector<std::string> labels;
  for (const SourceFile& file : m_files) {
    if (!file.helper) {
      labels.push_back(file.label);
    }
  }
  m_load.catalog.source_description = "Drizzle schema " + core::join(labels, ", ") + " (" +
                                      std::to_string(m_load.catalog.tables.size()) + " tables)";
  return std::move(m_load);
}

} // namespace pgadvise::loaders::drizzle_reader
