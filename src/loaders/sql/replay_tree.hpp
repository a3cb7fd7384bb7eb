#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders::replay {

// Read-only access to libpg_query's JSON parse tree that never throws: a
// missing field or a field of an unexpected type reads as empty.

using Json = nlohmann::json;

// A name as written: schema empty when the statement did not qualify it.
struct QualifiedName {
  std::string schema;
  std::string name;
};

const Json* child(const Json& node, std::string_view key);
std::string string_field(const Json& node, std::string_view key);
bool bool_field(const Json& node, std::string_view key);
long long int_field(const Json& node, std::string_view key, long long fallback = 0);
std::optional<std::size_t> location_field(const Json& node);

// The body of a one-key wrapper such as {"ColumnDef": {...}} when its type
// is `type`, else null.
const Json* as(const Json& node, std::string_view type);
// The wrapper's type name ("ColumnDef"), or empty.
std::string_view node_type(const Json& node);
// The wrapper's body, whatever its type.
const Json* body(const Json& node);

// Items of a list field: a JSON array, or the "items" of a {"List": ...}.
const Json* list_items(const Json* node);
// [{"String": {"sval": "a"}}, ...] -> {"a", ...}
std::vector<std::string> string_list(const Json* list);
QualifiedName to_qualified(const std::vector<std::string>& names);
// A RangeVar (table reference).
QualifiedName range_var(const Json& node);

// "OBJECT_TABLE" -> "TABLE": an ObjectType for messages and notes.
std::string object_kind(std::string_view object_type);

// "AlterDefaultPrivilegesStmt" -> "ALTER DEFAULT PRIVILEGES" (without
// `suffix`): node and command names as SQL words, for notes.
std::string words_of(std::string_view camel_case, std::string_view suffix);

// Smallest `location` anywhere in a subtree: where an expression starts.
std::optional<std::size_t> min_location(const Json& node);
// Name of the first column an expression refers to, or empty.
std::string first_column_ref(const Json& node);
// PostgreSQL's name for an index expression column (FigureIndexColname):
// the function name for a call, the column for a column reference.
std::string expression_column_name(const Json& node);

} // namespace pgadvise::loaders::replay
