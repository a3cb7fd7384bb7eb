#pragma once

#include "core/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Ranged text edits, applied together (the model is ESLint's fixer: each
// fix is a set of edits that never overlap, so fixes made independently of
// each other combine), and the unified diff `pgadvise fix` prints.
namespace pgadvise::core {

struct TextEdit {
  std::size_t offset = 0; // byte offset of the replaced range
  std::size_t length = 0; // bytes replaced (0: an insertion)
  std::string text;       // what goes there
};

// `source` with every edit applied. Insertions at the same offset keep
// their order in `edits`. Two edits whose ranges overlap, or one that runs
// past the end, are an error: two fixes wanted the same text.
Result<std::string> apply_edits(std::string_view source, std::vector<TextEdit> edits);

// A unified diff (the `diff -u` / `git diff` form) from `before` to
// `after`, under `--- a/<label>` and `+++ b/<label>`, with `context` lines
// around each change; empty when the texts are equal. A file that did not
// exist is `before` empty with `new_file` set (`--- /dev/null`).
std::string unified_diff(std::string_view label, std::string_view before, std::string_view after,
                         bool new_file = false, std::size_t context = 3);

} // namespace pgadvise::core
