#pragma once

#include "core/result.hpp"
#include "loaders/schema_load.hpp"
#include "pg/connection.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>

// Shared by the live catalog loader's parts (schema, indexes and
// constraints, statistics); not part of the loader's interface.
namespace pgadvise::loaders::live {

struct LoadState {
  LoadState(pg::Connection& conn, SchemaLoad& into) : connection(conn), load(into) {}

  pg::Connection& connection;
  SchemaLoad& load;
  int version = 0;
  std::int64_t block_size = 8192; // bytes per page, for sizes estimated from relpages
  std::unordered_map<std::string, std::size_t> table_by_oid;                         // -> catalog.tables
  std::unordered_map<std::string, std::pair<std::size_t, std::size_t>> index_by_oid; // -> (table, index)
  // Index sizes from relpages, for indexes that turn out to have counters
  // (a partitioned table's own index has none) when exact sizes fail.
  std::unordered_map<std::string, std::int64_t> index_pages_bytes;

  model::Table* table(const pg::Value& oid);
  model::Index* index(const pg::Value& oid);
};

// Runs one catalog query; the error names the part of the catalog it read.
pg::DbResult<pg::QueryResult> run(LoadState& state, const std::string& sql, std::string_view what);

// What a catalog query does with each row of its result.
using RowFn = std::function<void(const pg::QueryResult& result, std::size_t row)>;
using TableRowFn = std::function<void(model::Table& table, const pg::QueryResult& result, std::size_t row)>;
using IndexRowFn = std::function<void(model::Index& index, const pg::QueryResult& result, std::size_t row)>;

// Runs one catalog query (see run) and hands `each` its rows in order.
std::optional<core::Error> each_row(LoadState& state, const std::string& sql, std::string_view what,
                                    const RowFn& each);
// The same for statistics, which are extras: a failed query leaves the
// catalog without them and says so in a note ("continuing without
// `without`") rather than losing the schema.
void each_row_or_note(LoadState& state, const std::string& sql, std::string_view what,
                      std::string_view without, const RowFn& each);
// Only the rows whose `oid_column` is the oid of a table the catalog holds,
// with that table; the others (tables the loader skipped) are ignored.
RowFn on_table(LoadState& state, std::string_view oid_column, TableRowFn each);
// The same for indexes the catalog holds.
RowFn on_index(LoadState& state, std::string_view oid_column, IndexRowFn each);

// Row values as model types. NULL (and unparsable text) gives the fallback.
std::string text(const pg::QueryResult& result, std::size_t row, std::string_view column);
bool flag(const pg::QueryResult& result, std::size_t row, std::string_view column);
std::int64_t integer(const pg::QueryResult& result, std::size_t row, std::string_view column);
double number(const pg::QueryResult& result, std::size_t row, std::string_view column, double fallback = 0);
bool is_null(const pg::QueryResult& result, std::size_t row, std::string_view column);

// A column type from format_type() text and the schema of its element
// type: built-in types get no schema, user-defined ones their own.
model::TypeRef type_from_catalog(std::string_view formatted, std::string_view element_schema);

// The parts, in the order the loader runs them.
std::optional<core::Error> load_schema_objects(LoadState& state); // schemas, tables, columns, enums, domains
std::optional<core::Error> load_indexes(LoadState& state);        // indexes and their keys
std::optional<core::Error> load_constraints(LoadState& state);    // foreign keys and checks
void load_statistics(LoadState& state);                           // notes instead of errors
void load_policies(LoadState& state);                             // RLS flags and policies (policies.cpp)

} // namespace pgadvise::loaders::live
