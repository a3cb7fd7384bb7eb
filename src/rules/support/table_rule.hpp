#pragma once

#include "engine/rule.hpp"
#include "model/catalog.hpp"

#include <vector>

namespace pgadvise::rules {

// A rule that judges the catalog's tables one at a time. It needs the
// catalog (the constructor adds engine::Input::catalog to the inputs when
// the meta does not name it) and writes only check_table(); check() walks
// the tables.
class TableRule : public engine::Rule {
public:
  explicit TableRule(engine::RuleMeta meta);

  void check(const engine::RuleContext& context, core::FindingSink& out) const final;

protected:
  // The findings for one table; context.catalog is not null here.
  virtual void check_table(const engine::RuleContext& context, const model::Table& table,
                           core::FindingSink& out) const = 0;
};

// A rule about tables whose primary key is one column (a composite key has
// no one column to judge): judges() says whether that column is the rule's
// case, make_finding() what it reports, one finding per table.
class PrimaryKeyRule : public TableRule {
public:
  // Convention-lens rules all: they judge how a key is declared. The
  // constructor sets the lens.
  explicit PrimaryKeyRule(engine::RuleMeta meta);

protected:
  // A finding about the key column: this rule's id, the context's severity,
  // the column as object and location, and `definition` (the column as
  // declared) as the first evidence.
  [[nodiscard]] core::Finding key_finding(const engine::RuleContext& context, const model::Table& table,
                                          const model::Column& column, std::string definition) const;

  // Ends a key finding: `fix`, with the Drizzle line `property: <drizzle>`
  // for the column when the project uses Drizzle, and the fingerprint.
  static void set_key_fix(core::Finding& finding, const engine::RuleContext& context,
                          const model::Table& table, const model::Column& column, core::Fix fix,
                          const std::string& drizzle);

  // An int2/int4 key drawn from a sequence (serial, or a nextval() default):
  // integer-primary-key-overflow and serial-primary-key both judge it, and
  // both propose the one change that settles both (bigint_identity_fix), so
  // the report shows one finding for the column, not two fixes that undo
  // each other's type.
  [[nodiscard]] static bool narrow_sequence_key(const model::Column& column);
  // The key widened to bigint and made an identity column, in one transaction.
  [[nodiscard]] static core::Fix bigint_identity_fix(const model::Table& table, const model::Column& column);
  // Its Drizzle column: bigint("id", { mode: "number" }).primaryKey()...,
  // in the builder style of the table's declaration.
  [[nodiscard]] static std::string bigint_identity_drizzle(const model::Table& table,
                                                           const model::Column& column);

  // Whether the key column is this rule's case, and then its finding.
  [[nodiscard]] virtual bool judges(const model::Column& column) const = 0;
  [[nodiscard]] virtual core::Finding make_finding(const engine::RuleContext& context,
                                                   const model::Table& table,
                                                   const model::Column& column) const = 0;

private:
  void check_table(const engine::RuleContext& context, const model::Table& table,
                   core::FindingSink& out) const final;
};

} // namespace pgadvise::rules
