#include "rules/support/n_plus_one_rows.hpp"

#include "advisor/query_evidence.hpp"
#include "rules/support/n_plus_one_guided.hpp"

#include <algorithm>

namespace pgadvise::rules::n_plus_one {

namespace {

bool issues(const engine::RuleContext& context, const model::QueryCall& call,
            const model::QueryStats& child) {
  const std::vector<const model::QueryStats*> issued = issued_statements(context, call);
  return std::find(issued.begin(), issued.end(), &child) != issued.end();
}

} // namespace

bool loop_over_parent_rows(const engine::RuleContext& context, const model::QueryStats& child,
                           const model::QueryStats* parent) {
  const model::Project* project = context.project;
  if (project == nullptr || !project->scanned || !project->uses_drizzle || context.workload == nullptr ||
      parent == nullptr || parent->shape.tables.empty()) {
    return false;
  }
  const model::TableUse& read = parent->shape.tables.front();
  const model::Table* parent_table = advisor::find_table(context.catalog, read.schema, read.name);
  if (parent_table == nullptr || parent_table->property.empty()) {
    return false;
  }
  const std::string parent_var = parent_table->property.str();
  if (std::any_of(project->query_calls.begin(), project->query_calls.end(),
                  [&](const model::QueryCall& call) {
                    return call.loop_constant > 0 && issues(context, call, child);
                  })) {
    return false; // a list in the code can issue it: the log's verdict stands
  }
  std::size_t loops = 0;
  for (const CodeLoop& loop : code_loops(*project)) {
    loops += std::any_of(loop.calls.begin(), loop.calls.end(),
                         [&](const model::QueryCall* call) {
                           return std::find(call->tables_before.begin(), call->tables_before.end(),
                                            parent_var) != call->tables_before.end() &&
                                  issues(context, *call, child);
                         })
                 ? 1U
                 : 0U;
  }
  return loops == 1;
}

} // namespace pgadvise::rules::n_plus_one
