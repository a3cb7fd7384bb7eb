#pragma once

// Helpers for the drizzle snapshot / discovery tests: fixture paths, a
// throwaway directory tree, and the line a text appears on (so expected
// locations come from the fixture itself, not from the code under test).

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <string_view>

namespace pgadvise::test {

inline std::filesystem::path fixture(std::string_view relative) {
  return std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / relative;
}

inline std::string read_text(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// 1-based line of the nth (1-based) occurrence of `needle`, 0 when absent.
inline int line_of(const std::filesystem::path& file, std::string_view needle, int nth = 1) {
  const std::string text = read_text(file);
  std::size_t at = 0;
  for (int i = 0; i < nth; ++i) {
    at = text.find(needle, i == 0 ? 0 : at + 1);
    if (at == std::string::npos) {
      return 0;
    }
  }
  int line = 1;
  for (std::size_t i = 0; i < at; ++i) {
    line += text[i] == '\n' ? 1 : 0;
  }
  return line;
}

// A directory tree removed when the test ends.
class TempTree {
public:
  TempTree() {
    std::random_device device;
    const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
    m_root = std::filesystem::temp_directory_path() /
             ("pgadvise-drizzle-" + std::to_string(stamp) + "-" + std::to_string(device()));
    std::filesystem::create_directories(m_root);
  }
  ~TempTree() {
    std::error_code ec;
    std::filesystem::remove_all(m_root, ec);
  }
  TempTree(const TempTree&) = delete;
  TempTree& operator=(const TempTree&) = delete;
  TempTree(TempTree&&) = delete;
  TempTree& operator=(TempTree&&) = delete;

  [[nodiscard]] const std::filesystem::path& root() const { return m_root; }

  std::filesystem::path write(std::string_view relative, std::string_view content) const {
    const std::filesystem::path file = m_root / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << content;
    return file;
  }

  std::filesystem::path copy(const std::filesystem::path& from, std::string_view relative) const {
    const std::filesystem::path to = m_root / relative;
    std::filesystem::create_directories(to.parent_path());
    std::filesystem::copy(from, to, std::filesystem::copy_options::recursive);
    return to;
  }

private:
  std::filesystem::path m_root;
};

} // namespace pgadvise::test
