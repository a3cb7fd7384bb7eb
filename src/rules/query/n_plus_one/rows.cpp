#include "rules/query/n_plus_one/rows.hpp"

#include "advisor/query_evidence.hpp"
#include "rules/query/n_plus_one/guided.hpp"

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
  // Every loop of the code that can issue it runs over a query's rows
  // (none over a list, above): two look-alike loops over the parent's rows
  // (a nightly job and a handler, both marking deployments) are no less
  // an N+1 than one; the finding names them both.
  const std::vector<CodeLoop> loops = code_loops(*project);
  return std::any_of(loops.begin(), loops.end(), [&](const CodeLoop& loop) {
    return std::any_of(loop.calls.begin(), loop.calls.end(), [&](const model::QueryCall* call) {
      return std::find(call->tables_before.begin(), call->tables_before.end(), parent_var) !=
                 call->tables_before.end() &&
             issues(context, *call, child);
    });
  });
}

} // namespace pgadvise::rules::n_plus_one
