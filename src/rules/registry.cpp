#include "engine/registry.hpp"

#include <algorithm>

namespace pgadvise::rules {
#define PGADVISE_RULE(name) std::unique_ptr<engine::Rule> make_##name();
#include "rules/registry.inc"
#undef PGADVISE_RULE
} // namespace pgadvise::rules

namespace pgadvise::engine {

const std::vector<std::unique_ptr<Rule>>& all_rules() {
  static const std::vector<std::unique_ptr<Rule>> k_rules = [] {
    std::vector<std::unique_ptr<Rule>> rules;
#define PGADVISE_RULE(name) rules.push_back(pgadvise::rules::make_##name());
#include "rules/registry.inc"
#undef PGADVISE_RULE
    return rules;
  }();
  return k_rules;
}

const Rule* find_rule(std::string_view id) {
  for (const auto& rule : all_rules()) {
    if (rule->meta().id == id) {
      return rule.get();
    }
  }
  return nullptr;
}

const std::vector<BuiltinDiagnostic>& builtin_diagnostics() {
  static const std::vector<BuiltinDiagnostic> k_diagnostics = {
      {"parse-error", "A statement or input line could not be parsed; the rest of the input was still read",
       core::Severity::high},
      {"replay-warning", "A migration refers to an object that does not exist at that point of the replay",
       core::Severity::medium},
  };
  return k_diagnostics;
}

} // namespace pgadvise::engine
