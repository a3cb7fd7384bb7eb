#pragma once

#include "core/finding.hpp"
#include "model/live_analysis.hpp"
#include "model/workload.hpp"

#include <functional>
#include <string_view>
#include <vector>

namespace pgadvise::advisor {

// The post-pass that turns suspicion into proof: findings of rules that
// infer a missing index from the schema or the query text (those the
// caller's `confirmable` accepts: RuleMeta::confirmed_by_plan) are marked confirmed
// when an EXPLAIN ANALYZE plan of the live analysis scans that table
// sequentially filtering on the finding's leading column: a "plan" evidence
// with the measured numbers is added and the message says "confirmed".
// Then, within each severity, confirmed findings come first, costliest
// (time in the scan x the query's calls) first; the others keep their order.
// Call after engine::run on RunReport::findings. Returns how many were confirmed.
std::size_t confirm_findings(std::vector<core::Finding>& findings, const model::LiveAnalysis& live,
                             const model::Workload* workload,
                             const std::function<bool(std::string_view rule)>& confirmable);

} // namespace pgadvise::advisor
