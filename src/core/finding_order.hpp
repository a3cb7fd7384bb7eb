#pragma once

#include "core/finding.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::core {

// Puts findings in the order `order` gives: the finding at position i
// becomes the one that was at order[i]. `order` is a permutation of
// 0..size-1. Sorting indexes and then calling this moves each finding once
// (a finding is 560 bytes; sorting them in place moves each many times).
void reorder_findings(std::vector<Finding>& findings, const std::vector<std::size_t>& order);

// What findings are sorted by, object aside: 32 bytes a finding. The
// object's text ("schema.table(col, ...) constraint") is built only for
// findings tied on all of this (at 100,000 tables almost none are), instead
// of for each of 450,000 findings beside the findings themselves.
struct SortKey {
  int severity; // negated: most severe first
  int line;
  int column;
  const std::string* file;
  const std::string* rule;

  [[nodiscard]] int compare(const SortKey& other) const {
    if (severity != other.severity) {
      return severity < other.severity ? -1 : 1;
    }
    if (const int c = file->compare(*other.file); c != 0) {
      return c;
    }
    if (line != other.line) {
      return line < other.line ? -1 : 1;
    }
    if (column != other.column) {
      return column < other.column ? -1 : 1;
    }
    return rule->compare(*other.rule);
  }
};

// The order sort_findings() puts the findings of `keys` in (order[i]: the
// position of the finding that goes to i), weights aside, or nullopt when
// they are in it already. `object_of(i)`: finding i's object text, asked
// only for findings tied on their keys.
std::optional<std::vector<std::size_t>> sort_order(const std::vector<SortKey>& keys,
                                                   const std::function<std::string(std::size_t)>& object_of);

} // namespace pgadvise::core
