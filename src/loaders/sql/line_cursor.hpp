#pragma once

#include "core/source_location.hpp"

#include <cstddef>
#include <string_view>

// Lines and columns of offsets in one text, as core::LineIndex gives them,
// found by walking from the offset asked last instead of from an index of
// every line start. The replay asks in nearly increasing order (statement
// after statement, nodes within one), so each walk is short, and a
// 1.6-million-line migration needs no 13 MB index.
namespace pgadvise::loaders::replay {

class LineCursor {
public:
  explicit LineCursor(std::string_view text) : m_text(text) {}

  // 1-based line of `offset` (clamped to the text's end).
  [[nodiscard]] int line_of(std::size_t offset) const;
  [[nodiscard]] core::SourceLocation locate(core::FilePath file, std::size_t offset) const;
  // Where the line of the offset asked last starts.
  [[nodiscard]] std::size_t line_start() const { return m_line_start; }

private:
  void move_to(std::size_t offset) const;

  std::string_view m_text;
  // Where the last walk ended: an offset, its line and that line's start.
  mutable std::size_t m_offset = 0;
  mutable int m_line = 1;
  mutable std::size_t m_line_start = 0;
};

} // namespace pgadvise::loaders::replay
