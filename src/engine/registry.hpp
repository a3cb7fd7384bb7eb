#pragma once

#include <memory>
#include <string_view>
#include <vector>

#include "engine/rule.hpp"

namespace pgadvise::engine {

// Every rule, sorted by id. Defined in rules/registry.cpp.
const std::vector<std::unique_ptr<Rule>>& all_rules();
const Rule* find_rule(std::string_view id);

// Findings the loaders emit themselves (not Rule objects) but that users can
// still filter, suppress and read a page for.
struct BuiltinDiagnostic {
  std::string_view id;
  std::string_view summary;
  core::Severity severity;
};
const std::vector<BuiltinDiagnostic>& builtin_diagnostics();

} // namespace pgadvise::engine
