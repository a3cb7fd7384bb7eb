#include "core/text_edit.hpp"

#include <algorithm>

namespace pgadvise::core {

Result<std::string> apply_edits(std::string_view source, std::vector<TextEdit> edits) {
  std::stable_sort(edits.begin(), edits.end(),
                   [](const TextEdit& a, const TextEdit& b) { return a.offset < b.offset; });
  std::string out;
  out.reserve(source.size());
  std::size_t at = 0;
  for (const TextEdit& edit : edits) {
    if (edit.offset < at || edit.offset + edit.length > source.size()) {
      return Error("two edits overlap at byte " + std::to_string(edit.offset));
    }
    out.append(source.substr(at, edit.offset - at));
    out.append(edit.text);
    at = edit.offset + edit.length;
  }
  out.append(source.substr(at));
  return out;
}

namespace {

// Lines with their line breaks, so a missing final newline shows.
std::vector<std::string_view> lines_of(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end + 1;
    lines.push_back(text.substr(start, stop - start));
    start = stop;
  }
  return lines;
}

enum class Op { keep, remove, add };

// The edit script between the changed middles of two files (common head and
// tail already cut), by longest common subsequence. Fixes change a few
// lines of a file, so the middle is small.
std::vector<Op> edit_script(const std::vector<std::string_view>& a, const std::vector<std::string_view>& b) {
  const std::size_t n = a.size();
  const std::size_t m = b.size();
  std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
  for (std::size_t i = n; i-- > 0;) {
    for (std::size_t j = m; j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::vector<Op> ops;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] == b[j]) {
      ops.push_back(Op::keep);
      ++i;
      ++j;
    } else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1])) {
      ops.push_back(Op::remove); // removed lines first, as diff -u shows them
      ++i;
    } else {
      ops.push_back(Op::add);
      ++j;
    }
  }
  return ops;
}

std::string range(std::size_t start, std::size_t count) {
  // diff -u numbers an empty range by the line before it.
  const std::size_t first = count == 0 ? start : start + 1;
  return count == 1 ? std::to_string(first) : std::to_string(first) + "," + std::to_string(count);
}

void add_line(std::string& out, char mark, std::string_view line) {
  out += mark;
  out.append(line);
  if (line.empty() || line.back() != '\n') {
    out += "\n\\ No newline at end of file\n";
  }
}

} // namespace

std::string unified_diff(std::string_view label, std::string_view before, std::string_view after,
                         bool new_file, std::size_t context) {
  if (before == after && !new_file) {
    return {};
  }
  const std::vector<std::string_view> a = lines_of(before);
  const std::vector<std::string_view> b = lines_of(after);
  std::size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) {
    ++head;
  }
  std::size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  std::vector<Op> ops(head, Op::keep);
  const std::vector<Op> middle = edit_script(
      {a.begin() + static_cast<std::ptrdiff_t>(head), a.end() - static_cast<std::ptrdiff_t>(tail)},
      {b.begin() + static_cast<std::ptrdiff_t>(head), b.end() - static_cast<std::ptrdiff_t>(tail)});
  ops.insert(ops.end(), middle.begin(), middle.end());
  ops.insert(ops.end(), tail, Op::keep);

  std::string out = std::string(new_file ? "--- /dev/null" : "--- a/" + std::string(label)) + "\n+++ b/" +
                    std::string(label) + "\n";
  // Hunks: runs of changes with up to 2*context kept lines between them.
  std::size_t k = 0;
  while (k < ops.size()) {
    while (k < ops.size() && ops[k] == Op::keep) {
      ++k;
    }
    if (k == ops.size()) {
      break;
    }
    std::size_t end = k;
    std::size_t last_change = k;
    while (end < ops.size()) {
      if (ops[end] != Op::keep) {
        last_change = end;
      } else if (end - last_change > 2 * context) {
        break;
      }
      ++end;
    }
    const std::size_t start = k >= context ? k - context : 0;
    const std::size_t stop = std::min(ops.size(), last_change + 1 + context);
    // Line positions of `start` in each file.
    std::size_t ai = 0;
    std::size_t bi = 0;
    for (std::size_t p = 0; p < start; ++p) {
      ai += ops[p] != Op::add ? 1U : 0U;
      bi += ops[p] != Op::remove ? 1U : 0U;
    }
    std::size_t a_count = 0;
    std::size_t b_count = 0;
    std::string body;
    std::size_t x = ai;
    std::size_t y = bi;
    for (std::size_t p = start; p < stop; ++p) {
      if (ops[p] == Op::keep) {
        add_line(body, ' ', a[x++]);
        ++y;
        ++a_count;
        ++b_count;
      } else if (ops[p] == Op::remove) {
        add_line(body, '-', a[x++]);
        ++a_count;
      } else {
        add_line(body, '+', b[y++]);
        ++b_count;
      }
    }
    out += "@@ -" + range(ai, a_count) + " +" + range(bi, b_count) + " @@\n" + body;
    k = stop;
  }
  return out;
}

} // namespace pgadvise::core
