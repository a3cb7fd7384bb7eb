// n-plus-one: the same statement run once per row of a parent query. The
// rule reads its options and reports each loop; the concepts live in
// rules/support: the parent choice (n_plus_one_parent), the bursts of an
// N+1's size per code path (n_plus_one_bursts), which are loops and which
// children one loop's body (n_plus_one_loops), the finding's evidence and
// fix (n_plus_one_finding), the loop in the code (n_plus_one_code) and
// pg_stat_statements' likely ones (n_plus_one_pgss).
#include "engine/rule.hpp"
#include "rules/query/n_plus_one/bursts.hpp"
#include "rules/query/n_plus_one/finding.hpp"
#include "rules/query/n_plus_one/guided.hpp"
#include "rules/query/n_plus_one/loops.hpp"
#include "rules/query/n_plus_one/pgss.hpp"

#include <algorithm>
#include <memory>
#include <set>

namespace pgadvise::rules {

namespace {

constexpr std::string_view k_id = "n-plus-one";

class NPlusOne final : public engine::Rule {
public:
  NPlusOne()
      : Rule({
            .id = std::string(k_id),
            .summary = "The same statement run once per row of a parent query (N+1 burst)",
            .category = engine::Category::query,
            .default_severity = core::Severity::critical,
            .inputs = {engine::Input::workload},
            .has_fix = true,
            .options = {{"min-burst", "5",
                         "Executions of one statement, with at least this many different parameter sets, in "
                         "one transaction or burst window of one session that make an N+1 burst"},
                        {"parent-share", "0.8",
                         "Share of the parent statement's executions (over the whole log) that a run of the "
                         "child follows: a loop in code follows nearly all of them, a request a pool runs "
                         "twice in a row only some"},
                        {"min-parent-executions", "2",
                         "Executions of the parent statement needed before its share is trusted"},
                        {"pgss-min-calls", "1000",
                         "pg_stat_statements only: a single-row lookup by key called at least this often is "
                         "a likely N+1"},
                        {"pgss-min-calls-per-ms", "10000",
                         "pg_stat_statements only: and its calls divided by its mean time in ms are at least "
                         "this (many cheap calls rather than a few slow ones)"}},
            // Each loop has its own code and its own fix: never folded.
            .each_finding_an_action = true,
            .fix_applicability = core::FixApplicability::manual,
        }) {}

  void check(const engine::RuleContext& context, core::FindingSink& out) const override {
    if (context.workload == nullptr) {
      return;
    }
    const model::Workload& workload = *context.workload;
    n_plus_one::JudgeOptions options;
    options.min_burst = static_cast<std::uint32_t>(std::max(2L, context.options.get_int("min-burst")));
    options.min_share = context.options.get_double("parent-share");
    options.min_executions =
        static_cast<std::uint64_t>(std::max(1L, context.options.get_int("min-parent-executions")));
    std::vector<n_plus_one::Bursts> found =
        n_plus_one::gather_bursts(workload, options.min_burst, options.min_share);
    // One loop in the code, one finding: a child judged after two parents
    // (the second a statement other users' requests ran just before some
    // of its runs) whose findings both land at the same loop is reported
    // once, with the more of its rows.
    std::vector<std::pair<std::uint64_t, core::Finding>> loops;
    std::vector<bool> unplaced; // per entry of `loops`: left at its log line
    n_plus_one::Covered covered;
    for (const n_plus_one::Loop& loop : n_plus_one::judge_loops(workload, options, found)) {
      core::Finding finding = n_plus_one::loop_finding(k_id, context, loop);
      const std::uint64_t child = loop.body.front()->fingerprint;
      const bool at_code = !(finding.location == loop.body.front()->first); // moved from its log line
      if (at_code) {
        covered.loops.push_back(finding.location);
        covered.placed_children.emplace_back(child, finding.location);
      } else {
        covered.unplaced_children.insert(child);
      }
      const auto same = std::find_if(loops.begin(), loops.end(), [&](const auto& seen) {
        return at_code && seen.first == child && seen.second.location == finding.location;
      });
      if (same == loops.end()) {
        loops.emplace_back(child, std::move(finding));
        unplaced.push_back(!at_code);
      } else if (finding.weight > same->second.weight) {
        same->second = std::move(finding);
      }
    }
    // The code's other loops whose statements the log ran: confirmed from
    // the code and the log together, or reported from the code with what
    // the log shows (query-in-loop reports the loops the log never ran).
    // A burst finding left at its log line (its runs judged after another
    // request's statement) gives way to the one loop of the code that the
    // code and the log confirm for its statement.
    std::vector<core::Finding> guided;
    const std::set<std::uint64_t> replaced =
        n_plus_one::guided_findings(k_id, context, options, covered, guided);
    for (std::size_t i = 0; i < loops.size(); ++i) {
      if (!unplaced[i] || replaced.count(loops[i].first) == 0) {
        out.push_back(std::move(loops[i].second));
      }
    }
    for (core::Finding& finding : guided) {
      out.push_back(std::move(finding));
    }
    if (!workload.ordered) {
      n_plus_one::likely_from_pgss(k_id, context, out);
    }
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_n_plus_one() {
  return std::make_unique<NPlusOne>();
}

} // namespace pgadvise::rules
