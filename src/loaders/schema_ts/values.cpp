#include "loaders/schema_ts/values.hpp"

#include "core/json_string.hpp"
#include "core/text.hpp"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstdlib>

namespace pgadvise::loaders::drizzle_values {

const JsValue* JsValue::field(std::string_view name) const {
  for (const auto& [key, value] : fields) {
    if (key == name) {
      return &value;
    }
  }
  return nullptr;
}

std::optional<long long> JsValue::integer_field(std::string_view name) const {
  const JsValue* value = field(name);
  if (value == nullptr || value->kind != Kind::number || value->text.empty()) {
    return std::nullopt;
  }
  long long out = 0;
  const char* begin = value->text.data();
  const char* end = begin + value->text.size();
  const auto [ptr, ec] = std::from_chars(begin, end, out);
  if (ec != std::errc() || ptr != end) {
    return std::nullopt;
  }
  return out;
}

std::optional<bool> JsValue::bool_field(std::string_view name) const {
  const JsValue* value = field(name);
  if (value == nullptr || value->kind != Kind::boolean) {
    return std::nullopt;
  }
  return value->text == "true";
}

std::optional<std::string> JsValue::string_field(std::string_view name) const {
  const JsValue* value = field(name);
  if (value == nullptr || value->kind != Kind::string) {
    return std::nullopt;
  }
  return value->text;
}

namespace {

std::string format_double(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value < 0 ? "-Infinity" : "Infinity";
  }
  char buffer[64];
  const bool integral = std::floor(value) == value && std::fabs(value) < 1e21;
  const auto result = integral
                          ? std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed)
                          : std::to_chars(buffer, buffer + sizeof buffer, value);
  if (result.ec != std::errc()) {
    return {};
  }
  return std::string(buffer, result.ptr);
}

// One element of a PostgreSQL array literal, as drizzle-kit's
// buildArrayString writes it.
std::string array_element(const JsValue& value) {
  switch (value.kind) {
  case JsValue::Kind::number:
  case JsValue::Kind::boolean: return value.text;
  case JsValue::Kind::array: {
    std::vector<std::string> parts;
    for (const JsValue& item : value.items) {
      parts.push_back(array_element(item));
    }
    return "{" + core::join(parts, ",") + "}";
  }
  case JsValue::Kind::object: {
    std::string json;
    for (char c : json_stringify(value)) {
      json += c == '"' ? std::string("\\\"") : std::string(1, c);
    }
    return "\"" + json + "\"";
  }
  case JsValue::Kind::null: return "\"null\"";
  default: return "\"" + value.text + "\"";
  }
}

} // namespace

std::string normalize_number(std::string_view literal) {
  std::string digits;
  for (char c : literal) {
    if (c != '_') {
      digits += c;
    }
  }
  bool negative = false;
  if (!digits.empty() && digits[0] == '-') {
    negative = true;
    digits.erase(0, 1);
  }
  if (!digits.empty() && digits.back() == 'n') {
    digits.pop_back();
  }
  if (digits.empty()) {
    return {};
  }
  double value = 0;
  if (digits.size() > 2 && digits[0] == '0' &&
      (digits[1] == 'x' || digits[1] == 'X' || digits[1] == 'b' || digits[1] == 'B' || digits[1] == 'o' ||
       digits[1] == 'O')) {
    const int base = (digits[1] == 'x' || digits[1] == 'X')   ? 16
                     : (digits[1] == 'b' || digits[1] == 'B') ? 2
                                                              : 8;
    std::uint64_t parsed = 0;
    const auto [ptr, ec] = std::from_chars(digits.data() + 2, digits.data() + digits.size(), parsed, base);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) {
      return {};
    }
    value = static_cast<double>(parsed);
  } else {
    char* end = nullptr;
    value = std::strtod(digits.c_str(), &end);
    if (end != digits.c_str() + digits.size()) {
      return {};
    }
  }
  return format_double(negative ? -value : value);
}

std::string json_stringify(const JsValue& value) {
  switch (value.kind) {
  case JsValue::Kind::undefined:
  case JsValue::Kind::null: return "null";
  case JsValue::Kind::boolean:
  case JsValue::Kind::number: return value.text;
  case JsValue::Kind::string: return core::quote_json_string(value.text);
  case JsValue::Kind::array: {
    std::vector<std::string> parts;
    for (const JsValue& item : value.items) {
      parts.push_back(json_stringify(item));
    }
    return "[" + core::join(parts, ",") + "]";
  }
  case JsValue::Kind::object: {
    std::vector<std::string> parts;
    for (const auto& [key, item] : value.fields) {
      if (item.kind != JsValue::Kind::undefined) {
        parts.push_back(core::quote_json_string(key) + ":" + json_stringify(item));
      }
    }
    return "{" + core::join(parts, ",") + "}";
  }
  }
  return "null";
}

std::string sql_default(const JsValue& value, std::string_view sql_type) {
  const std::string type = core::to_lower(sql_type);
  switch (value.kind) {
  case JsValue::Kind::undefined: return {};
  case JsValue::Kind::string: return core::quote_literal(value.text);
  case JsValue::Kind::null: return "null";
  default: break;
  }
  if (type == "json" || type == "jsonb") {
    return core::quote_literal(json_stringify(value)) + "::" + type;
  }
  if (value.kind == JsValue::Kind::array && type.find('[') != std::string::npos) {
    return core::quote_literal(array_element(value));
  }
  if (value.kind == JsValue::Kind::number || value.kind == JsValue::Kind::boolean) {
    return value.text;
  }
  // An object or array on a column that is neither json nor an array:
  // JavaScript would print "[object Object]"; there is no sensible SQL.
  return {};
}

} // namespace pgadvise::loaders::drizzle_values
