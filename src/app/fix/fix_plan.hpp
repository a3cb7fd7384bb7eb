#pragma once

#include "app/fix/file_change.hpp"
#include "app/fix/fix_drift.hpp"
#include "core/finding.hpp"
#include "model/project.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::app {

// What the fixes of a set of findings do to the project's files.
struct FixPlan {
  std::vector<FileChange> files;
  std::size_t fixed = 0;          // findings whose fix is in `files` (or already in the files)
  std::size_t left_out = 0;       // schema.ts edits that could not be placed (each has a note)
  std::vector<std::string> notes; // what to know: skipped fixes, type-change caveats
  std::vector<std::string> next;  // commands to run afterwards, in order, once each
};

// The edits that carry out the findings' fixes: Drizzle lines into schema
// files (app/fix/fix_schema_ts), `drizzle-kit push` to `migrate` in scripts, CI
// and Dockerfiles. Nothing is written.
// Projects without a Drizzle schema file get their DDL as a new migration
// in `migrations_dir` (app/fix/fix_migration).
struct FixTargets {
  std::optional<std::filesystem::path> migrations_dir;
  bool schema_ts = false;
  // Estimated rows by "schema.table", for the tables whose size is known
  // (--db, --stats): an index on a large one is built CONCURRENTLY by a
  // deploy script (app/fix/fix_concurrent). Empty: sizes unknown.
  std::map<std::string, double> table_rows;
  std::chrono::system_clock::time_point now = std::chrono::system_clock::now();
  // What schema.ts, the snapshot and the migrations declare (app/fix/fix_drift):
  // a change schema.ts already has is not added again; the database it
  // never reached gets it from a custom migration. The first database's,
  // and each further drizzle.config's by its label (a finding's "database"
  // evidence).
  FixSchemas schemas;
  std::map<std::string, FixSchemas> other_databases;
};
FixPlan plan_fixes(const std::vector<core::Finding>& findings, const model::Project& project,
                   const FixTargets& targets = {});

} // namespace pgadvise::app
