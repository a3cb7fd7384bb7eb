// n-plus-one's judgement: the gathered bursts that are loops in code, and
// the children that are one loop's body.
#include "rules/query/n_plus_one/loops.hpp"

#include "rules/query/n_plus_one/parent.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgadvise::rules::n_plus_one {

namespace {

using model::QueryStats;
using model::StatementKind;

// The share of the child's executions that ran in bursts of an N+1's
// size (after any parent): a lookup only a loop makes.
double child_share(const model::Workload& workload, std::uint64_t fingerprint,
                   const std::map<std::uint64_t, std::uint64_t>& in_bursts) {
  const QueryStats* child = workload.find(fingerprint);
  const auto it = in_bursts.find(fingerprint);
  if (child == nullptr || child->calls == 0 || it == in_bursts.end()) {
    return 0;
  }
  return std::min(1.0, static_cast<double>(it->second) / static_cast<double>(child->calls));
}

// Two children after one parent whose bursts came from the same groups (a
// transaction, a session's burst, a request) or, spread over backends, at
// the same time: one loop's body. A transaction per row and the reads each
// row makes before it (a worker's lookups, then BEGIN, insert, update,
// COMMIT) are one body too when one connection's runs hold both.
bool same_loop(const Bursts& a, const Bursts& b) {
  if (a.parent == 0 || a.parent != b.parent) {
    return false;
  }
  if (a.transaction_shape != b.transaction_shape &&
      (a.fan_outs + a.keyed + b.fan_outs + b.keyed > 0 || a.groups.empty() || b.groups.empty())) {
    return false;
  }
  std::size_t shared = 0;
  for (const std::uint64_t group : b.groups) {
    shared += a.groups.count(group);
  }
  for (const auto& span : b.spans) {
    shared += std::any_of(a.spans.begin(), a.spans.end(),
                          [&](const std::pair<std::int64_t, std::int64_t>& other) {
                            return span.first <= other.second && other.first <= span.second;
                          })
                  ? 1U
                  : 0U;
  }
  const std::size_t smaller = std::min(a.groups.size(), b.groups.size());
  return smaller > 0 && shared * 2 >= smaller;
}

// The parent's executions a pair's runs follow: one connection's runs
// after it (of any size: a loop the pool spread over its backends leaves
// a few rows on each) for a pair seen on one connection, and its fan-outs'
// parent executions.
std::uint64_t followed_runs(const model::Workload& workload, const Bursts& bursts) {
  return (bursts.fan_outs < bursts.counts.size()
              ? workload.runs_after_parent(bursts.fingerprint, bursts.parent)
              : 0) +
         bursts.fan_followed;
}

// The parent's executions followed by another loop (the same page query
// feeding a list view and an "archive all") are another code path's: left
// out like those followed by a batched query, as many as that loop
// follows (the children of one loop body follow the same ones: counted
// once). Writes the share and runs.
void measure_share(const model::Workload& workload, const std::vector<Bursts>& found, Bursts& bursts) {
  std::vector<std::pair<const Bursts*, std::uint64_t>> others; // a loop's child, the executions it follows
  for (const Bursts& other : found) {
    if (&other == &bursts || other.parent != bursts.parent || other.fingerprint == bursts.fingerprint ||
        other.counts.size() < 2 || same_loop(bursts, other)) {
      continue;
    }
    const std::uint64_t followed =
        std::max<std::uint64_t>(other.counts.size(), followed_runs(workload, other));
    const auto body = std::find_if(others.begin(), others.end(),
                                   [&](const auto& seen) { return same_loop(*seen.first, other); });
    if (body == others.end()) {
      others.emplace_back(&other, followed);
    } else {
      body->second = std::max(body->second, followed);
    }
  }
  std::uint64_t other_loops = 0;
  for (const auto& [other, followed] : others) {
    other_loops += followed;
  }
  const std::uint64_t parent_runs = executions(workload, bursts.fingerprint, bursts.parent);
  const std::uint64_t own_runs = parent_runs > other_loops ? parent_runs - other_loops : 0;
  const std::uint64_t followed = followed_runs(workload, bursts);
  bursts.share =
      own_runs == 0 ? 0.0 : std::min(1.0, static_cast<double>(followed) / static_cast<double>(own_runs));
  bursts.parent_runs = own_runs;
  bursts.followed_runs = std::min(own_runs, followed);
  bursts.left_out = parent_runs - own_runs;
}

// A code path: the parent is followed by the child's runs nearly every
// time it runs. A parentless run counts only inside a transaction. Inside a
// transaction no pool puts two requests together, so a few executions of
// the parent are enough there. A loop whose rows do not come from the
// statement before it (handles parsed from a comment's text, after a lookup
// other requests make too) shows from the child's side: nearly all its
// executions are in these bursts. Returns whether it is a loop, and whether
// its parent's share alone explains it.
std::pair<bool, bool> judge(const JudgeOptions& options, const Bursts& bursts, double children_in_bursts) {
  const bool in_transactions = bursts.in_transaction == bursts.counts.size();
  // A job's loop: its read ran once in the whole log (a scheduler's tick,
  // a script), then one connection ran the rows back to back, each with
  // values of its own, four times the rows a burst needs: no pool puts
  // that together by chance, and a job's read may run once per log.
  const bool one_job = bursts.parent_runs == 1 && bursts.counts.size() == 1 && bursts.fan_outs == 0 &&
                       bursts.keyed == 0 && bursts.interleaved == 0 &&
                       bursts.counts.front() >= 4 * options.min_burst;
  const bool parent_consistent =
      (in_transactions || bursts.parent_runs >= options.min_executions || one_job) &&
      bursts.share >= options.min_share;
  // Fan-outs are judged on two bursts at least: one is a coincidence of
  // concurrent requests as often as a loop. So is a run among other
  // statements outside a transaction: a driver that pipelines (postgres.js)
  // puts several requests' statements on one connection, each request's
  // lookup between the others'.
  const bool repeated = bursts.counts.size() >= 2 || in_transactions ||
                        bursts.fan_outs + bursts.interleaved < bursts.counts.size();
  // A lookup seen only in fan-outs that mostly runs on its own (a page's
  // query many users run at once) is not a loop's, whatever ran before its
  // bursts.
  const bool fan_outs_only = bursts.fan_outs == bursts.counts.size();
  // Fan-outs make a loop of min-burst rows per execution of the parent on
  // the whole, not in each (a few users' loops at once share one).
  const bool fan_rows =
      bursts.fan_outs < bursts.counts.size() ||
      bursts.fan_children >= static_cast<std::uint64_t>(options.min_burst) * bursts.fan_followed;
  const bool consistent =
      fan_rows && (bursts.parent == 0 ? bursts.in_transaction > 0
                                      : repeated && (!fan_outs_only || children_in_bursts >= 0.5) &&
                                            (parent_consistent || (bursts.counts.size() >= 2 &&
                                                                   children_in_bursts >= options.min_share)));
  return {consistent, parent_consistent};
}

// Bursts some of whose executions no connection's run counts already: a
// child all of whose rows are other runs' (fan-outs held whole by runs on
// one connection) is no statement of another loop's body, whatever ran at
// the same time.
bool own_rows(const Bursts& bursts) {
  return bursts.statements > bursts.shadowed;
}

// The per-row statements of one loop body (tags and author per post, a
// copy's inserts) are one finding: runs after one parent in the same
// groups. The loop's main statement: its write, else the one run most.
std::vector<Loop> group_loops(const model::Workload& workload, const std::vector<const Bursts*>& reported,
                              const std::map<std::uint64_t, std::size_t>& parents_per_child) {
  std::vector<std::size_t> loop(reported.size());
  for (std::size_t i = 0; i < reported.size(); ++i) {
    loop[i] = i;
    for (std::size_t j = 0; j < i; ++j) {
      if (loop[j] == j && own_rows(*reported[j]) && own_rows(*reported[i]) &&
          same_loop(*reported[j], *reported[i])) {
        loop[i] = j;
        break;
      }
    }
  }
  const auto rank = [&](const Bursts* b) {
    const QueryStats* stats = workload.find(b->fingerprint);
    const bool writes = stats != nullptr && stats->shape.kind != StatementKind::select;
    return std::make_pair(writes, b->statements);
  };
  std::vector<Loop> loops;
  for (std::size_t i = 0; i < reported.size(); ++i) {
    if (loop[i] != i) {
      continue;
    }
    Loop out;
    for (std::size_t j = 0; j < reported.size(); ++j) {
      if (loop[j] == i) {
        out.body.push_back(reported[j]);
      }
    }
    std::stable_sort(out.body.begin(), out.body.end(),
                     [&](const Bursts* a, const Bursts* b) { return rank(a) > rank(b); });
    out.several_parents = parents_per_child.at(out.body.front()->fingerprint) > 1;
    loops.push_back(std::move(out));
  }
  return loops;
}

} // namespace

std::vector<Loop> judge_loops(const model::Workload& workload, const JudgeOptions& options,
                              std::vector<Bursts>& found) {
  // Each child's executions in bursts of an N+1's size, after any parent.
  std::map<std::uint64_t, std::uint64_t> in_bursts;
  for (const Bursts& bursts : found) {
    in_bursts[bursts.fingerprint] += bursts.statements - bursts.shadowed;
  }
  std::vector<std::pair<const Bursts*, bool>> judged; // with: its parent's share alone explains it
  for (Bursts& bursts : found) {
    measure_share(workload, found, bursts);
    const auto [consistent, parent_consistent] =
        judge(options, bursts, child_share(workload, bursts.fingerprint, in_bursts));
    if (consistent) {
      judged.emplace_back(&bursts, parent_consistent);
    }
  }
  // A child reported after a parent its runs follow consistently is that
  // loop's: the same child after another statement only its own side
  // explains (nearly all its executions are in bursts) is the same loop
  // seen after a wrong parent, not a second one.
  std::set<std::uint64_t> consistent_children;
  for (const auto& [bursts, parent_consistent] : judged) {
    if (parent_consistent) {
      consistent_children.insert(bursts->fingerprint);
    }
  }
  // Without such a parent, the child's own side (nearly all its executions
  // in bursts) explains every pair it is in alike: it is one loop, seen
  // after the statement it follows most consistently (then most often).
  std::map<std::pair<std::uint64_t, std::uint64_t>, const Bursts*> child_side;
  const auto rank = [](const Bursts* b) { return std::make_pair(b->share, b->counts.size()); };
  for (const auto& [bursts, parent_consistent] : judged) {
    const Bursts*& best = child_side[{bursts->fingerprint, bursts->transaction_shape}];
    if (!parent_consistent && (best == nullptr || rank(bursts) > rank(best))) {
      best = bursts;
    }
  }
  std::vector<const Bursts*> reported;
  std::map<std::uint64_t, std::size_t> parents_per_child;
  for (const auto& [bursts, parent_consistent] : judged) {
    if (parent_consistent || (consistent_children.count(bursts->fingerprint) == 0 &&
                              child_side[{bursts->fingerprint, bursts->transaction_shape}] == bursts)) {
      reported.push_back(bursts);
      ++parents_per_child[bursts->fingerprint];
    }
  }
  return group_loops(workload, reported, parents_per_child);
}

} // namespace pgadvise::rules::n_plus_one
