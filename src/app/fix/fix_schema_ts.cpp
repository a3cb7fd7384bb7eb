#include "app/fix/fix_schema_ts.hpp"

#include "app/fix/fix_schema_ts_file.hpp"

#include <map>
#include <optional>
#include <set>

namespace pgadvise::app {

namespace ts = loaders::ts;
using ts::NodeId;
using ts::NodeKind;

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
  std::map<std::string, std::set<std::string>> imports; // module -> names
  std::vector<BuilderSwap> builder_swaps;               // column builders renamed
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
        const std::string wanted = request->entry.substr(0, request->entry.find('('));
        const std::size_t builder = builder_token(property->value);
        if (builder == k_no_token) {
          plan.problems.push_back(table + "." + request->name +
                                  ": its builder call was not found, so it was not changed");
          break;
        }
        const std::string old_builder = tok(builder).text;
        if (old_builder == wanted) {
          plan.already_done.push_back(table + "." + request->name + " is already " + wanted);
          break;
        }
        // Only the builder's name changes: `$type<...>()`, notNull(),
        // default(...), references(...), comments and layout stay as written.
        plan.edits.push_back({begin_of(builder), tok(builder).length, wanted});
        retyped_defaults(node(property->value).first_token, node(property->value).last_token, old_builder,
                         wanted, table + "." + request->name, plan);
        if (builder == 0 || !tok(builder - 1).is_punct(".")) { // `json(...)`, not `t.json(...)`
          builder_swaps.push_back({old_builder, wanted, builder});
        }
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
  std::vector<core::TextEdit> swapped; // after the insertions: one may sit where a renamed name starts
  swap_builder_imports(builder_swaps, imports, swapped);
  for (const auto& [module, names] : imports) {
    add_imports(module, names, plan.edits);
  }
  plan.edits.insert(plan.edits.end(), swapped.begin(), swapped.end());
  return plan;
}

SchemaEditPlan plan_schema_ts_edits(std::string_view source, const std::vector<SchemaEdit>& requests) {
  SchemaTsFile file(source);
  return file.plan(requests);
}

} // namespace pgadvise::app
