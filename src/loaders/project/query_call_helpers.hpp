#pragma once

#include "loaders/project/query_call_sources.hpp"

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The helper calls between the indexed files (query_call_helpers.cpp):
// which function a call site reaches (its own file's, an import's through
// barrels and workspace packages, an object's or a class's method), and the
// queries each function issues outside loops of its own, itself or through
// the helpers it calls, a few levels deep. Each call is resolved once and
// each function's queries collected once.
namespace pgadvise::loaders::scan {

using NodeId = std::size_t;
inline constexpr NodeId k_no_node = static_cast<NodeId>(-1);

// A helper call on the way from a loop to a query: `site` in `file` calls `node`.
struct Hop {
  const FileIndex* file = nullptr;
  const CallSite* site = nullptr;
  NodeId node = k_no_node;
};

// Whether a query's table is a generic repository's `this.table` no
// subclass has bound yet (query_call_drizzle).
inline bool unbound_table(std::string_view table) {
  return table.substr(0, 5) == "this.";
}

// A query a function issues, itself or through helpers.
struct Reach {
  const FileIndex* file = nullptr;
  const DirectCall* call = nullptr;
  std::vector<Hop> hops;
  bool transaction = false; // a `.transaction(` callback below the function opens around it
  // The table a subclass binds the call's `this.table` to (`super(db,
  // timer)`); empty: the call's own.
  std::string table;
  // The key a subclass's method passes its base's `this.table` query
  // (`this.count(eq((this.table as any).batchId, batchId))`), in that
  // method's terms; empty: the call's own.
  std::vector<std::string> key_columns;
  std::vector<std::string> key_values;

  [[nodiscard]] const std::string& table_name() const { return table.empty() ? call->call.table : table; }
};

// A function of an indexed file, and the queries it reaches once collected.
struct Node {
  const FileIndex* file = nullptr;
  const FunctionInfo* function = nullptr;
  int state = 0; // 0 new, 1 collecting, 2 done
  std::vector<Reach> reach;
};

class HelperCalls {
public:
  explicit HelperCalls(QuerySources& sources) : m_sources(sources) {}

  // The function a call reaches; k_no_node when no declaration in the
  // project's indexed files is certain.
  NodeId resolve(const FileIndex& file, const CallSite& site);
  // The queries a function issues outside loops of its own, itself or
  // through the helpers it calls (at most k_max_hops deep, cycles cut).
  // The reference is good until the next call (it may add nodes).
  const std::vector<Reach>& reach(NodeId id);
  // What `site` reaches, a generic base's `this.table` bound to the class
  // the call is made on (`rooms.findOne(id)` for `const rooms = new
  // RoomService(db)`, `this.grants.createOne(row)`, an inherited
  // `this.updateOne(id)`): a copy.
  std::vector<Reach> reach_at(const FileIndex& file, const CallSite& site);
  [[nodiscard]] const Node& node(NodeId id) const { return m_nodes[id]; }

private:
  NodeId node_for(const FileIndex* file, const FunctionInfo* function);
  NodeId node_of_symbol(const std::optional<ts::Symbol>& symbol, std::string_view member = {});
  NodeId class_method(const FileIndex& file, const std::string& type, std::string_view member);
  std::optional<ts::Symbol> resolve_local(const FileIndex& file, std::string_view name);
  // The class `name` as `file` sees it (its own, or an import), and its file.
  const ClassInfo* class_named(const FileIndex& file, const std::string& name, const FileIndex*& found_in);
  // `member` of the classes `owner` extends, nearest first.
  NodeId inherited_method(const FileIndex& file, const ClassInfo& owner, std::string_view member,
                          int depth = 0);
  // `this.<field>` -> table for the fields `owner`'s base constructors set
  // from the arguments `owner` passes to super(), through the classes
  // between them (`class Rooms extends Archivable` whose constructor passes
  // its `table` on to `Base`).
  std::map<std::string, std::string> table_binding(const FileIndex& file, const ClassInfo& owner);
  // field -> the argument text `owner`'s super() call gives it (a parameter
  // of a class in between replaced by what its own subclass passes).
  std::map<std::string, std::string> field_arguments(const FileIndex& file, const ClassInfo& owner,
                                                     int depth);
  // The class of the object a call is made on, when the file says it:
  // `x.m()` after `const x = new X(...)`, `this.f.m()` for a field `f: X`.
  const ClassInfo* receiver_class(const FileIndex& file, const CallSite& site, const FileIndex*& found_in);
  // The receiver class's table binding; nullopt when the file does not say its class.
  std::optional<std::map<std::string, std::string>> receiver_tables(const FileIndex& file,
                                                                    const CallSite& site);
  NodeId resolve_uncached(const FileIndex& file, const CallSite& site);
  NodeId default_object_method(const FileIndex& file, std::string_view local, std::string_view member);
  // `member` of the class whose instances the project keeps in property
  // `property` (`{ orders: new OrdersService(db) }` in a middleware or a
  // context factory, so that `req.services.orders.get(id)` is its `get`;
  // `get("orders")`: what `c.set("orders", new OrdersService(db))` stores);
  // none when the project puts instances of two classes there.
  NodeId property_method(const FileIndex& caller, std::string property, std::string_view member);
  std::vector<Reach> collect(NodeId id);

  QuerySources& m_sources;
  std::vector<Node> m_nodes;
  std::map<const FunctionInfo*, NodeId> m_node_of;
  std::map<const CallSite*, NodeId> m_site_target;
  // property -> the file that fills it and the class as that file names it
  // (file null: two classes); read from every file on first use.
  // "<checkout>\n<property>" -> the file and class of the object it holds.
  std::map<std::string, std::pair<const FileIndex*, std::string>, std::less<>> m_properties;
  bool m_properties_read = false;
};

} // namespace pgadvise::loaders::scan
