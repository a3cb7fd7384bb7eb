#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/migration_locks.hpp"

#include <cctype>
#include <memory>
#include <string_view>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "domain-constraint-added-validating";

bool identifier_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

// `condition` with the keyword VALUE (any case, outside string literals)
// replaced by `column`.
std::string on_column(std::string_view condition, const std::string& column) {
  std::string out;
  bool quoted = false;
  for (std::size_t i = 0; i < condition.size();) {
    const char c = condition[i];
    if (c == '\'') {
      quoted = !quoted;
    }
    const bool starts_word = !quoted && identifier_char(c) && (i == 0 || !identifier_char(condition[i - 1]));
    if (starts_word) {
      std::size_t end = i;
      while (end < condition.size() && identifier_char(condition[end])) {
        ++end;
      }
      const std::string word = core::to_lower(condition.substr(i, end - i));
      out += word == "value" ? column : std::string(condition.substr(i, end - i));
      i = end;
      continue;
    }
    out += c;
    ++i;
  }
  return out;
}

// The domain's new condition as a CHECK on each of the table's columns of
// the domain: VALUE becomes the column.
std::string column_checks(const model::Table& table, const model::MigrationStep& step,
                          const std::string& domain) {
  const std::string name = core::qualified_name(table.schema, table.name);
  const std::string domain_name =
      domain.substr(domain.rfind('.') == std::string::npos ? 0 : domain.rfind('.') + 1);
  if (table.name.empty()) { // a domain no file created: its tables are not in these files
    const std::string condition = step.value.empty() ? "<the condition>" : on_column(step.value, "<column>");
    return "-- this migration, instead of the domain constraint, for each column of " + domain +
           " (SELECT table_name, column_name FROM information_schema.columns WHERE domain_name = '" +
           domain_name + "'):\n--   ALTER TABLE <table> ADD CONSTRAINT <table>_<column>_" + step.object +
           " CHECK (" + condition +
           ") NOT VALID;\n-- the next migration, in a later deploy:\n--   ALTER TABLE <table> VALIDATE "
           "CONSTRAINT "
           "<table>_<column>_" +
           step.object + ";";
  }
  if (step.value.empty()) {
    return "-- " + domain + "'s condition as a CHECK ... NOT VALID on each column of it in " + name +
           ", validated in a later migration";
  }
  std::string added = "-- this migration, instead of the domain constraint:\n";
  std::string validated = "-- the next migration, in a later deploy:\n";
  for (const model::Column& column : table.columns) {
    if (column.type.name != domain_name) {
      continue;
    }
    const std::string constraint = core::quote_ident(table.name + "_" + column.name + "_" + step.object);
    added += "ALTER TABLE " + name + " ADD CONSTRAINT " + constraint + " CHECK (" +
             on_column(step.value, core::quote_ident(column.name)) + ") NOT VALID;\n";
    validated += "ALTER TABLE " + name + " VALIDATE CONSTRAINT " + constraint + ";\n";
  }
  validated.pop_back();
  return added + validated;
}

class DomainConstraintAddedValidating final : public LockStepRule {
public:
  DomainConstraintAddedValidating()
      : LockStepRule(
            {
                .id = std::string(k_id),
                .summary = "ALTER DOMAIN ... ADD CONSTRAINT: every column of the domain is checked while "
                           "writes wait",
                .has_fix = true,
                .fix_applicability = core::FixApplicability::unsafe,
            },
            model::MigrationStepKind::add_domain_constraint, StepEffect::scans) {}

private:
  // One step per table with a column of the domain (the replay records
  // them); the NOT VALID ones do not scan.
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const override {
    const model::MigrationStep& step = *locked.step;
    const bool validate = step.detail.find(" VALIDATE") != std::string::npos;
    const std::string domain = validate
                                   ? std::string(step.detail.view().substr(0, step.detail.find(" VALIDATE")))
                                   : step.detail.str();
    // A domain no file created names no table (replay_assumed): every table using it.
    const std::string name = step.table.empty() ? "every table with a column of " + domain
                                                : core::qualified_name(step.schema, step.table);
    const std::string command = validate ? "ALTER DOMAIN " + domain + " VALIDATE CONSTRAINT " + step.object
                                : step.object == "NOT NULL"
                                    ? "ALTER DOMAIN " + domain + " SET NOT NULL"
                                    : "ALTER DOMAIN " + domain + " ADD CONSTRAINT " + step.object;
    core::Finding finding =
        step.table.empty()
            ? lock_finding(k_id, context, locked,
                           command + " checks every row of " + name +
                               " (not in these files), each under a SHARE lock: writes to them wait")
            : lock_finding(k_id, context, locked,
                           command + " checks every row of existing table " + name +
                               " under a SHARE lock: writes to " + name + " wait");
    finding.object.constraint = step.object;
    finding.help =
        "Adding a constraint to a domain checks every column of that domain in every table, each table "
        "locked in SHARE mode (INSERT, UPDATE and DELETE wait) for its scan; on PostgreSQL 15 VALIDATE "
        "CONSTRAINT of a domain locks the same way, so NOT VALID followed by VALIDATE does not help as it "
        "does for a table's CHECK. Put the rule on the columns instead: a table CHECK constraint added NOT "
        "VALID and validated in a later migration, which scans under SHARE UPDATE EXCLUSIVE.";
    set_lock_fix(finding, column_checks(*locked.defined, step, domain),
                 "Keep the domain for the type and its existing constraints; new rules go on the columns.",
                 step.object + "/" + step.table);
    out.push_back(std::move(finding));
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_domain_constraint_added_validating() {
  return std::make_unique<DomainConstraintAddedValidating>();
}

} // namespace pgadvise::rules
