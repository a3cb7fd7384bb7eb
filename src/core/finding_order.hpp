#pragma once

#include "core/finding.hpp"

#include <algorithm>
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

// The order sort_findings() puts `count` items in (order[i]: the position
// of the item that goes to i), weights aside, or nullopt when they are in it
// already. compare(a, b): below, at or above zero as item a sorts before,
// with or after item b on everything but the object; `object_of(i)`: item
// i's object text, asked only for items tied on the rest.
template <class Compare>
std::optional<std::vector<std::size_t>>
sort_order_by(std::size_t count, Compare compare, const std::function<std::string(std::size_t)>& object_of) {
  bool sorted = true;
  for (std::size_t i = 1; i < count && sorted; ++i) {
    const int c = compare(i - 1, i);
    sorted = c < 0 || (c == 0 && !(object_of(i) < object_of(i - 1)));
  }
  if (sorted) {
    return std::nullopt; // a list sorted already (the lens sorts what the engine sorted) stays as it is
  }
  std::vector<std::size_t> order(count);
  for (std::size_t i = 0; i < count; ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return compare(a, b) < 0; });
  // Within each run of tied items, by object text, stably: the same order
  // as one stable sort by key and object.
  for (std::size_t start = 0; start < count;) {
    std::size_t end = start + 1;
    while (end < count && compare(order[start], order[end]) == 0) {
      ++end;
    }
    if (end - start > 1) {
      std::vector<std::string> objects(end - start);
      std::vector<std::size_t> slot(end - start);
      for (std::size_t i = start; i < end; ++i) {
        objects[i - start] = object_of(order[i]);
        slot[i - start] = i - start;
      }
      std::stable_sort(slot.begin(), slot.end(),
                       [&](std::size_t a, std::size_t b) { return objects[a] < objects[b]; });
      std::vector<std::size_t> run(end - start);
      for (std::size_t i = 0; i < run.size(); ++i) {
        run[i] = order[start + slot[i]];
      }
      std::copy(run.begin(), run.end(), order.begin() + static_cast<std::ptrdiff_t>(start));
    }
    start = end;
  }
  return order;
}

// sort_order_by() over keys made beforehand.
std::optional<std::vector<std::size_t>> sort_order(const std::vector<SortKey>& keys,
                                                   const std::function<std::string(std::size_t)>& object_of);

// Puts `items` in the order `order` names, in place: items[i] becomes the
// item that was at order[i]. `order` names each position at most once and
// may leave some out, which go. No second vector of items is made (at
// 450,000 findings a copy of their records alone is 14 MB): the kept items
// are first moved down in their old order, then each cycle of what is left
// of the permutation is followed, so each item moves at most twice.
template <class Items> void select_in_place(Items& items, const std::vector<std::size_t>& order) {
  using Item = typename Items::value_type;
  const std::size_t kept = order.size();
  bool increasing = true;
  for (std::size_t i = 1; i < kept && increasing; ++i) {
    increasing = order[i - 1] < order[i];
  }
  if (increasing) { // a subsequence (what remove_if keeps): moved down, nothing else
    for (std::size_t i = 0; i < kept; ++i) {
      if (order[i] != i) {
        items[i] = std::move(items[order[i]]);
      }
    }
    items.erase(items.begin() + static_cast<std::ptrdiff_t>(kept), items.end());
    return;
  }
  std::vector<bool> named(items.size(), false);
  for (std::size_t i : order) {
    named[i] = true;
  }
  std::vector<std::size_t> moved_to(items.size(), 0); // where a kept item went when moved down
  std::size_t next = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (named[i]) {
      if (i != next) {
        items[next] = std::move(items[i]);
      }
      moved_to[i] = next++;
    }
  }
  items.erase(items.begin() + static_cast<std::ptrdiff_t>(kept), items.end());
  std::vector<std::size_t> from(kept);
  for (std::size_t i = 0; i < kept; ++i) {
    from[i] = moved_to[order[i]];
  }
  std::vector<std::size_t>().swap(moved_to);
  std::vector<bool> placed(kept, false);
  for (std::size_t start = 0; start < kept; ++start) {
    if (placed[start] || from[start] == start) {
      continue;
    }
    Item held = std::move(items[start]);
    std::size_t at = start;
    while (from[at] != start) {
      items[at] = std::move(items[from[at]]);
      placed[at] = true;
      at = from[at];
    }
    items[at] = std::move(held);
    placed[at] = true;
  }
}

} // namespace pgadvise::core
