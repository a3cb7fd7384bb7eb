#pragma once

#include "core/finding.hpp"
#include "core/suppression.hpp"
#include "loaders/sql/name_set.hpp"
#include "model/catalog.hpp"

#include <map>
#include <set>
#include <string>
#include <vector>

namespace pgadvise::loaders {

// What a schema loader produced: the catalog, the located problems it met
// on the way (parse-error / replay-warning findings; the load goes on after
// each), the `pgadvise-ignore` comments it saw, and notes for --verbose.
struct SchemaLoad {
  model::Catalog catalog;
  std::vector<core::Finding> diagnostics;
  core::Suppressions suppressions;
  std::vector<std::string> notes;
  std::size_t files_read = 0;
  // The SQL files replayed, in replay order, as findings name them
  // (display_path): which migration is the newest (app/scope/lens).
  std::vector<std::string> replayed_files;
  std::size_t statements = 0;
  // Constructs the schema.ts reader could not resolve; each is also an
  // info replay-warning in `diagnostics` (loaders/schema_ts/schema_ts.hpp).
  std::size_t unresolved_constructs = 0;
  // Relations the catalog does not model (views, materialized views,
  // sequences, foreign tables) as "schema.name", so the SQL replay skips
  // statements about them without a warning, across files. A NameSet:
  // 100,000 bigserial columns have 100,000 sequences (a std::set took
  // about 110 bytes a name).
  replay::NameSet untracked_relations;
  // Tables and indexes a DROP of the files removed ("schema.name"; a
  // table's indexes with it) and where ("file line N"): a later statement
  // naming one fails in PostgreSQL, so the replay warns instead of taking
  // it as a relation from before the files.
  std::map<std::string, std::string> dropped_tables;
  // Views and materialized views the SQL replay saw created
  // ("schema.name") and the file that created each: a REFRESH, DROP VIEW or
  // CREATE OR REPLACE VIEW in that same file is of a new view.
  std::map<std::string, std::string> view_files;
  // Default partitions ("schema.table"): ATTACH PARTITION checks them too.
  std::set<std::string> default_partitions;
  // Partitioned tables ("schema.table") partitioned by one plain column:
  // that column, for the CHECK that lets ATTACH PARTITION skip its scan.
  std::map<std::string, std::string> partition_keys;
  // Functions the SQL replay saw created, by lower-case name, with their
  // declared volatility ('i', 's' or 'v'): whether a column default that
  // calls one is computed once or row by row.
  std::map<std::string, char> function_volatility;
  // Domains with a CHECK or NOT NULL constraint ("schema.name"): a column of
  // one added to a table makes PostgreSQL check, and rewrite, every row.
  std::set<std::string> constrained_domains;
  // CHECK conditions added by ALTER DOMAIN, by "schema.domain.constraint",
  // for the findings about validating them later.
  std::map<std::string, std::string> domain_checks;
  // The other schema sources the project has besides the one `catalog` was
  // built from (the newest snapshot, the Drizzle schema files), for rules
  // that compare them (snapshot-drift). Empty for a single source.
  std::vector<model::Catalog> other_schemas;
};

// Diagnostic ids shared by every loader.
inline constexpr std::string_view k_parse_error = "parse-error";
inline constexpr std::string_view k_replay_warning = "replay-warning";

// Builds a located parse-error / replay-warning finding.
core::Finding make_diagnostic(std::string_view id, core::Severity severity, std::string message,
                              core::SourceLocation location, std::string help = {});

} // namespace pgadvise::loaders
