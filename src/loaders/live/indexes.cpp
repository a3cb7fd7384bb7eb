#include "loaders/live/catalog_sql.hpp"
#include "loaders/live/state.hpp"

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

// pg_constraint.confdeltype / confupdtype.
model::FkAction action_of(std::string_view code) {
  if (code == "r") {
    return model::FkAction::restrict;
  }
  if (code == "c") {
    return model::FkAction::cascade;
  }
  if (code == "n") {
    return model::FkAction::set_null;
  }
  if (code == "d") {
    return model::FkAction::set_default;
  }
  return model::FkAction::no_action;
}

std::optional<core::Error> load_index_list(LoadState& state) {
  auto result = run(state, live_sql::indexes(), "indexes");
  if (!result.ok()) {
    return result.error().to_error();
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    const pg::Value& table_oid = result->get(row, "table_oid");
    model::Table* table = state.table(table_oid);
    if (table == nullptr) {
      continue;
    }
    const std::string constraint_type = text(*result, row, "constraint_type");
    model::Index index;
    index.kind = kind_of(constraint_type);
    // For PRIMARY KEY and UNIQUE the model names the constraint (normally
    // the index's name too).
    index.name = index.kind == model::IndexKind::index ? text(*result, row, "name")
                                                       : text(*result, row, "constraint_name");
    index.unique = flag(*result, row, "is_unique");
    index.valid = flag(*result, row, "valid");
    index.method = text(*result, row, "method");
    index.predicate = text(*result, row, "predicate");
    index.backs_exclusion = constraint_type == "x";
    index.replica_identity = flag(*result, row, "replica_identity");
    index.inherited = flag(*result, row, "inherited");
    index.definition = text(*result, row, "definition");
    state.index_pages_bytes[text(*result, row, "oid")] = integer(*result, row, "relpages") * state.block_size;
    state.index_by_oid[text(*result, row, "oid")] = {state.table_by_oid[*table_oid], table->indexes.size()};
    table->indexes.push_back(std::move(index));
  }
  return std::nullopt;
}

std::optional<core::Error> load_keys(LoadState& state) {
  auto result = run(state, live_sql::index_keys(), "index keys");
  if (!result.ok()) {
    return result.error().to_error();
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    model::Index* index = state.index(result->get(row, "oid"));
    if (index == nullptr) {
      continue;
    }
    const std::string column = text(*result, row, "column_name");
    if (flag(*result, row, "included")) {
      index->include.push_back(column.empty() ? text(*result, row, "key_text") : column);
      continue;
    }
    model::IndexKey key;
    key.column = column;
    if (column.empty()) {
      key.expression = text(*result, row, "key_text");
    }
    key.descending = flag(*result, row, "descending");
    // Like the file loaders, only an operator class the DDL had to name.
    if (!is_null(*result, row, "opclass") && !flag(*result, row, "opclass_default")) {
      key.opclass = text(*result, row, "opclass");
    }
    index->keys.push_back(std::move(key));
  }
  return std::nullopt;
}

std::optional<core::Error> load_foreign_keys(LoadState& state) {
  auto result = run(state, live_sql::foreign_keys(), "foreign keys");
  if (!result.ok()) {
    return result.error().to_error();
  }
  std::string current; // constraint oid of the last row: one row per column pair
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    model::Table* table = state.table(result->get(row, "table_oid"));
    if (table == nullptr) {
      continue;
    }
    const std::string oid = text(*result, row, "oid");
    if (oid != current || table->foreign_keys.empty()) {
      current = oid;
      model::ForeignKey fk;
      fk.name = text(*result, row, "name");
      fk.ref_schema = text(*result, row, "ref_schema");
      fk.ref_table = text(*result, row, "ref_table");
      fk.on_delete = action_of(text(*result, row, "on_delete"));
      fk.on_update = action_of(text(*result, row, "on_update"));
      fk.valid = flag(*result, row, "valid");
      table->foreign_keys.push_back(std::move(fk));
    }
    table->foreign_keys.back().columns.push_back(text(*result, row, "column_name"));
    table->foreign_keys.back().ref_columns.push_back(text(*result, row, "ref_column"));
  }
  return std::nullopt;
}

std::optional<core::Error> load_checks(LoadState& state) {
  auto result = run(state, live_sql::checks(), "check constraints");
  if (!result.ok()) {
    return result.error().to_error();
  }
  for (std::size_t row = 0; row < result->rows.size(); ++row) {
    model::Table* table = state.table(result->get(row, "table_oid"));
    if (table == nullptr) {
      continue;
    }
    model::CheckConstraint check;
    check.name = text(*result, row, "name");
    check.expression = text(*result, row, "expression");
    table->checks.push_back(std::move(check));
  }
  return std::nullopt;
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
