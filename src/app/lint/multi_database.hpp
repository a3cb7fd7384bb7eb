#pragma once

#include "app/inputs/discovery.hpp"
#include "engine/runner.hpp"
#include "loaders/schema_load.hpp"
#include "model/project.hpp"
#include "model/workload.hpp"

#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::app {

struct LintRun;

// One database of a run over several drizzle.configs (a folder of
// projects, a monorepo's apps), built whole in stage 2: its schema, the
// project as its config sees it holding only its own share of the code, its
// share of the workload, and the engine's input over them. Stage 3 only
// runs its rules. It points into itself, so it stays where it is made (the
// run keeps them in a deque).
struct DatabaseInput {
  std::filesystem::path config;
  std::string shown; // the config as the report names it
  std::string key;   // what its findings' fingerprints are made distinct by
  // The folder of every config that reads this schema: code below those
  // folders is this database's.
  std::vector<std::filesystem::path> homes;
  // Its own discovery and schema; the first database's are the run's
  // (run.sources, run.load).
  std::optional<SchemaSources> sources;
  std::optional<loaders::SchemaLoad> load;
  // The run's project seen through this config (its schema files, `out`,
  // casing) with only this database's query calls and relations: a loop is
  // judged against its own app's tables, a Drizzle fix follows its own
  // app's relations.
  model::Project project;
  std::optional<model::Workload> workload; // its share, when a workload was read
  // The engine's input. The first database's is completed in stage 3 from
  // the run's own (the live analysis is made there).
  engine::RunInput input;
};

// Stage 2's last step when discovery found more than one drizzle.config:
// the configs paired into databases (two configs of one schema are one
// database, linted once), every further schema read, the code and the
// workload shared out, each database's input built. The run's notes say
// which configs were not linted on their own and why.
void build_database_inputs(LintRun& run);

// Stage 3 for such a run: every database's rules over its own input, its
// findings tagged with its config; the rules that judge the project alone
// keep, for each database, what is located in its own projects' files.
void lint_databases(LintRun& run);

} // namespace pgadvise::app
