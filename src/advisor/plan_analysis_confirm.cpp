#include "advisor/plan_analysis_confirm.hpp"

#include "core/format.hpp"

#include <algorithm>
#include <map>

namespace pgadvise::advisor {

namespace {

bool same_table(const core::ObjectRef& object, const model::PlanIssue& issue) {
  const std::string schema = object.schema.empty() ? std::string("public") : object.schema;
  return schema == issue.schema && object.table == issue.table;
}

// What a confirmed finding costs the workload: the scan's share of the
// query's logged total time, or, without durations, its time x calls.
double measured_cost(const model::PlanIssue& issue, const model::Workload* workload) {
  const model::QueryStats* query = workload != nullptr ? workload->find(issue.fingerprint) : nullptr;
  if (query == nullptr) {
    return issue.node_ms;
  }
  if (query->total_ms > 0 && issue.time_share > 0) {
    return query->total_ms * issue.time_share;
  }
  return issue.node_ms * static_cast<double>(std::max<std::uint64_t>(query->calls, 1));
}

} // namespace

std::size_t confirm_findings(std::vector<core::Finding>& findings, const model::LiveAnalysis& live,
                             const model::Workload* workload,
                             const std::function<bool(std::string_view rule)>& confirmable) {
  std::map<const core::Finding*, double> cost;
  for (core::Finding& finding : findings) {
    if (!confirmable(finding.rule) || finding.object.columns.empty()) {
      continue;
    }
    const model::PlanIssue* best = nullptr;
    for (const model::PlanIssue& issue : live.issues) {
      if (!issue.analyzed || !same_table(finding.object, issue) ||
          std::find(issue.columns.begin(), issue.columns.end(), finding.object.columns.front()) ==
              issue.columns.end()) {
        continue;
      }
      if (best == nullptr || measured_cost(issue, workload) > measured_cost(*best, workload)) {
        best = &issue;
      }
    }
    if (best == nullptr) {
      continue;
    }
    const double total = measured_cost(*best, workload);
    finding.message += " (confirmed by EXPLAIN ANALYZE: " + core::human_duration_ms(total) +
                       " of workload time in sequential scans of " + best->table + ")";
    std::string detail = "confirmed: " + best->describe();
    if (const model::ExplainedQuery* query = live.find_query(best->fingerprint)) {
      detail += " -- query: " + query->normalized;
    }
    finding.evidence.push_back({core::Evidence::Kind::plan, detail, {}});
    cost[&finding] = total;
  }
  if (cost.empty()) {
    return 0;
  }
  // Rank by measured cost within a severity; sort by index so pointers stay valid.
  std::vector<std::size_t> order(findings.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  const auto cost_of = [&](std::size_t i) {
    const auto it = cost.find(&findings[i]);
    return it == cost.end() ? -1.0 : it->second;
  };
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (findings[a].severity != findings[b].severity) {
      return findings[a].severity > findings[b].severity;
    }
    return cost_of(a) > cost_of(b);
  });
  const std::size_t confirmed = cost.size();
  std::vector<core::Finding> sorted;
  sorted.reserve(findings.size());
  for (std::size_t i : order) {
    sorted.push_back(std::move(findings[i]));
  }
  findings = std::move(sorted);
  return confirmed;
}

} // namespace pgadvise::advisor
