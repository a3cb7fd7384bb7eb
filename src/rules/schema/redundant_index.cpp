#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"
#include "rules/support/table_rule.hpp"

#include <algorithm>
#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "redundant-index";

using model::Index;
using model::Table;

// Only plain non-unique indexes are dropped: a unique index or constraint
// enforces something the longer index does not, an exclusion constraint or
// REPLICA IDENTITY needs its index, and a partition's inherited index goes
// only with its parent's.
bool droppable(const Index& index) {
  return index.kind == model::IndexKind::index && !index.unique && index.valid && !index.backs_exclusion &&
         !index.replica_identity && !index.inherited;
}

// The same keys and predicate, and INCLUDE columns `wider` all has and more:
// (a) beside (a) INCLUDE (b).
bool narrower_include(const Index& index, const Index& wider) {
  if (!wider.valid || index.include.size() >= wider.include.size()) {
    return false;
  }
  Index same = index;
  same.include = wider.include;
  return std::all_of(index.include.begin(), index.include.end(),
                     [&](const std::string& column) {
                       return std::find(wider.include.begin(), wider.include.end(), column) !=
                              wider.include.end();
                     }) &&
         advisor::same_definition(same, wider);
}

// The index that makes `shorter` redundant: the one with the fewest keys
// (closest in size), the first declared on ties.
const Index* covering_index(const Table& table, const Index& shorter) {
  const Index* best = nullptr;
  for (const Index& other : table.indexes) {
    if (&other == &shorter ||
        !(advisor::is_left_prefix_of(shorter, other) || narrower_include(shorter, other))) {
      continue;
    }
    if (best == nullptr || other.keys.size() < best->keys.size()) {
      best = &other;
    }
  }
  return best;
}

class RedundantIndex final : public TableRule {
public:
  RedundantIndex()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Non-unique index whose keys are a left prefix of another index",
            .default_severity = core::Severity::low,
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const Table& table,
                   core::FindingSink& out) const override {
    for (const Index& index : table.indexes) {
      if (!droppable(index)) {
        continue;
      }
      if (const Index* longer = covering_index(table, index)) {
        out.push_back(make_finding(context, table, index, *longer));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const Table& table, const Index& drop,
                                    const Index& longer) {
    core::Finding finding = index_finding(k_id, context, table, drop);
    const bool same_keys = drop.keys.size() == longer.keys.size();
    finding.message =
        "Index " + drop.name + " (" + advisor::describe_keys(drop) + ") on " + advisor::table_display(table) +
        (same_keys ? " has the keys of " : " is a left prefix of ") + advisor::index_kind_name(longer) + " " +
        longer.name + " (" + advisor::describe_keys(longer) + ")" +
        (same_keys ? ", which INCLUDEs more columns" : "");
    finding.help = "A btree index can be searched on its leading columns alone, so " + longer.name +
                   " answers every query " + drop.name + " answers, while every write maintains both. Drop " +
                   drop.name + " unless pg_stat_user_indexes shows it is used far more than " + longer.name +
                   " and its smaller size matters.";
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, "covered by " + advisor::describe_index(longer), longer.location));
    finding.fix = drop_index_fix(context, table, drop);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_redundant_index() {
  return std::make_unique<RedundantIndex>();
}

} // namespace pgadvise::rules
