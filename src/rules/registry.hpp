#pragma once

#include "engine/rule.hpp"

#include <memory>
#include <string_view>
#include <vector>

namespace pgadvise::rules {

// Every rule, sorted by id (rules/registry.inc).
const std::vector<std::unique_ptr<engine::Rule>>& all_rules();
const engine::Rule* find_rule(std::string_view id);

// The same rules as the list engine::run takes.
std::vector<const engine::Rule*> rule_set();

} // namespace pgadvise::rules
