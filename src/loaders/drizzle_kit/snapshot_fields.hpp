#pragma once

#include "core/source_location.hpp"
#include "loaders/drizzle_kit/json_keys.hpp"
#include "loaders/schema_load.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Reading a drizzle-kit snapshot's JSON (loaders/drizzle_kit/snapshot_reader):
// fields by name, never throwing on a value of the wrong type, the lists and
// squashed "a,b" strings older releases wrote, and where an entry is and
// where its problems go.
namespace pgadvise::loaders::snapshot {

using Json = nlohmann::ordered_json;
using Path = std::vector<std::string>; // keys from the top: {"tables", "public.users", "columns", "id"}

std::string text_field(const Json& object, const std::string& key); // "" unless a string
bool flag_field(const Json& object, const std::string& key);        // false unless true
const Json* member(const Json& object, const std::string& key);     // null when absent or null
std::vector<std::string> string_list(const Json* value);            // the strings of an array
std::vector<std::string> comma_list(std::string_view text);         // "a, b" -> {"a", "b"}
// The name an entry gives itself ({"name": ...}), else its key.
std::string entry_name(const std::string& key, const Json& value);

// The load a snapshot is read into, with the file's key positions: where an
// entry is, and its problems as located parse-error diagnostics.
class Sink {
public:
  Sink(const JsonKeyLines& lines, SchemaLoad& load) : m_lines(lines), m_load(load) {}
  [[nodiscard]] core::SourceLocation at(const Path& path) const { return m_lines.locate(path); }
  void problem(std::string message, const Path& path);
  // `item` (a column, index, key, check or policy read at `path`) given its
  // place in the snapshot and added to `list`.
  template <typename Item> void add(std::vector<Item>& list, Item item, const Path& path) const {
    item.location = at(path);
    list.push_back(std::move(item));
  }
  [[nodiscard]] SchemaLoad& load() { return m_load; }

private:
  const JsonKeyLines& m_lines;
  SchemaLoad& m_load;
};

} // namespace pgadvise::loaders::snapshot
