#include "rules/support/index_drop.hpp"

#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"

#include <tuple>

namespace pgadvise::rules {

namespace {

// Which of two indexes serving the same foreign key to keep.
bool preferred(const model::Index& a, const model::Index& b) {
  const auto size = [](const model::Index& index) { return index.stats ? index.stats->size_bytes : 0; };
  return std::make_tuple(a.keys.size(), size(a), a.name) < std::make_tuple(b.keys.size(), size(b), b.name);
}

} // namespace

// Why an index must stay even though no query scans it, or empty.
std::string needed_anyway(const model::Table& table, const model::Index& index) {
  if (index.kind != model::IndexKind::index || index.unique) {
    return "enforces uniqueness";
  }
  if (index.backs_exclusion) {
    return "backs an exclusion constraint";
  }
  if (index.replica_identity) {
    return "is the replica identity";
  }
  if (index.inherited) {
    return "belongs to a partitioned parent's index";
  }
  if (!index.valid) {
    return "is invalid (a failed CREATE INDEX CONCURRENTLY: a different problem)";
  }
  // Deleting or re-keying a referenced row looks referencing rows up through
  // an index on the FK's columns; those lookups may just not have happened
  // yet. When no index covering the FK was used, one of them (the fewest
  // keys, then the smallest, then the first by name) must stay; the others
  // can go. When one was used, it stays anyway.
  for (const model::ForeignKey& fk : table.foreign_keys) {
    if (!advisor::covers_leading(index, fk.columns)) {
      continue;
    }
    const model::Index* keep = nullptr;
    bool any_used = false;
    for (const model::Index& other : table.indexes) {
      if (!advisor::covers_leading(other, fk.columns)) {
        continue;
      }
      any_used = any_used || !other.stats || other.stats->idx_scan > 0;
      if (keep == nullptr || preferred(other, *keep)) {
        keep = &other;
      }
    }
    if (!any_used && keep == &index) {
      return "is the index foreign key " + fk.name + " needs";
    }
  }
  return {};
}

core::ObjectRef index_object(const model::Table& table, const model::Index& index) {
  core::ObjectRef out{table.schema, table.name, {}, index.name};
  for (const model::IndexKey& key : index.keys) {
    out.columns.push_back(key.text());
  }
  return out;
}

core::Finding index_finding(std::string_view rule, const engine::RuleContext& context,
                            const model::Table& table, const model::Index& index) {
  core::Finding finding;
  finding.rule = std::string(rule);
  finding.severity = context.severity;
  finding.object = index_object(table, index);
  finding.location = index.location.known() ? index.location : table.location;
  finding.evidence.push_back(
      advisor::schema_evidence(*context.catalog, advisor::describe_index(index), finding.location));
  return finding;
}

core::Fix drop_index_fix(const engine::RuleContext& context, const model::Table& table,
                         const model::Index& index) {
  core::Fix fix;
  fix.sql().ddl = advisor::render_drop_index(table.schema, index.name, !table.partitioned);
  fix.safety_note = table.partitioned
                        ? "DROP INDEX on a partitioned table locks every partition while it runs."
                        : advisor::concurrently_safety_note("DROP INDEX", context.catalog);
  if (context.project != nullptr && context.project->uses_drizzle) {
    fix.sql().drizzle = advisor::render_drizzle_removal(table, index);
  }
  return fix;
}

} // namespace pgadvise::rules
