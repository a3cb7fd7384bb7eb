#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "duplicate-index";

using model::Index;
using model::IndexKind;
using model::Table;

// Which of two identical indexes to keep: the one a constraint needs, then
// one that something else depends on, then a unique one (it also enforces
// something), then the first declared.
int keep_rank(const Index& index) {
  switch (index.kind) {
  case IndexKind::primary_key: return 5;
  case IndexKind::unique_constraint: return 4;
  case IndexKind::index: break;
  }
  if (index.backs_exclusion || index.replica_identity) {
    return 3;
  }
  if (index.inherited) {
    return 2; // dropped only with its parent's index
  }
  return index.unique ? 1 : 0;
}

// A btree read backward gives every key the other direction and the other
// NULLS placement: (a DESC, b DESC) answers what (a, b) answers.
bool reversed_twin(const Index& a, const Index& b) {
  const auto btree = [](const Index& index) { return index.method.empty() || index.method == "btree"; };
  if (!btree(a) || !btree(b)) {
    return false;
  }
  Index flipped = b;
  for (model::IndexKey& key : flipped.keys) {
    key.nulls_first = !key.effective_nulls_first();
    key.descending = !key.descending;
  }
  return advisor::same_definition(a, flipped);
}

bool same_index(const Index& a, const Index& b) {
  return advisor::same_definition(a, b) || reversed_twin(a, b);
}

class DuplicateIndex final : public TableRule {
public:
  DuplicateIndex()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Two indexes on the same table with identical definitions",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  // Each index that has an identical twin earlier in the keep order is
  // reported once, against the index that stays.
  void check_table(const engine::RuleContext& context, const Table& table,
                   core::FindingSink& out) const override {
    const auto& indexes = table.indexes;
    for (std::size_t i = 0; i < indexes.size(); ++i) {
      if (!indexes[i].valid || indexes[i].keys.empty() || indexes[i].inherited) {
        continue; // an inherited index is reported (and dropped) on the parent
      }
      const Index* keeper = nullptr;
      for (std::size_t j = 0; j < indexes.size(); ++j) {
        if (i == j || !indexes[j].valid || !same_index(indexes[i], indexes[j])) {
          continue;
        }
        const int rank_i = keep_rank(indexes[i]);
        const int rank_j = keep_rank(indexes[j]);
        const bool j_stays = rank_j > rank_i || (rank_j == rank_i && j < i);
        if (j_stays && (keeper == nullptr || keep_rank(indexes[j]) > keep_rank(*keeper))) {
          keeper = &indexes[j];
        }
      }
      if (keeper != nullptr) {
        out.push_back(make_finding(context, table, indexes[i], *keeper));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const Table& table, const Index& drop,
                                    const Index& keep) {
    core::Finding finding = index_finding(k_id, context, table, drop);
    finding.message = advisor::index_kind_name(drop) + " " + drop.name + " on " +
                      advisor::table_display(table) + " duplicates " + advisor::index_kind_name(keep) + " " +
                      keep.name + " (" + advisor::describe_keys(keep) + ")";
    finding.help =
        "Identical indexes answer the same queries, so the second one never helps a read, yet every "
        "INSERT, UPDATE and DELETE maintains both and both take disk and cache. Drop " +
        drop.name + "; " + keep.name + " stays" +
        (keep.kind == IndexKind::index ? "."
                                       : " because the " + advisor::index_kind_name(keep) + " needs it.");
    if (!advisor::same_definition(drop, keep)) {
      finding.message += ", read backward (a btree is scanned in both directions)";
    }
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, "same definition as " + advisor::describe_index(keep), keep.location));
    finding.fix = make_fix(context, table, drop, keep);
    finding.compute_fingerprint();
    return finding;
  }

  static core::Fix make_fix(const engine::RuleContext& context, const Table& table, const Index& drop,
                            const Index& keep) {
    core::Fix fix = drop_index_fix(context, table, drop);
    if (drop.kind == IndexKind::unique_constraint || drop.kind == IndexKind::primary_key) {
      // The index goes with its constraint.
      fix.sql().ddl = advisor::render_drop_constraint(table.schema, table.name, drop.name);
      fix.safety_note =
          "ALTER TABLE ... DROP CONSTRAINT takes an ACCESS EXCLUSIVE lock (brief, but it waits "
          "behind running queries: set lock_timeout). It fails while a foreign key references " +
          drop.name + "; recreate such keys against " + keep.name + " first.";
    } else if (drop.unique) {
      fix.safety_note += " It fails while a foreign key depends on this unique index.";
    }
    return fix;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_duplicate_index() {
  return std::make_unique<DuplicateIndex>();
}

} // namespace pgadvise::rules
