#include "loaders/live/catalog.hpp"

#include "loaders/live/catalog_sql.hpp"
#include "loaders/live/state.hpp"
#include "model/type_ref.hpp"

#include <algorithm>
#include <cstdlib>

namespace pgadvise::loaders {

namespace live {

model::Table* LoadState::table(const pg::Value& oid) {
  if (!oid) {
    return nullptr;
  }
  const auto it = table_by_oid.find(*oid);
  return it == table_by_oid.end() ? nullptr : &load.catalog.tables[it->second];
}

model::Index* LoadState::index(const pg::Value& oid) {
  if (!oid) {
    return nullptr;
  }
  const auto it = index_by_oid.find(*oid);
  if (it == index_by_oid.end()) {
    return nullptr;
  }
  return &load.catalog.tables[it->second.first].indexes[it->second.second];
}

pg::DbResult<pg::QueryResult> run(LoadState& state, const std::string& sql, std::string_view what) {
  return state.connection.query(sql, {}, "live catalog (" + std::string(what) + ")");
}

std::optional<core::Error> each_row(LoadState& state, const std::string& sql, std::string_view what,
                                    const RowFn& each) {
  const auto result = run(state, sql, what);
  if (!result.ok()) {
    return result.error().to_error();
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    each(*result, row);
  }
  return std::nullopt;
}

void each_row_or_note(LoadState& state, const std::string& sql, std::string_view what,
                      std::string_view without, const RowFn& each) {
  if (const auto error = each_row(state, sql, what, each)) {
    state.load.notes.push_back("live catalog: " + error->to_string() + "; continuing without " +
                               std::string(without));
  }
}

RowFn on_table(LoadState& state, std::string_view oid_column, TableRowFn each) {
  return [&state, column = std::string(oid_column), each = std::move(each)](const pg::QueryResult& result,
                                                                            std::size_t row) {
    if (model::Table* table = state.table(result.get(row, column)); table != nullptr) {
      each(*table, result, row);
    }
  };
}

RowFn on_index(LoadState& state, std::string_view oid_column, IndexRowFn each) {
  return [&state, column = std::string(oid_column), each = std::move(each)](const pg::QueryResult& result,
                                                                            std::size_t row) {
    if (model::Index* index = state.index(result.get(row, column)); index != nullptr) {
      each(*index, result, row);
    }
  };
}

std::string text(const pg::QueryResult& result, std::size_t row, std::string_view column) {
  return result.get(row, column).value_or("");
}

bool flag(const pg::QueryResult& result, std::size_t row, std::string_view column) {
  return result.get(row, column).value_or("f") == "t";
}

std::int64_t integer(const pg::QueryResult& result, std::size_t row, std::string_view column) {
  const pg::Value& value = result.get(row, column);
  return value ? std::strtoll(value->c_str(), nullptr, 10) : 0;
}

double number(const pg::QueryResult& result, std::size_t row, std::string_view column, double fallback) {
  const pg::Value& value = result.get(row, column);
  if (!value) {
    return fallback;
  }
  char* end = nullptr;
  const double parsed = std::strtod(value->c_str(), &end);
  return end == value->c_str() ? fallback : parsed;
}

bool is_null(const pg::QueryResult& result, std::size_t row, std::string_view column) {
  return !result.get(row, column).has_value();
}

model::TypeRef type_from_catalog(std::string_view formatted, std::string_view element_schema) {
  model::TypeRef type = model::parse_type_text(formatted);
  if (!element_schema.empty() && element_schema != "pg_catalog") {
    type.schema = std::string(element_schema);
  }
  return type;
}

namespace {

std::optional<core::Error> load_header(LoadState& state) {
  auto result = run(state, live_sql::header(), "server");
  if (!result.ok()) {
    return result.error().to_error();
  }
  if (result->rows.empty()) {
    return core::Error("live catalog: the current database is missing from pg_stat_database");
  }
  model::Catalog& catalog = state.load.catalog;
  catalog.database = text(*result, 0, "database");
  state.version = static_cast<int>(integer(*result, 0, "version_num"));
  state.block_size = std::max<std::int64_t>(integer(*result, 0, "block_size"), 1);
  catalog.server_version_num = state.version;
  catalog.source_description =
      "live database " + catalog.database + " (PostgreSQL " + text(*result, 0, "version") + ")";
  model::StatsWindow window;
  window.reset_at = text(*result, 0, "stats_reset");
  window.age_seconds = number(*result, 0, "stats_age");
  window.since_server_start = flag(*result, 0, "since_start");
  catalog.stats_window = window;
  return std::nullopt;
}

std::optional<core::Error> load_schemas(LoadState& state) {
  state.load.catalog.schemas.clear();
  return each_row(state, live_sql::schemas(), "schemas", [&](const pg::QueryResult& result, std::size_t row) {
    state.load.catalog.schemas.push_back(text(result, row, "nspname"));
  });
}

std::optional<core::Error> load_tables(LoadState& state) {
  model::Tables& tables = state.load.catalog.tables;
  return each_row(state, live_sql::tables(), "tables", [&](const pg::QueryResult& result, std::size_t row) {
    model::Table table;
    table.schema = text(result, row, "schema");
    table.name = text(result, row, "name");
    table.partitioned = flag(result, row, "partitioned");
    table.partition_of = text(result, row, "partition_of");
    model::TableStats stats;
    stats.reltuples = number(result, row, "reltuples", -1);
    stats.relpages = integer(result, row, "relpages");
    stats.table_bytes = stats.relpages * state.block_size; // until exact sizes are read
    table.stats = stats;
    state.table_by_oid[text(result, row, "oid")] = tables.size();
    tables.push_back(std::move(table));
  });
}

std::optional<core::Error> load_columns(LoadState& state) {
  const auto read = [](model::Table& table, const pg::QueryResult& result, std::size_t row) {
    model::Column column;
    column.name = text(result, row, "name");
    column.type = type_from_catalog(text(result, row, "type"), text(result, row, "type_schema"));
    column.not_null = flag(result, row, "not_null");
    column.identity = flag(result, row, "identity");
    column.identity_always = flag(result, row, "identity_always");
    // A generated column's expression is not a default.
    if (!flag(result, row, "generated") && !is_null(result, row, "default_expr")) {
      column.default_expr = text(result, row, "default_expr");
    }
    // serial is int + a sequence the column owns + nextval() default: the
    // file loaders keep it as TypeRef::serial, so the live one does too.
    if (flag(result, row, "owns_sequence") && column.default_expr &&
        column.default_expr->rfind("nextval(", 0) == 0) {
      column.type.serial = true;
    }
    if (!is_null(result, row, "sequence_last_value")) {
      column.sequence_facts().last_value = integer(result, row, "sequence_last_value");
    }
    table.columns.push_back(std::move(column));
  };
  return each_row(state, live_sql::columns(), "columns", on_table(state, "table_oid", read));
}

std::optional<core::Error> load_enums(LoadState& state) {
  std::vector<model::Enum>& enums = state.load.catalog.enums;
  return each_row(state, live_sql::enums(), "enums", [&](const pg::QueryResult& result, std::size_t row) {
    const std::string schema = text(result, row, "schema");
    const std::string name = text(result, row, "name");
    if (enums.empty() || enums.back().schema != schema || enums.back().name != name) {
      model::Enum created;
      created.schema = schema;
      created.name = name;
      enums.push_back(std::move(created));
    }
    enums.back().values.push_back(text(result, row, "label"));
  });
}

std::optional<core::Error> load_domains(LoadState& state) {
  return each_row(state, live_sql::domains(), "domains", [&](const pg::QueryResult& result, std::size_t row) {
    model::Domain domain;
    domain.schema = text(result, row, "schema");
    domain.name = text(result, row, "name");
    domain.base = type_from_catalog(text(result, row, "base"), text(result, row, "base_schema"));
    state.load.catalog.domains.push_back(std::move(domain));
  });
}

} // namespace

std::optional<core::Error> load_schema_objects(LoadState& state) {
  for (auto* step : {load_header, load_schemas, load_tables, load_columns, load_enums, load_domains}) {
    if (auto error = step(state)) {
      return error;
    }
  }
  return std::nullopt;
}

} // namespace live

core::Result<SchemaLoad> load_live_catalog(pg::Connection& connection) {
  SchemaLoad load;
  load.catalog.source = model::SchemaSource::live;
  live::LoadState state(connection, load);
  for (auto* step : {live::load_schema_objects, live::load_indexes, live::load_constraints}) {
    if (auto error = step(state)) {
      return *error;
    }
  }
  live::load_policies(state);
  live::load_statistics(state);

  std::size_t indexes = 0;
  std::size_t foreign_keys = 0;
  for (const model::Table& table : load.catalog.tables) {
    indexes += table.indexes.size();
    foreign_keys += table.foreign_keys.size();
  }
  load.notes.push_back("schema: " + load.catalog.source_description + " via " + connection.target() + ": " +
                       std::to_string(load.catalog.tables.size()) + " tables, " + std::to_string(indexes) +
                       " indexes, " + std::to_string(foreign_keys) + " foreign keys");
  return load;
}

} // namespace pgadvise::loaders
