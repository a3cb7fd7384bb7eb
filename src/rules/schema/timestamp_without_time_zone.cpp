#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "timestamp-without-time-zone";

class TimestampWithoutTimeZone final : public TableRule {
public:
  TimestampWithoutTimeZone()
      : TableRule({
            .id = std::string(k_id),
            .summary = "timestamp column without time zone",
            .default_severity = core::Severity::low,
            .has_fix = true,
            .lens = engine::Lens::convention,
            .fix_edit = engine::FixEdit::column_type,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    for (const model::Column& column : table.columns) {
      const model::TypeRef type = context.catalog->resolve_type(column.type);
      if (type.name == "timestamp") {
        out.push_back(make_finding(context, table, column, type));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Column& column, const model::TypeRef& type) {
    const std::string name = advisor::table_display(table);
    const std::string col = core::quote_ident(column.name);
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.message =
        "Column " + name + "." + column.name + " is " + type.display() + " (timestamp without time zone)";
    finding.help = "A timestamp without time zone stores a wall-clock reading with no zone: the same instant "
                   "written by servers or sessions in different time zones is stored differently, and "
                   "comparisons with now() (a timestamptz) depend on the session's TimeZone. timestamptz "
                   "stores an instant (in UTC) and costs the same 8 bytes. Drizzle: timestamp(\"" +
                   column.name + "\", { withTimezone: true }).";
    finding.object = core::ObjectRef{table.schema, table.name, {column.name}, {}};
    finding.location = column.location;
    finding.evidence.push_back(
        advisor::schema_evidence(*context.catalog, column.name + " " + type.display(), column.location));

    core::Fix fix;
    std::string target = "timestamptz";
    if (!type.modifiers.empty()) {
      target += "(" + type.modifiers.front() + ")";
    }
    for (int dim = 0; dim < type.array_dims; ++dim) {
      target += "[]";
    }
    fix.sql().ddl = "SET timezone = 'UTC'; -- the zone the stored values were written in\nALTER TABLE " +
                    name + " ALTER COLUMN " + col + " TYPE " + target + ";";
    fix.safety_note =
        "Existing values are read in the session's TimeZone: set it to the zone the application wrote "
        "them in (usually UTC). From PostgreSQL 12, with TimeZone UTC the change is a catalog update "
        "without a table rewrite; otherwise the table is rewritten under an ACCESS EXCLUSIVE lock. "
        "Indexes on the column are rebuilt either way.";
    if (context.project != nullptr && context.project->uses_drizzle) {
      fix.sql().drizzle =
          advisor::drizzle_property(table, column.name) + ": " +
          advisor::drizzle_column_builder(table, column, "timestamp",
                                          advisor::drizzle_options_with(column, "withTimezone", "true")) +
          advisor::drizzle_chain_or(column, "") + ",";
    }
    finding.fix = std::move(fix);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_timestamp_without_time_zone() {
  return std::make_unique<TimestampWithoutTimeZone>();
}

} // namespace pgadvise::rules
