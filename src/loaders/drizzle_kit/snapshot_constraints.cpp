#include "loaders/drizzle_kit/snapshot_constraints.hpp"

#include "core/text.hpp"
#include "loaders/fk_action.hpp"

#include <algorithm>
#include <optional>
#include <utility>

namespace pgadvise::loaders::snapshot {

namespace {

// A primary key or unique constraint over plain columns.
model::Index constraint_index(std::string name, model::IndexKind kind,
                              const std::vector<std::string>& columns, core::SourceLocation location) {
  model::Index index;
  index.name = std::move(name);
  index.kind = kind;
  index.unique = true;
  for (const std::string& column : columns) {
    index.keys.push_back({column, "", false, "", {}});
  }
  index.location = location;
  return index;
}

// Whether every name is a column of the table (to tell the parts of a
// squashed "columns;name" string apart).
bool all_columns(const model::Table& table, const std::vector<std::string>& names) {
  return !names.empty() && std::all_of(names.begin(), names.end(),
                                       [&](const std::string& n) { return table.find_column(n) != nullptr; });
}

// One index key: a column name (v5/v6 strings), {"name"} (early objects),
// or v7's {"expression", "isExpression", "asc", "nulls", "opclass"}.
std::optional<model::IndexKey> index_key(const Json& item, const model::Table& table) {
  model::IndexKey key;
  if (item.is_string()) {
    const std::string text = item.get<std::string>();
    // drizzle-kit wrote the SQL of expression keys where a name belongs.
    if (table.find_column(text) == nullptr && text.find_first_of("( ") != std::string::npos) {
      key.expression = text;
    } else {
      key.column = text;
    }
    return key;
  }
  if (!item.is_object()) {
    return std::nullopt;
  }
  const std::string expression = text_field(item, "expression");
  const std::string name = text_field(item, "name");
  if (!expression.empty()) {
    if (flag_field(item, "isExpression")) {
      key.expression = expression;
    } else {
      key.column = expression;
    }
  } else if (!name.empty()) {
    key.column = name;
  } else {
    return std::nullopt;
  }
  const Json* asc = member(item, "asc");
  key.descending = asc != nullptr && asc->is_boolean() && !asc->get<bool>();
  const std::string nulls = text_field(item, "nulls"); // drizzle-kit writes "first" or "last"
  if (nulls == "first" || nulls == "last") {
    key.nulls_first = nulls == "first";
  }
  key.opclass = text_field(item, "opclass");
  return key;
}

} // namespace

void add_primary_key(Sink& sink, std::string name, const std::vector<std::string>& columns,
                     core::SourceLocation location, model::Table& table, const Path& path) {
  if (table.primary_key() != nullptr) {
    sink.problem("table " + table.name + " has more than one primary key", path);
    return;
  }
  table.indexes.insert(table.indexes.begin(),
                       constraint_index(std::move(name), model::IndexKind::primary_key, columns, location));
}

void add_unique(std::string name, const std::vector<std::string>& columns, core::SourceLocation location,
                model::Table& table) {
  table.indexes.push_back(
      constraint_index(std::move(name), model::IndexKind::unique_constraint, columns, location));
}

// Objects {"name", "columns"}; some releases stored drizzle-kit's squashed
// form "col1,col2;name" instead.
void read_primary_key(Sink& sink, const std::string& key, const Json& value, const Path& path,
                      model::Table& table) {
  std::string name = entry_name(key, value);
  std::vector<std::string> columns = string_list(member(value, "columns"));
  if (value.is_string()) {
    const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
    columns = comma_list(parts.empty() ? std::string() : parts[0]);
    if (parts.size() >= 2) {
      if (!all_columns(table, columns) && all_columns(table, comma_list(parts[1]))) {
        columns = comma_list(parts[1]);
        name = parts[0];
      } else if (!parts[1].empty()) {
        name = parts[1];
      }
    }
  }
  if (columns.empty()) {
    sink.problem("primary key " + key + " of " + table.name + " has no columns", path);
    return;
  }
  add_primary_key(sink, std::move(name), columns, sink.at(path), table, path);
}

// Objects {"name", "columns", "nullsNotDistinct"}; squashed "name;cols;nnd".
void read_unique_constraint(Sink& sink, const std::string& key, const Json& value, const Path& path,
                            model::Table& table) {
  std::string name = entry_name(key, value);
  std::vector<std::string> columns = string_list(member(value, "columns"));
  if (value.is_string()) {
    const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
    if (parts.size() >= 2) {
      name = parts[0].empty() ? key : parts[0];
      columns = comma_list(parts[1]);
    }
  }
  if (columns.empty()) {
    sink.problem("unique constraint " + key + " of " + table.name + " has no columns", path);
    return;
  }
  add_unique(std::move(name), columns, sink.at(path), table);
}

void read_index(Sink& sink, const std::string& key, const Json& value, const Path& path,
                model::Table& table) {
  model::Index index;
  index.name = entry_name(key, value);
  const Json* columns = nullptr;
  Json squashed_columns = Json::array();
  if (value.is_object()) {
    columns = member(value, "columns");
    index.unique = flag_field(value, "isUnique");
    index.predicate = text_field(value, "where");
    const std::string method =
        text_field(value, "method").empty() ? text_field(value, "using") : text_field(value, "method");
    if (!method.empty()) {
      index.method = core::to_lower(method);
    }
  } else if (value.is_string()) { // squashed "name;col1,col2;isUnique"
    const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
    if (parts.size() >= 2) {
      index.name = parts[0].empty() ? key : parts[0];
      for (const std::string& column : comma_list(parts[1])) {
        squashed_columns.push_back(column);
      }
      columns = &squashed_columns;
      index.unique = parts.size() >= 3 && parts[2] == "true";
    }
  }
  if (columns != nullptr && columns->is_array()) {
    for (const Json& item : *columns) {
      if (auto index_key_value = index_key(item, table)) {
        index.keys.push_back(std::move(*index_key_value));
      }
    }
  }
  if (index.keys.empty()) {
    sink.problem("index " + key + " of " + table.name + " has no readable columns", path);
    return;
  }
  sink.add(table.indexes, std::move(index), path);
}

void read_foreign_key(Sink& sink, const std::string& key, const Json& value, const Path& path,
                      model::Table& table) {
  model::ForeignKey fk;
  fk.name = entry_name(key, value);
  std::string schema_to;
  if (value.is_object()) {
    fk.columns = string_list(member(value, "columnsFrom"));
    fk.ref_table = text_field(value, "tableTo");
    fk.ref_columns = string_list(member(value, "columnsTo"));
    schema_to = text_field(value, "schemaTo");
    fk.on_delete = fk_action_from_words(text_field(value, "onDelete")).value_or(model::FkAction::no_action);
    fk.on_update = fk_action_from_words(text_field(value, "onUpdate")).value_or(model::FkAction::no_action);
  } else if (value.is_string()) {
    // name;tableFrom;columnsFrom;tableTo;columnsTo;onUpdate;onDelete;schemaTo
    const std::vector<std::string> parts = core::split(value.get<std::string>(), ';');
    if (parts.size() >= 5) {
      fk.name = parts[0].empty() ? key : parts[0];
      fk.columns = comma_list(parts[2]);
      fk.ref_table = parts[3];
      fk.ref_columns = comma_list(parts[4]);
      fk.on_update = fk_action_from_words(parts.size() > 5 ? parts[5] : std::string())
                         .value_or(model::FkAction::no_action);
      fk.on_delete = fk_action_from_words(parts.size() > 6 ? parts[6] : std::string())
                         .value_or(model::FkAction::no_action);
      schema_to = parts.size() > 7 ? parts[7] : std::string();
    }
  }
  // drizzle-kit omits schemaTo for public targets and writes the SQL
  // unqualified, so an absent schema is public.
  if (const auto ref_dot = fk.ref_table.find('.'); ref_dot != std::string::npos && schema_to.empty()) {
    schema_to = fk.ref_table.substr(0, ref_dot); // "tableTo": "auth.users"
    fk.ref_table = fk.ref_table.substr(ref_dot + 1);
  }
  fk.ref_schema = schema_to.empty() ? "public" : schema_to;
  if (fk.columns.empty() || fk.ref_table.empty() || fk.columns.size() != fk.ref_columns.size()) {
    sink.problem("foreign key " + key + " of " + table.name + " has no matching column lists", path);
    return;
  }
  sink.add(table.foreign_keys, std::move(fk), path);
}

// v7: {"name", "value"}.
void read_check(Sink& sink, const std::string& key, const Json& value, const Path& path,
                model::Table& table) {
  model::CheckConstraint check;
  check.name = entry_name(key, value);
  check.expression = text_field(value, "value");
  if (value.is_string()) { // squashed "name;value"
    const std::string text = value.get<std::string>();
    const auto semicolon = text.find(';');
    check.name = semicolon == std::string::npos ? key : text.substr(0, semicolon);
    check.expression = semicolon == std::string::npos ? text : text.substr(semicolon + 1);
  }
  sink.add(table.checks.edit(), std::move(check), path);
}

} // namespace pgadvise::loaders::snapshot
