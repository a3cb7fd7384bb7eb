#include "loaders/sql/line_cursor.hpp"

#include <algorithm>

namespace pgadvise::loaders::replay {

void LineCursor::move_to(std::size_t offset) const {
  offset = std::min(offset, m_text.size());
  if (offset >= m_offset) {
    const std::string_view walked = m_text.substr(m_offset, offset - m_offset);
    for (std::size_t at = walked.find('\n'); at != std::string_view::npos; at = walked.find('\n', at + 1)) {
      ++m_line;
      m_line_start = m_offset + at + 1;
    }
  } else if (offset < m_line_start) {
    // Back to an earlier line (back within the line keeps its number and
    // start: no walk to its start, which on a script written on one long
    // line made every statement's walk as long as the line).
    const std::string_view walked = m_text.substr(offset, m_offset - offset);
    m_line -= static_cast<int>(std::count(walked.begin(), walked.end(), '\n'));
    const std::size_t newline = offset == 0 ? std::string_view::npos : m_text.rfind('\n', offset - 1);
    m_line_start = newline == std::string_view::npos ? 0 : newline + 1;
  }
  m_offset = offset;
}

int LineCursor::line_of(std::size_t offset) const {
  move_to(offset);
  return m_line;
}

core::SourceLocation LineCursor::locate(core::FilePath file, std::size_t offset) const {
  move_to(offset);
  return core::SourceLocation{file, m_line, static_cast<int>(offset - m_line_start) + 1};
}

} // namespace pgadvise::loaders::replay
