#pragma once

#include "core/source_location.hpp"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgadvise::loaders {

// Where each object key of a JSON text is written, so objects read from a
// drizzle-kit snapshot can point at their line. nlohmann::json keeps no
// positions, hence this second, structural pass over the same text.
//
// Keys are addressed by their path from the root: {"tables", "public.users",
// "columns", "id"}. Array elements are addressed by their index ("0", "1").
// The text is assumed to be valid JSON (the parser has already accepted
// it); on anything else the scan stops early and unknown keys are simply
// not found.
class JsonKeyLines {
public:
  JsonKeyLines(std::string_view text, std::string file);

  // The location of the key at `path`, or the file alone (line 0) when the
  // key was not seen.
  [[nodiscard]] core::SourceLocation locate(const std::vector<std::string>& path) const;

private:
  struct Position {
    int line = 0;
    int column = 0;
  };

  void scan(std::string_view text);
  static std::string join_path(const std::vector<std::string>& path);

  std::string m_file;
  std::unordered_map<std::string, Position> m_keys;
};

} // namespace pgadvise::loaders
