#pragma once

#include <string>
#include <string_view>
#include <vector>

// A small TOML reader for netlify.toml, fly.toml and railway.toml: tables,
// dotted keys, basic/literal/multi-line strings and arrays of strings, with
// the line of every value. Anything else is kept as raw text.
namespace pgadvise::loaders::toml {

struct Value {
  std::string table;              // "context.production" ("" for the top level)
  std::string key;                // "command" (dotted keys stay dotted)
  std::string text;               // a string's contents, or the raw value
  std::vector<std::string> array; // an array's string items
  bool is_array = false;
  int line = 0;
};

struct Problem {
  std::string message;
  int line = 0;
};

struct Document {
  std::vector<Value> values;
  std::vector<Problem> problems;
  // The value of `key` in `table`, or nullptr.
  [[nodiscard]] const Value* find(std::string_view table, std::string_view key) const;
};

Document parse(std::string_view text);

} // namespace pgadvise::loaders::toml
