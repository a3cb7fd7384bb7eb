#include "loaders/sql/statement_split.hpp"

#include "pg/parser.hpp"

#include <algorithm>

namespace pgadvise::loaders::replay {

namespace {

// Appends libpg_query's split of the whole `text` to `out`, a piece at a
// time; false where it fails on the whole text. The scanner ends a statement at a ';' outside
// parentheses after a keyword, and is then as it was at the start of its
// input: so splitting from the start of a statement it found gives the
// statements the whole text has there. Each piece's last statement may be
// cut by the piece's end: it is dropped and starts the next piece. A piece
// that yields fewer than two statements, or fails (its end cuts a quote or a
// comment), is retried twice as long, up to the rest of the text.
bool split_in_pieces(std::string_view text, std::size_t piece_bytes, std::vector<TextSpan>* out) {
  const std::size_t first_length = std::max<std::size_t>(piece_bytes, 1);
  std::size_t start = 0;
  std::size_t length = first_length;
  while (start < text.size()) {
    const std::string_view rest = text.substr(start);
    const bool whole = length >= rest.size();
    const auto spans = pg::split(whole ? rest : rest.substr(0, length));
    if (!whole && (!spans || spans->size() < 2)) {
      length = length > rest.size() / 2 ? rest.size() : length * 2;
      continue;
    }
    if (!spans) {
      return false;
    }
    const std::size_t kept = whole ? spans->size() : spans->size() - 1;
    for (std::size_t i = 0; i < kept; ++i) {
      out->push_back({start + (*spans)[i].offset, (*spans)[i].length});
    }
    if (whole) {
      break;
    }
    start += spans->back().offset;
    length = first_length;
  }
  return true;
}

} // namespace

std::vector<TextSpan> split_statements(std::string_view text, std::size_t piece_bytes) {
  std::vector<TextSpan> out;
  std::size_t covered = 0;
  if (split_in_pieces(text, piece_bytes, &out)) {
    if (!out.empty()) {
      covered = out.back().offset + out.back().length;
    }
  } else {
    out.clear();
  }
  for (const TextSpan& rest : split_at_semicolons(text.substr(covered))) {
    out.push_back({covered + rest.offset, rest.length});
  }
  return out;
}

} // namespace pgadvise::loaders::replay
