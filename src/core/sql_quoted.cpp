#include "core/sql_quoted.hpp"

namespace pgadvise::core {

std::size_t sql_quoted_end(std::string_view text, std::size_t open, bool backslash_escapes) {
  const char quote = text[open];
  std::size_t i = open + 1;
  while (i < text.size()) {
    if (backslash_escapes && text[i] == '\\') {
      i += 2;
      continue;
    }
    if (text[i] == quote) {
      if (i + 1 < text.size() && text[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return text.size();
}

} // namespace pgadvise::core
