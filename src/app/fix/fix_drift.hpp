#pragma once

#include "app/fix/fix_schema_ts.hpp"
#include "core/finding.hpp"
#include "model/catalog.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

// An index known by its definition, and the three places a Drizzle project
// declares one: schema.ts (what the team wrote), the newest drizzle-kit
// snapshot (what generate last saw) and the SQL migrations (what the
// database gets). `pgadvise fix` adds an index to schema.ts only when
// schema.ts has none of that definition; when schema.ts has it but the
// migrations never build it, drizzle-kit generate would write nothing (if
// the snapshot has it too), so the fix is a custom migration instead.
namespace pgadvise::app {

// The schemas of one database (drizzle.config) a fix is judged against.
struct FixSchemas {
  const model::Catalog* applied = nullptr;  // what the migrations build (SQL replay), or the live catalog
  const model::Catalog* declared = nullptr; // schema.ts
  const model::Catalog* snapshot = nullptr; // the newest drizzle-kit snapshot
  std::optional<std::filesystem::path> migrations_dir;
};

// The index a finding's DDL builds, read as the catalog would hold it
// (replayed onto a copy of its table); nullopt when the DDL is not one
// CREATE INDEX on a table `applied` has.
std::optional<model::Index> proposed_index(const core::Finding& finding, const model::Catalog& applied);

// An index of `table` that makes `proposed` needless: one of the same
// definition, a unique one of the same keys, or one `proposed` is a left
// prefix of.
const model::Index* serving_index(const model::Table& table, const model::Index& proposed);

enum class IndexDrift {
  undeclared,     // schema.ts lacks it: the Drizzle line goes in
  not_generated,  // schema.ts declares it, the snapshot not yet: drizzle-kit generate writes it
  never_migrated, // schema.ts and the snapshot declare it, no migration builds it: a custom migration
};

struct IndexPlacement {
  IndexDrift drift = IndexDrift::undeclared;
  const model::Index* declared = nullptr; // schema.ts's index (not_generated, never_migrated)
  std::string why;                        // the sentence a note gives
};

// Where the fix of `proposed` (an index of table `schema.table`) belongs.
IndexPlacement place_index(const FixSchemas& schemas, const std::string& schema, const std::string& table,
                           const model::Index& proposed);

// What a finding's schema.ts edit meets in the declared schemas.
struct DriftFix {
  bool handled = false;  // schema.ts has it: no schema.ts edit
  std::string note;      // why, for the user
  std::string statement; // for a custom migration; empty: drizzle-kit generate writes it
};

// A finding whose change schema.ts already declares: an index of the same
// definition (whatever its name), or a column already of the new type.
DriftFix drift_fix(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas);

// Whether the index `edit` adds is the first of its definition on its table
// this run (two findings, two drizzle.configs over one schema file, or two
// rules may propose one index, under one name or two); `added` holds the
// run's indexes of one schema file by "schema.table" (without the applied
// schema to compare definitions, by name). When it is not the first,
// `earlier` (if given) gets the name the first was added under.
bool first_of_definition(const core::Finding& finding, const SchemaEdit& edit, const FixSchemas& schemas,
                         std::map<std::string, std::vector<model::Index>>& added,
                         std::string* earlier = nullptr);

} // namespace pgadvise::app
