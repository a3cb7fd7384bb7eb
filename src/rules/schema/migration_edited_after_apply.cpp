#include "core/finding.hpp"
#include "engine/rule.hpp"
#include "model/migration_ledger.hpp"

#include <memory>
#include <string>
#include <vector>

namespace pgadvise::rules {

namespace {

using model::AppliedMigration;
using model::MigrationFile;
using model::MigrationLedger;

constexpr std::string_view k_id = "migration-edited-after-apply";

bool same_hash(const MigrationFile& file, const AppliedMigration& applied) {
  return applied.hash == file.hash || applied.hash == file.hash_lf;
}

// The applied record of a file: drizzle-orm stores the journal's `when` as
// created_at, so that is the join key; a record whose created_at matches no
// entry may still be the file (its `when` was edited), found by hash.
const AppliedMigration* record_for(const MigrationLedger& ledger, const MigrationFile& file) {
  for (const AppliedMigration& applied : ledger.applied) {
    if (applied.created_at && *applied.created_at == file.when) {
      return &applied;
    }
  }
  return nullptr;
}

bool file_known(const MigrationLedger& ledger, const AppliedMigration& applied) {
  for (const MigrationFile& file : ledger.files) {
    if ((applied.created_at && *applied.created_at == file.when) ||
        (file.exists && same_hash(file, applied))) {
      return true;
    }
  }
  return false;
}

std::string short_hash(std::string_view hash) {
  return std::string(hash.substr(0, 12));
}

class MigrationEditedAfterApply final : public engine::Rule {
public:
  MigrationEditedAfterApply()
      : Rule({
            .id = std::string(k_id),
            .summary = "Drizzle migration file changed after it was applied, or applied migration missing "
                       "from the folder",
            .default_severity = core::Severity::high,
            .inputs = {engine::Input::live},
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.catalog == nullptr || !context.catalog->drizzle_migrations) {
      return;
    }
    const MigrationLedger& ledger = *context.catalog->drizzle_migrations;
    if (!ledger.files_read) {
      return; // nothing to compare with: a note says so
    }
    for (const MigrationFile& file : ledger.files) {
      const AppliedMigration* applied = record_for(ledger, file);
      if (applied == nullptr) {
        continue; // not applied yet
      }
      if (!file.exists) {
        out.push_back(missing_file(context, ledger, file, *applied));
      } else if (!same_hash(file, *applied)) {
        out.push_back(edited(context, ledger, file, *applied));
      }
    }
    for (const AppliedMigration& applied : ledger.applied) {
      if (!file_known(ledger, applied)) {
        out.push_back(unknown_record(context, ledger, applied));
      }
    }
  }

private:
  static core::Finding base(const engine::RuleContext& context, const MigrationLedger& ledger) {
    core::Finding finding;
    finding.rule = std::string(k_id);
    finding.severity = context.severity;
    finding.object.schema = ledger.schema;
    finding.object.table = ledger.name;
    return finding;
  }

  static core::Evidence ledger_evidence(const MigrationLedger& ledger, const AppliedMigration& applied) {
    return core::Evidence{
        core::Evidence::Kind::catalog,
        ledger.table + " id " + std::to_string(applied.id) + ": hash " + short_hash(applied.hash) +
            "..., created_at " +
            (applied.created_at ? std::to_string(*applied.created_at) : std::string("NULL")),
        {}};
  }

  static core::Finding edited(const engine::RuleContext& context, const MigrationLedger& ledger,
                              const MigrationFile& file, const AppliedMigration& applied) {
    core::Finding finding = base(context, ledger);
    finding.object.constraint = file.tag;
    finding.location = file.location;
    finding.message = "Migration " + file.tag + " was edited after it was applied: its SHA-256 (" +
                      short_hash(file.hash) + "...) differs from the one drizzle recorded (" +
                      short_hash(applied.hash) + "...)";
    finding.help =
        "The database ran the old text; drizzle-orm never re-runs an applied migration. Restore the "
        "file (git history) and put the change in a new migration (drizzle-kit generate).";
    finding.evidence.push_back(ledger_evidence(ledger, applied));
    finding.evidence.push_back(core::Evidence{
        core::Evidence::Kind::ddl, "sha256 of " + file.location.file + " is " + short_hash(file.hash) + "...",
        file.location});
    finding.compute_fingerprint("edited");
    return finding;
  }

  static core::Finding missing_file(const engine::RuleContext& context, const MigrationLedger& ledger,
                                    const MigrationFile& file, const AppliedMigration& applied) {
    core::Finding finding = base(context, ledger);
    finding.object.constraint = file.tag;
    finding.location = file.location;
    finding.message = "Migration " + file.tag + " was applied but its file " + file.tag +
                      ".sql is missing from the migrations folder";
    finding.help = "Restore the file from version control: a new environment migrated from this folder would "
                   "not get the schema the database has.";
    finding.evidence.push_back(ledger_evidence(ledger, applied));
    finding.compute_fingerprint("missing-file");
    return finding;
  }

  static core::Finding unknown_record(const engine::RuleContext& context, const MigrationLedger& ledger,
                                      const AppliedMigration& applied) {
    core::Finding finding = base(context, ledger);
    finding.object.constraint = "hash " + short_hash(applied.hash);
    finding.location = core::SourceLocation{ledger.journal, 1, 0};
    finding.message = "The database applied a migration (" + ledger.table + " id " +
                      std::to_string(applied.id) + ", created_at " +
                      (applied.created_at ? std::to_string(*applied.created_at) : std::string("NULL")) +
                      ") that is not in the migrations folder";
    finding.help =
        "Find the migration that ran (another branch, a deleted or squashed file) and bring it back, "
        "or the folder no longer describes this database's schema.";
    finding.evidence.push_back(ledger_evidence(ledger, applied));
    finding.compute_fingerprint(applied.hash);
    return finding;
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_migration_edited_after_apply() {
  return std::make_unique<MigrationEditedAfterApply>();
}

} // namespace pgadvise::rules
