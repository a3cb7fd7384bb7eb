#pragma once

#include "core/severity.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::core {

// A severity per rule id (--severity id=level, `severity` of [rules.<id>]).
using SeverityOverrides = std::map<std::string, Severity>;
// Option values per rule id and option name (--option id.name=value, the
// other keys of [rules.<id>]), as text: each rule reads its own.
using RuleOptionValues = std::map<std::string, std::map<std::string, std::string>>;

// What the user asked for, from the command line over the config file.
struct Settings {
  std::vector<std::string> only_rules;              // --rule: run only these (empty = all)
  std::vector<std::string> disabled;                // --disable
  SeverityOverrides severity_overrides;             // --severity id=level
  RuleOptionValues rule_options;                    // --option id.name=value
  std::optional<Severity> fail_on = Severity::high; // nullopt: never fail on findings
  Severity min_severity = Severity::low;            // findings below are hidden
  bool verbose = false;
  bool operator==(const Settings&) const = default;
};

} // namespace pgadvise::core
