#pragma once

#include "engine/rule.hpp"
#include "model/catalog.hpp"
#include "model/workload.hpp"

#include <functional>
#include <span>
#include <vector>

// What most rules loop over, read from the context once so a rule's check()
// starts with its own condition rather than with null checks.
namespace pgadvise::rules {

// `meta` with `input` among its inputs (first, when it was missing): for
// rule bases that read that input for every rule built on them.
engine::RuleMeta with_input(engine::RuleMeta meta, engine::Input input);

// The catalog's tables a check() judges: every one, or the slice the
// runner gave this call (engine::RuleMeta::per_table); none when no schema
// was read.
struct TableRange {
  model::Tables::const_iterator first;
  model::Tables::const_iterator last;
  [[nodiscard]] model::Tables::const_iterator begin() const { return first; }
  [[nodiscard]] model::Tables::const_iterator end() const { return last; }
};
TableRange catalog_tables(const engine::RuleContext& context);

// The workload's queries that ran at least once (advisor::executed), in
// first-seen order; none when no queries were read.
std::vector<std::reference_wrapper<const model::QueryStats>>
executed_queries(const engine::RuleContext& context);

} // namespace pgadvise::rules
