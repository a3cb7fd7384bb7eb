#pragma once

#include "core/result.hpp"
#include "core/settings.hpp"

#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::app {

// Rule ids, severities and options as the command line and .pgadvise.toml
// name them, checked against the registry where they are read, so the rest
// of a run only sees known rules and typed values.

// A registered rule or a built-in diagnostic (parse-error, ...).
bool known_rule_id(std::string_view id);
// Whether rule `id` declares option `name`; false for an unknown rule.
bool rule_has_option(std::string_view id, std::string_view name);
// The option names rule `id` declares (empty for an unknown rule).
std::vector<std::string> rule_option_names(std::string_view id);

// `--rule`/`--disable ID`: the id, or why not (`flag` names the option).
core::Result<std::string> parse_rule_id(std::string_view flag, std::string_view text);
// `--severity RULE=LEVEL` into `out` (a later setting of a rule wins).
std::optional<core::Error> parse_severity_setting(std::string_view text, core::SeverityOverrides& out);
// `--option RULE.NAME=VALUE` into `out`, checked against the rule's options.
std::optional<core::Error> parse_option_setting(std::string_view text, core::RuleOptionValues& out);

// [environments] of .pgadvise.toml (production/staging/development -> names)
// as the `<environment>-names` options of every rule that declares them.
core::RuleOptionValues
environment_name_options(const std::map<std::string, std::vector<std::string>>& environments);

} // namespace pgadvise::app
