#pragma once

#include "core/finding.hpp"
#include "engine/rule.hpp"
#include "model/workload.hpp"

#include <string>
#include <vector>

// n-plus-one's code half: where in the project's TypeScript a per-row
// statement is issued (the loop, and the helper the loop calls), read from
// the project scan's model::QueryCall list; never from a .ts file.
namespace pgadvise::rules {

// Columns the statement looks rows up by (equality or IN), on its first table.
std::vector<std::string> n_plus_one_lookup_columns(const model::QueryStats& query);

// The Drizzle call in the project's TypeScript that issues the child from
// inside a loop: the finding moves to its line and the fix is written for
// it. One call, or every candidate named and none chosen, or none found
// and said so: never a guessed line. `transaction_per_row`: the log shows
// each row as a transaction of its own, so only a loop that opens one per
// row can issue it.
void locate_n_plus_one_in_code(const engine::RuleContext& context, const model::QueryStats& query,
                               const model::QueryStats* parent, const model::Workload::CodePath* path,
                               bool transaction_per_row, core::Finding& finding, core::Fix& fix);

} // namespace pgadvise::rules
