#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"
#include "rules/support/rule_inputs.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "overindexed-write-heavy-table";

class OverindexedWriteHeavyTable final : public engine::Rule {
public:
  OverindexedWriteHeavyTable()
      : Rule({
            .id = std::string(k_id),
            .summary = "Write-heavy table carrying indexes no query uses (live database)",
            .category = engine::Category::schema,
            .default_severity = core::Severity::medium,
            .inputs = {engine::Input::catalog, engine::Input::live},
            .has_fix = true,
            .options = {{"min-writes", "10000",
                         "rows written (inserted + updated + deleted) from which a table counts"},
                        {"write-read-ratio", "10",
                         "rows written per scan (sequential + index) from which writes dominate"},
                        {"min-stats-age-days", "7",
                         "stay quiet until the counters cover at least this many days"}},
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    const model::Catalog* catalog = context.catalog;
    if (catalog == nullptr || !catalog->stats_window ||
        catalog->stats_window->age_seconds < context.options.get_double("min-stats-age-days") * 86400) {
      return;
    }
    const double min_writes = context.options.get_double("min-writes");
    const double ratio = context.options.get_double("write-read-ratio");
    for (const model::Table& table : catalog->tables) {
      if (!table.stats || !table.stats->has_counters) {
        continue;
      }
      const model::TableStats& s = *table.stats;
      const auto writes = static_cast<double>(s.n_tup_ins + s.n_tup_upd + s.n_tup_del);
      const auto reads = static_cast<double>(s.seq_scan + s.idx_scan);
      if (writes < min_writes || writes < ratio * reads) {
        continue;
      }
      std::vector<const model::Index*> unused;
      for (const model::Index& index : table.indexes) {
        if (index.stats && index.stats->idx_scan == 0 && needed_anyway(table, index).empty()) {
          unused.push_back(&index);
        }
      }
      if (!unused.empty()) {
        out.push_back(make_finding(context, table, unused, writes, reads));
      }
    }
  }

private:
  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const std::vector<const model::Index*>& unused, double writes,
                                    double reads) {
    const std::string name = advisor::table_display(table);
    const model::TableStats& s = *table.stats;
    std::vector<std::string> names;
    core::Fix fix;
    for (const model::Index* index : unused) {
      names.push_back(index->name);
      fix.sql().ddl += (fix.sql().ddl.empty() ? "" : "\n") + drop_index_fix(context, table, *index).sql().ddl;
    }
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, {}, {}};
    finding.location = table.location;
    finding.message = "Table " + name + " is written far more than it is read (" +
                      core::group_digits(static_cast<std::int64_t>(writes)) + " rows written, " +
                      core::group_digits(static_cast<std::int64_t>(reads)) + " scans) and carries " +
                      std::to_string(unused.size()) + " index" + (unused.size() == 1 ? "" : "es") +
                      " no query used: " + core::join(names, ", ");
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog,
        "pg_stat_user_tables: n_tup_ins " + core::group_digits(s.n_tup_ins) + ", n_tup_upd " +
            core::group_digits(s.n_tup_upd) + ", n_tup_del " + core::group_digits(s.n_tup_del) +
            ", seq_scan " + core::group_digits(s.seq_scan) + ", idx_scan " + core::group_digits(s.idx_scan),
        table.location));
    for (const model::Index* index : unused) {
      finding.evidence.push_back(advisor::schema_evidence(
          *context.catalog, index->name + ": idx_scan 0, " + core::human_bytes(index->stats->size_bytes),
          index->location));
    }
    finding.help =
        "Every INSERT, every DELETE and every UPDATE that is not HOT writes each index of the table; "
        "on a write-heavy table each unused index multiplies the write I/O and WAL and keeps updates "
        "from being HOT. Drop the indexes no query uses (check a replica and rare jobs first).";
    fix.safety_note = advisor::concurrently_safety_note("DROP INDEX", context.catalog);
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_overindexed_write_heavy_table() {
  return std::make_unique<OverindexedWriteHeavyTable>();
}

} // namespace pgadvise::rules
