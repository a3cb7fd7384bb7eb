#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "advisor/index_match.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/index_drop.hpp"
#include "rules/support/table_rule.hpp"
#include "rules/support/table_size.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <sstream>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "low-cardinality-index";

// Distinct values of a column per pg_stats (negative n_distinct is a share
// of the rows); none when unknown.
std::optional<double> distinct_values(const model::Table& table, const model::Column& column) {
  if (column.stats() == nullptr || column.stats()->n_distinct == 0) {
    return std::nullopt;
  }
  if (column.stats()->n_distinct > 0) {
    return column.stats()->n_distinct;
  }
  const auto rows = table_rows(table);
  return rows ? std::optional<double>(-column.stats()->n_distinct * *rows) : std::nullopt;
}

std::string number_text(double value) {
  std::ostringstream out;
  out << value;
  return out.str();
}

bool leads_foreign_key(const model::Table& table, const std::string& column) {
  return std::any_of(table.foreign_keys.begin(), table.foreign_keys.end(), [&](const model::ForeignKey& fk) {
    return !fk.columns.empty() && fk.columns.front() == column;
  });
}

class LowCardinalityIndex final : public TableRule {
public:
  LowCardinalityIndex()
      : TableRule({
            .id = std::string(k_id),
            .summary = "btree index on a boolean or few-valued column",
            .default_severity = core::Severity::low,
            .has_fix = true,
            .options =
                {{"max-distinct", "5",
                  "a column with at most this many distinct values (pg_stats n_distinct) is few-valued"}},
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    const double max_distinct = context.options.get_double("max-distinct");
    for (const model::Index& index : table.indexes) {
      // One plain key: in a composite index the other keys do the work.
      if (index.kind != model::IndexKind::index || index.unique || index.is_partial() || !index.valid ||
          index.method != "btree" || index.keys.size() != 1 || index.keys.front().column.empty()) {
        continue;
      }
      const model::Column* column = table.find_column(index.keys.front().column);
      if (column == nullptr || leads_foreign_key(table, column->name)) {
        continue; // a foreign key needs its index for deletes on the referenced table
      }
      const bool boolean = context.catalog->resolve_type(column->type).name == "bool";
      const std::optional<double> distinct = distinct_values(table, *column);
      if (boolean || (distinct && *distinct <= max_distinct)) {
        out.push_back(make_finding(context, table, index, *column, boolean ? 2.0 : *distinct));
      }
    }
  }

  // pg_stats says true is the common value ({t} or {t,f} first, at half the
  // rows or more): the rare value a partial index keeps is false. A
  // soft-delete `activated` flag is true on nearly every row, and
  // `WHERE activated` would index them all.
  static bool mostly_true(const model::Column& column) {
    if (column.stats() == nullptr || column.stats()->most_common_vals.rfind("{t", 0) != 0) {
      return false;
    }
    const std::string& freqs = column.stats()->most_common_freqs;
    return freqs.size() > 1 && std::strtod(freqs.c_str() + 1, nullptr) >= 0.5;
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Index& index, const model::Column& column, double distinct) {
    const std::string table_name = core::qualified_name(table.schema, table.name);
    const std::string count = core::group_digits(static_cast<std::int64_t>(std::llround(distinct)));
    // One value (pg_stats n_distinct 1): no rare value for a partial index
    // to keep; the index only costs writes.
    const bool single = column.type.name != "bool" && distinct <= 1.0;
    core::Finding finding = index_finding(k_id, context, table, index);
    finding.message = "Index " + index.name + " on " + table_name + "(" + column.name +
                      ") indexes a column with " +
                      (column.type.name == "bool" ? std::string("two values (boolean)")
                       : single                   ? std::string("one value in every row")
                                                  : count + " distinct values");
    if (column.stats() != nullptr) {
      finding.evidence.push_back(advisor::schema_evidence(
          *context.catalog,
          "pg_stats " + column.name + ": n_distinct " + number_text(column.stats()->n_distinct) +
              ", null_frac " + number_text(column.stats()->null_frac),
          column.location));
    }
    finding.help =
        "A btree on a column with a handful of values matches a large share of the table for all but "
        "the rarest value: the planner prefers a sequential scan, while every write still pays for the "
        "index. If queries look for one rare value, a partial index on it is smaller and faster (and can "
        "index a more useful column); otherwise drop the index.";
    if (single) {
      finding.help = "Every row has the same value in " + column.name +
                     ": a query filtering on it reads the whole table through the index or, as the "
                     "planner prefers, without it, while every write still pays for the index. Drop it; "
                     "if the column is to hold other values later, index it then.";
      finding.fix = drop_index_fix(context, table, index);
      finding.compute_fingerprint();
      return finding;
    }
    core::Fix fix;
    const std::string col = core::quote_ident(column.name);
    const std::string rare =
        column.type.name == "bool" ? (mostly_true(column) ? "NOT " + col : col) : col + " = '<rare value>'";
    fix.sql().ddl = "-- if queries look for a rare value:\nCREATE INDEX CONCURRENTLY IF NOT EXISTS " +
                    core::quote_ident(index.name + "_partial") + " ON " + table_name + " (" + col +
                    ") WHERE " + rare + ";\n-- then, or otherwise:\n" +
                    drop_index_fix(context, table, index).sql().ddl;
    fix.safety_note =
        "CONCURRENTLY cannot run inside drizzle-kit migrate's transaction: run it as a separate "
        "step. Check the queries that filter on " +
        column.name + " first: the partial index must repeat their WHERE condition.";
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle =
          "index(" + advisor::js_string_for(table, index.name + "_partial") + ").on(" +
          advisor::drizzle_member(table.drizzle_config_param.empty() ? "table" : table.drizzle_config_param,
                                  advisor::drizzle_property(table, column.name)) +
          ").where(sql`...`) // and remove " + index.name;
    }
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_low_cardinality_index() {
  return std::make_unique<LowCardinalityIndex>();
}

} // namespace pgadvise::rules
