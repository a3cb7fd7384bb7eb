// What refers to columns: `.references(() => users.id)`, the extra-config
// callback (indexes, primary keys, foreign keys, unique and check
// constraints) and sql`` fragments.
#include "core/text.hpp"
#include "loaders/fk_action.hpp"
#include "loaders/schema_ts/names.hpp"
#include "loaders/schema_ts/policy_roles.hpp"
#include "loaders/schema_ts/reader.hpp"
#include "pg/expression_facts.hpp"

namespace pgadvise::loaders::drizzle_reader {

using ts::NodeKind;

namespace {

std::string quoted(const std::string& name) {
  return "\"" + name + "\"";
}

// A column named in a callback: the table and column it resolved to.
struct ResolvedColumn {
  const TableInfo* table = nullptr;
  const ColumnInfo* column = nullptr;
  bool descending = false;
  std::optional<bool> nulls_first; // .nullsFirst() / .nullsLast()
  std::string opclass;
};

} // namespace

namespace {

// `t.col`, a destructured `col`, `users.col` (the table's own or another
// table's variable), with `.asc() .desc() .nullsFirst() .nullsLast()
// .op("...")` peeled off.
ResolvedColumn resolve_column(const Reader& reader, Ref ref, const ColumnScope& scope) {
  ResolvedColumn out;
  for (int guard = 0; guard < 16 && ref.valid() && reader.node(ref).kind == NodeKind::call; ++guard) {
    const Ref callee = reader.child(ref, 0);
    if (reader.node(callee).kind != NodeKind::member) {
      return out;
    }
    const std::string& method = reader.node(callee).text;
    if (method == "desc") {
      out.descending = true;
    } else if (method == "op") {
      const std::optional<JsValue> opclass = reader.eval(reader.child(ref, 1));
      if (opclass && opclass->kind == JsValue::Kind::string) {
        out.opclass = opclass->text;
      }
    } else if (method == "nullsFirst" || method == "nullsLast") {
      if (!out.nulls_first) { // the outermost call is the last one written
        out.nulls_first = method == "nullsFirst";
      }
    } else if (method != "asc") {
      return out;
    }
    ref = reader.child(callee, 0);
  }
  if (!ref.valid()) {
    return out;
  }
  const ts::Node& n = reader.node(ref);
  if (n.kind == NodeKind::identifier && scope.table != nullptr) {
    for (const auto& [local, property] : scope.bindings) {
      if (local == n.text) {
        out.table = scope.table;
        out.column = scope.table->column_by_property(property);
        return out;
      }
    }
    return out;
  }
  if (n.kind != NodeKind::member) {
    return out;
  }
  const ts::Node& object = reader.node(reader.child(ref, 0));
  if (object.kind != NodeKind::identifier) {
    return out;
  }
  const TableInfo* table = nullptr;
  // `t.tenantId` inside a helper the callback called as helper(table): the callback's table.
  const std::optional<Ref> argument = reader.bound_argument(reader.child(ref, 0));
  const std::string& object_name =
      argument && argument->valid() && reader.node(*argument).kind == NodeKind::identifier
          ? reader.node(*argument).text
          : object.text;
  if (scope.table != nullptr && !scope.param.empty() && object_name == scope.param) {
    table = scope.table;
  } else {
    table = reader.table_of(ref.file, object.text);
  }
  if (table != nullptr) {
    out.table = table;
    out.column = table->column_by_property(n.text);
  }
  return out;
}

// How an expression reads in a note: `t.col`, `users.id`, `f()`.
std::string describe(const Reader& reader, Ref ref, int depth = 0) {
  if (!ref.valid() || depth > 8) {
    return "...";
  }
  const ts::Node& n = reader.node(ref);
  if (n.kind == NodeKind::identifier) {
    return n.text;
  }
  if (n.kind == NodeKind::member) {
    return describe(reader, reader.child(ref, 0), depth + 1) + "." + n.text;
  }
  if (n.kind == NodeKind::call) {
    return describe(reader, reader.child(ref, 0), depth + 1) + "()";
  }
  return "...";
}

bool is_sql_template(const Reader& reader, Ref ref) {
  if (!ref.valid()) {
    return false;
  }
  const ts::Node& n = reader.node(ref);
  return n.kind == NodeKind::template_literal && n.tag != ts::k_no_node &&
         reader.builtin(Ref{ref.file, n.tag}) == "sql";
}

} // namespace

std::optional<std::string> Reader::render_sql(Ref tagged, const ColumnScope& scope, bool qualify) const {
  if (!is_sql_template(*this, tagged)) {
    return std::nullopt;
  }
  const ts::Node& n = node(tagged);
  std::string out;
  int params = 0;
  for (std::size_t i = 0; i < n.quasis.size(); ++i) {
    out += n.quasis[i];
    if (i >= n.children.size()) {
      continue;
    }
    const Ref part = child(tagged, i);
    const ts::Node& p = node(part);
    if (is_sql_template(*this, part)) {
      const std::optional<std::string> inner = render_sql(part, scope, qualify);
      if (!inner) {
        return std::nullopt;
      }
      out += *inner;
      continue;
    }
    // sql.raw("...")
    if (p.kind == NodeKind::call && node(child(part, 0)).kind == NodeKind::member &&
        node(child(part, 0)).text == "raw") {
      const std::optional<JsValue> raw = eval(child(part, 1));
      if (!raw || raw->kind != JsValue::Kind::string) {
        return std::nullopt;
      }
      out += raw->text;
      continue;
    }
    const ResolvedColumn column = resolve_column(*this, part, scope);
    if (column.column != nullptr) {
      out += qualify ? quoted(column.table->table.name) + "." + quoted(column.column->name)
                     : quoted(column.column->name);
      continue;
    }
    if (p.kind == NodeKind::identifier) {
      if (const TableInfo* table = table_of(part.file, p.text)) {
        out += table->table.schema == "public"
                   ? quoted(table->table.name)
                   : quoted(table->table.schema) + "." + quoted(table->table.name);
        continue;
      }
    }
    if (p.kind == NodeKind::string || p.kind == NodeKind::number) {
      out += "$" + std::to_string(++params); // a bound parameter, as drizzle renders it
      continue;
    }
    return std::nullopt;
  }
  return out;
}

void Reader::resolve_references(TableInfo& info) {
  for (const PendingReference& pending : info.references) {
    const ColumnInfo& from = info.columns[pending.column];
    // Spelled only for a problem: 25,000 references at 10,000 tables read.
    const auto where = [&] { return "`" + info.table.name + "." + from.property + "`"; };
    const Ref fn = resolve_alias(pending.target);
    if (!fn.valid() || node(fn).kind != NodeKind::arrow || node(fn).body == ts::k_no_node) {
      unresolved(pending.file, pending.token, "the target of .references() on " + where());
      continue;
    }
    const Ref body{fn.file, node(fn).body};
    const ResolvedColumn target = resolve_column(*this, body, ColumnScope{});
    if (target.column == nullptr) {
      unresolved(pending.file, pending.token,
                 "the reference target `" + describe(*this, body) + "` of " + where());
      continue;
    }
    model::ForeignKey fk;
    fk.columns = {from.name};
    fk.ref_schema = target.table->table.schema;
    fk.ref_table = target.table->table.name;
    fk.ref_columns = {target.column->name};
    fk.name = core::truncate_identifier(drizzle_names::foreign_key_name(
        info.table.name, {from.raw_name}, {from.name}, target.table->table.name, {target.column->raw_name},
        {target.column->name}, m_naming));
    if (const std::optional<JsValue> actions = eval(pending.actions)) {
      fk.on_delete = fk_action_from_words(actions->string_field("onDelete").value_or(""))
                         .value_or(model::FkAction::no_action);
      fk.on_update = fk_action_from_words(actions->string_field("onUpdate").value_or(""))
                         .value_or(model::FkAction::no_action);
      if (const std::optional<std::string> name = actions->string_field("name")) {
        fk.name = *name;
      }
    } else if (pending.actions.valid()) {
      unresolved(pending.file, pending.token, "the actions of .references() on " + where());
    }
    fk.location = location(pending.file, pending.token);
    info.table.foreign_keys.push_back(std::move(fk));
  }
}

namespace {

// One role of pgPolicy's `to`: a string, the schema's own pgRole("name",
// ...) (`.existing()` too), or a Supabase role export.
std::optional<std::string> policy_role(const Reader& reader, Ref value) {
  const std::optional<JsValue> text = reader.eval(value);
  if (text && text->kind == JsValue::Kind::string) {
    return text->text;
  }
  Ref resolved = reader.resolve_alias(value);
  while (resolved.valid() && reader.node(resolved).kind == NodeKind::call &&
         reader.node(reader.child(resolved, 0)).kind == NodeKind::member &&
         reader.node(reader.child(resolved, 0)).text == "existing") {
    resolved = reader.child(reader.child(resolved, 0), 0);
  }
  if (resolved.valid() && reader.node(resolved).kind == NodeKind::call &&
      reader.builtin(reader.child(resolved, 0)) == "pgRole") {
    const std::optional<JsValue> name = reader.eval(reader.child(resolved, 1));
    return name && name->kind == JsValue::Kind::string ? std::optional<std::string>(name->text)
                                                       : std::nullopt;
  }
  return resolved.valid() && reader.node(resolved).kind == NodeKind::identifier
             ? known_role_export(reader.node(resolved).text)
             : std::nullopt;
}

// Reads one entry of the extra-config callback into the table.
class ConfigEntry {
public:
  ConfigEntry(Reader& reader, TableInfo& info, const ColumnScope& scope, Ref entry, std::string property)
      : m_reader(reader), m_info(info), m_scope(scope), m_entry(entry), m_property(std::move(property)) {}

  void apply() {
    m_chain = flatten_chain(m_reader, m_entry);
    if (!m_chain.base.valid()) {
      unresolved("an extra-config entry of table `" + m_info.table.name + "`");
      return;
    }
    const std::string kind = m_reader.builtin(m_reader.child(m_chain.base, 0));
    if (kind == "index" || kind == "uniqueIndex") {
      index(kind == "uniqueIndex");
    } else if (kind == "primaryKey") {
      primary_key();
    } else if (kind == "foreignKey") {
      foreign_key();
    } else if (kind == "unique") {
      unique();
    } else if (kind == "check") {
      check();
    } else if (kind == "pgPolicy") {
      add_policy();
    } else {
      unresolved("the extra-config entry `" + describe(m_reader, m_reader.child(m_chain.base, 0)) +
                 "(...)` of table `" + m_info.table.name + "`");
    }
  }

private:
  [[nodiscard]] std::size_t base_token() const {
    return m_reader.node(m_chain.base.valid() ? m_chain.base : m_entry).first_token;
  }
  void unresolved(const std::string& what) { m_reader.unresolved(m_entry.file, base_token(), what); }
  [[nodiscard]] core::SourceLocation where() const { return m_reader.location(m_entry.file, base_token()); }

  [[nodiscard]] std::optional<std::string> string_arg(Ref call, std::size_t i) const {
    const std::optional<JsValue> value = m_reader.eval(m_reader.child(call, i));
    if (value && value->kind == JsValue::Kind::string) {
      return value->text;
    }
    return std::nullopt;
  }

  // The column `arg` (a child of `parent`) names, appended to `out`; false
  // (after a note) when it does not resolve.
  bool column_from(Ref parent, Ref arg, std::vector<ResolvedColumn>& out) {
    const ResolvedColumn column = arg.valid() ? resolve_column(m_reader, arg, m_scope) : ResolvedColumn{};
    if (column.column == nullptr) {
      m_reader.unresolved(parent.file, m_reader.node(arg.valid() ? arg : parent).first_token,
                          "the column `" + describe(m_reader, arg) + "` in table `" + m_info.table.name +
                              "`");
      return false;
    }
    out.push_back(column);
    return true;
  }

  // The columns a call's arguments or an array's elements name, from
  // `first` on; false (after a note) when one does not resolve.
  bool columns_from(Ref parent, std::size_t first, std::vector<ResolvedColumn>& out) {
    const std::size_t count = m_reader.node(parent).children.size();
    for (std::size_t i = first; i < count; ++i) {
      if (!column_from(parent, m_reader.child(parent, i), out)) {
        return false;
      }
    }
    return true;
  }

  bool columns_of_array(Ref array, std::vector<ResolvedColumn>& out) {
    const Ref resolved = m_reader.resolve_alias(array);
    if (!resolved.valid() || m_reader.node(resolved).kind != NodeKind::array) {
      unresolved("the column list of an extra-config entry of table `" + m_info.table.name + "`");
      return false;
    }
    return columns_from(resolved, 0, out);
  }

  [[nodiscard]] Ref object_arg(std::size_t i) const {
    const Ref arg = m_reader.resolve_alias(m_reader.child(m_chain.base, i));
    return arg.valid() && m_reader.node(arg).kind == NodeKind::object ? arg : Ref{};
  }

  [[nodiscard]] Ref property_of(Ref object, std::string_view key) const {
    for (const ts::Property& property : m_reader.node(object).properties) {
      if (property.key == key &&
          (property.kind == ts::PropertyKind::value || property.kind == ts::PropertyKind::shorthand)) {
        return Ref{object.file, property.value};
      }
    }
    return Ref{};
  }

  static std::vector<std::string> names(const std::vector<ResolvedColumn>& columns, bool raw) {
    std::vector<std::string> out;
    for (const ResolvedColumn& column : columns) {
      out.push_back(raw ? column.column->raw_name : column.column->name);
    }
    return out;
  }

  // The keys of an index call's arguments from `first` on (columns and sql`...`
  // expressions) added to `index`; false (after a note) when one does not resolve.
  bool add_index_keys(Ref call, std::size_t first, model::Index& index,
                      std::vector<std::string>& column_names, bool& has_expression) {
    const ts::Node& n = m_reader.node(call);
    for (std::size_t i = first; i < n.children.size(); ++i) {
      const Ref arg = m_reader.child(call, i);
      if (is_sql_template(m_reader, arg)) {
        const std::optional<std::string> text = m_reader.render_sql(arg, m_scope, false);
        if (!text) {
          m_reader.unresolved(arg.file, m_reader.node(arg).first_token,
                              "an index expression in table `" + m_info.table.name + "`");
          return false;
        }
        index.keys.push_back(model::IndexKey{{}, *text, false, {}, {}});
        has_expression = true;
        continue;
      }
      std::vector<ResolvedColumn> one;
      if (!column_from(call, arg, one)) {
        return false;
      }
      // Drizzle's index columns default to NULLS LAST in both directions
      // (`.desc()` becomes DESC NULLS LAST in drizzle-kit's SQL).
      index.keys.push_back(model::IndexKey{
          one[0].column->name, {}, one[0].descending, one[0].opclass, one[0].nulls_first.value_or(false)});
      column_names.push_back(one[0].column->name);
    }
    return true;
  }

  void index(bool unique) {
    model::Index index;
    index.unique = unique;
    index.property = m_property;
    index.location = where();
    const std::optional<std::string> explicit_name = string_arg(m_chain.base, 1);
    bool has_expression = false;
    std::vector<std::string> column_names;
    for (const ChainCall& method : m_chain.methods) {
      if (method.name == "on" || method.name == "onOnly") {
        if (!add_index_keys(method.call, 1, index, column_names, has_expression)) {
          return;
        }
      } else if (method.name == "using") {
        if (const std::optional<std::string> using_method = string_arg(method.call, 1)) {
          index.method = core::to_lower(*using_method);
        }
        if (!add_index_keys(method.call, 2, index, column_names, has_expression)) {
          return;
        }
      } else if (method.name == "where") {
        const Ref predicate = m_reader.child(method.call, 1);
        const std::optional<std::string> text = m_reader.render_sql(predicate, m_scope, true);
        if (!text) {
          m_reader.unresolved(method.call.file, method.token,
                              "the WHERE clause of an index in table `" + m_info.table.name + "`");
          index.predicate = "?"; // partial all the same
        } else {
          index.predicate = *text;
        }
      } else if (method.name != "concurrently" && method.name != "with" &&
                 method.name != "nullsNotDistinct") {
        m_reader.unresolved(method.call.file, method.token,
                            "the index option `." + method.name + "()` in table `" + m_info.table.name + "`");
      }
    }
    if (index.keys.empty()) {
      unresolved("an index without columns in table `" + m_info.table.name + "`");
      return;
    }
    // The table's first index says how it names them: new index lines follow.
    if (std::none_of(m_info.table.indexes.begin(), m_info.table.indexes.end(),
                     [](const model::Index& other) { return other.kind == model::IndexKind::index; })) {
      m_info.table.drizzle_unnamed_indexes = !explicit_name && !has_expression;
    }
    if (explicit_name) {
      index.name = *explicit_name;
    } else if (has_expression) {
      unresolved("the name of an unnamed expression index in table `" + m_info.table.name +
                 "` (drizzle-kit requires one)");
      return;
    } else {
      index.name = drizzle_names::index_name(m_info.table.name, column_names);
    }
    index.name = core::truncate_identifier(index.name);
    m_info.table.indexes.push_back(std::move(index));
  }

  void primary_key() {
    std::vector<ResolvedColumn> columns;
    std::optional<std::string> explicit_name;
    if (const Ref config = object_arg(1); config.valid()) {
      // primaryKey({ columns: [t.a, t.b], name })
      const Ref list = property_of(config, "columns");
      if (!list.valid() || !columns_of_array(list, columns)) {
        return;
      }
      const std::optional<JsValue> name = m_reader.eval(property_of(config, "name"));
      if (name && name->kind == JsValue::Kind::string) {
        explicit_name = name->text;
      }
    } else if (!columns_from(m_chain.base, 1, columns)) { // primaryKey(t.a, t.b)
      return;
    }
    if (columns.empty()) {
      unresolved("a primary key without columns in table `" + m_info.table.name + "`");
      return;
    }
    model::Index pk = constraint_index(
        model::IndexKind::primary_key,
        explicit_name.value_or(drizzle_names::primary_key_name(m_info.table.name, names(columns, true),
                                                               names(columns, false), m_reader.naming())),
        columns);
    for (const ResolvedColumn& column : columns) {
      if (model::Column* declared = m_info.table.find_column(column.column->name)) {
        declared->not_null = true; // PostgreSQL makes primary key columns NOT NULL
      }
    }
    if (m_info.table.primary_key() != nullptr) {
      unresolved("a second primary key of table `" + m_info.table.name + "`");
      return;
    }
    m_info.table.indexes.push_back(std::move(pk));
  }

  void foreign_key() {
    const Ref config = object_arg(1);
    if (!config.valid()) {
      unresolved("the options of a foreignKey() in table `" + m_info.table.name + "`");
      return;
    }
    std::vector<ResolvedColumn> columns;
    std::vector<ResolvedColumn> foreign;
    const Ref list = property_of(config, "columns");
    const Ref foreign_list = property_of(config, "foreignColumns");
    if (!list.valid() || !foreign_list.valid() || !columns_of_array(list, columns) ||
        !columns_of_array(foreign_list, foreign)) {
      return;
    }
    if (columns.empty() || foreign.empty()) {
      unresolved("a foreignKey() without columns in table `" + m_info.table.name + "`");
      return;
    }
    const TableInfo* target = foreign[0].table;
    model::ForeignKey fk;
    fk.columns = names(columns, false);
    fk.ref_schema = target->table.schema;
    fk.ref_table = target->table.name;
    fk.ref_columns = names(foreign, false);
    const std::optional<JsValue> name = m_reader.eval(property_of(config, "name"));
    fk.name = core::truncate_identifier(
        name && name->kind == JsValue::Kind::string
            ? name->text
            : drizzle_names::foreign_key_name(m_info.table.name, names(columns, true), names(columns, false),
                                              target->table.name, names(foreign, true), names(foreign, false),
                                              m_reader.naming()));
    for (const ChainCall& method : m_chain.methods) {
      const std::optional<model::FkAction> action =
          fk_action_from_words(string_arg(method.call, 1).value_or(""));
      if (method.name == "onDelete" && action) {
        fk.on_delete = *action;
      } else if (method.name == "onUpdate" && action) {
        fk.on_update = *action;
      } else {
        m_reader.unresolved(method.call.file, method.token,
                            "the foreign key option `." + method.name + "()` in table `" + m_info.table.name +
                                "`");
      }
    }
    fk.location = where();
    m_info.table.foreign_keys.push_back(std::move(fk));
  }

  void unique() {
    std::vector<ResolvedColumn> columns;
    const std::optional<std::string> explicit_name = string_arg(m_chain.base, 1);
    for (const ChainCall& method : m_chain.methods) {
      if (method.name == "on") {
        if (!columns_from(method.call, 1, columns)) {
          return;
        }
      } else if (method.name != "nullsNotDistinct") {
        m_reader.unresolved(method.call.file, method.token,
                            "the unique option `." + method.name + "()` in table `" + m_info.table.name +
                                "`");
      }
    }
    if (columns.empty()) {
      unresolved("a unique constraint without columns in table `" + m_info.table.name + "`");
      return;
    }
    m_info.table.indexes.push_back(constraint_index(
        model::IndexKind::unique_constraint,
        // unique().on(...) keeps `_unique` in drizzle-kit 1.0 too
        explicit_name.value_or(drizzle_names::unique_name(m_info.table.name, names(columns, true))),
        columns));
  }

  // A primary key or unique constraint of this entry over `columns`.
  [[nodiscard]] model::Index constraint_index(model::IndexKind kind, const std::string& name,
                                              const std::vector<ResolvedColumn>& columns) const {
    model::Index index;
    index.kind = kind;
    index.unique = true;
    index.property = m_property;
    index.location = where();
    index.name = core::truncate_identifier(name);
    for (const ResolvedColumn& column : columns) {
      index.keys.push_back(model::IndexKey{column.column->name, {}, false, {}, {}});
    }
    return index;
  }

  void check() {
    const std::optional<std::string> name = string_arg(m_chain.base, 1);
    const std::optional<std::string> expression =
        m_reader.render_sql(m_reader.child(m_chain.base, 2), m_scope, true);
    if (!name || !expression) {
      unresolved("a check constraint of table `" + m_info.table.name + "`");
      return;
    }
    m_info.table.checks.push_back(model::CheckConstraint{*name, *expression, where()});
  }

  // pgPolicy("name", { as, for, to, using: sql`...`, withCheck: sql`...` })
  void add_policy() {
    const std::optional<std::string> name = string_arg(m_chain.base, 1);
    const Ref config = object_arg(2);
    if (!name) {
      unresolved("the name of a pgPolicy in table `" + m_info.table.name + "`");
      return;
    }
    model::Policy policy;
    policy.name = *name;
    policy.location = where();
    if (config.valid()) {
      policy.permissive = string_arg_of(config, "as").value_or("permissive") != "restrictive";
      policy.command = string_arg_of(config, "for").value_or("all");
      if (const Ref to = property_of(config, "to"); to.valid()) {
        const Ref list = m_reader.resolve_alias(to);
        const bool array = list.valid() && m_reader.node(list).kind == NodeKind::array;
        const std::size_t count = array ? m_reader.node(list).children.size() : 1;
        for (std::size_t i = 0; i < count; ++i) {
          const std::optional<std::string> role = policy_role(m_reader, array ? m_reader.child(list, i) : to);
          if (!role) {
            unresolved("a role in `to` of pgPolicy \"" + *name + "\" in table `" + m_info.table.name + "`");
            continue;
          }
          policy.roles.push_back(*role);
        }
      }
      if (policy.roles.size() == 1 && policy.roles[0] == "public") {
        policy.roles.clear();
      }
      policy.using_expr = policy_expression(config, "using", *name);
      policy.check_expr = policy_expression(config, "withCheck", *name);
    }
    m_info.table.policies.push_back(std::move(policy));
    m_info.table.rls_enabled = true; // drizzle-kit enables RLS on a table with policies
  }

  [[nodiscard]] std::optional<std::string> string_arg_of(Ref object, std::string_view key) const {
    const std::optional<JsValue> value = m_reader.eval(property_of(object, key));
    if (value && value->kind == JsValue::Kind::string) {
      return core::to_lower(value->text);
    }
    return std::nullopt;
  }

  // A policy's sql`` clause as deparsed SQL, columns written as drizzle-kit
  // writes them ("table"."column"); empty when absent or not resolved.
  std::string policy_expression(Ref config, std::string_view key, const std::string& name) {
    const Ref value = property_of(config, key);
    if (!value.valid()) {
      return {};
    }
    const std::optional<std::string> text = m_reader.render_sql(value, m_scope, true);
    if (!text) {
      unresolved("the " + std::string(key) + " clause of pgPolicy \"" + name + "\" in table `" +
                 m_info.table.name + "`");
      return {};
    }
    return pg::deparse_expression(*text).value_or(*text);
  }

  Reader& m_reader;
  TableInfo& m_info;
  const ColumnScope& m_scope;
  Ref m_entry;
  std::string m_property;
  Chain m_chain;
};

} // namespace

void Reader::apply_extra_config(TableInfo& info) {
  if (!info.extra_config.valid()) {
    return;
  }
  const std::string what = "the extra config of table `" + info.table.name + "`";
  const Ref fn = resolve_alias(info.extra_config);
  if (!fn.valid() || node(fn).kind != NodeKind::arrow) {
    unresolved(info.extra_config.file, node(info.extra_config).first_token, what);
    return;
  }
  ColumnScope scope;
  scope.table = &info;
  if (!node(fn).params.empty()) {
    scope.param = node(fn).params[0].name;
    scope.bindings = node(fn).params[0].bindings;
    info.table.drizzle_config_param = scope.param; // what fixes call the table in new index lines
  }
  const Ref body = resolve_alias(Ref{fn.file, node(fn).body});
  if (!body.valid()) {
    unresolved(fn.file, node(fn).first_token, what);
    return;
  }
  const ts::Node& n = node(body);
  if (n.kind == NodeKind::array) {
    apply_config_entries(info, scope, body, what, 0);
    return;
  }
  if (n.kind == NodeKind::object) {
    info.table.drizzle_config_object = true; // new index lines get a key, as the older form's entries have
    for (const ts::Property& property : n.properties) {
      if (property.kind != ts::PropertyKind::value && property.kind != ts::PropertyKind::shorthand) {
        unresolved(body.file, property.key_token, "an entry of " + what);
        continue;
      }
      ConfigEntry(*this, info, scope, Ref{body.file, property.value}, property.key).apply();
    }
    return;
  }
  unresolved(body.file, n.first_token, what);
}

void Reader::apply_config_entries(TableInfo& info, const ColumnScope& scope, Ref array,
                                  const std::string& what, int depth) {
  const ts::Node& n = node(array);
  for (std::size_t i = 0; i < n.children.size(); ++i) {
    const Ref entry = child(array, i);
    if (!entry.valid()) {
      continue;
    }
    if (node(entry).kind != NodeKind::spread) {
      ConfigEntry(*this, info, scope, entry, {}).apply();
      continue;
    }
    // ...policies, ...tenantIndexes(t): the array the spread names or the helper returns.
    const std::size_t mark = binding_mark();
    Ref spread = resolve_alias(child(entry, 0));
    if (const Ref result = helper_result(spread); result.valid()) {
      spread = resolve_alias(result);
    }
    if (depth < 4 && spread.valid() && node(spread).kind == NodeKind::array) {
      apply_config_entries(info, scope, spread, what, depth + 1);
    } else {
      unresolved(array.file, node(entry).first_token, "a spread entry in " + what);
    }
    unbind(mark);
  }
}

} // namespace pgadvise::loaders::drizzle_reader
