#include "loaders/project/query_call_helpers.hpp"

#include <algorithm>
#include <cctype>
#include <regex>

namespace pgadvise::loaders::scan {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_hops = 4;   // helper calls below the one a loop makes
constexpr std::size_t k_max_reach = 64; // queries a helper is followed to

// Whether `token` of `file` sits in a loop of `function` itself (then
// that loop, not the helper's caller, repeats it).
bool in_own_loop(const FileIndex& file, const FunctionInfo* function, std::size_t token) {
  const LoopInfo* loop = file.loop_at(token);
  return loop != nullptr && (function == nullptr || loop->begin >= function->begin);
}

bool in_own_transaction(const FileIndex& file, const FunctionInfo* function, std::size_t token) {
  const FunctionInfo* transaction = file.transaction_at(token);
  return transaction != nullptr && (function == nullptr || transaction->begin >= function->begin);
}

// The keys a call passes as conditions on a generic repository's table:
// `eq((this.table as any).batchId, batchId)` among a call's arguments (`args`), for
// `placeholder` "this.table".
void passed_keys(const std::vector<Argument>& args, const std::string& placeholder, Reach& reach) {
  static const std::regex k_eq(
      R"(\beq\s*\(\s*\(?\s*this\s*\.\s*([A-Za-z_$][\w$]*)(?:\s+as\s+[A-Za-z_$][\w$]*\s*\))?\s*\.\s*([A-Za-z_$][\w$]*)\s*,\s*([^,()]+?)\s*\))");
  for (const Argument& arg : args) {
    for (std::sregex_iterator it(arg.text.begin(), arg.text.end(), k_eq), end; it != end; ++it) {
      if ("this." + (*it)[1].str() == placeholder) {
        reach.key_columns.push_back((*it)[2].str());
        reach.key_values.push_back((*it)[3].str());
      }
    }
  }
}

// A generic repository's query (`this.table`, a key `this.primaryKey`)
// on the table and key a subclass binds (`binding`: "this.table" -> "timer").
void apply_binding(Reach& reach, const std::map<std::string, std::string>& binding) {
  const bool own_keys = reach.key_columns.empty();
  const std::vector<std::string>& keys = own_keys ? reach.call->call.key_columns : reach.key_columns;
  const bool keys_unbound =
      std::any_of(keys.begin(), keys.end(), [](const std::string& k) { return unbound_table(k); });
  if (!unbound_table(reach.table_name()) && !keys_unbound) {
    return;
  }
  if (const auto bound = binding.find(reach.table_name()); bound != binding.end()) {
    reach.table = bound->second;
  }
  if (keys_unbound) {
    std::vector<std::string> columns = keys;
    std::vector<std::string> values = own_keys ? reach.call->call.key_values : reach.key_values;
    for (std::string& column : columns) {
      if (const auto bound = binding.find(column); bound != binding.end()) {
        column = bound->second; // `this.primaryKey` -> "id", from super(db, timer, "id")
      }
    }
    reach.key_columns = std::move(columns);
    reach.key_values = std::move(values);
  }
}

} // namespace

NodeId HelperCalls::node_for(const FileIndex* file, const FunctionInfo* function) {
  if (file == nullptr || function == nullptr) {
    return k_no_node;
  }
  const auto [it, inserted] = m_node_of.try_emplace(function, m_nodes.size());
  if (inserted) {
    m_nodes.push_back({file, function, 0, {}});
  }
  return it->second;
}

// A declaration the module graph found: the function it is, when the
// scan indexed its file.
NodeId HelperCalls::node_of_symbol(const std::optional<ts::Symbol>& symbol, std::string_view member) {
  if (!symbol || symbol->module == nullptr) {
    return k_no_node;
  }
  const FileIndex* file = m_sources.file_of(symbol->module);
  if (file == nullptr) {
    return k_no_node;
  }
  switch (symbol->kind) {
  case ts::SymbolKind::module_namespace:
    return member.empty() ? k_no_node
                          : node_of_symbol(m_sources.graph().find_export(symbol->target->path, member));
  case ts::SymbolKind::class_declaration: {
    if (member.empty()) {
      return k_no_node;
    }
    if (const FunctionInfo* method = file->find_function(symbol->name, member)) {
      return node_for(file, method);
    }
    const ClassInfo* info = file->find_class(symbol->name);
    return info == nullptr ? k_no_node : inherited_method(*file, *info, member);
  }
  case ts::SymbolKind::function:
    return member.empty() ? node_for(file, file->find_function("", symbol->name)) : k_no_node;
  case ts::SymbolKind::value: {
    if (member.empty()) {
      return node_for(file, file->find_function("", symbol->name));
    }
    // An object literal's method, or a method of the class it holds an instance of.
    if (const FunctionInfo* method = file->find_function(symbol->name, member)) {
      return node_for(file, method);
    }
    const auto instance = file->new_locals().find(symbol->name);
    return instance == file->new_locals().end() ? k_no_node : class_method(*file, instance->second, member);
  }
  case ts::SymbolKind::enumeration: return k_no_node;
  }
  return k_no_node;
}

// `Type` as `file` names it (its own class, or one it imports, also as a
// type only): the method `member` of that class.
NodeId HelperCalls::class_method(const FileIndex& file, const std::string& type, std::string_view member) {
  if (const ClassInfo* info = file.find_class(type)) {
    if (const FunctionInfo* method = file.find_function(type, member)) {
      return node_for(&file, method);
    }
    return inherited_method(file, *info, member);
  }
  ts::ModuleGraph& graph = m_sources.graph();
  for (const TypeImport& import : file.type_imports()) {
    if (import.local == type) {
      const std::optional<fs::path> target = graph.resolve(m_sources.path_of(file), import.module);
      return target && !m_sources.dead_end(*target)
                 ? node_of_symbol(graph.find_export(*target, import.imported), member)
                 : k_no_node;
    }
  }
  return node_of_symbol(resolve_local(file, type), member);
}

// What `name` stands for in `file`, as the module graph says; nothing,
// without the graph reading it, when `file` imports it from a dead end
// (QuerySources::dead_end: no helper can be found through it).
std::optional<ts::Symbol> HelperCalls::resolve_local(const FileIndex& file, std::string_view name) {
  ts::ModuleGraph& graph = m_sources.graph();
  for (const ts::Import& import : file.imports()) {
    if (import.local == name) {
      const std::optional<fs::path> target = graph.resolve(m_sources.path_of(file), import.module);
      if (target && m_sources.dead_end(*target)) {
        return std::nullopt;
      }
      break;
    }
  }
  return graph.resolve_local(m_sources.path_of(file), name);
}

const ClassInfo* HelperCalls::class_named(const FileIndex& file, const std::string& name,
                                          const FileIndex*& found_in) {
  found_in = &file;
  if (const ClassInfo* own = file.find_class(name)) {
    return own;
  }
  const std::optional<ts::Symbol> symbol = resolve_local(file, name);
  if (!symbol || symbol->kind != ts::SymbolKind::class_declaration) {
    return nullptr;
  }
  found_in = m_sources.file_of(symbol->module);
  return found_in == nullptr ? nullptr : found_in->find_class(symbol->name);
}

NodeId HelperCalls::inherited_method(const FileIndex& file, const ClassInfo& owner, std::string_view member,
                                     int depth) {
  constexpr int k_max_bases = 4;
  if (owner.base.empty() || depth >= k_max_bases) {
    return k_no_node;
  }
  const FileIndex* base_file = nullptr;
  const ClassInfo* base = class_named(file, owner.base, base_file);
  if (base == nullptr || base_file == nullptr) {
    return k_no_node;
  }
  if (const FunctionInfo* method = base_file->find_function(base->name, member)) {
    return node_for(base_file, method);
  }
  return inherited_method(*base_file, *base, member, depth + 1);
}

std::map<std::string, std::string> HelperCalls::field_arguments(const FileIndex& file, const ClassInfo& owner,
                                                                int depth) {
  constexpr int k_max_bases = 4;
  std::map<std::string, std::string> out;
  const FileIndex* base_file = nullptr;
  const ClassInfo* base =
      owner.base.empty() || depth >= k_max_bases ? nullptr : class_named(file, owner.base, base_file);
  if (base == nullptr || base_file == nullptr) {
    return out;
  }
  for (const auto& [field, position] : base->field_params) {
    if (position < owner.super_args.size()) {
      out[field] = owner.super_args[position];
    }
  }
  // The fields of the classes above `base`, in `base`'s terms: one of its
  // constructor's parameters is what `owner` passes for it.
  for (auto& [field, text] : field_arguments(*base_file, *base, depth + 1)) {
    if (out.count(field) > 0) {
      continue;
    }
    const auto& params = base->constructor_params;
    const auto param = std::find(params.begin(), params.end(), text);
    if (param == params.end()) {
      out[field] = std::move(text); // a value `base` gives itself (super(db, table, "id"))
    } else if (const auto position = static_cast<std::size_t>(param - params.begin());
               position < owner.super_args.size()) {
      out[field] = owner.super_args[position];
    }
  }
  return out;
}

std::map<std::string, std::string> HelperCalls::table_binding(const FileIndex& file, const ClassInfo& owner) {
  std::map<std::string, std::string> out;
  const std::vector<std::string>& params = owner.constructor_params;
  for (const auto& [field, arg] : field_arguments(file, owner, 0)) {
    if (std::find(params.begin(), params.end(), arg) != params.end()) {
      continue; // a class in between passes its own parameter on: its subclass binds it
    }
    // `timer`, `schema.timer` or `db.query.timer`: the table variable is the
    // last name; a string ("id") is a key column's property.
    const bool quoted =
        arg.size() > 2 && (arg.front() == '"' || arg.front() == '\'') && arg.back() == arg.front();
    const std::size_t dot = quoted ? std::string::npos : arg.rfind('.');
    std::string table = quoted                     ? arg.substr(1, arg.size() - 2)
                        : dot == std::string::npos ? arg
                                                   : arg.substr(dot + 1);
    const bool name = !table.empty() && std::all_of(table.begin(), table.end(), [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
    });
    if (name) {
      out["this." + field] = std::move(table);
    }
  }
  return out;
}

const ClassInfo* HelperCalls::receiver_class(const FileIndex& file, const CallSite& site,
                                             const FileIndex*& found_in) {
  const std::vector<std::string>& path = site.path;
  std::string type;
  if (path.size() == 2 && path[0] != "this") {
    if (const auto instance = file.new_locals().find(path[0]); instance != file.new_locals().end()) {
      type = instance->second;
    }
  } else if (path.size() == 3 && path[0] == "this") {
    if (const ClassInfo* owner = file.class_at(site.token)) {
      if (const auto field = owner->field_types.find(path[1]); field != owner->field_types.end()) {
        type = field->second;
      }
    }
  }
  return type.empty() ? nullptr : class_named(file, type, found_in);
}

std::optional<std::map<std::string, std::string>> HelperCalls::receiver_tables(const FileIndex& file,
                                                                               const CallSite& site) {
  const FileIndex* found_in = nullptr;
  const ClassInfo* receiver = receiver_class(file, site, found_in);
  if (receiver == nullptr || found_in == nullptr) {
    return std::nullopt;
  }
  return table_binding(*found_in, *receiver);
}

std::vector<Reach> HelperCalls::reach_at(const FileIndex& file, const CallSite& site) {
  std::vector<Reach> out = reach(resolve(file, site)); // a copy: binding changes it
  std::optional<std::map<std::string, std::string>> binding = receiver_tables(file, site);
  if (!binding && site.path.size() == 2 && site.path[0] == "this") {
    if (const ClassInfo* owner = file.class_at(site.token)) {
      binding = table_binding(file, *owner); // `this.updateById(id)`, inherited
    }
  }
  if (binding) {
    for (Reach& each : out) {
      apply_binding(each, *binding);
    }
  }
  return out;
}

NodeId HelperCalls::resolve(const FileIndex& file, const CallSite& site) {
  const auto memo = m_site_target.find(&site);
  if (memo != m_site_target.end()) {
    return memo->second;
  }
  const NodeId node = resolve_uncached(file, site);
  m_site_target.emplace(&site, node);
  return node;
}

NodeId HelperCalls::resolve_uncached(const FileIndex& file, const CallSite& site) {
  const std::vector<std::string>& path = site.path;
  if (path.size() == 1) {
    if (const FunctionInfo* own = file.find_function("", path[0])) {
      return node_for(&file, own);
    }
    return node_of_symbol(resolve_local(file, path[0]));
  }
  if (path.size() == 2 && path[0] == "this") {
    const ClassInfo* owner = file.class_at(site.token);
    if (owner == nullptr) {
      return k_no_node;
    }
    if (const FunctionInfo* method = file.find_function(owner->name, path[1])) {
      return node_for(&file, method);
    }
    return inherited_method(file, *owner, path[1]); // a base repository's findById
  }
  if (path.size() == 2) {
    if (const FunctionInfo* method = file.find_function(path[0], path[1])) {
      return node_for(&file, method); // an object literal of this file
    }
    if (const auto instance = file.new_locals().find(path[0]); instance != file.new_locals().end()) {
      return class_method(file, instance->second, path[1]);
    }
    const NodeId found = node_of_symbol(resolve_local(file, path[0]), path[1]);
    if (found != k_no_node) {
      return found;
    }
    if (const NodeId object = default_object_method(file, path[0], path[1]); object != k_no_node) {
      return object;
    }
    // `orders.get(id)` for a parameter typed `orders: OrdersService`, or a
    // local taken from an object's property (`const { orders } = req.services`).
    if (const auto typed = file.typed_locals().find(path[0]);
        typed != file.typed_locals().end() && !typed->second.empty()) {
      return class_method(file, typed->second, path[1]);
    }
    const auto taken = file.taken_locals().find(path[0]);
    return taken == file.taken_locals().end() ? k_no_node : property_method(file, taken->second, path[1]);
  }
  if (path.size() == 3 && path[0] == "this") {
    const ClassInfo* owner = file.class_at(site.token);
    if (owner == nullptr) {
      return k_no_node;
    }
    if (const auto field = owner->field_types.find(path[1]); field != owner->field_types.end()) {
      return class_method(file, field->second, path[2]);
    }
  }
  // `req.services.orders.get(id)`, `ctx.services.orders.get(id)`: an
  // object the project fills elsewhere (a middleware, a context factory).
  if (path.size() >= 3) {
    return property_method(file, path[path.size() - 2], path.back());
  }
  return k_no_node;
}

// A property is looked for in the caller's own checkout (checkout_of):
// two checkouts of one app fill the same names, each for its own code.
NodeId HelperCalls::property_method(const FileIndex& caller, std::string property, std::string_view member) {
  // `c.get("orders")`: the key a `.set("orders", ...)` stores under.
  if (property.size() > 7 && property.compare(0, 4, "get(") == 0 && property.back() == ')') {
    property = property.substr(5, property.size() - 7);
  }
  if (!m_properties_read) {
    m_properties_read = true;
    for (const auto& each : m_sources.files()) {
      for (const auto& [name, type] : each->new_properties()) {
        std::string key(m_sources.checkout_of(*each));
        key += '\n';
        key += name;
        const auto [it, inserted] = m_properties.try_emplace(std::move(key), each.get(), type);
        if (type.empty() || (!inserted && it->second.second != type)) {
          it->second.first = nullptr;
        }
      }
    }
  }
  std::string key(m_sources.checkout_of(caller));
  key += '\n';
  key += property;
  const auto found = m_properties.find(key);
  if (found == m_properties.end() || found->second.first == nullptr) {
    return k_no_node;
  }
  return class_method(*found->second.first, found->second.second, member);
}

// `import store from "./store"` where the module says `export default { m() {} }`.
NodeId HelperCalls::default_object_method(const FileIndex& file, std::string_view local,
                                          std::string_view member) {
  ts::ModuleGraph& graph = m_sources.graph();
  for (const ts::Import& import : file.imports()) {
    if (import.local != local || import.imported != "default") {
      continue;
    }
    const std::optional<fs::path> target = graph.resolve(m_sources.path_of(file), import.module);
    const ts::SourceModule* module = target && !m_sources.dead_end(*target) ? graph.load(*target) : nullptr;
    const FileIndex* other = m_sources.file_of(module);
    return other == nullptr ? k_no_node : node_for(other, other->find_function("default", member));
  }
  return k_no_node;
}

const std::vector<Reach>& HelperCalls::reach(NodeId id) {
  static const std::vector<Reach> k_none;
  if (id == k_no_node || m_nodes[id].state == 1) {
    return k_none;
  }
  if (m_nodes[id].state == 2) {
    return m_nodes[id].reach;
  }
  m_nodes[id].state = 1;
  std::vector<Reach> out = collect(id);
  m_nodes[id].reach = std::move(out);
  m_nodes[id].state = 2;
  return m_nodes[id].reach;
}

std::vector<Reach> HelperCalls::collect(NodeId id) {
  const FileIndex& file = *m_nodes[id].file;
  const FunctionInfo* function = m_nodes[id].function;
  const FileFunctions& functions = m_sources.functions_of(file);
  // A method of a subclass of a generic repository: its own and its
  // inherited queries on `this.table` are on the table it gives super().
  const ClassInfo* own_class = file.class_at(function->begin);
  std::optional<std::map<std::string, std::string>> own_binding;
  const auto bind_own = [&](Reach& reach) {
    if (own_class == nullptr) {
      return;
    }
    if (!own_binding) {
      own_binding = table_binding(file, *own_class);
    }
    apply_binding(reach, *own_binding);
  };
  std::vector<Reach> out;
  if (const auto calls = functions.calls.find(function); calls != functions.calls.end()) {
    for (const DirectCall* call : calls->second) {
      if (!in_own_loop(file, function, call->token) && out.size() < k_max_reach) {
        out.push_back({&file, call, {}, in_own_transaction(file, function, call->token), {}, {}, {}});
        bind_own(out.back());
      }
    }
  }
  if (const auto sites = functions.sites.find(function); sites != functions.sites.end()) {
    for (const CallSite* site : sites->second) {
      if (in_own_loop(file, function, site->token)) {
        continue;
      }
      const NodeId target = resolve(file, *site);
      if (target == k_no_node || target == id) {
        continue;
      }
      const bool transaction = in_own_transaction(file, function, site->token);
      const std::optional<std::map<std::string, std::string>> receiver_binding = receiver_tables(file, *site);
      for (const Reach& below : reach(target)) {
        if (below.hops.size() >= k_max_hops || out.size() >= k_max_reach) {
          continue;
        }
        Reach step{below.file,
                   below.call,
                   {Hop{&file, site, target}},
                   below.transaction || transaction,
                   below.table,
                   below.key_columns,
                   below.key_values};
        step.hops.insert(step.hops.end(), below.hops.begin(), below.hops.end());
        if (receiver_binding) {
          apply_binding(step, *receiver_binding);
        } else if (site->path.size() == 2 && site->path[0] == "this") {
          const std::string placeholder = step.table_name();
          bind_own(step);
          if (placeholder != step.table_name() && step.call->call.key_columns.empty() &&
              step.key_columns.empty()) {
            passed_keys(m_sources.arguments(file, *site), placeholder, step);
          }
        }
        out.push_back(std::move(step));
      }
    }
  }
  return out;
}

} // namespace pgadvise::loaders::scan
