#pragma once

#include "core/finding.hpp"
#include "core/suppression.hpp"
#include "loaders/schema_ts/reader.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <vector>

// Internal to the Drizzle schema reader: the tables one read of the schema
// files kept for the next (the language server reads schema.ts again at
// every keystroke; a 10,000-table file took 130-200 ms to read, of which
// an edit changes one table). A declaration is read again when the lines
// it is written on changed, or when it names what changed (a table, an
// enum, a helper, an import's alias), through any chain of names; else its
// table is the one kept, moved to its lines. Reader::keep_tables
// (read_memo.cpp).
namespace pgadvise::loaders::drizzle_reader {

// One table as its declaration read it, before the file's habits were given
// to it (Reader::run's passes after the extra config).
struct KeptTable {
  std::uint64_t text = 0; // the hash of the declaration's lines
  int first_line = 0;     // the first of them
  TableInfo info;         // without its declaration, references or factory bindings
  // What reading it reported: while its columns were read, and while its
  // references and extra config were.
  std::vector<core::Finding> read_problems;
  std::vector<core::Finding> config_problems;
  std::vector<core::Suppression> suppressions;
  // Where in its declaration (tokens from its first, inclusive) its
  // references' targets and options and its extra config are: what they
  // name is read only after every table's columns (Reader::run), so a
  // table named there that changed only elsewhere leaves this one as it was.
  std::vector<std::pair<std::size_t, std::size_t>> config_tokens;
};

// A table a kept one names in its references or extra config (`users` in
// `() => users.id`), and the property it reads there (`id`; empty: any).
struct NamedTable {
  std::string name;
  std::string property;
  bool operator<(const NamedTable& other) const {
    return std::tie(name, property) < std::tie(other.name, other.property);
  }
};

// A file as the tables' reads depend on it besides their declarations:
// its imports, exports and statements (shape), and its declarations' texts.
struct KeptFile {
  std::string label;
  bool helper = false;
  std::optional<std::set<std::string>> schema_names;
  std::map<std::string, std::pair<std::string, std::string>, std::less<>> default_imports;
  std::string shape;
  // Each declared name's hash of its lines; 0 when the name is declared twice.
  std::unordered_map<std::string, std::uint64_t> declared;
  std::unordered_map<std::string, KeptTable> tables; // by the declaration's name
};

struct ReadMemo {
  std::string casing;
  drizzle_names::Naming naming = drizzle_names::Naming::kit_0;
  std::vector<KeptFile> files;
  std::size_t reused = 0; // the last read's tables taken from here
};

} // namespace pgadvise::loaders::drizzle_reader
