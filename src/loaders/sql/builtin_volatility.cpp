#include "loaders/sql/builtin_volatility.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders::replay {

namespace {

// Builtins a default may call that are VOLATILE in pg_proc: a column added
// with one of them as its default is computed row by row, a rewrite.
constexpr std::array<std::string_view, 16> k_volatile_functions{
    "random",
    "random_normal",
    "clock_timestamp",
    "timeofday",
    "gen_random_uuid",
    "uuid_generate_v1",
    "uuid_generate_v1mc",
    "uuid_generate_v4",
    "uuid_generate_v7",
    "uuidv4",
    "uuidv7",
    "nextval",
    "setval",
    "currval",
    "lastval",
    "gen_random_bytes",
};

// Builtins STABLE or IMMUTABLE in every overload of PostgreSQL 15's pg_proc:
// a default calling them is evaluated once by ADD COLUMN (SQL-syntax forms by
// their functions' names: EXTRACT is extract, TRIM btrim, SUBSTRING substring).
constexpr auto k_stable_functions = std::to_array<std::string_view>({
    "abs",
    "age",
    "array_append",
    "array_cat",
    "array_fill",
    "array_length",
    "array_remove",
    "array_to_string",
    "btrim",
    "cardinality",
    "ceil",
    "ceiling",
    "char_length",
    "concat",
    "concat_ws",
    "current_setting",
    "date_bin",
    "date_part",
    "date_trunc",
    "decode",
    "encode",
    "extract",
    "floor",
    "format",
    "initcap",
    "json_build_array",
    "json_build_object",
    "json_object",
    "jsonb_build_array",
    "jsonb_build_object",
    "jsonb_object",
    "jsonb_set",
    "jsonb_strip_nulls",
    "justify_interval",
    "left",
    "length",
    "lower",
    "lpad",
    "ltrim",
    "make_date",
    "make_interval",
    "make_time",
    "make_timestamp",
    "make_timestamptz",
    "md5",
    "mod",
    "now",
    "overlay",
    "pg_catalog.now",
    "position",
    "power",
    "regexp_replace",
    "repeat",
    "replace",
    "reverse",
    "right",
    "round",
    "rpad",
    "rtrim",
    "sha256",
    "sha512",
    "split_part",
    "sqrt",
    "statement_timestamp",
    "string_to_array",
    "strpos",
    "substr",
    "substring",
    "timezone",
    "to_char",
    "to_date",
    "to_hex",
    "to_json",
    "to_jsonb",
    "to_number",
    "to_timestamp",
    "transaction_timestamp",
    "translate",
    "trunc",
    "upper",
});

template <std::size_t N> bool listed(const std::array<std::string_view, N>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

} // namespace

bool builtin_never_volatile(std::string_view name) {
  return !listed(k_volatile_functions, name) && listed(k_stable_functions, name);
}

} // namespace pgadvise::loaders::replay
