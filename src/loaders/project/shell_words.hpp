#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Shell words, by hand: pgadvise follows `npm run x && sh -c '...'` without
// running a shell, and no Debian library splits POSIX shell text. Quotes,
// backslashes and `$(...)`/backtick substitutions (kept whole, as one opaque
// word) are understood; expansions are not performed.
namespace pgadvise::loaders {

// A simple command: its words (quotes removed) and its span in the source.
struct Segment {
  std::vector<std::string> words;
  std::size_t begin = 0;
  std::size_t end = 0;
  std::string op; // what ended it: "&&", "||", ";", ";;", "|", "&", "(", ")", "\n"; "" at the end
};

// Splits a command line into simple commands on unquoted && || ; ;; | & ( )
// and newlines, dropping `# comments`. Empty commands are dropped, except one
// ended by `;;` (a `case` branch's end).
std::vector<Segment> split_segments(std::string_view text);

} // namespace pgadvise::loaders
