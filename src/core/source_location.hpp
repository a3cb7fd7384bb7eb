#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::core {

// Where an object or finding came from. Lines and columns are 1-based;
// 0 means "unknown" (for example a live catalog object).
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  [[nodiscard]] bool known() const { return !file.empty(); }
  [[nodiscard]] std::string to_string() const; // "file:line:column", omitting unknown parts
  bool operator==(const SourceLocation&) const = default;
};

// Maps byte offsets of a text to 1-based line/column, for loaders that get
// offsets from libpg_query.
class LineIndex {
public:
  explicit LineIndex(std::string_view text);
  [[nodiscard]] SourceLocation locate(std::string file, std::size_t offset) const;
  [[nodiscard]] int line_of(std::size_t offset) const;

private:
  std::vector<std::size_t> m_line_starts;
};

} // namespace pgadvise::core
