#include "rules/support/rule_inputs.hpp"

#include "advisor/query_evidence.hpp"

#include <algorithm>

namespace pgadvise::rules {

engine::RuleMeta with_input(engine::RuleMeta meta, engine::Input input) {
  if (std::find(meta.inputs.begin(), meta.inputs.end(), input) == meta.inputs.end()) {
    meta.inputs.insert(meta.inputs.begin(), input);
  }
  return meta;
}

const model::Tables& catalog_tables(const engine::RuleContext& context) {
  if (context.catalog == nullptr) {
    static const model::Tables none;
    return none;
  }
  return context.catalog->tables;
}

std::vector<std::reference_wrapper<const model::QueryStats>>
executed_queries(const engine::RuleContext& context) {
  std::vector<std::reference_wrapper<const model::QueryStats>> out;
  if (context.workload == nullptr) {
    return out;
  }
  for (const model::QueryStats& query : context.workload->queries) {
    if (advisor::executed(query)) {
      out.emplace_back(query);
    }
  }
  return out;
}

} // namespace pgadvise::rules
