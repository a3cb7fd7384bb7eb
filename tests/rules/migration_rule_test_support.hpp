#pragma once

// Migration lock-safety rules judge what the SQL replay records of each
// statement (model::MigrationStep), so their tests replay real SQL: a
// folder's files in order, the first creating the tables (an earlier
// migration, so they are "existing"), the next one the statements judged.

#include "loaders/schema_load.hpp"
#include "loaders/sql/migrations.hpp"
#include "model/catalog.hpp"
#include "rule_test_support.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::test {

struct MigrationFile {
  std::string name; // shown as migrations/<name>
  std::string sql;
};

// The catalog of `files` replayed in order, each run inside `transaction`
// (the runner's; empty: autocommit, as a psql-run folder is).
inline model::Catalog
replay_migrations(const std::vector<MigrationFile>& files,
                  model::MigrationTransaction transaction = model::MigrationTransaction::none) {
  loaders::SchemaLoad load;
  for (const MigrationFile& file : files) {
    loaders::replay_sql(file.sql, "migrations/" + file.name, load, transaction);
  }
  return std::move(load.catalog);
}

// `rule` over an earlier migration `setup` and the judged one, `change`.
inline std::vector<core::Finding>
run_on_change(std::string_view rule, const std::string& setup, const std::string& change,
              model::MigrationTransaction transaction = model::MigrationTransaction::none) {
  return run_rule(rule,
                  replay_migrations({{"0000_init.sql", setup}, {"0001_change.sql", change}}, transaction));
}

// The transaction drizzle-kit migrate wraps around pending migrations.
inline constexpr model::MigrationTransaction k_drizzle = model::MigrationTransaction::drizzle_kit;

} // namespace pgadvise::test
