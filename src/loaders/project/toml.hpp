#pragma once

#include <string>
#include <string_view>
#include <vector>

// netlify.toml, fly.toml and railway.toml, read with toml++ and flattened to
// (table, key, value) rows in file order with the line of every value, which
// is all the platform scanners need. Strings and arrays of strings keep their
// text; other values keep toml++'s rendering of them. A file toml++ cannot
// parse gives one located problem and no values.
namespace pgadvise::loaders::toml {

struct Value {
  std::string table;              // "context.production" ("" for the top level); dotted keys extend it
  std::string key;                // "command"
  std::string text;               // a string's contents, or the value as TOML writes it
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
