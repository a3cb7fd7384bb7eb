#include "rules/support/migration_locks.hpp"

#include "advisor/evidence.hpp"
#include "core/text.hpp"
#include "rules/support/rule_inputs.hpp"
#include "rules/support/table_size.hpp"

#include <optional>
#include <utility>

namespace pgadvise::rules {

const model::Catalog& files_catalog(const engine::RuleContext& context) {
  return context.files_catalog != nullptr ? *context.files_catalog : *context.catalog;
}

bool on_view(const model::MigrationStep& step) {
  return step.kind == model::MigrationStepKind::alter_table &&
         (step.detail == "DROP VIEW" || step.detail == "DROP MATERIALIZED VIEW" ||
          step.detail == "CREATE OR REPLACE VIEW" || step.detail == "ALTER VIEW ... RENAME" ||
          step.detail == "ALTER MATERIALIZED VIEW ... RENAME");
}

std::optional<LockedStep> locked_step(const engine::RuleContext& context, const model::MigrationStep& step) {
  // A step that names no table (DROP INDEX or REINDEX INDEX of an index no
  // file built, ALTER DOMAIN of a domain no file created: loaders/sql/
  // replay_assumed), a DROP TABLE's, whose table is gone at the end of
  // the history, or one on a view: a relation in use, of which nothing is known.
  static const model::Table k_unknown_table = [] {
    model::Table table;
    table.assumed = true;
    return table;
  }();
  if (context.catalog == nullptr || step.table_is_new) {
    return std::nullopt;
  }
  const model::Catalog& files = files_catalog(context);
  const model::Table* defined = step.table.empty() ? nullptr : files.find_table(step.schema, step.table);
  if (defined == nullptr) {
    const bool dropped = step.kind == model::MigrationStepKind::alter_table && step.detail == "DROP TABLE";
    if (!step.table.empty() && !dropped && !on_view(step)) {
      return std::nullopt;
    }
    return LockedStep{&step, &k_unknown_table, &k_unknown_table};
  }
  const model::Table* live = context.catalog->find_table(step.schema, step.table);
  return LockedStep{&step, defined, live != nullptr ? live : defined};
}

std::vector<LockedStep> steps_on_existing_tables(const engine::RuleContext& context,
                                                 model::MigrationStepKind kind) {
  std::vector<LockedStep> out;
  if (context.catalog == nullptr) {
    return out;
  }
  for (const model::MigrationStep& step : files_catalog(context).migration_steps) {
    if (step.kind != kind) {
      continue;
    }
    if (std::optional<LockedStep> locked = locked_step(context, step)) {
      out.push_back(*locked);
    }
  }
  return out;
}

const model::MigrationStep* validated_in_same_transaction(const engine::RuleContext& context,
                                                          const model::MigrationStep& step) {
  if (!step.in_transaction()) {
    return nullptr;
  }
  const model::Catalog& files = files_catalog(context);
  for (const model::MigrationStep& each : files.migration_steps) {
    if (each.kind == model::MigrationStepKind::validate && each.object == step.object &&
        each.schema == step.schema && each.table == step.table && each.location.file == step.location.file &&
        each.same_transaction(step)) {
      return &each;
    }
  }
  return nullptr;
}

core::Finding lock_finding(std::string_view rule, const engine::RuleContext& context,
                           const LockedStep& locked, std::string statement, const std::string& message) {
  const model::MigrationStep& step = *locked.step;
  core::Finding finding;
  finding.rule = std::string(rule);
  finding.severity = scale_by_rows(context.severity, *locked.table, 100'000, 1'000'000);
  if (const std::string rows = describe_rows(*locked.table); !rows.empty()) {
    finding.message = message + " (" + rows + ")";
  } else if (on_view(step)) {
    finding.message = message; // a view has no rows of its own to grade it by
  } else {
    finding.message = message + " (table size unknown, so graded " +
                      std::string(core::to_string(finding.severity)) +
                      ": --db or --stats gives the real size)";
  }
  finding.object = core::ObjectRef{step.schema, step.table, {}, {}};
  finding.location = step.location;
  finding.evidence.push_back(core::Evidence{core::Evidence::Kind::ddl, std::move(statement), step.location});
  if (const std::string rows = describe_rows(*locked.table); !rows.empty()) {
    finding.evidence.push_back(advisor::schema_evidence(
        *context.catalog, advisor::table_display(*locked.table) + ": " + rows, locked.table->location));
  }
  return finding;
}

void regrade(core::Finding& finding, core::Severity severity) {
  const std::string before = "so graded " + std::string(core::to_string(finding.severity));
  if (const std::size_t at = finding.message.find(before); at != std::string::npos) {
    finding.message.replace(at, before.size(), "so graded " + std::string(core::to_string(severity)));
  }
  finding.severity = severity;
}

core::Finding lock_finding(std::string_view rule, const engine::RuleContext& context,
                           const LockedStep& locked, const std::string& message) {
  return lock_finding(rule, context, locked, locked.step->statement.str(), message);
}

core::Finding lock_finding(std::string_view rule, const engine::RuleContext& context,
                           const LockedStep& locked, LockAdvice advice) {
  core::Finding finding = lock_finding(rule, context, locked, advice.message);
  finding.object.columns = std::move(advice.columns);
  finding.object.constraint = std::move(advice.constraint);
  finding.help = std::move(advice.help);
  set_lock_fix(finding, std::move(advice.ddl), std::move(advice.safety_note), advice.key);
  return finding;
}

std::string concurrently_fix(const model::MigrationStep& step, const std::string& concurrent,
                             const std::string& in_migration) {
  if (!step.in_transaction()) {
    return "-- in place of the migration's statement (the file runs in autocommit):\n" + concurrent;
  }
  std::string out =
      "-- outside the migrator (psql in the deploy step, autocommit), before it runs:\n" + concurrent;
  if (!in_migration.empty()) {
    out += "\n-- in the migration, a no-op once that has run:\n" + in_migration;
  }
  return out;
}

std::string blocked_text(const model::MigrationStep& step) {
  const std::string name = core::qualified_name(step.schema, step.table);
  const std::string_view blocked = model::blocked_by(step.lock);
  return blocked.empty() ? "nothing else on " + name : std::string(blocked) + " to " + name;
}

void set_lock_fix(core::Finding& finding, std::string ddl, std::string safety_note, std::string_view key) {
  core::Fix fix;
  fix.sql().ddl = std::move(ddl);
  fix.safety_note = std::move(safety_note);
  finding.fix = std::move(fix);
  finding.compute_fingerprint(key);
}

namespace {

engine::RuleMeta change_rule(engine::RuleMeta meta) {
  meta.lens = engine::Lens::change;
  return with_input(std::move(meta), engine::Input::catalog);
}

} // namespace

MigrationFilesRule::MigrationFilesRule(engine::RuleMeta meta) : Rule(change_rule(std::move(meta))) {}

void MigrationFilesRule::check(const engine::RuleContext& context, core::FindingSink& out) const {
  if (context.catalog != nullptr) {
    check_files(context, files_catalog(context), out);
  }
}

LockStepRule::LockStepRule(engine::RuleMeta meta, model::MigrationStepKind kind, StepEffect effect)
    : Rule(change_rule(std::move(meta))), m_kind(kind), m_effect(effect) {}

namespace {

bool has_effect(const model::MigrationStep& step, StepEffect effect) {
  switch (effect) {
  case StepEffect::any: return true;
  case StepEffect::scans: return step.scans;
  case StepEffect::rewrites: return step.rewrites;
  case StepEffect::fails_with_rows: return step.fails_with_rows;
  case StepEffect::not_concurrent: return !step.concurrently;
  }
  return true;
}

} // namespace

void LockStepRule::check(const engine::RuleContext& context, core::FindingSink& out) const {
  for (const LockedStep& locked : steps_on_existing_tables(context, m_kind)) {
    if (has_effect(*locked.step, m_effect)) {
      check_step(context, locked, out);
    }
  }
}

AddedColumnRule::AddedColumnRule(engine::RuleMeta meta, StepEffect effect)
    : LockStepRule(std::move(meta), model::MigrationStepKind::add_column, effect) {}

void AddedColumnRule::check_step(const engine::RuleContext& context, const LockedStep& locked,
                                 core::FindingSink& out) const {
  if (const model::Column* column = locked.defined->find_column(locked.step->object)) {
    check_column(context, locked, *column, out);
  }
}

} // namespace pgadvise::rules
