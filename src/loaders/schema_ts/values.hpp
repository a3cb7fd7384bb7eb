#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// JavaScript literal values as a schema.ts writes them in column configs,
// enum value lists and `.default(...)`, and the SQL text drizzle-kit turns a
// default into.
namespace pgadvise::loaders::drizzle_values {

struct JsField;

struct JsValue {
  enum class Kind { undefined, null, boolean, number, string, array, object };
  Kind kind = Kind::undefined;
  std::string text;            // number (JavaScript's own spelling), string value, "true"/"false"
  std::vector<JsValue> items;  // array
  std::vector<JsField> fields; // object, in order

  [[nodiscard]] bool is(Kind k) const { return kind == k; }
  [[nodiscard]] const JsValue* field(std::string_view name) const;
  // A number field as an integer, when it is one.
  [[nodiscard]] std::optional<long long> integer_field(std::string_view name) const;
  [[nodiscard]] std::optional<bool> bool_field(std::string_view name) const;
  [[nodiscard]] std::optional<std::string> string_field(std::string_view name) const;
};

// One property of an object. A named struct, not std::pair<std::string,
// JsValue>: a pair of the still-incomplete JsValue does not compile with
// clang 14 and libstdc++ 12, while a vector of an incomplete type may be
// declared (C++17).
struct JsField {
  JsField(std::string key, JsValue value) : first(std::move(key)), second(std::move(value)) {}
  std::string first;
  JsValue second;
};

// A numeric literal as JavaScript prints it: `1_000` -> "1000", `0x10` ->
// "16", `1.50` -> "1.5", `10n` -> "10". Empty when it is not a number.
std::string normalize_number(std::string_view literal);

// JSON.stringify of a value (compact, keys in order).
std::string json_stringify(const JsValue& value);

// The DEFAULT expression drizzle-kit writes for `.default(value)` on a
// column of that SQL type ("text", "jsonb", "text[]", ...): strings quoted,
// json/jsonb as `'<json>'::jsonb`, arrays as `'{...}'`, numbers and booleans
// as written. Empty when drizzle-kit would not produce one (undefined).
std::string sql_default(const JsValue& value, std::string_view sql_type);

} // namespace pgadvise::loaders::drizzle_values
