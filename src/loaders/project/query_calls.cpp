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
#include "core/background.hpp"
#include "loaders/project/context.hpp"
#include "loaders/project/query_call_helpers.hpp"
#include "loaders/project/query_call_sources.hpp"

#include <algorithm>
#include <unordered_map>

namespace pgadvise::loaders::scan {

namespace {

constexpr std::size_t k_max_calls = 100000; // a project with more is searched only that far

class QueryCallScan {
public:
  QueryCallScan(ScanContext& context, const std::vector<std::string>& files, SourceReadAhead* read_ahead)
      : m_project(context.project()), m_sources(context, files, read_ahead), m_helpers(m_sources) {}

  void run(const std::function<void()>& indexed) {
    m_sources.index();
    if (indexed) {
      indexed();
    }
    for (const auto& file : m_sources.files()) {
      emit_direct(*file);
    }
    for (const auto& file : m_sources.files()) {
      emit_through_helpers(*file);
    }
    for (const auto& file : m_sources.files()) {
      emit_recursion(*file);
    }
  }

private:
  model::Project& m_project;
  QuerySources m_sources;
  HelperCalls m_helpers;

  // How many times the loop runs when that is fixed: the element count of
  // a constant array it walks (written in the loop, or a `const` of this
  // file or one it imports), of the keys of a constant object it walks
  // (`Object.entries(DEFAULTS)`), or a counted `for`'s bound (`MAX_ATTEMPTS`).
  std::size_t loop_constant(const FileIndex& file, const LoopInfo& loop) {
    if (loop.constant > 0) {
      return loop.constant;
    }
    if (!loop.bound.empty()) {
      return m_sources.constant_array(file, loop.bound);
    }
    std::string name = loop.iterable;
    for (const char* walk : {"Object.entries(", "Object.keys(", "Object.values("}) {
      const std::string prefix(walk);
      if (name.size() > prefix.size() + 1 && name.compare(0, prefix.size(), prefix) == 0 &&
          name.back() == ')') {
        name = name.substr(prefix.size(), name.size() - prefix.size() - 1);
        return m_sources.constant_array(file, name);
      }
    }
    // `DEFAULT_COLUMNS.entries()`: the same few elements, with their positions.
    for (const char* walk : {".entries()", ".keys()", ".values()"}) {
      const std::string suffix(walk);
      if (name.size() > suffix.size() &&
          name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
          name.find_first_of(".([ ") == name.size() - suffix.size()) {
        return m_sources.constant_array(file, name.substr(0, name.size() - suffix.size()));
      }
    }
    const TokenRange range = loop.iterable_tokens;
    return range.first != range.last ? 0 : m_sources.constant_array(file, loop.iterable);
  }

  // The tables the function around a loop reads or writes before it,
  // itself or through helpers: where the loop's rows can come from.
  std::vector<std::string> tables_before(const FileIndex& file, const LoopInfo& loop) {
    const FunctionInfo* function = file.function_at(loop.keyword);
    // `.then((rows) => Promise.all(rows.map(...)))`: the rows are the
    // parameter of a callback, read by the function that passes it.
    const std::string root = loop.iterable.substr(0, loop.iterable.find_first_of(".?(["));
    while (function != nullptr && function->name.empty() && function->begin > 0 &&
           std::find(function->params.begin(), function->params.end(), root) != function->params.end()) {
      function = file.function_at(function->begin - 1);
    }
    const std::size_t begin = function != nullptr ? function->begin : 0;
    std::vector<std::pair<std::size_t, std::string>> found;
    // Before the loop, or in its header: `for (const row of await db.select()...)`.
    const auto before = [&](std::size_t token) {
      return (token >= begin && token < loop.keyword) ||
             (loop.iterable_tokens.first <= loop.iterable_tokens.last &&
              token >= loop.iterable_tokens.first && token <= loop.iterable_tokens.last);
    };
    for (const DirectCall& call : file.calls()) {
      if (before(call.token) && !unbound_table(call.call.table)) {
        found.emplace_back(call.token, call.call.table);
      }
    }
    for (const CallSite& site : file.sites()) {
      if (!before(site.token)) {
        continue;
      }
      const NodeId target = m_helpers.resolve(file, site);
      for (const Reach& reached : m_helpers.reach_at(file, site)) {
        if (!unbound_table(reached.table_name())) {
          found.emplace_back(site.token, reached.table_name());
        }
      }
      if (target == k_no_node) {
        continue;
      }
      // The helper's own reads in its own loops count too: a generator
      // that pages through a table (`while (true) { ... .limit(500) }`).
      const Node& helper = m_helpers.node(target);
      const FileFunctions& functions = m_sources.functions_of(*helper.file);
      if (const auto calls = functions.calls.find(helper.function); calls != functions.calls.end()) {
        for (const DirectCall* call : calls->second) {
          if (!unbound_table(call->call.table)) {
            found.emplace_back(site.token, call->call.table);
          }
        }
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

  // `.set(data)` of a parameter (set column "...") the caller passes an
  // object literal for (`markSent(id) { return this.updateById(id, {
  // sentAt: new Date() }) }`): its properties are the columns set.
  static void spread_set(model::QueryCall& call, const FunctionInfo& callee,
                         const std::vector<Argument>& args) {
    if (call.set_columns.size() != 1 || call.set_columns.front() != "..." || call.set_values.empty()) {
      return;
    }
    for (std::size_t i = 0; i < callee.params.size() && i < args.size(); ++i) {
      if (callee.params[i] != call.set_values.front() || args[i].properties.empty()) {
        continue;
      }
      call.set_columns.clear();
      call.set_values.clear();
      for (const auto& [name, text] : args[i].properties) {
        call.set_columns.push_back(name);
        call.set_values.push_back(text);
      }
      return;
    }
  }

  // A generic repository's key field no subclass named (`this.primaryKey`) is no key.
  static void drop_unbound_keys(model::QueryCall& call) {
    for (std::size_t i = call.key_columns.size(); i-- > 0;) {
      if (unbound_table(call.key_columns[i])) {
        call.key_columns.erase(call.key_columns.begin() + static_cast<std::ptrdiff_t>(i));
        if (i < call.key_values.size()) {
          call.key_values.erase(call.key_values.begin() + static_cast<std::ptrdiff_t>(i));
        }
      }
    }
  }

  // What a loop's every call shares, found once a loop: a loop of a real
  // monorepo issues a dozen queries through helpers, and the tables read
  // before it are searched through every call before it.
  struct LoopFacts {
    std::vector<std::string> tables_before;
    std::size_t constant = 0;
    bool in_transaction = false;
  };
  std::unordered_map<const LoopInfo*, LoopFacts> m_loops;

  void describe_loop(const FileIndex& file, const LoopInfo& loop, model::QueryCall& call) {
    auto [facts, added] = m_loops.try_emplace(&loop);
    if (added) {
      facts->second = {tables_before(file, loop), loop_constant(file, loop),
                       file.transaction_at(loop.keyword) != nullptr};
    }
    call.loop = loop.kind;
    call.loop_location = loop.location;
    call.loop_variable = loop.variable;
    call.loop_iterable = loop.iterable;
    call.tables_before = facts->second.tables_before;
    call.loop_constant = facts->second.constant;
    call.loop_in_transaction = facts->second.in_transaction;
  }

  void push(model::QueryCall call) {
    if (m_project.query_calls.size() < k_max_calls) {
      m_project.query_calls.push_back(std::move(call));
    }
  }

  // The function around the loop hands what it built to `.batch(` after the
  // loop (neon-http, D1): `db.batch(ids.map((id) => db.update(t)...))`, or
  // the built statements kept in a variable and batched below.
  static bool batched_after(const FileIndex& file, const LoopInfo& loop) {
    const FunctionInfo* function = file.function_at(loop.keyword);
    return file.batched({loop.begin, loop.end}, function != nullptr ? function->end : k_no_token - 1);
  }

  // Every Drizzle call, with the loop of its own file around it; and the
  // file's relations().
  void emit_direct(const FileIndex& file) {
    m_project.drizzle_relations.insert(m_project.drizzle_relations.end(), file.relations().begin(),
                                       file.relations().end());
    for (const DirectCall& direct : file.calls()) {
      if (unbound_table(direct.call.table)) {
        continue; // a generic repository's `this.table`: a query of the subclass that binds it
      }
      model::QueryCall call = direct.call;
      const LoopInfo* loop = file.loop_running(direct.token);
      if (loop != nullptr && !direct.awaited && batched_after(file, *loop)) {
        loop = nullptr; // the loop only builds the statements a `.batch(` sends at once
      }
      if (loop != nullptr) {
        describe_loop(file, *loop, call);
        const FunctionInfo* transaction = file.transaction_at(direct.token);
        call.in_transaction = transaction != nullptr && transaction->begin >= loop->begin;
      }
      if (loop == nullptr || direct.guard == k_no_token || direct.guard < loop->begin) {
        call.condition = {}; // no test of the loop's body stands between it and the loop
      }
      push(std::move(call));
    }
  }

  // `value` (a helper's key expression in terms of its parameters) in the
  // caller's terms: a parameter becomes the argument passed for it, and
  // `param.prop` the property of an object literal passed for it.
  static std::string in_caller_terms(const std::string& value, const FunctionInfo& callee,
                                     const std::vector<Argument>& args) {
    // A name the callee destructures from a parameter (`const { id } =
    // params`): that property of what the caller passes.
    if (const auto bound = callee.destructured.find(value); bound != callee.destructured.end()) {
      const auto& [position, property] = bound->second;
      if (position < args.size()) {
        const Argument& arg = args[position];
        for (const auto& [name, text] : arg.properties) {
          if (name == property) {
            return text;
          }
        }
        return arg.properties.empty() ? arg.text + "." + property : value;
      }
      return value;
    }
    for (std::size_t i = 0; i < callee.params.size() && i < args.size(); ++i) {
      const std::string& param = callee.params[i];
      const Argument& arg = args[i];
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
      const LoopInfo* loop = file.loop_running(site.token);
      if (loop == nullptr) {
        continue;
      }
      const NodeId target = m_helpers.resolve(file, site);
      if (target == k_no_node) {
        continue;
      }
      const std::vector<Reach> reached =
          m_helpers.reach_at(file, site); // a copy: resolving below may add nodes
      for (const Reach& each : reached) {
        if (m_project.query_calls.size() >= k_max_calls) {
          return;
        }
        if (unbound_table(each.table_name())) {
          continue;
        }
        model::QueryCall call = each.call->call;
        call.table = each.table_name();
        if (!each.key_columns.empty()) {
          call.key_columns = each.key_columns;
          call.key_values = each.key_values;
        }
        drop_unbound_keys(call);
        std::vector<Hop> hops = {Hop{&file, &site, target}};
        hops.insert(hops.end(), each.hops.begin(), each.hops.end());
        for (std::size_t i = hops.size(); i-- > 0;) {
          const FunctionInfo& callee = *m_helpers.node(hops[i].node).function;
          const std::vector<Argument>& args = m_sources.arguments(*hops[i].file, *hops[i].site);
          for (std::string& value : call.key_values) {
            value = in_caller_terms(value, callee, args);
          }
          spread_set(call, callee, args);
          for (std::string& value : call.set_values) {
            value = in_caller_terms(value, callee, args);
          }
        }
        for (const Hop& hop : hops) {
          const Node& node = m_helpers.node(hop.node);
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
        call.transaction_in_body = transaction != nullptr && transaction->begin >= loop->begin;
        call.in_transaction = each.transaction || call.transaction_in_body;
        push(std::move(call));
      }
    }
  }

  // A function that calls itself outside any loop and issues a query on
  // the way (itself or through helpers): one query per level of the
  // recursion, as a walk up a category tree reads one parent at a time.
  // The recursive call stands for the loop; a loop around it (a walk down
  // to each child) is that loop's, found above.
  void emit_recursion(const FileIndex& file) {
    for (const CallSite& site : file.sites()) {
      const FunctionInfo* caller = file.function_at(site.token);
      // A call of itself names it: a site naming another function is no
      // recursion, and is not resolved (most of a project's calls).
      if (caller == nullptr || caller->name.empty() || site.path.back() != caller->name ||
          file.loop_running(site.token) != nullptr) {
        continue;
      }
      const NodeId target = m_helpers.resolve(file, site);
      if (target == k_no_node || m_helpers.node(target).function != caller) {
        continue;
      }
      const std::vector<Reach> reached = m_helpers.reach_at(file, site);
      for (const Reach& each : reached) {
        if (m_project.query_calls.size() >= k_max_calls) {
          return;
        }
        if (unbound_table(each.table_name())) {
          continue;
        }
        model::QueryCall call = each.call->call;
        call.table = each.table_name();
        if (!each.key_columns.empty()) {
          call.key_columns = each.key_columns;
          call.key_values = each.key_values;
        }
        drop_unbound_keys(call);
        for (std::size_t i = each.hops.size(); i-- > 0;) {
          const std::vector<Argument>& args = m_sources.arguments(*each.hops[i].file, *each.hops[i].site);
          for (std::string& value : call.key_values) {
            value = in_caller_terms(value, *m_helpers.node(each.hops[i].node).function, args);
          }
        }
        for (const Hop& hop : each.hops) {
          std::string callee;
          for (const std::string& part : hop.site->path) {
            callee += (callee.empty() ? "" : ".") + part;
          }
          call.chain.push_back(
              {callee, hop.site->location, m_helpers.node(hop.node).function->name_location});
        }
        if (!call.chain.empty()) {
          call.via = call.chain.front().callee;
          call.via_location = call.chain.front().call;
        }
        // The next level's key read from a row (`category.parentId`): a
        // walk along links. A key the function computes (a probe for a free
        // name, a retry's attempt number) is a try per collision, not a level.
        const std::string next = call.key_values.empty() ? std::string()
                                                         : in_caller_terms(call.key_values.front(), *caller,
                                                                           m_sources.arguments(file, site));
        if (next.find('.') == std::string::npos || next == call.key_values.front()) {
          continue;
        }
        call.loop = "recursion";
        call.loop_location = site.location;
        call.loop_variable = caller->name;
        call.recursion_key = next;
        call.in_transaction = each.transaction;
        push(std::move(call));
      }
    }
  }
};

} // namespace

void scan_query_calls(ScanContext& context, const std::vector<std::string>& files,
                      const std::function<void()>& indexed, SourceReadAhead* read_ahead) {
  auto scan = std::make_unique<QueryCallScan>(context, files, read_ahead);
  scan->run(indexed);
  // What the scan built goes on the other core while the run goes on.
  core::destroy_in_background(std::move(scan));
}

} // namespace pgadvise::loaders::scan
