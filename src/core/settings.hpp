#pragma once

#include "core/severity.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::core {

// What the user asked for, from the command line (and later a config file).
struct Settings {
  std::vector<std::string> only_rules;                // --rule: run only these (empty = all)
  std::vector<std::string> disabled;                  // --disable
  std::map<std::string, Severity> severity_overrides; // --severity id=level
  std::map<std::string, std::map<std::string, std::string>> rule_options; // --option id.name=value
  std::optional<Severity> fail_on = Severity::high;                       // nullopt: never fail on findings
  Severity min_severity = Severity::low;                                  // findings below are hidden
  bool verbose = false;
};

} // namespace pgadvise::core
