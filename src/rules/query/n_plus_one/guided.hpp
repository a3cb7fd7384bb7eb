#pragma once

#include "core/finding.hpp"
#include "engine/rule.hpp"
#include "rules/query/n_plus_one/loops.hpp"

#include <cstdint>
#include <set>
#include <string_view>
#include <utility>
#include <vector>

// The loops of the project's code and what a log shows of them: the split
// between n-plus-one (a loop whose statement the log ran) and query-in-loop
// (a loop the log never ran), and n-plus-one's findings for the loops its
// bursts did not single out (a pool's saturation spreads a Promise.all's
// lookups over its backends between other requests' statements).
namespace pgadvise::rules::n_plus_one {

// One loop of the project's request code, with its Drizzle calls.
struct CodeLoop {
  std::vector<const model::QueryCall*> calls;
  // The first write, else the first call: its fix batches the rows.
  [[nodiscard]] const model::QueryCall& primary() const;
};

// The loops that run per request (tests, seeds, one-off scripts, constant
// lists, polls and pages left out), in the order of their first call.
std::vector<CodeLoop> code_loops(const model::Project& project);

// The logged statements a call can issue: its table, its kind and a column
// it looks rows up by (an insert: its table).
std::vector<const model::QueryStats*> issued_statements(const engine::RuleContext& context,
                                                        const model::QueryCall& call);

// The log ran a statement one of the loop's calls can issue: n-plus-one
// judges the loop (confirmed per row or not); query-in-loop reports the
// others. Both rules decide with this one function, so each loop is one
// rule's finding.
bool loop_in_log(const engine::RuleContext& context, const CodeLoop& loop);

// What n-plus-one's burst findings already cover: the loops they were
// placed at, and the children of those no single loop could be given (their
// evidence names every loop that can issue them).
struct Covered {
  std::vector<core::SourceLocation> loops;
  std::set<std::uint64_t> unplaced_children;
  // The children of those placed at a loop, with that loop: their runs are
  // that loop's, so another loop issuing the same statement is not
  // confirmed by them.
  std::vector<std::pair<std::uint64_t, core::SourceLocation>> placed_children;
};

// n-plus-one's findings for the loops in the log its bursts did not cover:
// confirmed from the code and the log together (the loop's statement ran at
// least min-burst times per execution of a read of the table the loop's
// rows come from, and runs of it followed that read at least twice), else
// reported from the code with what the log shows of its statement.
//
// A burst finding no loop could be given (its runs judged after another
// request's statement) whose statement one loop alone issues, and which the
// code and the log confirm for that loop, gives way to it: the children
// returned are those whose burst findings the caller drops.
std::set<std::uint64_t> guided_findings(std::string_view rule_id, const engine::RuleContext& context,
                                        const JudgeOptions& options, const Covered& covered,
                                        std::vector<core::Finding>& out);

} // namespace pgadvise::rules::n_plus_one
