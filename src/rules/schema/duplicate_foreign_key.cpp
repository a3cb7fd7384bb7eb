#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "duplicate-foreign-key";

// A foreign key's column pairs (column, referenced column), in a fixed
// order: (email, phone) REFERENCES (email, phone) and (phone, email)
// REFERENCES (phone, email) check the same pairs, so they are one rule
// (pg-index-health's intersected-foreign-keys test case).
std::vector<std::pair<std::string, std::string>> column_pairs(const model::ForeignKey& fk) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (std::size_t i = 0; i < fk.columns.size(); ++i) {
    pairs.emplace_back(fk.columns[i], i < fk.ref_columns.size() ? fk.ref_columns[i] : std::string());
  }
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

// The same constraint twice: the same column pairs (in any order) referencing
// the same table, with the same ON DELETE and ON UPDATE (a twin with other
// actions changes what a delete does when dropped: not reported).
bool same_foreign_key(const model::ForeignKey& a, const model::ForeignKey& b) {
  return a.ref_schema == b.ref_schema && a.ref_table == b.ref_table && a.on_delete == b.on_delete &&
         a.on_update == b.on_update && a.columns.size() == b.columns.size() &&
         a.ref_columns.size() == b.ref_columns.size() && column_pairs(a) == column_pairs(b);
}

class DuplicateForeignKey final : public TableRule {
public:
  DuplicateForeignKey()
      : TableRule({
            .id = std::string(k_id),
            .summary =
                "Two foreign keys on the same table with the same columns, referenced columns and actions",
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  // Each foreign key with a twin before it is reported once, against the
  // twin that stays (a validated one before a NOT VALID one, then the first
  // declared).
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    if (!table.partition_of.empty()) {
      return; // a partition repeats its parent's foreign keys; the parent reports them
    }
    const auto& fks = table.foreign_keys;
    for (std::size_t i = 0; i < fks.size(); ++i) {
      const model::ForeignKey* keeper = nullptr;
      for (std::size_t j = 0; j < fks.size() && keeper == nullptr; ++j) {
        const bool j_stays = fks[j].valid != fks[i].valid ? fks[j].valid : j < i;
        if (i != j && j_stays && same_foreign_key(fks[i], fks[j])) {
          keeper = &fks[j];
        }
      }
      if (keeper != nullptr) {
        out.push_back(make_finding(context, table, fks[i], *keeper));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::ForeignKey& drop, const model::ForeignKey& keep) {
    const std::string table_name = core::qualified_name(table.schema, table.name);
    const std::string parent = core::qualified_name(keep.ref_schema.str(), keep.ref_table.str());
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, drop.columns, drop.name};
    finding.location = drop.location.known() ? drop.location : table.location;
    finding.message = "Foreign key " + drop.name + " on " + table_name + " duplicates " + keep.name + " (" +
                      advisor::describe_foreign_key(keep) + ")";
    finding.evidence.push_back(
        advisor::schema_evidence(*context.catalog, advisor::describe_foreign_key(drop), drop.location));
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, "same constraint as " + keep.name + ": " + advisor::describe_foreign_key(keep),
        keep.location));
    finding.help = "Each foreign key is checked on its own: every INSERT and every UPDATE of " +
                   core::join(drop.columns, ", ") + " in " + table_name + " looks up " + parent +
                   " twice, and every DELETE or key UPDATE in " + parent + " searches " + table_name +
                   " twice, for one rule. Drop " + drop.name + "; " + keep.name +
                   " stays. With Drizzle, the table declares the reference twice (a .references() and a "
                   "foreignKey() of the same columns): keep one.";
    core::Fix fix;
    fix.sql().ddl = "ALTER TABLE " + table_name + " DROP CONSTRAINT " + core::quote_ident(drop.name) + ";";
    fix.safety_note = "Dropping a foreign key takes a brief ACCESS EXCLUSIVE lock on " + table_name +
                      " and " + parent + " (its triggers go from both): set lock_timeout first. " +
                      keep.name + " goes on checking every row.";
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_duplicate_foreign_key() {
  return std::make_unique<DuplicateForeignKey>();
}

} // namespace pgadvise::rules
