#include "app/lsp/lsp_text.hpp"

#include "core/text.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <cstdint>

namespace pgadvise::app::lsp {

namespace fs = std::filesystem;

namespace {

using core::hex_value;

std::string percent_decode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

// UTF-16 code units of the character starting at `pos` (an invalid byte
// counts as one unit, as a replacement character would).
std::size_t utf16_units(std::string_view text, std::size_t pos, std::size_t& bytes) {
  bytes = core::utf8::sequence_length(text, pos);
  if (bytes == 0) {
    bytes = 1;
    return 1;
  }
  return bytes == 4 ? 2 : 1;
}

} // namespace

std::optional<fs::path> uri_to_path(std::string_view uri) {
  constexpr std::string_view k_scheme = "file://";
  if (uri.size() < k_scheme.size() ||
      !std::equal(k_scheme.begin(), k_scheme.end(), uri.begin(), [](char a, char b) {
        return a == (b >= 'A' && b <= 'Z' ? static_cast<char>(b - 'A' + 'a') : b);
      })) {
    return std::nullopt;
  }
  std::string_view rest = uri.substr(k_scheme.size());
  // file://host/path: only the local host is a path here.
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view host = rest.substr(0, slash);
  if (!host.empty() && host != "localhost") {
    return std::nullopt;
  }
  rest = rest.substr(slash);
  if (const std::size_t query = rest.find_first_of("?#"); query != std::string_view::npos) {
    rest = rest.substr(0, query);
  }
  return fs::path(percent_decode(rest)).lexically_normal();
}

std::string path_to_uri(const fs::path& path) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (const char c : path.generic_string()) {
    const auto byte = static_cast<unsigned char>(c);
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4];
      out += k_hex[byte & 15];
    }
  }
  return out;
}

LineMap::LineMap(std::string_view text) : m_text(text) {
  m_starts.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    // A line ends at \n, or at a \r not followed by one (the protocol's three line breaks).
    const bool lone_return = text[i] == '\r' && (i + 1 >= text.size() || text[i + 1] != '\n');
    if (text[i] == '\n' || lone_return) {
      m_starts.push_back(i + 1);
    }
  }
}

std::size_t LineMap::line_start(int line) const {
  if (line < 0) {
    return 0;
  }
  if (static_cast<std::size_t>(line) >= m_starts.size()) {
    return m_text.size();
  }
  return m_starts[static_cast<std::size_t>(line)];
}

std::string_view LineMap::line_text(int line) const {
  if (line < 0 || static_cast<std::size_t>(line) >= m_starts.size()) {
    return {};
  }
  const std::size_t start = m_starts[static_cast<std::size_t>(line)];
  std::size_t end = static_cast<std::size_t>(line) + 1 < m_starts.size()
                        ? m_starts[static_cast<std::size_t>(line) + 1]
                        : m_text.size();
  while (end > start && (m_text[end - 1] == '\n' || m_text[end - 1] == '\r')) {
    --end;
  }
  return m_text.substr(start, end - start);
}

std::size_t LineMap::offset(Position position, PositionEncoding encoding) const {
  if (position.line < 0) {
    return 0;
  }
  if (static_cast<std::size_t>(position.line) >= m_starts.size()) {
    return m_text.size();
  }
  const std::size_t start = line_start(position.line);
  const std::string_view line = line_text(position.line);
  const std::size_t want = static_cast<std::size_t>(std::max(0, position.character));
  if (encoding == PositionEncoding::utf8) {
    return start + std::min(want, line.size());
  }
  std::size_t units = 0;
  std::size_t pos = 0;
  while (pos < line.size() && units < want) {
    std::size_t bytes = 0;
    units += utf16_units(line, pos, bytes);
    pos += bytes;
  }
  return start + std::min(pos, line.size());
}

Position LineMap::position(std::size_t offset, PositionEncoding encoding) const {
  offset = std::min(offset, m_text.size());
  const auto after = std::upper_bound(m_starts.begin(), m_starts.end(), offset);
  const int line = static_cast<int>(after - m_starts.begin()) - 1;
  const std::string_view text = line_text(line);
  const std::size_t column = std::min(offset - line_start(line), text.size());
  if (encoding == PositionEncoding::utf8) {
    return {line, static_cast<int>(column)};
  }
  std::size_t units = 0;
  std::size_t pos = 0;
  while (pos < column) {
    std::size_t bytes = 0;
    units += utf16_units(text, pos, bytes);
    pos += bytes;
  }
  return {line, static_cast<int>(units)};
}

namespace {

struct Lines {
  std::vector<std::string_view> lines; // each with its line break
  std::vector<std::size_t> offsets;    // where each starts
};

Lines split_lines(std::string_view text) {
  Lines out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    end = end == std::string_view::npos ? text.size() : end + 1;
    out.lines.push_back(text.substr(start, end - start));
    out.offsets.push_back(start);
    start = end;
  }
  out.offsets.push_back(text.size());
  return out;
}

} // namespace

std::vector<core::TextEdit> line_edits(std::string_view before, std::string_view after) {
  const Lines a = split_lines(before);
  const Lines b = split_lines(after);
  std::size_t prefix = 0;
  while (prefix < a.lines.size() && prefix < b.lines.size() && a.lines[prefix] == b.lines[prefix]) {
    ++prefix;
  }
  std::size_t suffix = 0;
  while (suffix < a.lines.size() - prefix && suffix < b.lines.size() - prefix &&
         a.lines[a.lines.size() - 1 - suffix] == b.lines[b.lines.size() - 1 - suffix]) {
    ++suffix;
  }
  const std::size_t n = a.lines.size() - prefix - suffix;
  const std::size_t m = b.lines.size() - prefix - suffix;
  if (n == 0 && m == 0) {
    return {};
  }
  // Edit ranges [a_from, a_to) replaced by [b_from, b_to), in lines.
  struct Hunk {
    std::size_t a_from, a_to, b_from, b_to;
  };
  std::vector<Hunk> hunks;
  constexpr std::size_t k_max_cells = std::size_t{4} * 1024 * 1024;
  if (n == 0 || m == 0 || (n + 1) * (m + 1) > k_max_cells) {
    hunks.push_back({prefix, prefix + n, prefix, prefix + m});
  } else {
    // Longest common subsequence of the middle lines, from the end.
    std::vector<std::uint32_t> table((n + 1) * (m + 1), 0);
    const auto at = [&](std::size_t i, std::size_t j) -> std::uint32_t& { return table[i * (m + 1) + j]; };
    for (std::size_t i = n; i-- > 0;) {
      for (std::size_t j = m; j-- > 0;) {
        at(i, j) = a.lines[prefix + i] == b.lines[prefix + j] ? at(i + 1, j + 1) + 1
                                                              : std::max(at(i + 1, j), at(i, j + 1));
      }
    }
    std::size_t i = 0;
    std::size_t j = 0;
    std::optional<Hunk> open;
    const auto close = [&] {
      if (open) {
        open->a_to = prefix + i;
        open->b_to = prefix + j;
        hunks.push_back(*open);
        open.reset();
      }
    };
    while (i < n || j < m) {
      if (i < n && j < m && a.lines[prefix + i] == b.lines[prefix + j]) {
        close();
        ++i;
        ++j;
        continue;
      }
      if (!open) {
        open = Hunk{prefix + i, 0, prefix + j, 0};
      }
      if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
        ++j;
      } else {
        ++i;
      }
    }
    close();
  }
  std::vector<core::TextEdit> edits;
  for (const Hunk& hunk : hunks) {
    core::TextEdit edit;
    edit.offset = a.offsets[hunk.a_from];
    edit.length = a.offsets[hunk.a_to] - a.offsets[hunk.a_from];
    for (std::size_t k = hunk.b_from; k < hunk.b_to; ++k) {
      edit.text += b.lines[k];
    }
    edits.push_back(std::move(edit));
  }
  return edits;
}

} // namespace pgadvise::app::lsp
