#pragma once

#include "core/severity.hpp"

#include <string_view>
#include <vector>

namespace pgadvise::engine {

// Findings the loaders emit themselves (not Rule objects) but that users can
// still filter, suppress and read a page for.
struct BuiltinDiagnostic {
  std::string_view id;
  std::string_view summary;
  core::Severity severity;
};
const std::vector<BuiltinDiagnostic>& builtin_diagnostics();

} // namespace pgadvise::engine
