#include "advisor/evidence.hpp"
#include "core/format.hpp"
#include "engine/rule.hpp"

#include <algorithm>
#include <array>
#include <cstdio>
#include <memory>
#include <string>

namespace pgadvise::rules {

namespace {

using model::Table;

constexpr std::string_view k_id = "table-mostly-seq-scanned";

// Rows in the table: the planner's estimate, or the live-tuple counter when
// the table was never analyzed (reltuples -1) or grew since.
double row_count(const model::TableStats& stats) {
  return std::max(stats.reltuples, static_cast<double>(stats.n_live_tup));
}

class TableMostlySeqScanned final : public engine::Rule {
public:
  TableMostlySeqScanned()
      : Rule({
            .id = std::string(k_id),
            .summary = "Large table read mostly by sequential scans (live database counters)",
            .category = engine::Category::plan,
            .inputs = {engine::Input::catalog, engine::Input::live},
            .options = {{"min-rows", "10000",
                         "Only tables with at least this many rows (smaller ones are cheap to scan)"},
                        {"min-seq-scans", "100",
                         "Only tables sequentially scanned at least this many times in the window"},
                        {"max-index-share", "0.2",
                         "Report when index scans are at most this share of all scans (0.2: 80% or more are "
                         "sequential)"}},
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.catalog == nullptr) {
      return;
    }
    const double min_rows = context.options.get_double("min-rows");
    const std::int64_t min_seq_scans = context.options.get_int("min-seq-scans");
    const double max_index_share = context.options.get_double("max-index-share");
    for (const Table& table : context.catalog->tables) {
      if (!table.stats || !table.stats->has_counters) {
        continue;
      }
      const model::TableStats& stats = *table.stats;
      const std::int64_t scans = stats.seq_scan + stats.idx_scan;
      if (row_count(stats) < min_rows || stats.seq_scan < std::max<std::int64_t>(min_seq_scans, 1) ||
          scans <= 0) {
        continue;
      }
      const double index_share = static_cast<double>(stats.idx_scan) / static_cast<double>(scans);
      if (index_share <= max_index_share) {
        out.push_back(make_finding(context, table, index_share));
      }
    }
  }

private:
  static core::Finding make_finding(const engine::RuleContext& context, const Table& table,
                                    double index_share) {
    const model::TableStats& stats = *table.stats;
    const auto rows = static_cast<std::int64_t>(row_count(stats));
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, {}, {}};
    const std::string size = stats.table_bytes > 0 ? ", " + core::human_bytes(stats.table_bytes) : "";
    finding.message = "Table " + advisor::table_display(table) + " (" + core::group_digits(rows) + " rows" +
                      size + ") is read by sequential scans " + core::percent(1 - index_share) +
                      " of the time: " + core::group_digits(stats.seq_scan) + " sequential scans against " +
                      core::group_digits(stats.idx_scan) + " index scans" +
                      (table.indexes.empty() ? " (it has no index at all)" : "");
    finding.help =
        "Each sequential scan reads the whole table. Find the queries doing it: pg_stat_statements (the top "
        "total_exec_time entries that mention " +
        table.name +
        ") or the server log (log_min_duration_statement), then run EXPLAIN (ANALYZE, BUFFERS) on each and "
        "index "
        "the columns its WHERE and JOIN clauses filter on; `pgadvise --db ... --log ...` does this and "
        "confirms "
        "the scans. Scans that are meant to read most rows (reports, exports, batch jobs) are fine.";
    const std::int64_t per_scan = stats.seq_scan > 0 ? stats.seq_tup_read / stats.seq_scan : 0;
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog,
        "pg_stat_user_tables: seq_scan = " + core::group_digits(stats.seq_scan) + ", seq_tup_read = " +
            core::group_digits(stats.seq_tup_read) + " (" + core::group_digits(per_scan) +
            " rows per scan), idx_scan = " + core::group_digits(stats.idx_scan) +
            ", idx_tup_fetch = " + core::group_digits(stats.idx_tup_fetch),
        {}));
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog,
        "rows: reltuples = " + core::group_digits(static_cast<std::int64_t>(stats.reltuples)) +
            ", n_live_tup = " + core::group_digits(stats.n_live_tup) + "; writes: n_tup_ins = " +
            core::group_digits(stats.n_tup_ins) + ", n_tup_upd = " + core::group_digits(stats.n_tup_upd) +
            ", n_tup_del = " + core::group_digits(stats.n_tup_del),
        {}));
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_table_mostly_seq_scanned() {
  return std::make_unique<TableMostlySeqScanned>();
}

} // namespace pgadvise::rules
