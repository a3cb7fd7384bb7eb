#include "pg/query_scope.hpp"

#include "pg/tree_access.hpp"

namespace pgadvise::pg {

namespace {

using nlohmann::json;
using tree::member;
using tree::string_of;

// The ColumnRef's name list, also under a cast (null when none).
const json& column_fields(const json& node) {
  const json* target = &node;
  if (const json& cast = member(node, "TypeCast"); !cast.is_null()) {
    target = &member(cast, "arg");
  }
  return member(member(*target, "ColumnRef"), "fields");
}

} // namespace

const Relation* Scope::lookup(const std::string& name) const {
  for (const Scope* scope = this; scope != nullptr; scope = scope->parent) {
    const auto it = scope->names.find(name);
    if (it != scope->names.end()) {
      return &it->second;
    }
  }
  return nullptr;
}

bool is_column(const json& node) {
  const json& inner = node.contains("TypeCast") ? member(member(node, "TypeCast"), "arg") : node;
  return !member(inner, "ColumnRef").is_null();
}

std::optional<model::ColumnUsage> resolve_column(const json& node, const Scope& scope) {
  const json& fields = column_fields(node);
  if (!fields.is_array() || fields.empty() || fields.back().contains("A_Star")) {
    return std::nullopt;
  }
  model::ColumnUsage usage;
  usage.column = string_of(fields.back());
  if (fields.size() == 1) {
    if (scope.relations.size() == 1 && !scope.has_subquery) {
      usage.schema = scope.relations.front().schema;
      usage.table = scope.relations.front().name;
    }
  } else {
    const std::string qualifier = string_of(fields[fields.size() - 2]);
    if (const Relation* relation = scope.lookup(qualifier); relation != nullptr) {
      usage.schema = relation->schema;
      usage.table = relation->name;
    } else {
      usage.table = qualifier;
      usage.schema = fields.size() >= 3 ? string_of(fields[fields.size() - 3]) : std::string();
    }
  }
  if (usage.column.empty()) {
    return std::nullopt;
  }
  return usage;
}

bool resolves_locally(const json& node, const Scope& scope) {
  const json& fields = column_fields(node);
  if (!fields.is_array() || fields.size() < 2) {
    return true;
  }
  const std::string qualifier = string_of(fields[fields.size() - 2]);
  if (scope.names.count(qualifier) != 0) {
    return true;
  }
  return scope.parent == nullptr || scope.parent->lookup(qualifier) == nullptr;
}

} // namespace pgadvise::pg
