#pragma once

#include "loaders/project/query_call_tokens.hpp"
#include "loaders/typescript/ast.hpp"
#include "model/project_graph.hpp"

#include <cstddef>
#include <vector>

// The Drizzle query calls and relations() of one file (query_call_drizzle.cpp).
namespace pgadvise::loaders::scan {

// A Drizzle query call (`db.select().from(t)`, `db.query.t.findFirst`, ...).
struct DirectCall {
  model::QueryCall call;
  std::size_t token = 0;
  bool awaited = false;           // `await db...`: run where it stands, not only built
  std::size_t guard = k_no_token; // the innermost `if` / `else` it runs under (call.condition)
};

struct DrizzleReading {
  std::vector<DirectCall> calls;
  std::vector<model::DrizzleRelation> relations;
  // The `.batch(...)` calls (neon-http, D1, LibSQL): every statement they
  // are given goes in one round trip. Each from `batch` to its `)`, in order.
  std::vector<TokenRange> batches;
};

DrizzleReading read_drizzle_calls(const TokenReader& tokens, const std::vector<ts::Import>& imports);

} // namespace pgadvise::loaders::scan
