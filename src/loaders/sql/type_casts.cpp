#include "loaders/sql/type_casts.hpp"

#include <algorithm>
#include <array>
#include <string_view>

namespace pgadvise::loaders::replay {

namespace {

// The built-in types whose casts are listed below: a change between two of
// them is judged, any other is left alone.
constexpr std::array<std::string_view, 26> k_known = {
    "int2",    "int4",   "int8",  "float4", "float8", "numeric",   "money",       "bool",     "text",
    "varchar", "bpchar", "date",  "time",   "timetz", "timestamp", "timestamptz", "interval", "json",
    "jsonb",   "uuid",   "bytea", "inet",   "cidr",   "bit",       "varbit",      "xml"};

// PostgreSQL 15's pg_cast rows of context assignment or implicit between
// the types above (`SELECT castsource::regtype, casttarget::regtype FROM
// pg_cast WHERE castcontext IN ('a', 'i')`), string targets aside: every
// type converts to text, varchar and bpchar by its output function.
struct Cast {
  std::string_view from;
  std::string_view to;
};
constexpr std::array<Cast, 53> k_casts = {{
    {"int2", "int4"},
    {"int2", "int8"},
    {"int2", "float4"},
    {"int2", "float8"},
    {"int2", "numeric"},
    {"int4", "int2"},
    {"int4", "int8"},
    {"int4", "float4"},
    {"int4", "float8"},
    {"int4", "numeric"},
    {"int4", "money"},
    {"int8", "int2"},
    {"int8", "int4"},
    {"int8", "float4"},
    {"int8", "float8"},
    {"int8", "numeric"},
    {"int8", "money"},
    {"float4", "int2"},
    {"float4", "int4"},
    {"float4", "int8"},
    {"float4", "float8"},
    {"float4", "numeric"},
    {"float8", "int2"},
    {"float8", "int4"},
    {"float8", "int8"},
    {"float8", "float4"},
    {"float8", "numeric"},
    {"numeric", "int2"},
    {"numeric", "int4"},
    {"numeric", "int8"},
    {"numeric", "float4"},
    {"numeric", "float8"},
    {"numeric", "money"},
    {"money", "numeric"},
    {"date", "timestamp"},
    {"date", "timestamptz"},
    {"timestamp", "date"},
    {"timestamp", "time"},
    {"timestamp", "timestamptz"},
    {"timestamptz", "date"},
    {"timestamptz", "time"},
    {"timestamptz", "timetz"},
    {"timestamptz", "timestamp"},
    {"time", "timetz"},
    {"time", "interval"},
    {"timetz", "time"},
    {"interval", "time"},
    {"json", "jsonb"},
    {"jsonb", "json"},
    {"cidr", "inet"},
    {"inet", "cidr"},
    {"bit", "varbit"},
    {"varbit", "bit"},
}};

bool known(std::string_view name) {
  return std::find(k_known.begin(), k_known.end(), name) != k_known.end();
}

bool string_type(std::string_view name) {
  return name == "text" || name == "varchar" || name == "bpchar";
}

} // namespace

std::string refused_type_change(const model::TypeRef& from, const model::TypeRef& to) {
  const std::string_view from_name = from.name;
  const std::string_view to_name = to.name;
  if (!known(from_name) || !known(to_name) || !from.schema.empty() || !to.schema.empty() ||
      (to.array_dims == 0 && string_type(to_name))) {
    return {}; // any value, an array too, has a text form
  }
  // An array converts element by element; nothing converts a value to an
  // array or an array to another number of dimensions.
  const bool accepted =
      from.array_dims == to.array_dims && (from_name == to_name || string_type(to_name) ||
                                           std::any_of(k_casts.begin(), k_casts.end(), [&](const Cast& cast) {
                                             return cast.from == from_name && cast.to == to_name;
                                           }));
  return accepted ? std::string() : "no automatic cast from " + from.display() + " to " + to.display();
}

} // namespace pgadvise::loaders::replay
