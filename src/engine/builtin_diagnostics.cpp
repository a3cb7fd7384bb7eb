#include "engine/builtin_diagnostics.hpp"

namespace pgadvise::engine {

const std::vector<BuiltinDiagnostic>& builtin_diagnostics() {
  static const std::vector<BuiltinDiagnostic> k_diagnostics = {
      {"lock-observed",
       "lint --verify-locks saw a migration statement take ACCESS EXCLUSIVE on an existing table that no "
       "rule judged",
       core::Severity::medium},
      {"parse-error", "A statement or input line could not be parsed; the rest of the input was still read",
       core::Severity::high},
      {"replay-warning", "A migration refers to an object that does not exist at that point of the replay",
       core::Severity::medium},
      {"unused-suppression",
       "A pgadvise-ignore comment silences nothing: the problem is gone or the rule id is wrong",
       core::Severity::low},
  };
  return k_diagnostics;
}

} // namespace pgadvise::engine
