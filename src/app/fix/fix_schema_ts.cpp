#include "app/fix/fix_schema_ts.hpp"

#include "app/fix/fix_schema_ts_file.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

namespace pgadvise::app {

namespace ts = loaders::ts;
using ts::NodeId;
using ts::NodeKind;

// The key of a new entry of the older object form: lint's (`given`, in the
// file's own style), else the index name in camelCase without the table's
// name in front (`environmentIdIdx` for `deployments_environment_id_idx`),
// unless another entry has that key.
std::string SchemaTsFile::object_key(const ts::Node& call, NodeId list, const std::string& name,
                                     const std::string& given) const {
  const auto taken = [&](const std::string& key) {
    for (const ts::Property& property :
         list != ts::k_no_node ? node(list).properties : std::vector<ts::Property>{}) {
      if (property.key == key) {
        return true;
      }
    }
    return false;
  };
  if (!given.empty() && !taken(given)) {
    return given;
  }
  std::string full = core::snake_to_camel(name);
  const ts::Node& table_name = node(call.children[1]);
  if (table_name.kind != NodeKind::string || name.rfind(table_name.text + "_", 0) != 0) {
    return full;
  }
  const std::string key = core::snake_to_camel(name.substr(table_name.text.size() + 1));
  return key.empty() || taken(key) ? full : key;
}

SchemaEditPlan SchemaTsFile::plan(const std::vector<SchemaEdit>& requests) {
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
  Imports imports;
  for (const std::string& table : order) {
    plan_table(table, by_table[table], imports, plan);
  }
  std::vector<core::TextEdit> swapped; // after the insertions: one may sit where a renamed name starts
  swap_builder_imports(imports.swaps, imports.names, swapped);
  for (const auto& [module, names] : imports.names) {
    add_imports(module, names, plan.edits);
  }
  plan.edits.insert(plan.edits.end(), swapped.begin(), swapped.end());
  return plan;
}

std::optional<bool> SchemaTsFile::file_object_form() const {
  int objects = 0;
  int arrays = 0;
  for (const ts::Node& n : m_program.nodes) {
    if (n.kind != NodeKind::call || n.children.size() < 4 || node(n.children[3]).kind != NodeKind::arrow ||
        node(n.children[3]).body == ts::k_no_node) {
      continue;
    }
    const NodeKind body = node(node(n.children[3]).body).kind;
    objects += body == NodeKind::object ? 1 : 0;
    arrays += body == NodeKind::array ? 1 : 0;
  }
  if (objects + arrays == 0) {
    return std::nullopt;
  }
  return objects > arrays;
}

SchemaTsFile::TableShape SchemaTsFile::table_shape(NodeId call) const {
  TableShape shape;
  shape.call = call;
  const ts::Node& call_node = node(call);
  shape.columns = call_node.children[2];
  if (node(shape.columns).kind == NodeKind::arrow) {
    shape.columns = node(shape.columns).body; // pgTable("t", (t) => ({ ... }))
  }
  // The extra-config callback's list: its array, or its object (the older form).
  shape.has_callback = call_node.children.size() >= 4;
  if (shape.has_callback) {
    const ts::Node& callback = node(call_node.children[3]);
    if (callback.kind == NodeKind::arrow && callback.body != ts::k_no_node &&
        (node(callback.body).kind == NodeKind::array || node(callback.body).kind == NodeKind::object)) {
      shape.config_list = callback.body;
    }
  }
  shape.object_form = shape.config_list != ts::k_no_node && node(shape.config_list).kind == NodeKind::object;
  if (shape.config_list != ts::k_no_node) {
    shape.list = list_of(shape.config_list);
  }
  return shape;
}

// `generateTable(...)` when the table comes from a factory of the app's own
// (cella's generateTable(name, baseColumns, extraColumns)): a call whose
// fourth argument is not a function, which no pgTable or pgTableCreator
// call has. Empty for a table call.
std::string SchemaTsFile::factory_of(const TableShape& shape) const {
  if (!shape.has_callback || node(node(shape.call).children[3]).kind == NodeKind::arrow) {
    return {};
  }
  return callee_of(shape);
}

std::string SchemaTsFile::callee_of(const TableShape& shape) const {
  const ts::Node& callee = node(node(shape.call).children[0]);
  return callee.kind == NodeKind::identifier ? "`" + callee.text + "(...)`" : std::string();
}

std::optional<std::size_t> SchemaTsFile::find_item(const TableShape& shape, const std::string& name) const {
  if (shape.config_list == ts::k_no_node) {
    return std::nullopt;
  }
  const ts::Node& list = node(shape.config_list);
  std::vector<NodeId> values;
  if (shape.object_form) {
    for (const ts::Property& property : list.properties) {
      values.push_back(property.value);
    }
  } else {
    for (NodeId child : list.children) {
      if (child != ts::k_no_node) {
        values.push_back(child);
      }
    }
  }
  for (std::size_t i = 0; i < values.size() && i < shape.list.items.size(); ++i) {
    if (values[i] != ts::k_no_node && built_name(values[i]) == name) {
      return i;
    }
  }
  return std::nullopt;
}

void SchemaTsFile::plan_table(const std::string& table, const std::vector<const SchemaEdit*>& requests,
                              Imports& imports, SchemaEditPlan& plan) const {
  const NodeId call = table_call(table);
  if (const NodeId shared = call == ts::k_no_node ? shared_columns(table) : ts::k_no_node;
      shared != ts::k_no_node) {
    plan_shared_columns(table, shared, requests, imports, plan);
    return;
  }
  if (call == ts::k_no_node) {
    for (const SchemaEdit* request : requests) {
      plan.problems.push_back("no pgTable declaration of `" + table + "` to put " + request->name + " in");
      plan.left_out.insert(request->name);
    }
    return;
  }
  const TableShape shape = table_shape(call);
  // A new callback takes the form the file's other tables' callbacks have;
  // in a file of none, lint's line's (keyed: the object form), which follows
  // the package's other files and its drizzle-orm version.
  const bool keyed = std::any_of(requests.begin(), requests.end(), [](const SchemaEdit* request) {
    return request->kind == SchemaEditKind::add_index && !request->key.empty();
  });
  const bool object_form =
      shape.config_list != ts::k_no_node ? shape.object_form : file_object_form().value_or(keyed);
  std::vector<std::string> adds;
  std::set<std::size_t> removed;
  for (const SchemaEdit* request : requests) {
    switch (request->kind) {
    case SchemaEditKind::add_index:
      plan_add_index(table, shape, *request, object_form, adds, imports, plan);
      break;
    case SchemaEditKind::remove_index: {
      const auto found = find_item(shape, request->name);
      if (!found) {
        plan.already_done.push_back(table + ": " + request->name + " is not declared (already removed)");
      } else if (removed.insert(*found).second) {
        plan.edits.push_back(remove_item(shape.list, *found));
      }
      break;
    }
    case SchemaEditKind::replace_column: plan_retype(table, shape, *request, imports, plan); break;
    case SchemaEditKind::set_column_option: plan_option(table, shape, *request, plan); break;
    }
  }
  if (adds.empty()) {
    return;
  }
  if (shape.config_list == ts::k_no_node) {
    add_callback(call, adds, object_form, plan.edits);
    return;
  }
  ListShape remaining = shape.list;
  remaining.items.clear();
  for (std::size_t i = 0; i < shape.list.items.size(); ++i) {
    if (removed.count(i) == 0) {
      remaining.items.push_back(shape.list.items[i]);
    }
  }
  append_items(remaining, adds, plan.edits);
}

// The columns many tables spread: their own column edits go here, once;
// index edits are left out.
void SchemaTsFile::plan_shared_columns(const std::string& table, NodeId shared,
                                       const std::vector<const SchemaEdit*>& requests, Imports& imports,
                                       SchemaEditPlan& plan) const {
  TableShape shape;
  shape.call = shared;
  shape.columns = shared;
  for (const SchemaEdit* request : requests) {
    if (request->kind == SchemaEditKind::replace_column) {
      plan_retype(table, shape, *request, imports, plan);
    } else if (request->kind == SchemaEditKind::set_column_option) {
      plan_option(table, shape, *request, plan);
    } else {
      plan.problems.push_back("`" + table + "` is an object of columns, not a table: " + request->name +
                              " was not added to it");
      plan.left_out.insert(request->name);
    }
  }
}

void SchemaTsFile::plan_add_index(const std::string& table, const TableShape& shape,
                                  const SchemaEdit& request, bool object_form, std::vector<std::string>& adds,
                                  Imports& imports, SchemaEditPlan& plan) const {
  if (request.entry.empty() || find_item(shape, request.name)) { // empty: schema.ts declares it
    plan.already_done.push_back(table + ": " + request.name + " is already declared");
    return;
  }
  const std::string own_factory = request.factory ? callee_of(shape) : std::string();
  if ((shape.has_callback && shape.config_list == ts::k_no_node) || !own_factory.empty()) {
    const std::string factory = factory_of(shape);
    plan.problems.push_back(
        table + ": " +
        (!factory.empty()
             ? "it is built by " + factory + ", whose last argument is not an extra-config callback"
         : !own_factory.empty()
             ? "it is built by " + own_factory + ", a function of the app's own, not pgTable"
             : "its extra-config callback is not `(t) => [...]` or `(t) => ({...})`") +
        ", so " + request.name + " was not added; add " + request.entry + " by hand");
    plan.left_out.insert(request.name);
    return;
  }
  const std::string space = pg_core_namespace();
  const std::string entry = (space.empty() ? "" : space + ".") + styled(request.entry);
  adds.push_back(object_form ? object_key(node(shape.call), shape.config_list, request.name, request.key) +
                                   ": " + entry
                             : entry);
  if (space.empty()) {
    imports.names["drizzle-orm/pg-core"].insert(request.entry.substr(0, request.entry.find('(')));
  }
  if (request.entry.find("sql`") != std::string::npos) {
    imports.names["drizzle-orm"].insert("sql");
  }
}

void SchemaTsFile::plan_retype(const std::string& table, const TableShape& shape, const SchemaEdit& request,
                               Imports& imports, SchemaEditPlan& plan) const {
  const NodeId columns = shape.columns;
  const std::string factory = request.factory ? callee_of(shape) : factory_of(shape);
  if (node(columns).kind != NodeKind::object || !factory.empty()) {
    plan.problems.push_back(table + ": " +
                            (factory.empty() ? "its columns are not an object literal"
                                             : "it is built by " + factory + ", not pgTable") +
                            ", so " + request.name + " was not changed");
    return;
  }
  const ts::Property* property = column_property(columns, request.name);
  if (property == nullptr) {
    plan.problems.push_back(table + ": no column `" + request.name + "` in its declaration");
    return;
  }
  // `jsonb` of `jsonb("c")` or of a columns callback's `d.jsonb()`.
  std::string wanted = request.entry.substr(0, request.entry.find('('));
  wanted = wanted.substr(wanted.rfind('.') + 1);
  const std::size_t builder = builder_token(property->value);
  if (builder == k_no_token) {
    plan.problems.push_back(table + "." + request.name +
                            ": its builder call was not found, so it was not changed");
    return;
  }
  const std::string old_builder(tok(builder).text);
  if (old_builder == wanted) {
    plan.already_done.push_back(table + "." + request.name + " is already " + wanted);
    return;
  }
  // Only the builder's name changes: `$type<...>()`, notNull(),
  // default(...), references(...), comments and layout stay as written.
  plan.edits.push_back({begin_of(builder), tok(builder).length, wanted});
  plan.retyped_from.insert(old_builder);
  retyped_defaults(node(property->value).first_token, node(property->value).last_token, old_builder, wanted,
                   table + "." + request.name, plan);
  if (builder == 0 || !tok(builder - 1).is_punct(".")) { // `json(...)`, not `t.json(...)`
    imports.swaps.push_back({old_builder, wanted, builder});
  }
}

NodeId SchemaTsFile::builder_call(NodeId expression) const {
  const std::size_t builder = builder_token(expression);
  NodeId at = expression;
  for (int depth = 0; depth < 64 && at != ts::k_no_node && builder != k_no_token; ++depth) {
    const ts::Node& n = node(at);
    if (n.kind == NodeKind::call && !n.children.empty()) {
      const ts::Node& callee = node(n.children[0]);
      if ((callee.kind == NodeKind::identifier && callee.first_token == builder) ||
          (callee.kind == NodeKind::member && callee.name_token == builder)) {
        return at;
      }
      at = n.children[0];
    } else if (n.kind == NodeKind::member && !n.children.empty()) {
      at = n.children[0];
    } else {
      break;
    }
  }
  return ts::k_no_node;
}

// `withTimezone: true` into the builder call's options: the options the
// column has (`mode: 'string'`, `precision: 3`) say what TypeScript type and
// SQL type it has, so they stay; an option of that key is set, not repeated.
void SchemaTsFile::plan_option(const std::string& table, const TableShape& shape, const SchemaEdit& request,
                               SchemaEditPlan& plan) const {
  const std::string factory = request.factory ? callee_of(shape) : factory_of(shape);
  if (node(shape.columns).kind != NodeKind::object || !factory.empty()) {
    plan.problems.push_back(table + ": " +
                            (factory.empty() ? "its columns are not an object literal"
                                             : "it is built by " + factory + ", not pgTable") +
                            ", so " + request.name + " was not changed");
    return;
  }
  const ts::Property* property = column_property(shape.columns, request.name);
  const NodeId call = property != nullptr ? builder_call(property->value) : ts::k_no_node;
  if (call == ts::k_no_node) {
    plan.problems.push_back(table + "." + request.name +
                            ": its builder call was not found, so it was not changed");
    return;
  }
  const std::size_t colon = request.entry.find(':');
  const std::string key(core::trim(request.entry.substr(0, colon)));
  const std::string value(core::trim(request.entry.substr(colon + 1)));
  const ts::Node& c = node(call);
  NodeId options = ts::k_no_node;
  for (std::size_t i = 1; i < c.children.size(); ++i) {
    if (node(c.children[i]).kind == NodeKind::object) {
      options = c.children[i];
    } else if (node(c.children[i]).kind != NodeKind::string || i != 1) {
      plan.problems.push_back(table + "." + request.name + ": its builder's arguments are not a name and " +
                              "an options object, so " + key + " was not set");
      return;
    }
  }
  const std::string option = key + ": " + value;
  if (options == ts::k_no_node) {
    // `timestamp()` -> `timestamp({ withTimezone: true })`; `timestamp("at")` -> `timestamp("at", {...})`.
    const std::size_t at =
        c.children.size() > 1 ? end_of(node(c.children[1]).last_token) : begin_of(c.last_token);
    plan.edits.push_back({at, 0, std::string(c.children.size() > 1 ? ", " : "") + "{ " + option + " }"});
    return;
  }
  const ts::Node& object = node(options);
  for (const ts::Property& p : object.properties) {
    if (p.kind != ts::PropertyKind::value || p.key != key || p.value == ts::k_no_node) {
      continue;
    }
    const ts::Node& old = node(p.value);
    if (text_of(old.first_token, old.last_token) == value) {
      plan.already_done.push_back(table + "." + request.name + " already has " + option);
      return;
    }
    plan.edits.push_back(
        {begin_of(old.first_token), end_of(old.last_token) - begin_of(old.first_token), value});
    return;
  }
  if (object.properties.empty()) {
    plan.edits.push_back({begin_of(object.first_token),
                          end_of(object.last_token) - begin_of(object.first_token), "{ " + option + " }"});
    return;
  }
  // After the last option, on its line or on a line of its own as the object is written.
  const ts::Property& last = object.properties.back();
  const bool comma_after = tok(last.last_token + 1).is_punct(",");
  if (!first_on_line(object.last_token)) {
    plan.edits.push_back({end_of(last.last_token), 0, ", " + option});
    return;
  }
  const std::string indent = indent_at(begin_of(last.key_token));
  plan.edits.push_back(comma_after
                           ? core::TextEdit{end_of(last.last_token + 1), 0, "\n" + indent + option + ","}
                           : core::TextEdit{end_of(last.last_token), 0, ",\n" + indent + option});
}

// `name: builder(...)` in a table's columns object, or in an object of the
// same file it spreads (`const eventColumns = {...}; pgTable("t", {
// ...eventColumns })`), where the column is declared and so is edited.
const ts::Property* SchemaTsFile::column_property(NodeId columns, const std::string& name, int depth) const {
  const ts::Property* found = nullptr;
  for (const ts::Property& p : node(columns).properties) {
    if (p.kind == ts::PropertyKind::value && p.key == name) {
      found = &p; // the last one wins, as in the object itself
    } else if (p.kind == ts::PropertyKind::spread && depth < 8 && p.value != ts::k_no_node &&
               node(p.value).kind == NodeKind::identifier) {
      for (const ts::Declaration& decl : m_program.declarations) {
        if (decl.name == node(p.value).text && decl.init != ts::k_no_node &&
            node(decl.init).kind == NodeKind::object) {
          if (const ts::Property* inner = column_property(decl.init, name, depth + 1)) {
            found = inner;
          }
        }
      }
    }
  }
  return found;
}

SchemaEditPlan plan_schema_ts_edits(std::string_view source, const std::vector<SchemaEdit>& requests) {
  SchemaTsFile file(source);
  return file.plan(requests);
}

} // namespace pgadvise::app
