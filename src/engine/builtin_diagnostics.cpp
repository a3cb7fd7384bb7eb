#include "engine/builtin_diagnostics.hpp"

namespace pgadvise::engine {

const std::vector<BuiltinDiagnostic>& builtin_diagnostics() {
  static const std::vector<BuiltinDiagnostic> k_diagnostics = {
      {k_lock_observed,
       "lint --verify-locks saw a migration statement take ACCESS EXCLUSIVE on an existing table that no "
       "rule judged",
       core::Severity::medium},
      {k_parse_error, "A statement or input line could not be parsed; the rest of the input was still read",
       core::Severity::high},
      {k_replay_warning, "A migration refers to an object that does not exist at that point of the replay",
       core::Severity::medium},
      {k_unused_suppression,
       "A pgadvise-ignore comment silences nothing: the problem is gone or the rule id is wrong",
       core::Severity::low},
  };
  return k_diagnostics;
}

const BuiltinDiagnostic* find_builtin(std::string_view id) {
  for (const BuiltinDiagnostic& diagnostic : builtin_diagnostics()) {
    if (diagnostic.id == id) {
      return &diagnostic;
    }
  }
  return nullptr;
}

} // namespace pgadvise::engine
