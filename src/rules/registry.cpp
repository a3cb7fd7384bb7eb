#include "rules/registry.hpp"

#include <unordered_map>

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
  // Hashed: the passes over all findings look up each finding's rule, and a
  // big schema has 450,000 findings.
  static const std::unordered_map<std::string_view, const engine::Rule*> k_by_id = [] {
    std::unordered_map<std::string_view, const engine::Rule*> by_id;
    for (const auto& rule : all_rules()) {
      by_id.emplace(rule->meta().id, rule.get()); // the first of a repeated id, as a scan found it
    }
    return by_id;
  }();
  const auto it = k_by_id.find(id);
  return it == k_by_id.end() ? nullptr : it->second;
}

std::vector<const engine::Rule*> rule_set() {
  std::vector<const engine::Rule*> rules;
  for (const auto& rule : all_rules()) {
    rules.push_back(rule.get());
  }
  return rules;
}

} // namespace pgadvise::rules
