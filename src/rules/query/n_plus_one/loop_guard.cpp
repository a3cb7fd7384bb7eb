#include "rules/query/n_plus_one/loop_guard.hpp"

namespace pgadvise::rules::n_plus_one {

std::string loop_guard_note(const model::QueryCall& call, model::StatementKind kind) {
  if (call.condition.line == 0 ||
      (kind != model::StatementKind::update && kind != model::StatementKind::delete_ &&
       kind != model::StatementKind::insert)) {
    return {};
  }
  const char* verb = kind == model::StatementKind::delete_  ? "delete"
                     : kind == model::StatementKind::update ? "update"
                                                            : "insert";
  const char* rows = kind == model::StatementKind::insert ? "inserts rows the loop skips"
                                                          : "writes rows the loop leaves alone";
  return std::string("// careful: the loop runs this ") + verb + " only under the test at " +
         call.condition.to_string() + ": one " + verb + " for all rows without it " + rows +
         ". Keep the test in the batch (its condition in the where, e.g. notExists(...) for a row the "
         "loop found no match for, or filter the rows first), else keep the loop\n";
}

} // namespace pgadvise::rules::n_plus_one
