#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_ddl.hpp"
#include "advisor/index_match.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <memory>
#include <tuple>

namespace pgadvise::rules {

namespace {

using model::Index;
using model::Table;

constexpr std::string_view k_id = "unused-index";

// "since statistics were reset 42 days ago (2024-05-01 ...)" or, when they
// never were, the server's uptime as a lower bound.
std::string window_text(const model::StatsWindow& window) {
  if (window.since_server_start) {
    return "in the " + core::human_age(window.age_seconds) +
           " since the server started (statistics were never reset; counters may be older)";
  }
  return "since statistics were reset " + core::human_age(window.age_seconds) + " ago (" + window.reset_at +
         ")";
}

class UnusedIndex final : public engine::Rule {
public:
  UnusedIndex()
      : Rule({
            .id = std::string(k_id),
            .summary = "Index no query has used since the statistics were reset (live database)",
            .default_severity = core::Severity::low,
            .inputs = {engine::Input::catalog, engine::Input::live},
            .has_fix = true,
            .options = {{"min-stats-age-days", "7",
                         "Stay quiet until the usage counters cover at least this many days (a fresh reset "
                         "proves nothing)"},
                        {"medium-size-mb", "100",
                         "An unused index at least this large (MB) is reported as medium instead of low"}},
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    const model::Catalog* catalog = context.catalog;
    if (catalog == nullptr || !catalog->stats_window) {
      return;
    }
    const double min_age = context.options.get_double("min-stats-age-days") * 86400;
    if (catalog->stats_window->age_seconds < min_age) {
      return;
    }
    for (const Table& table : catalog->tables) {
      for (const Index& index : table.indexes) {
        if (index.stats && index.stats->idx_scan == 0 && needed_anyway(table, index).empty()) {
          out.push_back(make_finding(context, table, index));
        }
      }
    }
  }

private:
  static core::Finding make_finding(const engine::RuleContext& context, const Table& table,
                                    const Index& index) {
    const model::Catalog& catalog = *context.catalog;
    const model::IndexStats& stats = *index.stats;
    const std::string window = window_text(*catalog.stats_window);
    const std::string size = core::human_bytes(stats.size_bytes);

    core::Finding finding;
    finding.rule = std::string(k_id);
    const double medium_bytes = context.options.get_double("medium-size-mb") * 1024 * 1024;
    finding.severity = static_cast<double>(stats.size_bytes) >= medium_bytes
                           ? std::max(context.severity, core::Severity::medium)
                           : context.severity;
    finding.object = index_object(table, index);
    finding.message = "Index " + index.name + " on " + advisor::table_display(table) + " (" + size +
                      ") has not been used by any query " + window;
    std::string writes;
    if (table.stats && table.stats->has_counters) {
      writes = " Meanwhile the table took " + std::to_string(table.stats->n_tup_ins) + " inserts, " +
               std::to_string(table.stats->n_tup_upd) + " updates and " +
               std::to_string(table.stats->n_tup_del) + " deletes, each maintaining this index.";
    }
    finding.help =
        "Every insert, and every update not done as HOT, writes to this index; it also takes " + size +
        " of disk and cache." + writes +
        " Before dropping it: the counters are per server, so check pg_stat_user_indexes on every read "
        "replica too, and make sure the window covers rare jobs (month-end reports, yearly cleanups).";
    finding.evidence.push_back(advisor::schema_evidence(
        catalog, "pg_stat_user_indexes.idx_scan = 0 " + window + "; size " + size, {}));
    if (!index.definition.empty()) {
      finding.evidence.push_back(advisor::schema_evidence(catalog, index.definition, {}));
    }

    core::Fix fix = drop_index_fix(context, table, index);
    if (!index.definition.empty()) {
      fix.safety_note += " To undo, recreate it: " + index.definition + ";";
    }
    finding.fix = fix;
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_unused_index() {
  return std::make_unique<UnusedIndex>();
}

} // namespace pgadvise::rules
