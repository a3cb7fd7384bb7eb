#include "advisor/drizzle_render.hpp"
#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/table_rule.hpp"

#include <memory>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "foreign-key-type-mismatch";

// Types equal for a join: same name and array depth. Length modifiers and
// the text family (text, varchar, bpchar) compare without casts.
bool same_type(const model::TypeRef& a, const model::TypeRef& b) {
  if (a.is_text_like() && b.is_text_like() && a.array_dims == b.array_dims) {
    return true;
  }
  return a.name == b.name && a.schema == b.schema && a.array_dims == b.array_dims;
}

// The Drizzle column builder for a type, where there is a plain one, in
// the words the table's declaration uses (unnamed, a columns callback's).
std::string drizzle_builder(const model::Table& table, const model::TypeRef& type,
                            const model::Column& column) {
  if (type.array_dims > 0) {
    return {};
  }
  if (type.name == "int4") {
    return advisor::drizzle_column_builder(table, column, "integer");
  }
  if (type.name == "int8") {
    return advisor::drizzle_column_builder(table, column, "bigint", "{ mode: \"number\" }");
  }
  if (type.name == "int2") {
    return advisor::drizzle_column_builder(table, column, "smallint");
  }
  if (type.name == "uuid" || type.name == "text") {
    return advisor::drizzle_column_builder(table, column, type.name.str());
  }
  return {};
}

struct Mismatch {
  const model::Column* column = nullptr;
  model::TypeRef own;
  model::TypeRef referenced;
  std::string ref_column;
};

class ForeignKeyTypeMismatch final : public TableRule {
public:
  ForeignKeyTypeMismatch()
      : TableRule({
            .id = std::string(k_id),
            .summary = "Foreign key column whose type differs from the referenced column's",
            .default_severity = core::Severity::high,
            .has_fix = true,
            .fix_applicability = core::FixApplicability::unsafe,
        }) {}

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const override {
    const model::Catalog& catalog = *context.catalog;
    for (const model::ForeignKey& fk : table.foreign_keys) {
      const model::Table* ref = catalog.find_table(fk.ref_schema, fk.ref_table);
      if (ref == nullptr || fk.columns.size() != fk.ref_columns.size()) {
        continue;
      }
      for (std::size_t i = 0; i < fk.columns.size(); ++i) {
        const model::Column* own = table.find_column(fk.columns[i]);
        const model::Column* target = ref->find_column(fk.ref_columns[i]);
        if (own == nullptr || target == nullptr) {
          continue;
        }
        Mismatch mismatch{own, catalog.resolve_type(own->type), catalog.resolve_type(target->type),
                          target->name};
        if (!same_type(mismatch.own, mismatch.referenced)) {
          out.push_back(make_finding(context, table, fk, mismatch));
        }
      }
    }
  }

  static core::Finding make_finding(const engine::RuleContext& context, const model::Table& table,
                                    const model::ForeignKey& fk, const Mismatch& mismatch) {
    const std::string name = advisor::table_display(table);
    const std::string ref_name = core::qualified_name(fk.ref_schema, fk.ref_table);
    const std::string own_type = mismatch.own.display();
    const std::string ref_type = mismatch.referenced.display();
    const bool narrower =
        (mismatch.own.name == "int4" || mismatch.own.name == "int2") && mismatch.referenced.name == "int8";

    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.message = "Foreign key column " + name + "." + mismatch.column->name + " is " + own_type +
                      " but " + ref_name + "." + mismatch.ref_column + " is " + ref_type;
    finding.help =
        (narrower ? "Once " + ref_name + "." + mismatch.ref_column + " passes the " + own_type +
                        " maximum, rows referencing the new ids cannot be inserted. "
                  : std::string{}) +
        "Joins on the key compare across types: PostgreSQL casts one side, which can keep it from using "
        "an index on the other, and the schema no longer says the two columns hold the same values. "
        "Make the referencing column the referenced column's type.";
    finding.object = core::ObjectRef{table.schema, table.name, {mismatch.column->name}, fk.name};
    finding.location = fk.location.line > 0 ? fk.location : mismatch.column->location;
    finding.evidence.push_back(
        advisor::schema_evidence(*context.catalog, advisor::describe_foreign_key(fk), fk.location));
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, mismatch.column->name + " " + own_type, mismatch.column->location));

    core::Fix fix;
    fix.sql().ddl = "ALTER TABLE " + name + " ALTER COLUMN " + core::quote_ident(mismatch.column->name) +
                    " TYPE " + ref_type + ";";
    fix.safety_note =
        "Changing a column's type rewrites " + name +
        " and its indexes under an ACCESS EXCLUSIVE lock (reads and writes wait). On a big table "
        "add a new column, backfill it in batches, and swap in a short transaction instead.";
    if (context.project != nullptr && context.project->uses_drizzle) {
      if (const std::string builder = drizzle_builder(table, mismatch.referenced, *mismatch.column);
          !builder.empty()) {
        fix.sql().drizzle = advisor::drizzle_property(table, mismatch.column->name) + ": " + builder +
                            (advisor::has_drizzle_chain(*mismatch.column)
                                 ? advisor::drizzle_chain_or(*mismatch.column, "") + ","
                                 : ", // keep its .references(...) and modifiers");
      }
    }
    finding.fix = std::move(fix);
    // Stable across constraint renames: the table and columns identify it.
    finding.compute_fingerprint(core::FingerprintIdentity{.schema = finding.object.schema,
                                                          .table = finding.object.table,
                                                          .columns = &finding.object.columns,
                                                          .discriminator = ref_name});
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_foreign_key_type_mismatch() {
  return std::make_unique<ForeignKeyTypeMismatch>();
}

} // namespace pgadvise::rules
