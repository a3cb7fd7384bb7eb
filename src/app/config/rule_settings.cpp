#include "app/config/rule_settings.hpp"

#include "core/text.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "rules/registry.hpp"

#include <algorithm>

namespace pgadvise::app {

bool known_rule_id(std::string_view id) {
  return rules::find_rule(id) != nullptr || engine::find_builtin(id) != nullptr;
}

bool rule_has_option(std::string_view id, std::string_view name) {
  const engine::Rule* rule = rules::find_rule(id);
  if (rule == nullptr) {
    return false;
  }
  const auto& options = rule->meta().options;
  return std::any_of(options.begin(), options.end(),
                     [&](const engine::RuleOption& o) { return o.name == name; });
}

std::vector<std::string> rule_option_names(std::string_view id) {
  std::vector<std::string> names;
  if (const engine::Rule* rule = rules::find_rule(id)) {
    for (const engine::RuleOption& option : rule->meta().options) {
      names.emplace_back(option.name);
    }
  }
  return names;
}

core::Result<std::string> parse_rule_id(std::string_view flag, std::string_view text) {
  if (!known_rule_id(text)) {
    return core::Error(std::string(flag) + ": no rule named '" + std::string(text) +
                       "' (see `pgadvise rules`)");
  }
  return std::string(text);
}

std::optional<core::Error> parse_severity_setting(std::string_view text, core::SeverityOverrides& out) {
  const auto eq = text.find('=');
  const std::string id(text.substr(0, eq));
  if (eq == std::string_view::npos || !known_rule_id(id)) {
    return core::Error("--severity: expected RULE=LEVEL with a known rule, got '" + std::string(text) + "'");
  }
  const auto level = core::parse_severity(text.substr(eq + 1));
  if (!level) {
    return core::Error("--severity: unknown severity in '" + std::string(text) +
                       "' (critical, high, medium, low or info)");
  }
  out[id] = *level;
  return std::nullopt;
}

std::optional<core::Error> parse_option_setting(std::string_view text, core::RuleOptionValues& out) {
  const auto dot = text.find('.');
  const auto eq = text.find('=');
  if (dot == std::string_view::npos || eq == std::string_view::npos || eq < dot) {
    return core::Error("--option: expected RULE.NAME=VALUE, got '" + std::string(text) + "'");
  }
  const std::string id(text.substr(0, dot));
  const std::string name(text.substr(dot + 1, eq - dot - 1));
  if (rules::find_rule(id) == nullptr) {
    return core::Error("--option: no rule named '" + id + "'");
  }
  if (!rule_has_option(id, name)) {
    return core::Error("--option: rule '" + id + "' has no option '" + name + "'");
  }
  out[id][name] = std::string(text.substr(eq + 1));
  return std::nullopt;
}

core::RuleOptionValues
environment_name_options(const std::map<std::string, std::vector<std::string>>& environments) {
  core::RuleOptionValues out;
  for (const auto& rule : rules::all_rules()) {
    for (const auto& [environment, names] : environments) {
      const std::string option = environment + "-names";
      if (!names.empty() && rule_has_option(rule->meta().id, option)) {
        out[rule->meta().id][option] = core::join(names, ",");
      }
    }
  }
  return out;
}

} // namespace pgadvise::app
