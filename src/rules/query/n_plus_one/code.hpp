#pragma once

#include "core/finding.hpp"
#include "engine/rule.hpp"
#include "model/workload.hpp"

#include <string>
#include <vector>

// n-plus-one's code half: where in the project's TypeScript a per-row
// statement is issued (the loop, and the helper the loop calls), read from
// the project scan's model::QueryCall list; never from a .ts file.
namespace pgadvise::rules::n_plus_one {

// Columns the statement looks rows up by (equality or IN), on its first table.
std::vector<std::string> lookup_columns(const model::QueryStats& query);

// What the log says of the runs a call must explain.
struct LoggedRuns {
  // Each row a transaction of its own: only a loop that opens one per row
  // issues them.
  bool transaction_per_row = false;
  // Every run was grouped across a pool's backends (fan-outs, shared-key
  // strands): the parent is the statement the moment suggests.
  bool parent_unsure = false;
};

// The Drizzle call in the project's TypeScript that issues the child from
// inside a loop: the finding moves to its line and the fix is written for
// it. One call, or every candidate named and none chosen, or none found
// and said so: never a guessed line. A loop follows a read of the parent's
// table, but where `runs` say the parent cannot single it out, the one loop
// that can issue the runs is theirs.
void locate_in_code(const engine::RuleContext& context, const model::QueryStats& query,
                    const model::QueryStats* parent, const model::Workload::CodePath* path, LoggedRuns runs,
                    core::Finding& finding, core::Fix& fix);

// The finding moves to the loop of `call`, which the code names as the one
// that issues `query` (n-plus-one's code-guided findings), with the Drizzle
// fix for that loop; `parent_var`: the table variable its rows come from
// ("" when the log does not say).
void place_at_call(const engine::RuleContext& context, const model::QueryCall& call,
                   const model::QueryStats& query, const std::string& parent_var, core::Finding& finding,
                   core::Fix& fix);

// The same, read from the code alone (query-in-loop): the chain from the
// loop through the helpers to the Drizzle call ("the for...of loop at
// a.ts:9:3 over rows -> repo.find() (...) -> the Drizzle call at ..."),
// and the Drizzle that replaces the loop's per-row statements with one.
std::string call_place(const model::QueryCall& call);
std::string loop_fix(const model::QueryCall& call, const model::Project& project);

// The kind of statement a Drizzle call issues.
model::StatementKind statement_kind(model::QueryCallKind kind);

// The call opens a transaction of its own on every iteration.
bool opens_transaction_per_row(const model::QueryCall& call);

} // namespace pgadvise::rules::n_plus_one
