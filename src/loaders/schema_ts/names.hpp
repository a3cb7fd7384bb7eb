#pragma once

#include <string>
#include <string_view>
#include <vector>

// Names Drizzle gives what a schema.ts leaves unnamed, spelled exactly as
// drizzle-kit 0.31 / drizzle-orm 0.45 generate them, so that a push-only
// project and its migration-based twin agree on every object name.
namespace pgadvise::loaders::drizzle_names {

// The column name Drizzle derives from a property key under the config's
// `casing` ("snake_case", "camelCase"; anything else keeps the key).
std::string apply_casing(std::string_view key, std::string_view casing);

// `.unique()` and `unique().on(...)`: `<table>_<columns>_unique`, with the
// columns as declared (explicit name, else the property key; not cased).
std::string unique_name(std::string_view table, const std::vector<std::string>& raw_columns);

// `index().on(...)`: `<table>_<cased columns>_index`.
std::string index_name(std::string_view table, const std::vector<std::string>& columns);

// `primaryKey({ columns })`: `<table>_<columns>_pk`, each declared column name
// then replaced (first occurrence) by its cased name, as drizzle-kit does.
std::string primary_key_name(std::string_view table, const std::vector<std::string>& raw_columns,
                             const std::vector<std::string>& columns);

// `.references()` and `foreignKey()`: `<table>_<columns>_<foreign table>_<foreign columns>_fk`,
// with the same first-occurrence replacement of declared by cased names.
std::string foreign_key_name(std::string_view table, const std::vector<std::string>& raw_columns,
                             const std::vector<std::string>& columns, std::string_view foreign_table,
                             const std::vector<std::string>& raw_foreign_columns,
                             const std::vector<std::string>& foreign_columns);

// PostgreSQL's own name for an unnamed inline PRIMARY KEY: `<table>_pkey`,
// the table part clipped so the whole fits in 63 bytes.
std::string pkey_name(std::string_view table);

} // namespace pgadvise::loaders::drizzle_names
