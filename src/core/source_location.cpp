#include "core/source_location.hpp"

#include "core/interned_text.hpp"

#include <algorithm>

namespace pgadvise::core {

// Paths are pooled with the catalog's names (core::InternedText): one copy
// of each, never freed (locations may be read by static destructors), so
// two FilePaths compare by their pointers.
const std::string* FilePath::empty_path() {
  static const std::string* empty = &InternedText().str();
  return empty;
}

FilePath::FilePath(std::string_view path) {
  if (!path.empty()) {
    m_path = &InternedText(path).str();
  }
}

std::string SourceLocation::to_string() const {
  std::string out = file;
  if (line > 0) {
    out += ":" + std::to_string(line);
    if (column > 0) {
      out += ":" + std::to_string(column);
    }
  }
  return out;
}

LineIndex::LineIndex(std::string_view text) {
  m_line_starts.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  m_line_starts.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      m_line_starts.push_back(i + 1);
    }
  }
}

int LineIndex::line_of(std::size_t offset) const {
  auto it = std::upper_bound(m_line_starts.begin(), m_line_starts.end(), offset);
  return static_cast<int>(it - m_line_starts.begin());
}

SourceLocation LineIndex::locate(FilePath file, std::size_t offset) const {
  const int line = line_of(offset);
  const std::size_t start = m_line_starts[static_cast<std::size_t>(line - 1)];
  return SourceLocation{file, line, static_cast<int>(offset - start) + 1};
}

} // namespace pgadvise::core
