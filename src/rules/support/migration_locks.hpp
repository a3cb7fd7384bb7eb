#pragma once

#include "core/finding.hpp"
#include "engine/rule.hpp"
#include "model/catalog.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// What the migration lock-safety rules share (index-created-non-concurrently,
// foreign-key-added-validating, column-type-change-rewrite and the rules of
// each ALTER TABLE form): the replay's lock-taking statements on tables that
// existed before their migration, with what PostgreSQL 15 does to them
// (model::MigrationStep's lock, rewrite and scan, from loaders/sql/replay_locks).
namespace pgadvise::rules {

// The catalog the migration files give: with --db the context's catalog is
// the live one, and the steps come from the files.
const model::Catalog& files_catalog(const engine::RuleContext& context);

struct LockedStep {
  const model::MigrationStep* step = nullptr;
  // The table as the whole history of the files leaves it: its indexes and
  // constraints (with --db a pending migration's are not in the database yet).
  const model::Table* defined = nullptr;
  // The table whose size grades the finding: the live one with --db (when
  // the database has it), else `defined` (with --stats sizes, if any).
  const model::Table* table = nullptr;
};

// `step` as the lock rules judge it: on a table an earlier migration created
// (or one taken as existing before the files) that still exists at the end
// of the history, or on an unknown table in use (a step that names none, a
// DROP TABLE's); nullopt for a table new in the same file (empty: locking
// it costs nothing) or one a later file drops.
std::optional<LockedStep> locked_step(const engine::RuleContext& context, const model::MigrationStep& step);

// A step on a view, which the catalog does not model (loaders/sql/
// replay_views): DROP VIEW, DROP MATERIALIZED VIEW, CREATE OR REPLACE VIEW,
// ALTER [MATERIALIZED] VIEW ... RENAME.
bool on_view(const model::MigrationStep& step);

// Steps of `kind` on a table that an earlier migration created (tables new
// in the same file are empty: locking them costs nothing) and that still
// exists at the end of the history.
std::vector<LockedStep> steps_on_existing_tables(const engine::RuleContext& context,
                                                 model::MigrationStepKind kind);

// The VALIDATE CONSTRAINT of `step`'s constraint later in the same migration
// file and in the same transaction (a BEGIN block, or the runner's), which
// scans under the lock the ADD ... NOT VALID still holds; null when there is
// none. In autocommit (a psql-run folder) each statement commits on its own:
// the VALIDATE takes only SHARE UPDATE EXCLUSIVE, as NOT VALID intends.
const model::MigrationStep* validated_in_same_transaction(const engine::RuleContext& context,
                                                          const model::MigrationStep& step);

// The start of a finding about one step: rule, severity, object, location,
// `message` with the table's size (or that it is unknown) after it, and the
// statement and table size as evidence. The severity follows the size when
// it is known (live catalog or `lint --stats`): low under 100,000 rows, the
// rule's severity (medium) up to a million, high from a million, critical
// from ten million. Unknown size: the rule's severity, and the message says
// so.
core::Finding lock_finding(std::string_view rule, const engine::RuleContext& context,
                           const LockedStep& locked, std::string statement, const std::string& message);

// Sets a lock finding's severity to `severity`, and the "(table size
// unknown, so graded ...)" note of its message with it.
void regrade(core::Finding& finding, core::Severity severity);

// lock_finding with the step's own statement as the evidence.
core::Finding lock_finding(std::string_view rule, const engine::RuleContext& context,
                           const LockedStep& locked, const std::string& message);

// A lock finding in the rule's own words: lock_finding's message, what it
// is about besides the table, its help, and set_lock_fix's fix, note and key.
struct LockAdvice {
  std::string message = {};
  std::vector<std::string> columns = {};
  std::string constraint = {};
  std::string help = {};
  std::string ddl = {};
  std::string safety_note = {};
  std::string key = {};
};

// lock_finding with the step's own statement as the evidence, its object,
// help and set_lock_fix from `advice`: the whole finding.
core::Finding lock_finding(std::string_view rule, const engine::RuleContext& context,
                           const LockedStep& locked, LockAdvice advice);

// The end of a lock finding: its SQL fix (what to run instead, and how)
// and its fingerprint, told apart from the table's other steps by `key`.
void set_lock_fix(core::Finding& finding, std::string ddl, std::string safety_note, std::string_view key);

// A CONCURRENTLY statement as a fix: where the step runs in a transaction,
// it goes outside the migrator, before it, and the migration keeps
// `in_migration` (a no-op once the statement ran; empty: nothing); in
// autocommit it replaces the statement where it is.
std::string concurrently_fix(const model::MigrationStep& step, const std::string& concurrent,
                             const std::string& in_migration);

// What the step blocks while it holds its lock: "reads and writes to
// orders", "writes to orders".
std::string blocked_text(const model::MigrationStep& step);

// A change-lens rule over all the migration files' steps (new tables'
// too): the constructor sets the lens and adds the catalog input; check()
// hands check_files() the files' catalog (files_catalog) when there is one.
class MigrationFilesRule : public engine::Rule {
public:
  explicit MigrationFilesRule(engine::RuleMeta meta);

  void check(const engine::RuleContext& context, core::FindingSink& out) const final;

protected:
  virtual void check_files(const engine::RuleContext& context, const model::Catalog& files,
                           core::FindingSink& out) const = 0;
};

// Which steps of its kind a LockStepRule judges, by what the replay
// predicts the statement does (model::MigrationStep, loaders/sql/replay_locks).
enum class StepEffect {
  any,
  scans,           // reads every row under its lock (a validation scan)
  rewrites,        // rewrites the table and its indexes
  fails_with_rows, // fails on a table that has rows
  not_concurrent,  // run without the CONCURRENTLY it could have
};

// A rule about the migration steps of one kind on existing tables
// (steps_on_existing_tables) that have `effect`: it needs the catalog (the
// constructor adds the input) and writes only check_step(); check() walks
// the steps.
class LockStepRule : public engine::Rule {
public:
  // Change-lens rules all: they judge how a migration applies. The
  // constructor sets the lens and adds the catalog input.
  LockStepRule(engine::RuleMeta meta, model::MigrationStepKind kind, StepEffect effect = StepEffect::any);

  void check(const engine::RuleContext& context, core::FindingSink& out) const final;

protected:
  virtual void check_step(const engine::RuleContext& context, const LockedStep& locked,
                          core::FindingSink& out) const = 0;

private:
  model::MigrationStepKind m_kind;
  StepEffect m_effect;
};

// A LockStepRule about ADD COLUMN steps whose column the files still
// define at the end of the history: writes only check_column().
class AddedColumnRule : public LockStepRule {
public:
  AddedColumnRule(engine::RuleMeta meta, StepEffect effect);

protected:
  virtual void check_column(const engine::RuleContext& context, const LockedStep& locked,
                            const model::Column& column, core::FindingSink& out) const = 0;

private:
  void check_step(const engine::RuleContext& context, const LockedStep& locked,
                  core::FindingSink& out) const final;
};

} // namespace pgadvise::rules
