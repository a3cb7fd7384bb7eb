#include "rules/registry.hpp"

namespace pgadvise::rules {

#define PGADVISE_RULE(name) std::unique_ptr<engine::Rule> make_##name();
#include "rules/registry.inc"
#undef PGADVISE_RULE

const std::vector<std::unique_ptr<engine::Rule>>& all_rules() {
  static const std::vector<std::unique_ptr<engine::Rule>> k_rules = [] {
    std::vector<std::unique_ptr<engine::Rule>> rules;
#define PGADVISE_RULE(name) rules.push_back(make_##name());
#include "rules/registry.inc"
#undef PGADVISE_RULE
    return rules;
  }();
  return k_rules;
}

const engine::Rule* find_rule(std::string_view id) {
  for (const auto& rule : all_rules()) {
    if (rule->meta().id == id) {
      return rule.get();
    }
  }
  return nullptr;
}

std::vector<const engine::Rule*> rule_set() {
  std::vector<const engine::Rule*> rules;
  for (const auto& rule : all_rules()) {
    rules.push_back(rule.get());
  }
  return rules;
}

} // namespace pgadvise::rules
