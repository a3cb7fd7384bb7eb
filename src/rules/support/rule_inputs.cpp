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

TableRange catalog_tables(const engine::RuleContext& context) {
  if (context.catalog == nullptr) {
    static const model::Tables none;
    return {none.begin(), none.end()};
  }
  const model::Tables& tables = context.catalog->tables;
  const std::size_t first = std::min(context.tables.first, tables.size());
  const std::size_t count = std::min(context.tables.count, tables.size() - first);
  const auto begin = tables.begin() + static_cast<std::ptrdiff_t>(first);
  return {begin, begin + static_cast<std::ptrdiff_t>(count)};
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
