#include "core/json_string.hpp"

namespace pgadvise::core {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr std::string_view k_hex = "0123456789abcdef";
  out += '"';
  std::size_t run = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20) {
      continue;
    }
    out.append(text.substr(run, i - run));
    run = i + 1;
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\b': out += "\\b"; break;
    case '\f': out += "\\f"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default: {
      const auto byte = static_cast<unsigned char>(c);
      out += "\\u00";
      out += k_hex[static_cast<std::size_t>(byte >> 4U)];
      out += k_hex[static_cast<std::size_t>(byte & 0xFU)];
    }
    }
  }
  out.append(text.substr(run));
  out += '"';
}

std::string quote_json_string(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  append_json_string(out, text);
  return out;
}

} // namespace pgadvise::core
