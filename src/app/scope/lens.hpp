#pragma once

#include "core/finding.hpp"
#include "core/finding_list.hpp"
#include "core/settings.hpp"
#include "model/catalog.hpp"
#include "model/migration_ledger.hpp"

#include <set>
#include <string>
#include <vector>

// The two lenses (engine::Lens): state rules judge the schema as it is on
// every run; change and convention rules judge only the migrations not yet
// applied, since an applied migration cannot be changed and an existing
// column is rarely worth a rewrite for a convention. This decides which
// migration files those rules judge in a run, and trims their findings to
// them.
namespace pgadvise::app {

// Why these migrations are the ones judged.
enum class LensBasis {
  all,     // --all-migrations / all_migrations = true, or a baseline (which knows the old findings)
  changed, // --changed-since: the files changed on the branch
  pending, // --db: the files the migrations table does not list
  newest,  // the default: the newest migration only
};

struct LensScope {
  LensBasis basis = LensBasis::all;
  // The migration files judged (as findings name them); unused for `all`.
  std::set<std::string> judged;
  // Every migration file of the replay, in order, as findings name them.
  std::vector<std::string> migrations;
  // The migration files of each further database (another drizzle.config's
  // folder, linted on its own), each folder in order. The lens trims their
  // findings as it trims the first database's; --verify-locks runs only
  // `migrations`.
  std::vector<std::vector<std::string>> other_migrations;
  // Where `pending` came from, for the note ("drizzle.__drizzle_migrations").
  std::string ledger_table;
};

// The files of `migrations` the ledger does not list as applied. A file is
// applied when a record has its journal entry's `when` as created_at (what
// drizzle-orm's migrator stores); files are matched to the journal by tag
// (the file's name without .sql, or its folder's name for a
// `<tag>/migration.sql` layout).
std::set<std::string> pending_migrations(const std::vector<std::string>& migrations,
                                         const model::MigrationLedger& ledger);

// --db: a table that a pending migration creates (`created`: schema.name,
// not in the database) is new to everyone when the later pending migrations
// lock it (the deploy that runs them creates it first; drizzle-kit migrate
// runs them all in one transaction), so the steps of the `pending` files on
// it are marked table_is_new, as a step on a table created earlier in its own
// file is. Returns how many.
std::size_t mark_tables_pending_migrations_create(model::Catalog& files, const std::set<std::string>& created,
                                                  const std::set<std::string>& pending);

// What trimming did, for the one note the report shows.
struct LensOutcome {
  std::size_t files_not_judged = 0; // migrations outside the scope
  std::size_t dropped = 0;          // change findings in them, not reported
  std::size_t summarized = 0;       // convention findings folded into summaries
};

// Keeps the change and convention findings located in judged migrations (and
// those located elsewhere: a schema.ts, a snapshot, no file). Outside them, a
// change finding is dropped; convention findings become one low summary per
// rule (how many, on which tables, why a rewrite is rarely worth it), unless
// measured sizes graded the finding above its rule's severity (it costs now:
// a state finding) or the basis is `changed` (a pull request's report is
// about its own files). `settings` gives the effective severities and the
// floor.
LensOutcome apply_lens(core::FindingList& findings, const LensScope& scope, const core::Settings& settings);
LensOutcome apply_lens(std::vector<core::Finding>& findings, const LensScope& scope,
                       const core::Settings& settings);

// The one line that says which migrations the change rules judged and how to
// judge them all; empty when nothing was left out.
std::string lens_note(const LensScope& scope, const LensOutcome& outcome);

} // namespace pgadvise::app
