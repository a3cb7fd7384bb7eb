#include "loaders/fk_action.hpp"
#include "loaders/live/catalog_sql.hpp"
#include "loaders/live/state.hpp"
#include "pg/index_identity.hpp"

namespace pgadvise::loaders::live {

namespace {

model::IndexKind kind_of(std::string_view constraint_type) {
  if (constraint_type == "p") {
    return model::IndexKind::primary_key;
  }
  if (constraint_type == "u") {
    return model::IndexKind::unique_constraint;
  }
  return model::IndexKind::index;
}

std::optional<core::Error> load_index_list(LoadState& state) {
  const auto read = [&state](model::Table& table, const pg::QueryResult& result, std::size_t row) {
    const std::string constraint_type = text(result, row, "constraint_type");
    model::Index index;
    index.kind = kind_of(constraint_type);
    // For PRIMARY KEY and UNIQUE the model names the constraint (normally
    // the index's name too).
    index.name = index.kind == model::IndexKind::index ? text(result, row, "name")
                                                       : text(result, row, "constraint_name");
    index.unique = flag(result, row, "is_unique");
    index.valid = flag(result, row, "valid");
    index.method = text(result, row, "method");
    index.predicate = text(result, row, "predicate");
    index.predicate_identity = pg::expression_identity(index.predicate.str());
    index.backs_exclusion = constraint_type == "x";
    index.replica_identity = flag(result, row, "replica_identity");
    index.inherited = flag(result, row, "inherited");
    index.definition = text(result, row, "definition");
    state.index_pages_bytes[text(result, row, "oid")] = integer(result, row, "relpages") * state.block_size;
    const std::size_t table_position = state.table_by_oid[text(result, row, "table_oid")];
    state.index_by_oid[text(result, row, "oid")] = {table_position, table.indexes.size()};
    table.indexes.push_back(std::move(index));
  };
  return each_row(state, live_sql::indexes(), "indexes", on_table(state, "table_oid", read));
}

std::optional<core::Error> load_keys(LoadState& state) {
  const auto read = [](model::Index& index, const pg::QueryResult& result, std::size_t row) {
    const std::string column = text(result, row, "column_name");
    if (flag(result, row, "included")) {
      index.include.push_back(column.empty() ? text(result, row, "key_text") : column);
      return;
    }
    model::IndexKey key;
    key.column = column;
    if (column.empty()) {
      key.expression = text(result, row, "key_text");
      key.identity = pg::expression_identity(key.expression.str());
    }
    key.descending = flag(result, row, "descending");
    // Like the file loaders, only an operator class the DDL had to name.
    if (!is_null(result, row, "opclass") && !flag(result, row, "opclass_default")) {
      key.opclass = text(result, row, "opclass");
    }
    index.keys.push_back(std::move(key));
  };
  return each_row(state, live_sql::index_keys(), "index keys", on_index(state, "oid", read));
}

std::optional<core::Error> load_foreign_keys(LoadState& state) {
  std::string current; // constraint oid of the last row: one row per column pair
  const auto read = [&current](model::Table& table, const pg::QueryResult& result, std::size_t row) {
    const std::string oid = text(result, row, "oid");
    if (oid != current || table.foreign_keys.empty()) {
      current = oid;
      model::ForeignKey fk;
      fk.name = text(result, row, "name");
      fk.ref_schema = text(result, row, "ref_schema");
      fk.ref_table = text(result, row, "ref_table");
      fk.on_delete = fk_action_from_code(text(result, row, "on_delete"));
      fk.on_update = fk_action_from_code(text(result, row, "on_update"));
      fk.valid = flag(result, row, "valid");
      table.foreign_keys.push_back(std::move(fk));
    }
    table.foreign_keys.back().columns.push_back(text(result, row, "column_name"));
    table.foreign_keys.back().ref_columns.push_back(text(result, row, "ref_column"));
  };
  return each_row(state, live_sql::foreign_keys(), "foreign keys", on_table(state, "table_oid", read));
}

std::optional<core::Error> load_checks(LoadState& state) {
  const auto read = [](model::Table& table, const pg::QueryResult& result, std::size_t row) {
    model::CheckConstraint check;
    check.name = text(result, row, "name");
    check.expression = text(result, row, "expression");
    check.valid = flag(result, row, "valid");
    table.checks.push_back(std::move(check));
  };
  return each_row(state, live_sql::checks(), "check constraints", on_table(state, "table_oid", read));
}

} // namespace

std::optional<core::Error> load_indexes(LoadState& state) {
  if (auto error = load_index_list(state)) {
    return error;
  }
  return load_keys(state);
}

std::optional<core::Error> load_constraints(LoadState& state) {
  if (auto error = load_foreign_keys(state)) {
    return error;
  }
  return load_checks(state);
}

} // namespace pgadvise::loaders::live
