#include "model/catalog.hpp"

#include <algorithm>
#include <utility>

namespace pgadvise::model {

std::vector<std::string> Index::leading_columns() const {
  std::vector<std::string> out;
  for (const IndexKey& key : keys) {
    if (key.column.empty()) {
      break;
    }
    out.push_back(key.column);
  }
  return out;
}

bool Index::has_expressions() const {
  return std::any_of(keys.begin(), keys.end(), [](const IndexKey& k) { return k.column.empty(); });
}

std::string_view to_string(FkAction action) {
  switch (action) {
  case FkAction::no_action: return "no action";
  case FkAction::restrict: return "restrict";
  case FkAction::cascade: return "cascade";
  case FkAction::set_null: return "set null";
  case FkAction::set_default: return "set default";
  }
  return "no action";
}

std::string_view to_string(SchemaSource source) {
  switch (source) {
  case SchemaSource::none: return "none";
  case SchemaSource::sql_replay: return "sql";
  case SchemaSource::drizzle_snapshot: return "drizzle-snapshot";
  case SchemaSource::drizzle_schema: return "drizzle-schema";
  case SchemaSource::live: return "live";
  }
  return "none";
}

const Column* Table::find_column(std::string_view column) const {
  auto it = std::find_if(columns.begin(), columns.end(), [&](const Column& c) { return c.name == column; });
  return it == columns.end() ? nullptr : &*it;
}

Column* Table::find_column(std::string_view column) {
  return const_cast<Column*>(std::as_const(*this).find_column(column)); // NOLINT
}

const Index* Table::primary_key() const {
  auto it = std::find_if(indexes.begin(), indexes.end(),
                         [](const Index& i) { return i.kind == IndexKind::primary_key; });
  return it == indexes.end() ? nullptr : &*it;
}

const Index* Table::find_index(std::string_view index_name) const {
  auto it =
      std::find_if(indexes.begin(), indexes.end(), [&](const Index& i) { return i.name == index_name; });
  return it == indexes.end() ? nullptr : &*it;
}

const Table* Catalog::find_table(std::string_view schema, std::string_view name) const {
  auto it = std::find_if(tables.begin(), tables.end(),
                         [&](const Table& t) { return t.schema == schema && t.name == name; });
  return it == tables.end() ? nullptr : &*it;
}

Table* Catalog::find_table(std::string_view schema, std::string_view name) {
  return const_cast<Table*>(std::as_const(*this).find_table(schema, name)); // NOLINT
}

const Enum* Catalog::find_enum(std::string_view schema, std::string_view name) const {
  auto it = std::find_if(enums.begin(), enums.end(),
                         [&](const Enum& e) { return e.schema == schema && e.name == name; });
  return it == enums.end() ? nullptr : &*it;
}

const Domain* Catalog::find_domain(std::string_view schema, std::string_view name) const {
  auto it = std::find_if(domains.begin(), domains.end(),
                         [&](const Domain& d) { return d.schema == schema && d.name == name; });
  return it == domains.end() ? nullptr : &*it;
}

Table* Catalog::find_index_owner(std::string_view schema, std::string_view index_name) {
  for (Table& table : tables) {
    if (table.schema == schema && table.find_index(index_name) != nullptr) {
      return &table;
    }
  }
  return nullptr;
}

bool Catalog::has_schema(std::string_view schema) const {
  return std::find(schemas.begin(), schemas.end(), schema) != schemas.end();
}

bool Catalog::remove_table(std::string_view schema, std::string_view name) {
  auto it = std::find_if(tables.begin(), tables.end(),
                         [&](const Table& t) { return t.schema == schema && t.name == name; });
  if (it == tables.end()) {
    return false;
  }
  tables.erase(it);
  return true;
}

TypeRef Catalog::resolve_type(const TypeRef& type) const {
  const Domain* domain = find_domain(type.schema.empty() ? "public" : type.schema, type.name);
  if (domain == nullptr) {
    return type;
  }
  TypeRef base = domain->base;
  base.array_dims += type.array_dims;
  return base;
}

} // namespace pgadvise::model
