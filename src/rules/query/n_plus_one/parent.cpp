// n-plus-one's parent choice: the statement whose rows drive a run.
#include "rules/query/n_plus_one/parent.hpp"

#include <algorithm>
#include <tuple>

namespace pgadvise::rules::n_plus_one {

namespace {

using model::ColumnUse;
using model::QueryStats;
using model::StatementKind;

// A parent's rows drive the loop: a statement that can return several rows
// (not an aggregate, not LIMIT 1). A count(*) between the page query and its
// lookups is not their parent.
bool returns_rows(const QueryStats& query) {
  const model::QueryShape& shape = query.shape;
  return shape.kind == StatementKind::select && !shape.has_aggregate && shape.limit.value_or(2) > 1;
}

// The share of the parent's executions a run of the child follows.
double pair_share(const model::Workload& workload, std::uint64_t child, std::uint64_t parent) {
  const std::uint64_t runs_possible = executions(workload, child, parent);
  if (runs_possible == 0) {
    return 0;
  }
  return std::min(1.0, static_cast<double>(workload.runs_after_parent(child, parent)) /
                           static_cast<double>(runs_possible));
}

// Other users' statements ran just before a fan-out too: the candidate the
// child's fan-outs follow most often is its parent.
ParentChoice fan_out_parent(const model::Workload& workload, const model::Repeat& repeat,
                            const FanCandidates& fan, double min_share) {
  ParentChoice choice{0, repeat.count, 0};
  std::tuple<bool, double, bool> best_key{false, -1.0, false};
  const auto seen = fan.find(repeat.fingerprint);
  for (const model::Repeat::FanParent& parent : repeat.fan_parents) {
    const QueryStats* stats = workload.find(parent.fingerprint);
    if (parent.fingerprint == repeat.fingerprint || !repeatable(stats) || seen == fan.end()) {
      continue;
    }
    // How often it runs right before the child's fan-outs, times how
    // often its own executions are followed by one: the page query of a
    // Promise.all over its rows has both, another user's statement that
    // happened to run just before has neither.
    const auto count = seen->second.seen.find(parent.fingerprint);
    const auto followed_count = seen->second.followed.find(parent.fingerprint);
    const double before =
        count == seen->second.seen.end() ? 0.0 : static_cast<double>(count->second) / seen->second.bursts;
    const double consistency =
        followed_count == seen->second.followed.end() || stats->calls == 0
            ? 0.0
            : std::min(1.0, static_cast<double>(followed_count->second) / static_cast<double>(stats->calls));
    // A loop's parent runs before every one of its runs: a statement
    // that ran before only some of them is another request's, however
    // rarely it runs elsewhere.
    const std::tuple<bool, double, bool> key{before >= min_share, before * consistency, returns_rows(*stats)};
    if (key > best_key) {
      best_key = key;
      choice = {parent.fingerprint, parent.children, parent.followed};
    }
  }
  return choice;
}

} // namespace

bool repeatable(const QueryStats* query) {
  return query != nullptr && query->parsed && !query->shape.transaction_control &&
         query->shape.kind != StatementKind::other;
}

// A lookup by equality is `col = $1` or `col IN ($1)`; `= ANY(...)`,
// `IN (SELECT ...)` and BETWEEN are the batched form the fix proposes.
bool per_row(const QueryStats& query) {
  const model::QueryShape& shape = query.shape;
  if (shape.set_filter) {
    return false;
  }
  if (shape.kind == StatementKind::insert) {
    return true;
  }
  return std::any_of(shape.columns.begin(), shape.columns.end(), [](const model::ColumnUsage& usage) {
    return usage.use == ColumnUse::equality || usage.use == ColumnUse::in_list;
  });
}

// A fan-out's candidates include other users' statements that ran just
// before it; its parent is the one the child's fan-outs follow most often
// (a mention lookup always follows its request's ticket lookup).
FanCandidates fan_candidates(const model::Workload& workload) {
  FanCandidates fan;
  for (const model::Repeat& repeat : workload.repeats) {
    if (repeat.grouping != model::Repeat::Grouping::fan_out) {
      continue;
    }
    FanChild& child = fan[repeat.fingerprint];
    ++child.bursts;
    for (const model::Repeat::FanParent& parent : repeat.fan_parents) {
      ++child.seen[parent.fingerprint];
      child.followed[parent.fingerprint] += parent.followed;
    }
  }
  return fan;
}

// Of the statements just before the run, the one whose executions the
// child's runs follow most consistently; a statement that returns rows
// before one that cannot drive a loop (a count(*) between the page query
// and its lookups); the nearest on a tie.
ParentChoice parent_of(const model::Workload& workload, const model::Repeat& repeat, const FanCandidates& fan,
                       double min_share) {
  if (repeat.grouping == model::Repeat::Grouping::fan_out) {
    return fan_out_parent(workload, repeat, fan, min_share);
  }
  ParentChoice choice{0, repeat.count, 0};
  std::pair<double, double> best_key{-1.0, -1.0};
  for (const std::uint64_t candidate : repeat.candidates) {
    const QueryStats* stats = workload.find(candidate);
    if (candidate == 0 || candidate == repeat.fingerprint || !repeatable(stats)) {
      continue;
    }
    const std::pair<double, double> key{returns_rows(*stats) ? 1.0 : 0.0,
                                        pair_share(workload, repeat.fingerprint, candidate)};
    if (key > best_key) {
      best_key = key;
      choice.parent = candidate;
    }
  }
  return choice;
}

std::uint64_t executions(const model::Workload& workload, std::uint64_t child, std::uint64_t parent) {
  const QueryStats* stats = workload.find(parent);
  const QueryStats* lookup = workload.find(child);
  if (stats == nullptr || lookup == nullptr) {
    return 0;
  }
  std::uint64_t batched = 0;
  const auto first = workload.batched_after.lower_bound({parent, 0});
  for (auto it = first; it != workload.batched_after.end() && it->first.first == parent; ++it) {
    const QueryStats* set = workload.find(it->first.second);
    if (set != nullptr && !set->shape.tables.empty() && !lookup->shape.tables.empty() &&
        set->shape.tables.front() == lookup->shape.tables.front()) {
      batched += it->second;
    }
  }
  return stats->calls > batched ? stats->calls - batched : 0;
}

} // namespace pgadvise::rules::n_plus_one
