#pragma once

// Helpers for the drizzle snapshot / discovery tests: fixture paths and the
// line a text appears on (so expected locations come from the fixture
// itself, not from the code under test).

#include "support/files.hpp"

#include <filesystem>
#include <string>
#include <string_view>

namespace pgadvise::test {

inline std::filesystem::path fixture(std::string_view relative) {
  return std::filesystem::path(PGADVISE_SOURCE_DIR) / "fixtures" / relative;
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

} // namespace pgadvise::test
