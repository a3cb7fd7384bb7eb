#pragma once

#include "core/text_edit.hpp"

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

// Texts as the Language Server Protocol addresses them: documents by
// `file://` URI, places by 0-based line and character, the character
// counted in the negotiated position encoding (UTF-16 code units unless the
// client offered UTF-8 bytes).
namespace pgadvise::app::lsp {

enum class PositionEncoding { utf16, utf8 };

struct Position {
  int line = 0;
  int character = 0;
  bool operator==(const Position&) const = default;
};

struct Range {
  Position start;
  Position end;
};

// The local path of a `file://` URI (percent escapes decoded); nullopt for
// any other scheme.
std::optional<std::filesystem::path> uri_to_path(std::string_view uri);
// The `file://` URI of an absolute path, escaped as VS Code escapes it.
std::string path_to_uri(const std::filesystem::path& path);

// A text's lines, to turn byte offsets into positions and back.
class LineMap {
public:
  explicit LineMap(std::string_view text);
  // The byte offset of a position; a character past the line's end is its
  // end, a line past the last is the text's end (as the protocol asks).
  [[nodiscard]] std::size_t offset(Position position, PositionEncoding encoding) const;
  [[nodiscard]] Position position(std::size_t offset, PositionEncoding encoding) const;
  // The bytes of 0-based `line` without its line break.
  [[nodiscard]] std::string_view line_text(int line) const;
  [[nodiscard]] int line_count() const { return static_cast<int>(m_starts.size()); }
  [[nodiscard]] std::size_t line_start(int line) const;

private:
  std::string_view m_text;
  std::vector<std::size_t> m_starts;
};

// The edits that turn `before` into `after`, line by line: the lines each
// run of changes replaces, so an import added at the top and an entry at
// the bottom are two small edits, not one over the whole file.
std::vector<core::TextEdit> line_edits(std::string_view before, std::string_view after);

} // namespace pgadvise::app::lsp
