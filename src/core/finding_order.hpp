#pragma once

#include "core/finding.hpp"

#include <cstddef>
#include <vector>

namespace pgadvise::core {

// Puts findings in the order `order` gives: the finding at position i
// becomes the one that was at order[i]. `order` is a permutation of
// 0..size-1. Sorting indexes and then calling this moves each finding once
// (a finding is 560 bytes; sorting them in place moves each many times).
void reorder_findings(std::vector<Finding>& findings, const std::vector<std::size_t>& order);

} // namespace pgadvise::core
