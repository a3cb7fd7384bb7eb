#pragma once

#include "loaders/project/query_call_classes.hpp"
#include "loaders/project/query_call_drizzle.hpp"
#include "loaders/project/query_call_functions.hpp"
#include "loaders/project/query_call_loops.hpp"
#include "loaders/project/query_call_sites.hpp"
#include "loaders/project/query_call_tokens.hpp"
#include "loaders/typescript/ast.hpp"
#include "model/project_graph.hpp"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// One JS/TS file of the query-call scan read from its tokens: its functions
// (with the class or object they are methods of: query_call_functions), its
// loops (query_call_loops), its classes and their field types
// (query_call_classes), its Drizzle query calls (query_call_drizzle) and
// every other call it makes, with the arguments (query_call_sites), so that
// the scan (query_calls.cpp) can follow a loop's calls through helpers to
// the query they issue. Read from the token stream, since these sit in
// function bodies the declaration parser skips. The index keeps token
// numbers for position look-ups but no token: the texts and locations it
// needs are taken while it is built, so the tokens can be let go.
namespace pgadvise::loaders::scan {

struct PaintRun {
  std::uint32_t begin = 0; // the first token of the run
  std::uint32_t value = 0;
};

class FileIndex {
public:
  FileIndex(std::string path, const ts::Program& program);

  [[nodiscard]] const std::string& path() const { return m_path; }
  [[nodiscard]] const std::vector<ts::Import>& imports() const { return m_imports; }
  [[nodiscard]] const std::vector<FunctionInfo>& functions() const { return m_functions; }
  [[nodiscard]] const std::vector<LoopInfo>& loops() const { return m_loops; }
  [[nodiscard]] const std::vector<DirectCall>& calls() const { return m_calls; }
  [[nodiscard]] const std::vector<CallSite>& sites() const { return m_sites; }
  [[nodiscard]] const std::vector<ClassInfo>& classes() const { return m_classes; }
  [[nodiscard]] const std::vector<TypeImport>& type_imports() const { return m_type_imports; }
  [[nodiscard]] const std::vector<model::DrizzleRelation>& relations() const { return m_relations; }
  // A `.batch(...)` call around the tokens [first, last], or after them up
  // to `until`: the statements built there are sent in one round trip.
  [[nodiscard]] bool batched(TokenRange built, std::size_t until) const;
  // `const x = new X(...)` anywhere in the file: x -> X.
  [[nodiscard]] const std::map<std::string, std::string>& new_locals() const { return m_new_locals; }
  // The properties the file fills with an instance: `{ orders: new
  // OrdersService(db) }` -> orders -> OrdersService ("" when two classes).
  [[nodiscard]] const std::map<std::string, std::string>& new_properties() const { return m_new_properties; }
  // Parameters and locals typed with a name (`orders: OrdersService`; "" when two types).
  [[nodiscard]] const std::map<std::string, std::string>& typed_locals() const { return m_typed_locals; }
  // Locals taken from an object's properties: `const { orders } = req.services` -> orders -> orders.
  [[nodiscard]] const std::map<std::string, std::string>& taken_locals() const { return m_taken_locals; }

  // The innermost function or loop around a token; null outside any.
  [[nodiscard]] const FunctionInfo* function_at(std::size_t token) const;
  [[nodiscard]] const LoopInfo* loop_at(std::size_t token) const;
  // The nearest named function around a token (anonymous callbacks belong
  // to the function that passes them).
  [[nodiscard]] const FunctionInfo* named_function_at(std::size_t token) const;
  // The innermost loop a token runs in once per iteration: none when a
  // handler given to a router or an emitter stands between them (a route
  // registered per element runs per request, not per element).
  [[nodiscard]] const LoopInfo* loop_running(std::size_t token) const;
  // The innermost `.transaction(...)` callback around a token.
  [[nodiscard]] const FunctionInfo* transaction_at(std::size_t token) const;
  // A function by its container ("" for top level) and name.
  [[nodiscard]] const FunctionInfo* find_function(std::string_view container, std::string_view name) const;
  [[nodiscard]] const ClassInfo* class_at(std::size_t token) const;
  [[nodiscard]] const ClassInfo* find_class(std::string_view name) const;

private:
  // Innermost function and loop of every token.
  void paint(std::size_t tokens);

  std::string m_path;
  std::vector<ts::Import> m_imports;
  std::vector<FunctionInfo> m_functions; // sorted by begin
  std::vector<LoopInfo> m_loops;         // sorted by begin
  std::vector<DirectCall> m_calls;
  std::vector<CallSite> m_sites;
  std::vector<ClassInfo> m_classes;
  std::vector<TypeImport> m_type_imports;
  std::vector<model::DrizzleRelation> m_relations;
  std::vector<TokenRange> m_batches; // `.batch(...)` calls, in order
  std::map<std::string, std::string> m_new_locals;
  std::map<std::string, std::string> m_new_properties;
  std::map<std::string, std::string> m_typed_locals;
  std::map<std::string, std::string> m_taken_locals;
  // Innermost function / loop around each token (index + 1; 0 = none), as
  // runs: from `begin` on, up to the next run's begin.
  std::vector<PaintRun> m_function_runs;
  std::vector<PaintRun> m_loop_runs;
};

} // namespace pgadvise::loaders::scan
