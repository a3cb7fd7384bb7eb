#include "core/whitespace.hpp"

#include <algorithm>

namespace pgadvise::core {

std::string collapse_whitespace(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max == std::string_view::npos ? text.size() : max + 3));
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
    if (out.size() >= max) {
      std::size_t cut = out.size();
      // Do not split a UTF-8 sequence: back up to a lead byte.
      while (cut > 0 && (static_cast<unsigned char>(out[cut - 1]) & 0xC0U) == 0x80U) {
        --cut;
      }
      if (cut > 0 && (static_cast<unsigned char>(out[cut - 1]) & 0x80U) != 0) {
        --cut;
      }
      out.resize(cut);
      out += "...";
      return out;
    }
  }
  return out;
}

} // namespace pgadvise::core
