#include "advisor/evidence.hpp"
#include "advisor/jsonb_fix.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "json-column-not-jsonb";

class JsonColumnNotJsonb final : public TableRule {
public:
  JsonColumnNotJsonb()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Column of type json where jsonb belongs",
            .has_fix = true,
            .fix_edit = engine::FixEdit::column_type,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    for (const model::Column& column : table.columns) {
      if (context.catalog->resolve_type(column.type).is_json()) {
        out.push_back(make_finding(context, table, column));
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::Column& column) {
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object = core::ObjectRef{table.schema, table.name, {column.name}, {}};
    finding.location = column.location.known() ? column.location : table.location;
    finding.message =
        advisor::table_display(table) + "." + core::quote_ident(column.name) +
        " is json: every read re-parses the text, and it has no equality operator or GIN support";
    finding.help = "Use jsonb: stored parsed, compared with =, indexable with GIN (@>, ?) and expression "
                   "indexes. Keep json only if you need the exact input text back: key order, duplicate keys "
                   "or whitespace.";
    std::string declared = column.name + " " + column.type.display();
    if (column.default_expr) {
      declared += " DEFAULT " + *column.default_expr;
    }
    finding.evidence.push_back(advisor::schema_evidence(*context.catalog, declared, finding.location));
    // The fix rebuilds a plain jsonb column; a domain over json would need
    // its own ALTER DOMAIN, so say what the column was.
    model::Column as_json = column;
    as_json.type = context.catalog->resolve_type(column.type);
    finding.fix =
        advisor::make_jsonb_fix(table, as_json, context.project != nullptr && context.project->uses_drizzle);
    finding.compute_fingerprint();
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_json_column_not_jsonb() {
  return std::make_unique<JsonColumnNotJsonb>();
}

} // namespace pgadvise::rules
