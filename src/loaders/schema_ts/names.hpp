#pragma once

#include <string>
#include <string_view>
#include <vector>

// Names Drizzle gives what a schema.ts leaves unnamed, spelled exactly as
// drizzle-kit 0.31 / drizzle-orm 0.45 generate them, so that a push-only
// project and its migration-based twin agree on every object name.
namespace pgadvise::loaders::drizzle_names {

// Which drizzle-kit names the unnamed constraints: 0.x (`_fk`, `_unique`,
// `_pk`) or 1.0 (foreign keys `_fkey`; a column's `.unique()` is an inline
// UNIQUE, so PostgreSQL names it `_key`; a composite primary key
// `<table>_pkey`; `unique().on(...)` and indexes keep their 0.x names), as
// drizzle-kit 1.0.0-rc.5 writes them.
enum class Naming { kit_0, kit_1 };

// The column name Drizzle derives from a property key under the config's
// `casing` ("snake_case", "camelCase"; anything else keeps the key).
std::string apply_casing(std::string_view key, std::string_view casing);

// `.unique()` and `unique().on(...)`: `<table>_<columns>_unique`, with the
// columns as declared (explicit name, else the property key; not cased).
std::string unique_name(std::string_view table, const std::vector<std::string>& raw_columns,
                        Naming naming = Naming::kit_0);

// `index().on(...)`: `<table>_<cased columns>_index`.
std::string index_name(std::string_view table, const std::vector<std::string>& columns);

// `primaryKey({ columns })`: `<table>_<columns>_pk`, each declared column name
// then replaced (first occurrence) by its cased name, as drizzle-kit does.
std::string primary_key_name(std::string_view table, const std::vector<std::string>& raw_columns,
                             const std::vector<std::string>& columns, Naming naming = Naming::kit_0);

// `.references()` and `foreignKey()`: `<table>_<columns>_<foreign table>_<foreign columns>_fk`,
// with the same first-occurrence replacement of declared by cased names.
std::string foreign_key_name(std::string_view table, const std::vector<std::string>& raw_columns,
                             const std::vector<std::string>& columns, std::string_view foreign_table,
                             const std::vector<std::string>& raw_foreign_columns,
                             const std::vector<std::string>& foreign_columns, Naming naming = Naming::kit_0);

// PostgreSQL's own name for an unnamed inline PRIMARY KEY: `<table>_pkey`,
// the table part clipped so the whole fits in 63 bytes.
std::string pkey_name(std::string_view table);

} // namespace pgadvise::loaders::drizzle_names
