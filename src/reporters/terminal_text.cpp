#include "reporters/terminal_text.hpp"

#include "core/text.hpp"

#include <array>
#include <vector>

namespace pgadvise::reporters {

namespace {

void append_hex_escape(std::string& out, unsigned char byte) {
  constexpr std::array<char, 16> k_digits = {'0', '1', '2', '3', '4', '5', '6', '7',
                                             '8', '9', 'a', 'b', 'c', 'd', 'e', 'f'};
  out += "\\x";
  out += k_digits[byte >> 4U];
  out += k_digits[byte & 0x0FU];
}

bool is_continuation(unsigned char byte) {
  return (byte & 0xC0U) == 0x80U;
}

std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t pos = 0;
  while (pos < line.size()) {
    const std::size_t start = line.find_first_not_of(' ', pos);
    if (start == std::string_view::npos) {
      break;
    }
    const std::size_t end = line.find(' ', start);
    words.push_back(line.substr(start, end == std::string_view::npos ? end : end - start));
    pos = end;
  }
  return words;
}

} // namespace

std::string sanitize_for_terminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte == '\n') {
      out += '\n';
    } else if (byte == '\t') {
      out += "  ";
    } else if (byte < 0x20U || byte == 0x7FU) {
      append_hex_escape(out, byte);
    } else if (byte == 0xC2U && i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80U &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9FU) {
      // U+0080..U+009F: the C1 controls (U+009B is a one-byte CSI).
      append_hex_escape(out, byte);
      append_hex_escape(out, static_cast<unsigned char>(text[++i]));
    } else {
      out += static_cast<char>(byte);
    }
  }
  return out;
}

std::size_t display_width(std::string_view text) {
  std::size_t width = 0;
  for (char c : text) {
    if (!is_continuation(static_cast<unsigned char>(c))) {
      ++width;
    }
  }
  return width;
}

std::string wrap(std::string_view text, std::size_t width, std::size_t first_column,
                 std::string_view indent) {
  std::string out;
  std::size_t column = first_column;
  bool line_empty = true;
  const auto new_line = [&] {
    out += '\n';
    out += indent;
    column = display_width(indent);
    line_empty = true;
  };
  bool first_paragraph = true;
  for (const std::string& paragraph : core::split(text, '\n')) {
    if (!first_paragraph) {
      new_line();
    }
    first_paragraph = false;
    for (std::string_view word : words_of(paragraph)) {
      const std::size_t word_width = display_width(word);
      if (!line_empty && column + 1 + word_width > width) {
        new_line();
      }
      if (!line_empty) {
        out += ' ';
        ++column;
      }
      out += word;
      column += word_width;
      line_empty = false;
    }
  }
  return out;
}

} // namespace pgadvise::reporters
