#include "loaders/project/query_call_files.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders::scan {

namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
}

bool space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

bool query_source_file(std::string_view file) {
  static constexpr std::array<std::string_view, 8> k_ext = {".ts", ".tsx", ".mts", ".cts",
                                                            ".js", ".jsx", ".mjs", ".cjs"};
  if (file.size() > 5 && file.substr(file.size() - 5) == ".d.ts") {
    return false;
  }
  return std::any_of(k_ext.begin(), k_ext.end(), [&](std::string_view ext) {
    return file.size() > ext.size() && file.substr(file.size() - ext.size()) == ext;
  });
}

bool drizzle_specifier(std::string_view specifier) {
  constexpr std::string_view k_name = "drizzle-orm";
  return specifier.substr(0, k_name.size()) == k_name &&
         (specifier.size() == k_name.size() || specifier[k_name.size()] == '/');
}

std::vector<std::string_view> import_specifiers(std::string_view text) {
  std::vector<std::string_view> out;
  // The last word read and whether a `(` followed it: a string after
  // `from`, `import`, `import(` or `require(` is a specifier.
  std::string_view word;
  bool call = false;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    const char c = text[i];
    if (c == '/' && i + 1 < n && text[i + 1] == '/') {
      const std::size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? n : end;
      continue;
    }
    if (c == '/' && i + 1 < n && text[i + 1] == '*') {
      const std::size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? n : end + 2;
      continue;
    }
    if (c == '"' || c == '\'' || c == '`') {
      // A quoted string ends at its line; a template may span lines.
      std::size_t j = i + 1;
      while (j < n && text[j] != c && (c == '`' || text[j] != '\n')) {
        j += text[j] == '\\' ? 2U : 1U;
      }
      const bool wanted = word == "from" || (word == "import" && c != '`') || (call && word == "require");
      if (wanted && j < n && text[j] == c && c != '`') {
        out.push_back(text.substr(i + 1, j - i - 1));
      }
      word = {};
      call = false;
      i = std::min(n, j + 1);
      continue;
    }
    if (word_char(c)) {
      std::size_t j = i;
      while (j < n && word_char(text[j])) {
        ++j;
      }
      word = text.substr(i, j - i);
      call = false;
      i = j;
      continue;
    }
    if (space(c)) {
      ++i;
      continue;
    }
    if (c == '(' && !call && (word == "import" || word == "require")) {
      call = true;
      ++i;
      continue;
    }
    word = {};
    call = false;
    ++i;
  }
  return out;
}

} // namespace pgadvise::loaders::scan
