#pragma once

#include "pg/json_tree.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace pgadvise::loaders::replay {

// Read-only access to libpg_query's JSON parse tree (pg/json_tree) that
// never throws: a missing field or a field of an unexpected type reads as
// empty. Walkers read the tree only through these.

using Json = pg::JsonValue;

// The elements of an array value (none for anything else), for range-for.
class JsonItems {
public:
  JsonItems() = default;
  explicit JsonItems(const Json& array);
  [[nodiscard]] const Json* begin() const { return m_begin; }
  [[nodiscard]] const Json* end() const { return m_end; }
  [[nodiscard]] std::size_t size() const { return static_cast<std::size_t>(m_end - m_begin); }
  [[nodiscard]] bool empty() const { return m_begin == m_end; }
  [[nodiscard]] const Json& front() const { return *m_begin; }
  [[nodiscard]] const Json& operator[](std::size_t i) const { return m_begin[i]; }

private:
  const Json* m_begin = nullptr;
  const Json* m_end = nullptr;
};
JsonItems items_of(const Json* array);

// An object's members in key order (libpg_query writes them in its
// structs' order): a walk that stops at the first match finds the same one
// whatever order a node's fields were written in.
std::vector<std::pair<std::string_view, const Json*>> members(const Json& node);

bool is_string(const Json* node);
bool is_array(const Json* node);
bool is_object(const Json* node);
// `node`, or a null value when it is null.
const Json& or_null(const Json* node);
// A string value's text ("" for anything else).
std::string_view string_value(const Json& node);

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
