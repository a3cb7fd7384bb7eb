// The Drizzle query calls of the project's TypeScript (`db.select().from(t)
// .where(eq(t.col, v))`, `db.query.t.findFirst({ where })`, `db.insert(t)`,
// `db.update(t)`, `db.delete(t)`) with the loop that issues each: its own
// body, or a helper it calls, followed through named, default and
// namespace imports, barrels, workspace packages and tsconfig paths (the
// shared resolver, loaders/typescript/module_graph), object and class
// methods, a few levels deep. What lets n-plus-one name the loop that issues
// a per-row statement.
//
// Linear in the project: each source is read once and its imports listed
// without tokenizing it; only the files whose imports reach drizzle-orm are
// tokenized, once; helpers are found through maps (module -> file, name ->
// declaration), each call resolved once and each helper's queries collected
// once.
#include "core/file.hpp"
#include "loaders/project/context.hpp"
#include "loaders/project/query_call_files.hpp"
#include "loaders/project/query_call_reader.hpp"
#include "loaders/typescript/module_graph.hpp"
#include "loaders/typescript/parser.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <unordered_map>

namespace pgadvise::loaders::scan {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t k_max_calls = 100000; // a project with more is searched only that far
constexpr std::size_t k_max_hops = 4;       // helper calls below the one a loop makes
constexpr std::size_t k_max_reach = 64;     // queries a helper is followed to
constexpr std::uintmax_t k_max_source_bytes = 16U << 20U;

using NodeId = std::size_t;
constexpr NodeId k_no_node = static_cast<NodeId>(-1);

struct Source {
  std::string relative;
  std::string path; // absolute, normal (a string: an fs::path holds a list of its components)
  std::optional<std::string> text;
  bool reaches_drizzle = false;
};

// A helper call on the way from a loop to a query: `site` in `file` calls `node`.
struct Hop {
  const FileIndex* file = nullptr;
  const CallSite* site = nullptr;
  NodeId node = k_no_node;
};

// A query a function issues, itself or through helpers.
struct Reach {
  const FileIndex* file = nullptr;
  const DirectCall* call = nullptr;
  std::vector<Hop> hops;
  bool transaction = false; // a `.transaction(` callback below the function opens around it
};

struct Node {
  const FileIndex* file = nullptr;
  const FunctionInfo* function = nullptr;
  int state = 0; // 0 new, 1 collecting, 2 done
  std::vector<Reach> reach;
};

// `./x`, `../x`, `/x`, and the usual alias prefixes `@/`, `~/`, `#`: paths
// into the project, not package names.
bool project_specifier(std::string_view specifier) {
  return specifier.rfind("./", 0) == 0 || specifier.rfind("../", 0) == 0 || specifier.rfind('/', 0) == 0 ||
         specifier.rfind("@/", 0) == 0 || specifier.rfind("~/", 0) == 0 || specifier.rfind('#', 0) == 0 ||
         specifier == "." || specifier == "..";
}

// The element count of the array literal `init` when every element is a
// string, number or boolean literal; 0 otherwise.
std::size_t constant_count(const ts::Program& program, ts::NodeId init) {
  if (init == ts::k_no_node || init >= program.nodes.size()) {
    return 0;
  }
  const ts::Node& node = program.node(init);
  if (node.kind != ts::NodeKind::array || node.children.empty()) {
    return 0;
  }
  for (const ts::NodeId element : node.children) {
    const ts::NodeKind kind = element == ts::k_no_node ? ts::NodeKind::other : program.node(element).kind;
    if (kind != ts::NodeKind::string && kind != ts::NodeKind::number && kind != ts::NodeKind::boolean) {
      return 0;
    }
  }
  return node.children.size();
}

// What one file's named functions hold: calls and sites by function, and
// those outside any loop of their own function.
struct FileFunctions {
  std::map<const FunctionInfo*, std::vector<const DirectCall*>> calls;
  std::map<const FunctionInfo*, std::vector<const CallSite*>> sites;
};

class QueryCallScan {
public:
  QueryCallScan(ScanContext& context, const std::vector<std::string>& files)
      : m_context(context), m_project(context.project()),
        m_root(fs::absolute(m_project.root).lexically_normal()),
        m_resolver(workspace(), [this](const fs::path& path) { return known(path); }),
        m_graph(m_resolver, [this](const fs::path& path) { return read_for_graph(path); }) {
    read_sources(files);
  }

  void run() {
    mark_reaching();
    index_files();
    for (const auto& file : m_files) {
      emit_direct(*file);
    }
    for (const auto& file : m_files) {
      emit_through_helpers(*file);
    }
  }

private:
  ScanContext& m_context;
  model::Project& m_project;
  fs::path m_root;
  ts::ModuleResolver m_resolver;
  ts::ModuleGraph m_graph;
  std::vector<Source> m_sources;
  std::unordered_map<std::string, std::size_t> m_by_path; // absolute normal path -> source
  std::vector<std::unique_ptr<FileIndex>> m_files;
  std::map<const ts::SourceModule*, const FileIndex*> m_by_module;
  std::unordered_map<const FileIndex*, fs::path> m_paths; // absolute, normal: the graph's key for the file
  std::map<const FileIndex*, FileFunctions> m_functions;
  std::vector<Node> m_nodes;
  std::map<const FunctionInfo*, NodeId> m_node_of;
  std::map<const CallSite*, NodeId> m_site_target;
  std::map<const ts::SourceModule*, std::map<std::string, std::size_t, std::less<>>> m_constants;

  ts::Workspace workspace() const {
    ts::Workspace out;
    out.root = m_root;
    for (const model::Package& package : m_project.packages) {
      if (!package.name.empty()) {
        out.packages.push_back({package.name, (m_root / package.dir).lexically_normal()});
      }
    }
    return out;
  }

  // Whether a source file is there, from the walk (no file-system call):
  // resolution never leaves the files the scan may read.
  [[nodiscard]] bool known(const fs::path& path) const {
    return m_by_path.count(path.lexically_normal().string()) > 0;
  }

  // The graph reads only the project's own sources, from the text the scan
  // read (a file of no use to the scan was let go and is read again).
  std::optional<std::string> read_for_graph(const fs::path& path) {
    const auto found = m_by_path.find(path.lexically_normal().string());
    if (found == m_by_path.end()) {
      return std::nullopt; // outside the scanned files (node_modules, build output)
    }
    Source& source = m_sources[found->second];
    if (source.text) {
      return source.text;
    }
    auto text = core::read_file(source.path, k_max_source_bytes);
    return text ? std::optional<std::string>(std::move(*text)) : std::nullopt;
  }

  void read_sources(const std::vector<std::string>& files) {
    for (const std::string& file : files) {
      if (!query_source_file(file)) {
        continue;
      }
      std::optional<std::string> text = m_context.read(file);
      if (!text) {
        continue;
      }
      ++m_project.query_files_searched;
      std::string path = (m_root / file).lexically_normal().string();
      m_by_path.emplace(path, m_sources.size());
      m_sources.push_back({file, std::move(path), std::move(text), false});
    }
  }

  // The resolver answers with normal paths; one that is not is normalized.
  [[nodiscard]] std::unordered_map<std::string, std::size_t>::const_iterator
  find_source(const fs::path& path) const {
    const auto found = m_by_path.find(path.native());
    return found != m_by_path.end() ? found : m_by_path.find(path.lexically_normal().string());
  }

  // The files whose imports reach drizzle-orm, directly or through the
  // project's own files: a breadth-first walk back along import edges.
  void mark_reaching() {
    std::vector<std::vector<std::size_t>> importers(m_sources.size());
    std::deque<std::size_t> queue;
    for (std::size_t i = 0; i < m_sources.size(); ++i) {
      Source& source = m_sources[i];
      for (const std::string_view specifier : import_specifiers(*source.text)) {
        if (drizzle_specifier(specifier)) {
          if (!source.reaches_drizzle) {
            source.reaches_drizzle = true;
            queue.push_back(i);
          }
          continue;
        }
        const std::optional<fs::path> target = m_resolver.resolve(fs::path(source.path), specifier);
        if (!target) {
          // A project path that leads nowhere the scan can see (a missing
          // file, an alias it cannot read) may be the db client: the file
          // is kept. A package outside the project holds no project code.
          if (project_specifier(specifier) && !source.reaches_drizzle) {
            source.reaches_drizzle = true;
            queue.push_back(i);
          }
          continue;
        }
        const auto found = find_source(*target);
        if (found != m_by_path.end() && found->second != i) {
          importers[found->second].push_back(i);
        }
      }
    }
    while (!queue.empty()) {
      const std::size_t reached = queue.front();
      queue.pop_front();
      for (const std::size_t importer : importers[reached]) {
        if (!m_sources[importer].reaches_drizzle) {
          m_sources[importer].reaches_drizzle = true;
          queue.push_back(importer);
        }
      }
    }
    for (Source& source : m_sources) {
      if (!source.reaches_drizzle) {
        source.text.reset(); // can hold no Drizzle call: never tokenized
      }
    }
  }

  // Each reaching file parsed once; its index taken from the tokens, which
  // then go (the module graph keeps the declarations, imports and exports).
  void index_files() {
    for (Source& source : m_sources) {
      if (!source.reaches_drizzle || !source.text) {
        continue;
      }
      ts::Program program = ts::parse_program(*source.text);
      source.text.reset();
      auto index = std::make_unique<FileIndex>(source.relative, program);
      // What the module graph needs stays (imports, exports, declarations by
      // name); the tokens and expression trees go, but for the element
      // counts of top-level constant arrays, kept aside.
      std::map<std::string, std::size_t, std::less<>> constants;
      for (ts::Declaration& declaration : program.declarations) {
        if (const std::size_t count = constant_count(program, declaration.init); count > 0) {
          constants.emplace(declaration.name, count);
        }
        declaration.init = ts::k_no_node;
      }
      std::vector<ts::Token>().swap(program.lex.tokens); // `= {}` would keep the capacity
      std::vector<ts::Comment>().swap(program.lex.comments);
      std::vector<ts::Node>().swap(program.nodes);
      fs::path path(source.path);
      const ts::SourceModule* module = m_graph.adopt(path, std::move(program));
      if (!constants.empty()) {
        m_constants.emplace(module, std::move(constants));
      }
      m_files.push_back(std::move(index));
      const FileIndex& file = *m_files.back();
      m_by_module[module] = &file;
      m_paths.emplace(&file, std::move(path));
      FileFunctions& functions = m_functions[&file];
      for (const DirectCall& call : file.calls()) {
        functions.calls[file.named_function_at(call.token)].push_back(&call);
      }
      for (const CallSite& site : file.sites()) {
        functions.sites[file.named_function_at(site.token)].push_back(&site);
      }
    }
  }

  [[nodiscard]] const fs::path& path_of(const FileIndex& file) const { return m_paths.at(&file); }

  [[nodiscard]] const FileIndex* file_of(const ts::SourceModule* module) const {
    const auto found = m_by_module.find(module);
    return found == m_by_module.end() ? nullptr : found->second;
  }

  NodeId node_for(const FileIndex* file, const FunctionInfo* function) {
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
  NodeId node_of_symbol(const std::optional<ts::Symbol>& symbol, std::string_view member = {}) {
    if (!symbol || symbol->module == nullptr) {
      return k_no_node;
    }
    const FileIndex* file = file_of(symbol->module);
    if (file == nullptr) {
      return k_no_node;
    }
    switch (symbol->kind) {
    case ts::SymbolKind::module_namespace:
      return member.empty() ? k_no_node : node_of_symbol(m_graph.find_export(symbol->target->path, member));
    case ts::SymbolKind::class_declaration:
      return member.empty() ? k_no_node : node_for(file, file->find_function(symbol->name, member));
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
  NodeId class_method(const FileIndex& file, const std::string& type, std::string_view member) {
    if (file.find_class(type) != nullptr) {
      return node_for(&file, file.find_function(type, member));
    }
    for (const TypeImport& import : file.type_imports()) {
      if (import.local == type) {
        const std::optional<fs::path> target = m_graph.resolve(path_of(file), import.module);
        return target ? node_of_symbol(m_graph.find_export(*target, import.imported), member) : k_no_node;
      }
    }
    return node_of_symbol(m_graph.resolve_local(path_of(file), type), member);
  }

  // The function a call reaches; k_no_node when no declaration in the
  // project's indexed files is certain.
  NodeId resolve(const FileIndex& file, const CallSite& site) {
    const auto memo = m_site_target.find(&site);
    if (memo != m_site_target.end()) {
      return memo->second;
    }
    const NodeId node = resolve_uncached(file, site);
    m_site_target.emplace(&site, node);
    return node;
  }

  NodeId resolve_uncached(const FileIndex& file, const CallSite& site) {
    const std::vector<std::string>& path = site.path;
    if (path.size() == 1) {
      if (const FunctionInfo* own = file.find_function("", path[0])) {
        return node_for(&file, own);
      }
      return node_of_symbol(m_graph.resolve_local(path_of(file), path[0]));
    }
    if (path.size() == 2 && path[0] == "this") {
      const ClassInfo* owner = file.class_at(site.token);
      return owner == nullptr ? k_no_node : node_for(&file, file.find_function(owner->name, path[1]));
    }
    if (path.size() == 2) {
      if (const FunctionInfo* method = file.find_function(path[0], path[1])) {
        return node_for(&file, method); // an object literal of this file
      }
      if (const auto instance = file.new_locals().find(path[0]); instance != file.new_locals().end()) {
        return class_method(file, instance->second, path[1]);
      }
      const NodeId found = node_of_symbol(m_graph.resolve_local(path_of(file), path[0]), path[1]);
      if (found != k_no_node) {
        return found;
      }
      return default_object_method(file, path[0], path[1]);
    }
    if (path.size() == 3 && path[0] == "this") {
      const ClassInfo* owner = file.class_at(site.token);
      if (owner == nullptr) {
        return k_no_node;
      }
      const auto field = owner->field_types.find(path[1]);
      return field == owner->field_types.end() ? k_no_node : class_method(file, field->second, path[2]);
    }
    return k_no_node;
  }

  // `import store from "./store"` where the module says `export default { m() {} }`.
  NodeId default_object_method(const FileIndex& file, std::string_view local, std::string_view member) {
    for (const ts::Import& import : file.imports()) {
      if (import.local != local || import.imported != "default") {
        continue;
      }
      const std::optional<fs::path> target = m_graph.resolve(path_of(file), import.module);
      const ts::SourceModule* module = target ? m_graph.load(*target) : nullptr;
      const FileIndex* other = file_of(module);
      return other == nullptr ? k_no_node : node_for(other, other->find_function("default", member));
    }
    return k_no_node;
  }

  // Whether `token` of `file` sits in a loop of `function` itself (then
  // that loop, not the helper's caller, repeats it).
  static bool in_own_loop(const FileIndex& file, const FunctionInfo* function, std::size_t token) {
    const LoopInfo* loop = file.loop_at(token);
    return loop != nullptr && (function == nullptr || loop->begin >= function->begin);
  }

  static bool in_own_transaction(const FileIndex& file, const FunctionInfo* function, std::size_t token) {
    const FunctionInfo* transaction = file.transaction_at(token);
    return transaction != nullptr && (function == nullptr || transaction->begin >= function->begin);
  }

  // The queries a function issues outside loops of its own, itself or
  // through the helpers it calls (at most k_max_hops deep, cycles cut).
  const std::vector<Reach>& reach(NodeId id) {
    static const std::vector<Reach> k_none;
    if (id == k_no_node || m_nodes[id].state == 1) {
      return k_none;
    }
    if (m_nodes[id].state == 2) {
      return m_nodes[id].reach;
    }
    m_nodes[id].state = 1;
    const FileIndex& file = *m_nodes[id].file;
    const FunctionInfo* function = m_nodes[id].function;
    const FileFunctions& functions = m_functions[&file];
    std::vector<Reach> out;
    if (const auto calls = functions.calls.find(function); calls != functions.calls.end()) {
      for (const DirectCall* call : calls->second) {
        if (!in_own_loop(file, function, call->token) && out.size() < k_max_reach) {
          out.push_back({&file, call, {}, in_own_transaction(file, function, call->token)});
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
        for (const Reach& below : reach(target)) {
          if (below.hops.size() >= k_max_hops || out.size() >= k_max_reach) {
            continue;
          }
          Reach step{below.file, below.call, {Hop{&file, site, target}}, below.transaction || transaction};
          step.hops.insert(step.hops.end(), below.hops.begin(), below.hops.end());
          out.push_back(std::move(step));
        }
      }
    }
    m_nodes[id].reach = std::move(out);
    m_nodes[id].state = 2;
    return m_nodes[id].reach;
  }

  // The element count of the loop's iterable when it is a constant array:
  // written in the loop, or a `const` of this file or one it imports.
  std::size_t loop_constant(const FileIndex& file, const LoopInfo& loop) {
    if (loop.constant > 0) {
      return loop.constant;
    }
    const TokenRange range = loop.iterable_tokens;
    if (range.first != range.last) {
      return 0;
    }
    const std::optional<ts::Symbol> symbol = m_graph.resolve_local(path_of(file), loop.iterable);
    if (!symbol || symbol->module == nullptr || symbol->kind != ts::SymbolKind::value) {
      return 0;
    }
    if (const auto kept = m_constants.find(symbol->module); kept != m_constants.end()) {
      const auto count = kept->second.find(symbol->name);
      return count == kept->second.end() ? 0 : count->second;
    }
    // A module the graph read itself (it reaches no database): its tree is whole.
    return symbol->declaration == nullptr
               ? 0
               : constant_count(symbol->module->program, symbol->declaration->init);
  }

  // The tables the function around a loop reads or writes before it,
  // itself or through helpers: where the loop's rows can come from.
  std::vector<std::string> tables_before(const FileIndex& file, const LoopInfo& loop) {
    const FunctionInfo* function = file.function_at(loop.keyword);
    const std::size_t begin = function != nullptr ? function->begin : 0;
    std::vector<std::pair<std::size_t, std::string>> found;
    for (const DirectCall& call : file.calls()) {
      if (call.token >= begin && call.token < loop.keyword) {
        found.emplace_back(call.token, call.call.table);
      }
    }
    for (const CallSite& site : file.sites()) {
      if (site.token < begin || site.token >= loop.keyword) {
        continue;
      }
      for (const Reach& reached : reach(resolve(file, site))) {
        found.emplace_back(site.token, reached.call->call.table);
      }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<std::string> out;
    for (auto& [token, table] : found) {
      if (std::find(out.begin(), out.end(), table) == out.end()) {
        out.push_back(std::move(table));
      }
    }
    return out;
  }

  void describe_loop(const FileIndex& file, const LoopInfo& loop, model::QueryCall& call) {
    call.loop = loop.kind;
    call.loop_location = loop.location;
    call.loop_variable = loop.variable;
    call.loop_iterable = loop.iterable;
    call.tables_before = tables_before(file, loop);
    call.loop_constant = loop_constant(file, loop);
    call.loop_in_transaction = file.transaction_at(loop.keyword) != nullptr;
  }

  void push(model::QueryCall call) {
    if (m_project.query_calls.size() < k_max_calls) {
      m_project.query_calls.push_back(std::move(call));
    }
  }

  // Every Drizzle call, with the loop of its own file around it; and the
  // file's relations().
  void emit_direct(const FileIndex& file) {
    m_project.drizzle_relations.insert(m_project.drizzle_relations.end(), file.relations().begin(),
                                       file.relations().end());
    for (const DirectCall& direct : file.calls()) {
      model::QueryCall call = direct.call;
      if (const LoopInfo* loop = file.loop_at(direct.token)) {
        describe_loop(file, *loop, call);
        const FunctionInfo* transaction = file.transaction_at(direct.token);
        call.in_transaction = transaction != nullptr && transaction->begin >= loop->begin;
      }
      push(std::move(call));
    }
  }

  // `value` (a helper's key expression in terms of its parameters) in the
  // caller's terms: a parameter becomes the argument passed for it, and
  // `param.prop` the property of an object literal passed for it.
  static std::string in_caller_terms(const std::string& value, const FunctionInfo& callee,
                                     const CallSite& site) {
    for (std::size_t i = 0; i < callee.params.size() && i < site.args.size(); ++i) {
      const std::string& param = callee.params[i];
      const Argument& arg = site.args[i];
      if (param.empty()) {
        continue;
      }
      if (value == param) {
        return arg.text;
      }
      if (value.size() > param.size() + 1 && value.compare(0, param.size(), param) == 0 &&
          value[param.size()] == '.') {
        const std::string property = value.substr(param.size() + 1);
        for (const auto& [name, text] : arg.properties) {
          if (name == property) {
            return text;
          }
        }
        return arg.properties.empty() ? arg.text + "." + property : value;
      }
    }
    return value;
  }

  // Each loop's calls of helpers: the queries the helpers issue, issued by the loop.
  void emit_through_helpers(const FileIndex& file) {
    for (const CallSite& site : file.sites()) {
      const LoopInfo* loop = file.loop_at(site.token);
      if (loop == nullptr) {
        continue;
      }
      const NodeId target = resolve(file, site);
      if (target == k_no_node) {
        continue;
      }
      const std::vector<Reach> reached = reach(target); // a copy: resolving below may grow m_nodes
      for (const Reach& each : reached) {
        if (m_project.query_calls.size() >= k_max_calls) {
          return;
        }
        model::QueryCall call = each.call->call;
        std::vector<Hop> hops = {Hop{&file, &site, target}};
        hops.insert(hops.end(), each.hops.begin(), each.hops.end());
        for (std::size_t i = hops.size(); i-- > 0;) {
          for (std::string& value : call.key_values) {
            value = in_caller_terms(value, *m_nodes[hops[i].node].function, *hops[i].site);
          }
        }
        for (const Hop& hop : hops) {
          const Node& node = m_nodes[hop.node];
          std::string callee;
          for (const std::string& part : hop.site->path) {
            callee += (callee.empty() ? "" : ".") + part;
          }
          call.chain.push_back({callee, hop.site->location, node.function->name_location});
        }
        call.via = call.chain.front().callee;
        call.via_location = call.chain.front().call;
        describe_loop(file, *loop, call);
        const FunctionInfo* transaction = file.transaction_at(site.token);
        call.in_transaction =
            each.transaction || (transaction != nullptr && transaction->begin >= loop->begin);
        push(std::move(call));
      }
    }
  }
};

} // namespace

void scan_query_calls(ScanContext& context, const std::vector<std::string>& files) {
  QueryCallScan scan(context, files);
  scan.run();
}

} // namespace pgadvise::loaders::scan
