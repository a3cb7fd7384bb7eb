#pragma once

#include "core/severity.hpp"

#include <string_view>
#include <vector>

namespace pgadvise::engine {

// The built-in diagnostics' ids, for the code that emits them. Loaders sit
// below the engine and spell parse-error and replay-warning in
// loaders/schema_load.hpp (tests/engine/builtin_diagnostics_test.cpp holds
// the two spellings together).
inline constexpr std::string_view k_lock_observed = "lock-observed";
inline constexpr std::string_view k_parse_error = "parse-error";
inline constexpr std::string_view k_replay_warning = "replay-warning";
inline constexpr std::string_view k_unused_suppression = "unused-suppression";

// Findings the loaders emit themselves (not Rule objects) but that users can
// still filter, suppress and read a page for.
struct BuiltinDiagnostic {
  std::string_view id;
  std::string_view summary;
  core::Severity severity;
};
const std::vector<BuiltinDiagnostic>& builtin_diagnostics();

// The built-in diagnostic `id`, or null when it names none.
const BuiltinDiagnostic* find_builtin(std::string_view id);

} // namespace pgadvise::engine
