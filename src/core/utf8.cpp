#include "core/utf8.hpp"

namespace pgadvise::core::utf8 {

std::size_t sequence_length(std::string_view text, std::size_t pos) {
  const auto byte = [&](std::size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0U; };
  const auto continuation = [&](std::size_t i, unsigned low = 0x80, unsigned high = 0xBF) {
    return byte(i) >= low && byte(i) <= high;
  };
  if (pos >= text.size()) {
    return 0;
  }
  const unsigned lead = byte(pos);
  if (lead < 0x80) {
    return 1;
  }
  if (lead >= 0xC2 && lead <= 0xDF) {
    return continuation(pos + 1) ? 2 : 0;
  }
  if (lead >= 0xE0 && lead <= 0xEF) {
    // E0 needs A0.. (no overlong form), ED stops at 9F (no surrogates).
    const unsigned low = lead == 0xE0 ? 0xA0 : 0x80;
    const unsigned high = lead == 0xED ? 0x9F : 0xBF;
    return continuation(pos + 1, low, high) && continuation(pos + 2) ? 3 : 0;
  }
  if (lead >= 0xF0 && lead <= 0xF4) {
    // F0 needs 90.. (no overlong form), F4 stops at 8F (U+10FFFF).
    const unsigned low = lead == 0xF0 ? 0x90 : 0x80;
    const unsigned high = lead == 0xF4 ? 0x8F : 0xBF;
    return continuation(pos + 1, low, high) && continuation(pos + 2) && continuation(pos + 3) ? 4 : 0;
  }
  return 0;
}

bool valid(std::string_view text) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = sequence_length(text, pos);
    if (length == 0) {
      return false;
    }
    pos += length;
  }
  return true;
}

std::size_t replace_invalid(std::string& text, char replacement) {
  return replace_invalid(std::span<char>(text), replacement);
}

std::size_t replace_invalid(std::span<char> text, char replacement) {
  std::size_t replaced = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t length = sequence_length(std::string_view(text.data(), text.size()), pos);
    if (length == 0) {
      text[pos++] = replacement;
      ++replaced;
    } else {
      pos += length;
    }
  }
  return replaced;
}

void append(std::string& out, std::uint32_t cp) {
  if (cp > 0x10FFFF) {
    cp = 0xFFFD;
  }
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0U | (cp >> 6U));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0U | (cp >> 12U));
    out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  } else {
    out += static_cast<char>(0xF0U | (cp >> 18U));
    out += static_cast<char>(0x80U | ((cp >> 12U) & 0x3FU));
    out += static_cast<char>(0x80U | ((cp >> 6U) & 0x3FU));
    out += static_cast<char>(0x80U | (cp & 0x3FU));
  }
}

} // namespace pgadvise::core::utf8
