#pragma once

#include "core/finding.hpp"
#include "engine/rule.hpp"
#include "rules/query/n_plus_one/loops.hpp"

#include <string_view>

// n-plus-one's finding for one loop: what the log shows (bursts, fan-outs,
// a transaction per row, the parent's share), the help and the batched fix
// for its kind of statement, and the loop's place in the code.
namespace pgadvise::rules::n_plus_one {

core::Finding loop_finding(std::string_view rule_id, const engine::RuleContext& context, const Loop& loop);

} // namespace pgadvise::rules::n_plus_one
