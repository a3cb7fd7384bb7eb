#pragma once

#include <compare>
#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::core {

// A file name as located objects and findings hold it: a pointer to the one
// copy of each distinct path, kept in a program-wide pool (thread-safe). A
// schema of 100,000 tables has over a million located objects (columns,
// keys, indexes, findings and their evidence), nearly all in a few files:
// each holds 8 bytes instead of its own copy of the path. Reads as a
// `const std::string&`; equal paths are the same pointer.
class FilePath {
public:
  FilePath() = default;
  FilePath(std::string_view path); // NOLINT(google-explicit-constructor)
  // NOLINTNEXTLINE(google-explicit-constructor)
  FilePath(const std::string& path) : FilePath(std::string_view(path)) {}
  FilePath(const char* path) : FilePath(std::string_view(path)) {} // NOLINT(google-explicit-constructor)

  [[nodiscard]] const std::string& str() const { return *m_path; }
  operator const std::string&() const { return *m_path; } // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return *m_path; }   // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool empty() const { return m_path->empty(); }
  [[nodiscard]] std::size_t size() const { return m_path->size(); }
  [[nodiscard]] const char* c_str() const { return m_path->c_str(); }
  [[nodiscard]] const char* data() const { return m_path->data(); }
  [[nodiscard]] std::size_t find(std::string_view what, std::size_t from = 0) const {
    return m_path->find(what, from);
  }
  [[nodiscard]] std::size_t rfind(char what, std::size_t from = std::string::npos) const {
    return m_path->rfind(what, from);
  }
  [[nodiscard]] std::string substr(std::size_t from, std::size_t count = std::string::npos) const {
    return m_path->substr(from, count);
  }
  [[nodiscard]] bool starts_with(std::string_view prefix) const { return m_path->starts_with(prefix); }
  [[nodiscard]] bool ends_with(std::string_view suffix) const { return m_path->ends_with(suffix); }
  void clear() { *this = FilePath(); }

  friend bool operator==(const FilePath& a, const FilePath& b) { return a.m_path == b.m_path; }
  friend bool operator==(const FilePath& a, std::string_view b) { return *a.m_path == b; }
  friend bool operator==(const FilePath& a, const std::string& b) { return *a.m_path == b; }
  friend bool operator==(const FilePath& a, const char* b) { return *a.m_path == b; }
  friend std::strong_ordering operator<=>(const FilePath& a, const FilePath& b) {
    return a.m_path == b.m_path ? std::strong_ordering::equal : *a.m_path <=> *b.m_path;
  }
  friend std::string operator+(const FilePath& a, std::string_view b) {
    std::string out(*a.m_path);
    out += b;
    return out;
  }
  friend std::string operator+(std::string a, const FilePath& b) {
    a += *b.m_path;
    return a;
  }
  friend std::ostream& operator<<(std::ostream& out, const FilePath& path) { return out << *path.m_path; }

private:
  static const std::string* empty_path();
  const std::string* m_path = empty_path();
};

// Where an object or finding came from. Lines and columns are 1-based;
// 0 means "unknown" (for example a live catalog object).
struct SourceLocation {
  FilePath file;
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
  [[nodiscard]] SourceLocation locate(FilePath file, std::size_t offset) const;
  [[nodiscard]] int line_of(std::size_t offset) const;

private:
  std::vector<std::size_t> m_line_starts;
};

} // namespace pgadvise::core
