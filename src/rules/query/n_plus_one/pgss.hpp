#pragma once

#include "core/finding.hpp"
#include "engine/rule.hpp"

#include <string_view>
#include <vector>

// n-plus-one without a log's order: pg_stat_statements cannot show bursts,
// only the typical child of an N+1 (a single-row lookup by key called very
// often and very cheaply), reported as likely.
namespace pgadvise::rules::n_plus_one {

void likely_from_pgss(std::string_view rule_id, const engine::RuleContext& context, core::FindingSink& out);

} // namespace pgadvise::rules::n_plus_one
