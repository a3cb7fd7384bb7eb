#include "core/source_location.hpp"

#include <algorithm>
#include <functional>
#include <mutex>
#include <unordered_set>

namespace pgadvise::core {

namespace {

struct PathHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// Node-based: a path's string never moves once added, so pointers to it
// stay valid while the pool grows. Never destroyed: locations may be read
// by static destructors.
struct PathPool {
  std::mutex mutex;
  std::unordered_set<std::string, PathHash, std::equal_to<>> paths{std::string()};
};

PathPool& path_pool() {
  static auto* pool = new PathPool();
  return *pool;
}

} // namespace

const std::string* FilePath::empty_path() {
  static const std::string* empty = &*path_pool().paths.find(std::string_view());
  return empty;
}

FilePath::FilePath(std::string_view path) {
  if (path.empty()) {
    return; // m_path is already the empty path
  }
  PathPool& pool = path_pool();
  const std::lock_guard lock(pool.mutex);
  auto it = pool.paths.find(path);
  if (it == pool.paths.end()) {
    it = pool.paths.emplace(path).first;
  }
  m_path = &*it;
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
