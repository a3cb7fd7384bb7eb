#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"
#include "rules/support/table_size.hpp"

#include <algorithm>
#include <iomanip>
#include <limits>
#include <memory>
#include <sstream>

namespace pgadvise::rules {

namespace {

// The column's chain as schema.ts wrote it, its identity's options those a
// bigint keeps; `.primaryKey()` and the identity when schema.ts was not read.
std::string bigint_chain(const model::Table& table, const model::Column& column) {
  const std::string identity = advisor::drizzle_identity_call(table, column);
  if (!advisor::has_drizzle_chain(column)) {
    return ".primaryKey()" + identity;
  }
  return advisor::replace_chain_calls(
      column.drizzle_chain(), {"generatedAlwaysAsIdentity", "generatedByDefaultAsIdentity"}, identity);
}

constexpr std::string_view k_id = "integer-primary-key-overflow";

constexpr double k_int4_max = std::numeric_limits<std::int32_t>::max();
constexpr double k_int2_max = std::numeric_limits<std::int16_t>::max();

// A key the database numbers itself: serial, identity, or a nextval() default.
bool generated_key(const model::Column& column) {
  return column.identity || sequence_default(column);
}

double type_max(const model::TypeRef& type) {
  return type.name == "int2" ? k_int2_max : k_int4_max;
}

// "70%", "0.3%" (one decimal under 10%, so an early sequence is not "0%").
std::string used_percent(double fraction) {
  const double percent = std::clamp(fraction, 0.0, 1.0) * 100;
  std::ostringstream out;
  out << std::fixed << std::setprecision(percent < 10 ? 1 : 0) << percent << "%";
  return out.str();
}

class IntegerPrimaryKeyOverflow final : public PrimaryKeyRule {
public:
  IntegerPrimaryKeyOverflow()
      : PrimaryKeyRule({
            .id = std::string(k_id),
            .summary = "int4 primary key that can run out of values",
            .default_severity = core::Severity::low,
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  [[nodiscard]] bool judges(const model::Column& column) const override {
    return !column.type.is_array() && (column.type.name == "int4" || column.type.name == "int2") &&
           generated_key(column);
  }

  [[nodiscard]] core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                           const model::Column& column) const override {
    const std::string name = advisor::table_display(table);
    const double max = type_max(column.type);
    const std::string type = column.type.name == "int2" ? "smallint" : "integer";
    core::Finding finding =
        key_finding(context, table, column, column.name + " " + column.type.display() + " PRIMARY KEY");
    finding.message = "Primary key " + name + "." + column.name + " is " + type + ": at most " +
                      core::group_digits(static_cast<std::int64_t>(max)) + " ids";
    if (column.sequence_last_value()) {
      // Live: how far the sequence has gone (pg_sequences.last_value).
      const double used = static_cast<double>(*column.sequence_last_value()) / max;
      finding.message += ", and its sequence is at " + used_percent(used) + " of them (last value " +
                         core::group_digits(*column.sequence_last_value()) + ")";
      if (used > 0.5) {
        finding.severity = std::max(finding.severity, core::Severity::high);
      }
      // Before the column's definition: it is what raised the severity.
      finding.evidence.insert(finding.evidence.begin(),
                              advisor::schema_evidence(*context.catalog,
                                                       sequence_name(table, column) + " last_value = " +
                                                           std::to_string(*column.sequence_last_value()),
                                                       column.location));
    }
    if (const auto rows = table_rows(table); rows && *rows >= max * 0.1) {
      finding.severity = std::max(finding.severity, core::Severity::medium);
      finding.evidence.push_back(
          advisor::schema_evidence(*context.catalog, name + ": " + describe_rows(table), table.location));
    }
    finding.help =
        "When the sequence passes the " + type +
        " maximum every INSERT fails (\"nextval: reached maximum value of sequence\" or \"integer out of "
        "range\") until the column is widened -- and widening rewrites the table and every index on it, "
        "the biggest ones by then. bigint costs 4 more bytes per row and never runs out. Widen "
        "referencing columns too (foreign-key-type-mismatch).";
    if (narrow_sequence_key(column)) {
      set_key_fix(finding, context, table, column, bigint_identity_fix(table, column),
                  bigint_identity_drizzle(table, column));
      return finding;
    }
    // An identity key: its sequence follows the column's new type.
    core::Fix fix;
    fix.sql().ddl =
        "ALTER TABLE " + name + " ALTER COLUMN " + core::quote_ident(column.name) + " TYPE bigint;";
    fix.safety_note =
        "Rewrites " + name +
        " and its indexes under an ACCESS EXCLUSIVE lock: do it while the table is small, or on a "
        "big table add a bigint column, backfill it in batches, and swap it in.";
    // The identity stays the kind it is: BY DEFAULT still takes explicit ids.
    set_key_fix(finding, context, table, column, std::move(fix),
                advisor::drizzle_column_builder(table, column, "bigint", "{ mode: \"number\" }") +
                    bigint_chain(table, column) + ",");
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_integer_primary_key_overflow() {
  return std::make_unique<IntegerPrimaryKeyOverflow>();
}

} // namespace pgadvise::rules
