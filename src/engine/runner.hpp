#pragma once

#include "core/finding.hpp"
#include "core/finding_list.hpp"
#include "core/settings.hpp"
#include "core/suppression.hpp"
#include "model/catalog.hpp"
#include "model/live_analysis.hpp"
#include "model/project.hpp"
#include "model/workload.hpp"

#include <functional>
#include <string>
#include <vector>

namespace pgadvise::engine {

class Rule;
class TableMemo;

struct RunInput {
  const model::Catalog* catalog = nullptr;
  const model::Project* project = nullptr;
  const model::Workload* workload = nullptr;
  const model::LiveAnalysis* live_analysis = nullptr; // Input::plans: advisor::run_live_analysis
  // The project's other schema sources (newest snapshot, Drizzle schema)
  // besides `catalog`; null or empty when it has one (snapshot-drift).
  const std::vector<model::Catalog>* other_schemas = nullptr;
  const model::Catalog* files_catalog = nullptr; // null: `catalog` came from the files
  std::vector<core::Finding> diagnostics;        // from loaders: parse-error, replay-warning, ...
  core::Suppressions suppressions;
  // A rule with this many findings writes them to a temporary file
  // (core::FindingSpill) and the report keeps them there until written
  // (core::FindingList); tests set 1 to spill every rule's. It is also the
  // chunk a rule holds between writes, about 2 KB a finding with its fix:
  // 4,096 held 8 to 10 MB on each worker at 100,000 tables, 1,024 holds 2.
  std::size_t spill_from = 1024;
  // The catalog's tables the per-table rules (RuleMeta::per_table) judge,
  // by position: the language server's, those its open migrations define
  // or change, whose findings are all it shows. Convention rules judge
  // every table (their applied instances are summarized together). Empty:
  // every table.
  std::vector<bool> checked_tables;
  // Called once every rule has run, before their findings are read back
  // (unset: nothing): the caller frees there what only the rules read, for
  // the passes after them to reuse. A lint run drops the migration steps
  // there unless --verify-locks replays them.
  std::function<void()> after_rules;
  // A driver that runs the rules again after each edit (the language
  // server): the per-table rules' findings of its last run, copied for the
  // tables as they were instead of judging them again, and replaced by this
  // run's (engine/table_memo.hpp). Null: every table judged, nothing kept.
  TableMemo* table_memo = nullptr;
  // What else than the catalog and settings those findings depend on, as
  // the driver words it (the project's Drizzle commands a fix names): a run
  // of another context judges every table.
  std::string table_memo_context;
};

struct RunReport {
  core::FindingList findings; // filtered, suppressed, sorted
  std::vector<std::string> rules_run;
  std::vector<std::string> skipped; // "rule-id: why", for --verbose
  std::size_t suppressed = 0;
  std::size_t hidden = 0;    // below min_severity
  std::size_t baselined = 0; // in the --baseline file (app/scope/baseline)
  std::size_t unchanged = 0; // outside what --changed-since touched (app/scope/changed_files)
};

// What a caller adds to each rule's finding as the rule makes it, on the
// rule's thread (where a Drizzle fix goes: app/lint/run_rules.cpp).
using FindingCompletion = std::function<void(core::Finding&)>;

// Runs every enabled rule of `rules` whose inputs are present, applies
// severity overrides, suppressions and the severity floor, and sorts the
// result. The engine does not know which rules exist: the caller gives them
// (rules::rule_set() for all of them). `complete`, when set, is given every
// finding a rule makes, before it may be spilled (core::FindingSink).
RunReport run(const RunInput& input, const core::Settings& settings, const std::vector<const Rule*>& rules,
              const FindingCompletion& complete = {});

// Exit status for a report: 1 when a finding is at or above fail_on.
int exit_code_for(const RunReport& report, const core::Settings& settings);

} // namespace pgadvise::engine
