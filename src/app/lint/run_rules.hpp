#pragma once

#include "core/settings.hpp"
#include "engine/runner.hpp"

namespace pgadvise::app {

// Every registered rule over `input` (engine::run with rules::rule_set()),
// then the post-pass that completes Drizzle fixes: the schema file and table
// the `index(...)` line goes in, and the project's generate + migrate
// commands.
engine::RunReport run_rules(const engine::RunInput& input, const core::Settings& settings);

// The same over the rules given (a lint of several databases runs the rules
// that judge the project alone on their own: app/lint/lint_check.cpp).
engine::RunReport run_rules(const engine::RunInput& input, const core::Settings& settings,
                            const std::vector<const engine::Rule*>& rules);

} // namespace pgadvise::app
