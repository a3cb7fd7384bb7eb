#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"
#include "rules/support/table_size.hpp"

#include <cstdint>
#include <iomanip>
#include <limits>
#include <memory>
#include <sstream>
#include <vector>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "sequence-near-overflow";

// The one-column primary key, which integer-primary-key-overflow judges
// (live usage included): one problem, one finding.
bool is_single_primary_key(const model::Table& table, const model::Column& column) {
  for (const model::Index& index : table.indexes) {
    if (index.kind == model::IndexKind::primary_key && index.keys.size() == 1 &&
        index.keys.front().column == column.name) {
      return true;
    }
  }
  return false;
}

std::string percent_text(double fraction) {
  std::ostringstream out;
  out << std::fixed << std::setprecision(1) << fraction * 100 << "%";
  return out.str();
}

class SequenceNearOverflow final : public TableRule {
public:
  SequenceNearOverflow()
      : TableRule({
            .id = std::string(k_id),
            .summary = "A sequence feeding a smallint or integer column has used most of the column's values "
                       "(live database)",
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::catalog, engine::Input::live},
            .has_fix = true,
            .options = {{"used-percent", "80",
                         "report a sequence whose last value is at least this share of the column type's "
                         "maximum; critical from 95"}},
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    const double threshold = context.options.get_double("used-percent") / 100;
    for (const model::Column& column : table.columns) {
      const model::TypeRef type = context.catalog->resolve_type(column.type);
      if (!column.sequence_last_value() || type.is_array() || (type.name != "int4" && type.name != "int2") ||
          is_single_primary_key(table, column)) {
        continue;
      }
      const double max = type.name == "int2" ? std::numeric_limits<std::int16_t>::max()
                                             : std::numeric_limits<std::int32_t>::max();
      const double used = static_cast<double>(*column.sequence_last_value()) / max;
      if (used >= threshold) {
        out.push_back(
            make_finding(context, table, column, type.name == "int2" ? "smallint" : "integer", max, used));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Column& column, const std::string& type, double max,
                                    double used) {
    const std::string name = core::qualified_name(table.schema, table.name);
    const std::string sequence = sequence_name(table, column);
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = used >= 0.95 ? core::Severity::critical : context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, {column.name}, {}};
    finding.location = column.location.line > 0 ? column.location : table.location;
    finding.message = "The sequence of " + name + "." + column.name + " (" + type + ") is at " +
                      percent_text(used) + " of the column's " +
                      core::group_digits(static_cast<std::int64_t>(max)) + " values (last value " +
                      core::group_digits(*column.sequence_last_value()) +
                      "): when it passes the maximum, every INSERT that draws from it fails";
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, sequence + " last_value = " + std::to_string(*column.sequence_last_value()),
        column.location));
    finding.help =
        "Past " + core::group_digits(static_cast<std::int64_t>(max)) +
        ", nextval() fails (\"reached maximum "
        "value of sequence\") or the value does not fit the column (\"" +
        type + " out of range\"), so inserts stop. Widen the column to bigint before it runs out" +
        (column.identity ? std::string(": an identity column's sequence follows the column's type.")
                         : std::string(", and the serial sequence with it: its own maximum is the ") + type +
                               " one until ALTER SEQUENCE ... AS bigint.") +
        " Columns that copy these values (foreign keys, reports) need bigint too.";
    core::Fix fix;
    fix.sql().ddl = "ALTER TABLE " + name + " ALTER COLUMN " + core::quote_ident(column.name) +
                    " TYPE bigint;" +
                    (column.identity ? std::string() : "\nALTER SEQUENCE " + sequence + " AS bigint;");
    fix.safety_note = "ALTER COLUMN ... TYPE bigint rewrites " + name +
                      " and its indexes under an ACCESS EXCLUSIVE lock: on a big table add a bigint column, "
                      "backfill it in batches and swap it in, or run it in a quiet window.";
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle =
          advisor::drizzle_property(table, column.name) + ": " +
          advisor::drizzle_column_builder(table, column, column.identity ? "bigint" : "bigserial",
                                          "{ mode: \"number\" }") +
          (column.identity ? advisor::drizzle_identity_call(table, column) : std::string()) +
          ", // keep its other calls (.notNull(), ...)";
    }
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_sequence_near_overflow() {
  return std::make_unique<SequenceNearOverflow>();
}

} // namespace pgadvise::rules
