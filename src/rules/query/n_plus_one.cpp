#include "advisor/batch_rewrite.hpp"
#include "advisor/drizzle_render.hpp"
#include "advisor/query_evidence.hpp"
#include "core/format.hpp"
#include "core/text.hpp"
#include "engine/rule.hpp"
#include "rules/support/n_plus_one_code.hpp"

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <tuple>

namespace pgadvise::rules {

namespace {

using model::ColumnUse;
using model::QueryStats;
using model::StatementKind;

constexpr std::string_view k_id = "n-plus-one";
constexpr std::uint32_t k_params_cap = 64; // Repeat::distinct_params is capped there
constexpr std::size_t k_max_groups = 10000;

// A child's fan-outs, and how many of them each candidate parent ran right
// before.
struct FanChild {
  std::uint32_t bursts = 0;
  std::map<std::uint64_t, std::uint32_t> seen;     // candidate -> fan-outs it ran right before
  std::map<std::uint64_t, std::uint64_t> followed; // candidate -> its executions these fan-outs followed
};

// The qualifying bursts of one (parent, child) pair, over all sessions: one
// code path.
struct Bursts {
  std::uint64_t fingerprint = 0;       // the child
  std::uint64_t parent = 0;            // 0: runs inside transactions with nothing before them
  std::uint64_t transaction_shape = 0; // the child runs in a transaction of its own per row
  std::vector<std::uint32_t> counts;   // per burst: executions per execution of the parent
  std::set<std::string> sessions;      // capped: only the count is shown
  std::uint64_t in_transaction = 0;
  std::uint64_t fan_outs = 0;     // bursts spread over several backends of one client
  std::uint64_t fan_followed = 0; // the parent's executions the fan-outs followed
  std::uint64_t fan_children = 0; // the fan-outs' children per parent execution, times those executions
  // As judged: the parent's share, its executions (those another loop
  // followed left out), and how many of them a run of the child followed.
  double share = 0;
  std::uint64_t parent_runs = 0;
  std::uint64_t followed_runs = 0;
  std::uint64_t left_out = 0;
  std::uint64_t traced = 0;      // bursts grouped by a traceparent's trace id
  std::uint64_t interleaved = 0; // bursts among the optional statements of a varying loop body
  std::uint32_t max_backends = 0;
  std::string backend_list;            // of the burst on the most backends
  std::int64_t max_window_us = 0;      // the longest fan-out, first to last child
  std::set<std::uint64_t> params_sets; // one per burst: a single one over several bursts is a constant list
  std::uint64_t statements = 0;        // the child's executions in the bursts
  std::set<std::uint64_t> groups;      // the groups the bursts came from (capped)
  std::vector<std::pair<std::int64_t, std::int64_t>> spans; // fan-outs' first and last child (capped)
  double total_ms = 0;
  core::SourceLocation first;
  std::uint32_t code_path = 0; // the first burst's sqlcommenter route/file
};

// Per child: its fan-outs, and how many of them each candidate parent ran
// right before.
using FanCandidates = std::map<std::uint64_t, FanChild>;

// A repeat that counts, with the parent it was judged after.
struct Qualified {
  const model::Repeat* repeat = nullptr;
  std::uint64_t parent = 0;
  std::uint32_t per_parent = 0; // executions per execution of the parent
  std::uint32_t followed = 0;   // fan-outs: the parent's executions two or more children followed
};

bool repeatable(const QueryStats* query) {
  return query != nullptr && query->parsed && !query->shape.transaction_control &&
         query->shape.kind != StatementKind::other;
}

// A child of an N+1 reads or writes one row's worth: an INSERT of one row, or
// a lookup by equality with one value (`col = $1`, `col IN ($1)`); never a
// set query (`= ANY(...)`, `IN (SELECT ...)`, BETWEEN), which is the batched
// form the fix proposes.
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

// A parent's rows drive the loop: a statement that can return several rows
// (not an aggregate, not LIMIT 1). A count(*) between the page query and its
// lookups is not their parent.
bool returns_rows(const QueryStats& query) {
  const model::QueryShape& shape = query.shape;
  return shape.kind == StatementKind::select && !shape.has_aggregate && shape.limit.value_or(2) > 1;
}

std::uint32_t median(std::vector<std::uint32_t> values) {
  std::sort(values.begin(), values.end());
  return values.empty() ? 0 : values[(values.size() - 1) / 2];
}

std::string drizzle_table_var(const model::Table* table, const std::string& name) {
  if (table != nullptr && !table->property.empty()) {
    return table->property;
  }
  return core::snake_to_camel(name);
}

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
        }) {}

  void check(const engine::RuleContext& context, std::vector<core::Finding>& out) const override {
    if (context.workload == nullptr) {
      return;
    }
    const model::Workload& workload = *context.workload;
    const auto min_burst = static_cast<std::uint32_t>(std::max(2L, context.options.get_int("min-burst")));
    const double min_share = context.options.get_double("parent-share");
    const auto min_executions =
        static_cast<std::uint64_t>(std::max(1L, context.options.get_int("min-parent-executions")));
    // A fan-out's candidates include other users' statements that ran just
    // before it; its parent is the one the child's fan-outs follow most
    // often (a mention lookup always follows its request's ticket lookup).
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
    std::vector<Qualified> qualified;
    std::vector<Qualified> shared;
    for (const model::Repeat& repeat : workload.repeats) {
      const QueryStats* child = workload.find(repeat.fingerprint);
      // Runs of the same values are a caching hint at most; a unit of
      // several statements that also runs whole elsewhere is a request the
      // pool repeated.
      if (repeat.count < min_burst || repeat.distinct_params < std::min(min_burst, k_params_cap) ||
          repeat.request_repeat || !repeatable(child) || !per_row(*child)) {
        continue;
      }
      const auto [parent, per_parent, followed] = parent_of(workload, repeat, fan, min_share);
      // Outside a transaction a run needs a parent: the same statement over
      // and over on a pooled connection with nothing before it is traffic.
      if (parent == 0 && !repeat.in_transaction) {
        continue;
      }
      // Many users opening one page at once run its parent once per child:
      // a fan-out counts per execution of its parent.
      if (per_parent < min_burst) {
        // A fan-out of several users' loops at once shares its children
        // out among their parents: it counts for a pair that makes bursts
        // of an N+1's size on its own.
        if (repeat.grouping == model::Repeat::Grouping::fan_out && per_parent >= 2) {
          shared.push_back(Qualified{&repeat, parent, per_parent, followed});
        }
        continue;
      }
      qualified.push_back(Qualified{&repeat, parent, per_parent, followed});
    }
    std::set<std::pair<std::uint64_t, std::uint64_t>> pairs;
    for (const Qualified& q : qualified) {
      pairs.emplace(q.repeat->fingerprint, q.parent);
    }
    for (const Qualified& q : shared) {
      if (pairs.count({q.repeat->fingerprint, q.parent}) != 0) {
        qualified.push_back(q);
      }
    }
    // A loop one connection ran whole is that connection's run: a fan-out
    // that overlaps it (another connection running the same loop at the
    // same time) adds nothing.
    std::map<std::uint64_t, std::vector<std::pair<std::int64_t, std::int64_t>>> spans;
    for (const Qualified& q : qualified) {
      if (q.repeat->grouping != model::Repeat::Grouping::fan_out && q.repeat->first_us != 0) {
        spans[q.repeat->fingerprint].emplace_back(q.repeat->first_us, q.repeat->last_us);
      }
    }
    std::vector<Bursts> found;
    std::map<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>, std::size_t> index;
    for (const Qualified& q : qualified) {
      const model::Repeat& repeat = *q.repeat;
      if (repeat.grouping == model::Repeat::Grouping::fan_out) {
        const auto it = spans.find(repeat.fingerprint);
        if (it != spans.end() && std::any_of(it->second.begin(), it->second.end(),
                                             [&](const std::pair<std::int64_t, std::int64_t>& span) {
                                               return repeat.first_us <= span.second &&
                                                      span.first <= repeat.last_us;
                                             })) {
          continue;
        }
      }
      const auto [it, inserted] =
          index.try_emplace({repeat.fingerprint, q.parent, repeat.transaction_shape}, found.size());
      if (inserted) {
        found.emplace_back();
        found.back().fingerprint = repeat.fingerprint;
        found.back().parent = q.parent;
        found.back().transaction_shape = repeat.transaction_shape;
        found.back().first = repeat.location;
      }
      Bursts& bursts = found[it->second];
      if (bursts.code_path == 0) {
        bursts.code_path = repeat.code_path;
      }
      bursts.counts.push_back(q.per_parent);
      if (bursts.sessions.size() < 10000) {
        bursts.sessions.insert(repeat.session);
      }
      bursts.in_transaction += repeat.in_transaction ? 1U : 0U;
      bursts.fan_outs += repeat.grouping == model::Repeat::Grouping::fan_out ? 1U : 0U;
      bursts.fan_followed += q.followed;
      bursts.fan_children += static_cast<std::uint64_t>(q.per_parent) * q.followed;
      bursts.traced += repeat.grouping == model::Repeat::Grouping::trace ? 1U : 0U;
      bursts.interleaved += repeat.interleaved ? 1U : 0U;
      if (repeat.backends > bursts.max_backends && !repeat.backend_list.empty()) {
        bursts.max_backends = repeat.backends;
        bursts.backend_list = repeat.backend_list;
      }
      if (repeat.grouping == model::Repeat::Grouping::fan_out && repeat.first_us != 0) {
        bursts.max_window_us = std::max(bursts.max_window_us, repeat.last_us - repeat.first_us);
      }
      if (bursts.params_sets.size() < 2) {
        bursts.params_sets.insert(repeat.params_set);
      }
      bursts.statements += repeat.count;
      if (bursts.groups.size() < k_max_groups) {
        bursts.groups.insert(repeat.group);
      }
      if (repeat.grouping == model::Repeat::Grouping::fan_out && repeat.first_us != 0 &&
          bursts.spans.size() < k_max_groups) {
        bursts.spans.emplace_back(repeat.first_us, repeat.last_us);
      }
      bursts.total_ms += repeat.total_ms;
    }
    // A child whose fan-outs follow no single statement consistently (a
    // loop over a request's own values, other users' statements just
    // before it) is one loop: its fan-outs after statements that do not
    // explain it on their own go to the statement they follow most.
    merge_inconsistent_fan_outs(workload, min_share, found);
    // Each child's executions in bursts of an N+1's size, after any parent.
    std::map<std::uint64_t, std::uint64_t> in_bursts;
    for (const Bursts& bursts : found) {
      in_bursts[bursts.fingerprint] += bursts.statements;
    }
    std::map<std::uint64_t, std::size_t> parents_per_child;
    std::vector<const Bursts*> reported;
    std::vector<std::pair<const Bursts*, bool>> judged; // with: its parent's share alone explains it
    for (Bursts& bursts : found) {
      // A code path: the parent is followed by the child's runs nearly every
      // time it runs. A parentless run counts only inside a transaction.
      // Inside a transaction no pool puts two requests together, so a few
      // executions of the parent are enough there. A loop whose rows do not
      // come from the statement before it (handles parsed from a comment's
      // text, after a lookup other requests make too) shows from the child's
      // side: nearly all its executions are in these bursts.
      // The parent's executions followed by another loop (the same page
      // query feeding a list view and an "archive all") are another code
      // path's: left out like those followed by a batched query.
      std::uint64_t other_loops = 0;
      for (const Bursts& other : found) {
        if (&other != &bursts && other.parent == bursts.parent && other.counts.size() >= 2 &&
            !same_loop(bursts, other)) {
          other_loops += other.counts.size();
        }
      }
      const std::uint64_t parent_runs = executions(workload, bursts.fingerprint, bursts.parent);
      const std::uint64_t own_runs = parent_runs > other_loops ? parent_runs - other_loops : 0;
      // One connection's runs after the parent count for a pair seen on one
      // connection, fan-outs after it for a pair seen as fan-outs.
      const std::uint64_t followed_runs =
          std::max(bursts.fan_outs < bursts.counts.size()
                       ? workload.runs_after_parent(bursts.fingerprint, bursts.parent)
                       : 0,
                   bursts.fan_followed);
      const double parent_share =
          own_runs == 0 ? 0.0
                        : std::min(1.0, static_cast<double>(followed_runs) / static_cast<double>(own_runs));
      bursts.share = parent_share;
      bursts.parent_runs = own_runs;
      bursts.followed_runs = std::min(own_runs, followed_runs);
      bursts.left_out = parent_runs - own_runs;
      const bool in_transactions = bursts.in_transaction == bursts.counts.size();
      const bool parent_consistent =
          (in_transactions || parent_runs >= min_executions) && parent_share >= min_share;
      // Fan-outs are judged on two bursts at least: one is a coincidence of
      // concurrent requests as often as a loop.
      const bool repeated = bursts.counts.size() >= 2 || bursts.fan_outs < bursts.counts.size();
      // A lookup seen only in fan-outs that mostly runs on its own (a
      // page's query many users run at once) is not a loop's, whatever ran
      // before its bursts.
      const double children_in_bursts = child_share(workload, bursts.fingerprint, in_bursts);
      const bool fan_outs_only = bursts.fan_outs == bursts.counts.size();
      // Fan-outs make a loop of min-burst rows per execution of the parent
      // on the whole, not in each (a few users' loops at once share one).
      const bool fan_rows =
          bursts.fan_outs < bursts.counts.size() ||
          bursts.fan_children >= static_cast<std::uint64_t>(min_burst) * bursts.fan_followed;
      const bool consistent =
          fan_rows &&
          (bursts.parent == 0
               ? bursts.in_transaction > 0
               : repeated && (!fan_outs_only || children_in_bursts >= 0.5) &&
                     (parent_consistent || (bursts.counts.size() >= 2 && children_in_bursts >= min_share)));
      if (consistent) {
        judged.push_back({&bursts, parent_consistent});
      }
    }
    // A child reported after a parent its runs follow consistently is
    // that loop's: the same child after another statement only its own
    // side explains (nearly all its executions are in bursts) is the same
    // loop seen after a wrong parent, not a second one.
    std::set<std::uint64_t> consistent_children;
    for (const auto& [bursts, parent_consistent] : judged) {
      if (parent_consistent) {
        consistent_children.insert(bursts->fingerprint);
      }
    }
    for (const auto& [bursts, parent_consistent] : judged) {
      if (parent_consistent || consistent_children.count(bursts->fingerprint) == 0) {
        reported.push_back(bursts);
        ++parents_per_child[bursts->fingerprint];
      }
    }
    // The per-row statements of one loop body (tags and author per post, a
    // copy's inserts) are one finding: runs after one parent in the same
    // groups.
    std::vector<std::size_t> loop(reported.size());
    for (std::size_t i = 0; i < reported.size(); ++i) {
      loop[i] = i;
      for (std::size_t j = 0; j < i; ++j) {
        if (loop[j] == j && same_loop(*reported[j], *reported[i])) {
          loop[i] = j;
          break;
        }
      }
    }
    for (std::size_t i = 0; i < reported.size(); ++i) {
      if (loop[i] != i) {
        continue;
      }
      std::vector<const Bursts*> body;
      for (std::size_t j = 0; j < reported.size(); ++j) {
        if (loop[j] == i) {
          body.push_back(reported[j]);
        }
      }
      // The loop's main statement: its write, else the one run most.
      const auto rank = [&](const Bursts* b) {
        const QueryStats* stats = workload.find(b->fingerprint);
        const bool writes = stats != nullptr && stats->shape.kind != StatementKind::select;
        return std::make_pair(writes, b->statements);
      };
      std::stable_sort(body.begin(), body.end(),
                       [&](const Bursts* a, const Bursts* b) { return rank(a) > rank(b); });
      core::Finding finding =
          burst_finding(context, *body.front(), parents_per_child[body.front()->fingerprint] > 1);
      add_loop_body(workload, body, finding);
      out.push_back(std::move(finding));
    }
    if (!workload.ordered) {
      likely_from_pgss(context, out);
    }
  }

private:
  static bool uses_drizzle(const engine::RuleContext& context) {
    return context.project != nullptr && context.project->uses_drizzle;
  }

  // The parent's executions that could have been followed by a run of the
  // child: all of them, but those followed by a batched read of the child's
  // table (the same page query in a code path that does it right).
  static std::uint64_t executions(const model::Workload& workload, std::uint64_t child,
                                  std::uint64_t parent) {
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

  static double fan_share(const model::Workload& workload, const Bursts& bursts) {
    const std::uint64_t runs = executions(workload, bursts.fingerprint, bursts.parent);
    return runs == 0 ? 0.0
                     : std::min(1.0, static_cast<double>(bursts.fan_followed) / static_cast<double>(runs));
  }

  static void merge_inconsistent_fan_outs(const model::Workload& workload, double min_share,
                                          std::vector<Bursts>& found) {
    std::map<std::uint64_t, std::vector<std::size_t>> by_child;
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (found[i].parent != 0 && found[i].fan_outs == found[i].counts.size() &&
          fan_share(workload, found[i]) < min_share) {
        by_child[found[i].fingerprint].push_back(i);
      }
    }
    std::vector<bool> gone(found.size(), false);
    for (auto& [child, indexes] : by_child) {
      if (indexes.size() < 2) {
        continue;
      }
      std::stable_sort(indexes.begin(), indexes.end(), [&](std::size_t a, std::size_t b) {
        return found[a].counts.size() > found[b].counts.size();
      });
      Bursts& into = found[indexes.front()];
      for (std::size_t k = 1; k < indexes.size(); ++k) {
        Bursts& from = found[indexes[k]];
        into.counts.insert(into.counts.end(), from.counts.begin(), from.counts.end());
        into.sessions.insert(from.sessions.begin(), from.sessions.end());
        into.fan_outs += from.fan_outs;
        into.fan_children += from.fan_children;
        into.statements += from.statements;
        into.groups.insert(from.groups.begin(), from.groups.end());
        into.spans.insert(into.spans.end(), from.spans.begin(), from.spans.end());
        into.params_sets.insert(from.params_sets.begin(), from.params_sets.end());
        into.total_ms += from.total_ms;
        into.max_window_us = std::max(into.max_window_us, from.max_window_us);
        if (from.max_backends > into.max_backends) {
          into.max_backends = from.max_backends;
          into.backend_list = from.backend_list;
        }
        gone[indexes[k]] = true;
      }
    }
    std::vector<Bursts> kept;
    for (std::size_t i = 0; i < found.size(); ++i) {
      if (!gone[i]) {
        kept.push_back(std::move(found[i]));
      }
    }
    found = std::move(kept);
  }

  // The share of the child's executions that ran in bursts of an N+1's
  // size (after any parent): a lookup only a loop makes.
  static double child_share(const model::Workload& workload, std::uint64_t fingerprint,
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
  // the same time: one loop's body.
  static bool same_loop(const Bursts& a, const Bursts& b) {
    if (a.parent == 0 || a.parent != b.parent || a.transaction_shape != b.transaction_shape) {
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

  // The loop body's other per-row statements, in the finding of its main one.
  static void add_loop_body(const model::Workload& workload, const std::vector<const Bursts*>& body,
                            core::Finding& finding) {
    if (body.size() < 2) {
      return;
    }
    std::vector<std::string> others;
    for (std::size_t i = 1; i < body.size(); ++i) {
      const QueryStats* stats = workload.find(body[i]->fingerprint);
      if (stats == nullptr) {
        continue;
      }
      others.push_back(advisor::short_query(stats->normalized, 60));
      finding.evidence.push_back(core::Evidence{
          core::Evidence::Kind::log,
          "the same loop also runs, per row: " + advisor::short_query(stats->normalized) + " (" +
              core::group_digits(static_cast<std::int64_t>(body[i]->statements)) + " statements in " +
              core::group_digits(static_cast<std::int64_t>(body[i]->counts.size())) + " bursts, median " +
              std::to_string(median(body[i]->counts)) + " per burst)",
          body[i]->first});
    }
    finding.message += "; per row also " + core::join(others, "; ");
  }

  // The share of the parent's executions a run of the child follows.
  static double pair_share(const model::Workload& workload, std::uint64_t child, std::uint64_t parent) {
    const std::uint64_t runs_possible = executions(workload, child, parent);
    if (runs_possible == 0) {
      return 0;
    }
    return std::min(1.0, static_cast<double>(workload.runs_after_parent(child, parent)) /
                             static_cast<double>(runs_possible));
  }

  // Of the statements just before the run, the one whose executions the
  // child's runs follow most consistently; a statement that returns rows
  // before one that cannot drive a loop (a count(*) between the page query
  // and its lookups); the nearest on a tie. With it, the run's executions
  // per execution of that parent (a fan-out's window may hold several).
  static std::tuple<std::uint64_t, std::uint32_t, std::uint32_t> parent_of(const model::Workload& workload,
                                                                           const model::Repeat& repeat,
                                                                           const FanCandidates& fan,
                                                                           double min_share) {
    std::uint64_t best = 0;
    std::uint32_t per_parent = repeat.count;
    std::uint32_t followed = 0;
    std::pair<double, double> best_key{-1.0, -1.0};
    std::tuple<bool, double, bool> best_fan_key{false, -1.0, false};
    if (repeat.grouping == model::Repeat::Grouping::fan_out) {
      // Other users' statements ran just before it too: the candidate the
      // child's fan-outs follow most often is its parent.
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
        const double consistency = followed_count == seen->second.followed.end() || stats->calls == 0
                                       ? 0.0
                                       : std::min(1.0, static_cast<double>(followed_count->second) /
                                                           static_cast<double>(stats->calls));
        // A loop's parent runs before every one of its runs: a statement
        // that ran before only some of them is another request's, however
        // rarely it runs elsewhere.
        const std::tuple<bool, double, bool> key{before >= min_share, before * consistency,
                                                 returns_rows(*stats)};
        if (key > best_fan_key) {
          best_fan_key = key;
          best = parent.fingerprint;
          per_parent = parent.children;
          followed = parent.followed;
        }
      }
      return {best, per_parent, followed};
    }
    for (const std::uint64_t candidate : repeat.candidates) {
      const QueryStats* stats = workload.find(candidate);
      if (candidate == 0 || candidate == repeat.fingerprint || !repeatable(stats)) {
        continue;
      }
      const std::pair<double, double> key{returns_rows(*stats) ? 1.0 : 0.0,
                                          pair_share(workload, repeat.fingerprint, candidate)};
      if (key > best_key) {
        best_key = key;
        best = candidate;
      }
    }
    return {best, per_parent, followed};
  }

  static core::Finding burst_finding(const engine::RuleContext& context, const Bursts& bursts,
                                     bool several_parents) {
    const model::Workload& workload = *context.workload;
    const QueryStats& query = *workload.find(bursts.fingerprint);
    core::Finding finding = advisor::query_finding(k_id, context.severity, query, context.catalog);
    finding.location = bursts.first;
    finding.object.columns = n_plus_one_lookup_columns(query);
    const std::uint32_t max = *std::max_element(bursts.counts.begin(), bursts.counts.end());
    const std::uint32_t med = median(bursts.counts);
    const std::uint64_t statements = [&] {
      std::uint64_t sum = 0;
      for (std::uint32_t c : bursts.counts) {
        sum += c;
      }
      return sum;
    }();
    const QueryStats* parent = workload.find(bursts.parent);
    if (several_parents) {
      // The same child after two code paths: two findings, two fixes.
      finding.compute_fingerprint(advisor::fingerprint_hex(query.fingerprint) + ":" +
                                  advisor::fingerprint_hex(bursts.parent));
    }
    const std::uint64_t parent_runs = bursts.parent_runs;
    const std::string parent_share = parent == nullptr
                                         ? std::string()
                                         : core::percent(bursts.share) + " of " +
                                               core::group_digits(static_cast<std::int64_t>(parent_runs)) +
                                               (parent_runs == 1 ? " execution of " : " executions of ");
    const bool insert = query.shape.kind == StatementKind::insert;
    const bool writes =
        insert || query.shape.kind == StatementKind::update || query.shape.kind == StatementKind::delete_;
    const std::string table = finding.object.table.empty() ? "the table" : finding.object.table;
    // One set of values in every burst of several: the loop runs over a
    // list fixed in the code (three system roles), not over a query's rows.
    const bool constant_list =
        bursts.counts.size() >= 2 && bursts.params_sets.size() == 1 && *bursts.params_sets.begin() != 0;
    const std::string what = bursts.transaction_shape != 0                ? "A transaction per row"
                             : query.shape.kind == StatementKind::insert  ? "Row-by-row inserts"
                             : query.shape.kind == StatementKind::update  ? "Row-by-row updates"
                             : query.shape.kind == StatementKind::delete_ ? "Row-by-row deletes"
                                                                          : "N+1 queries";
    const std::string unit = bursts.transaction_shape != 0 ? "transaction of " : std::string();

    finding.message =
        (constant_list ? "A loop over a constant list, not N+1: " : what + ": ") +
        core::group_digits(static_cast<std::int64_t>(bursts.counts.size())) +
        (bursts.counts.size() == 1 ? " burst" : " bursts") + " of " + unit +
        advisor::short_query(query.normalized, 100) + " (" + std::to_string(med) + " per burst, max " +
        std::to_string(max) + ")" +
        (parent != nullptr ? " after " + parent_share + advisor::short_query(parent->normalized, 80)
                           : std::string());
    if (constant_list) {
      finding.severity = core::Severity::info;
    }
    std::string burst_detail =
        core::group_digits(static_cast<std::int64_t>(bursts.counts.size())) +
        (bursts.counts.size() == 1 ? " burst in " : " bursts in ") + std::to_string(bursts.sessions.size()) +
        (bursts.sessions.size() == 1 ? " session" : " sessions") + ", " +
        core::group_digits(static_cast<std::int64_t>(bursts.in_transaction)) + " inside a transaction; " +
        core::group_digits(static_cast<std::int64_t>(statements)) + " statements, median " +
        std::to_string(med) + " and max " + std::to_string(max) +
        " per burst, each with different parameters";
    if (workload.has_durations) {
      burst_detail += "; " + core::human_duration_ms(bursts.total_ms) + " spent in the bursts";
    }
    finding.evidence.insert(finding.evidence.begin(),
                            core::Evidence{core::Evidence::Kind::log, burst_detail, bursts.first});
    if (constant_list) {
      finding.evidence.push_back(core::Evidence{
          core::Evidence::Kind::log,
          "every burst ran with the same " + std::to_string(med) +
              " parameter sets: the loop runs over a list fixed in the code, whatever the data, so the "
              "number of statements does not grow with the rows",
          bursts.first});
    }
    if (bursts.fan_outs > 0) {
      finding.evidence.push_back(core::Evidence{
          core::Evidence::Kind::log,
          core::group_digits(static_cast<std::int64_t>(bursts.fan_outs)) +
              (bursts.fan_outs == 1 ? " burst ran" : " bursts ran") +
              " on several backends of one database, user and application at once (a pool running the "
              "loop's statements concurrently, e.g. Promise.all over rows): up to " +
              std::to_string(bursts.max_backends) + " backends (" + bursts.backend_list + "), the children " +
              "within " + core::human_duration_ms(static_cast<double>(bursts.max_window_us) / 1000.0) +
              " of each other, one execution of the parent before them",
          bursts.first});
    } else if (bursts.traced > 0) {
      finding.evidence.push_back(core::Evidence{
          core::Evidence::Kind::log,
          core::group_digits(static_cast<std::int64_t>(bursts.traced)) +
              (bursts.traced == 1 ? " burst is" : " bursts are") +
              " the statements of one request by their sqlcommenter traceparent trace id" +
              (bursts.backend_list.empty() ? std::string()
                                           : ", on up to " + std::to_string(bursts.max_backends) +
                                                 " backends (" + bursts.backend_list + ")"),
          bursts.first});
    }
    if (bursts.transaction_shape != 0) {
      std::vector<std::string> members;
      const auto shape = workload.transaction_shapes.find(bursts.transaction_shape);
      if (shape != workload.transaction_shapes.end()) {
        for (const std::uint64_t member : shape->second) {
          if (const QueryStats* stats = workload.find(member); stats != nullptr) {
            members.push_back(advisor::short_query(stats->normalized, 80));
          }
        }
      }
      finding.evidence.push_back(
          core::Evidence{core::Evidence::Kind::log,
                         "each row is a transaction of its own (BEGIN; " + core::join(members, "; ") +
                             "; COMMIT): the loop calls a function that opens a transaction",
                         bursts.first});
    }
    if (bursts.interleaved > 0) {
      finding.evidence.push_back(core::Evidence{
          core::Evidence::Kind::log,
          "the loop body varies per row: other statements (optional for some rows) run between the "
          "executions",
          bursts.first});
    }
    // The application named the code path in sqlcommenter tags.
    if (bursts.code_path != 0 && bursts.code_path <= workload.code_paths.size()) {
      const model::Workload::CodePath& path = workload.code_paths[bursts.code_path - 1];
      const std::string where =
          path.route.empty() ? path.file : path.route + (path.file.empty() ? "" : " (" + path.file + ")");
      finding.message += ", in " + where;
      finding.evidence.push_back(core::Evidence{core::Evidence::Kind::log,
                                                "sqlcommenter tags of the bursts: route '" + path.route +
                                                    "', file '" + path.file + "'",
                                                bursts.first});
    }
    if (parent != nullptr) {
      std::string detail = "parent statement: a run of the child follows " +
                           core::group_digits(static_cast<std::int64_t>(bursts.followed_runs)) + " of its " +
                           core::group_digits(static_cast<std::int64_t>(parent_runs)) + " executions (" +
                           core::percent(bursts.share) + ")";
      const std::uint64_t batched = parent->calls - std::min(parent->calls, parent_runs + bursts.left_out);
      if (batched > 0) {
        detail += "; " + core::group_digits(static_cast<std::int64_t>(batched)) +
                  " more are followed by one batched query of " + table + " and are left out";
      }
      if (bursts.left_out > 0) {
        detail += "; " + core::group_digits(static_cast<std::int64_t>(bursts.left_out)) +
                  " more are followed by another loop (another code path) and are left out";
      }
      finding.evidence.push_back(core::Evidence{core::Evidence::Kind::query,
                                                detail + ": " + advisor::short_query(parent->normalized),
                                                parent->first_seen});
    }
    if (workload.repeats_dropped > 0) {
      finding.evidence.push_back(core::Evidence{core::Evidence::Kind::log,
                                                std::to_string(workload.repeats_dropped) +
                                                    " more repeat groups were not kept (memory cap): counts "
                                                    "are a lower bound",
                                                {}});
    }
    core::Fix fix;
    const model::Table* catalog_table = advisor::find_table(context.catalog, finding.object.schema, table);
    const std::string var = drizzle_table_var(catalog_table, table);
    const std::string key_column =
        finding.object.columns.empty() ? std::string("id") : finding.object.columns.front();
    const std::string key_prop = catalog_table != nullptr
                                     ? advisor::drizzle_property(*catalog_table, key_column)
                                     : core::snake_to_camel(key_column);
    if (constant_list) {
      finding.help = "The loop runs over values fixed in the code, so it issues the same " +
                     std::to_string(med) +
                     " statements every time, however much data there is: not an N+1. It could still be "
                     "one statement (WHERE " +
                     key_column + " = ANY($1) with the list) if the round trips matter.";
      fix.ddl = writes && !insert ? std::string() : advisor::any_rewrite(query.shape, query.normalized);
    } else if (insert) {
      finding.help =
          std::string(bursts.transaction_shape != 0
                          ? "The application opens a transaction per row (a helper that calls db.transaction "
                            "inside a loop) and inserts one row in each. "
                          : "The application inserts one row per statement. ") +
          "Send the rows of a batch in one statement, in one transaction: "
          "INSERT ... VALUES (...), (...), ... or INSERT ... SELECT * FROM unnest($1::type[], ...) with "
          "one array parameter per column, or COPY for large loads. One round trip and one plan instead "
          "of " +
          std::to_string(max) + ".";
      fix.safety_note = "Keep batches to a few thousand rows so one statement does not hold locks for long.";
      fix.ddl = advisor::unnest_rewrite(query.normalized, catalog_table);
      if (uses_drizzle(context)) {
        fix.drizzle = "await db.insert(" + var + ").values(rows); // one INSERT for the whole array";
      }
    } else if (writes) {
      const bool update = query.shape.kind == StatementKind::update;
      finding.help = std::string("The application ") + (update ? "updates" : "deletes") +
                     " one row per statement, once per row of " +
                     (parent != nullptr ? "the parent query" : "a previous result") +
                     (bursts.transaction_shape != 0 ? ", each in a transaction of its own" : std::string()) +
                     ". Do it once for all of them: WHERE " + key_column +
                     " = ANY($1) with the keys as an array, in one statement" +
                     (update ? " (when every row gets the same new values; per-row values: UPDATE ... FROM "
                               "(VALUES ...) or unnest of arrays joined on the key)"
                             : std::string()) +
                     ".";
      fix.ddl = advisor::any_rewrite(query.shape, query.normalized);
      if (uses_drizzle(context)) {
        fix.drizzle = std::string("await db.") +
                      (update ? "update(" + var + ").set({ /* the new values */ })" : "delete(" + var + ")") +
                      ".where(inArray(" + advisor::drizzle_member(var, key_prop) + ", ids));";
      }
    } else {
      finding.help = "The application runs this statement once per row of " +
                     std::string(parent != nullptr ? "the parent query" : "a previous result") +
                     (bursts.transaction_shape != 0 ? ", each in a transaction of its own" : std::string()) +
                     ". Fetch all of them at once: JOIN " + table +
                     " in the parent query, or run this statement "
                     "once with the parent's keys as an array (WHERE " +
                     key_column + " = ANY($1)) and group the rows in the application.";
      fix.ddl = advisor::any_rewrite(query.shape, query.normalized);
      if (uses_drizzle(context)) {
        fix.drizzle = "// relational query: db.query.<parent>.findMany({ with: { " + var +
                      ": true } })\n// or one query for all parent keys:\nawait db.select().from(" + var +
                      ").where(inArray(" + advisor::drizzle_member(var, key_prop) + ", ids));";
      }
    }
    const model::Workload::CodePath* path =
        bursts.code_path != 0 && bursts.code_path <= workload.code_paths.size()
            ? &workload.code_paths[bursts.code_path - 1]
            : nullptr;
    locate_n_plus_one_in_code(context, query, parent, path, finding, fix);
    finding.fix = std::move(fix);
    return finding;
  }

  // pg_stat_statements has no order, so bursts cannot be seen. What it can
  // show is a single-row lookup by key called very often and very cheaply:
  // the typical child of an N+1. Reported as "likely", at most medium.
  static void likely_from_pgss(const engine::RuleContext& context, std::vector<core::Finding>& out) {
    const auto min_calls =
        static_cast<std::uint64_t>(std::max(1L, context.options.get_int("pgss-min-calls")));
    const double min_ratio = context.options.get_double("pgss-min-calls-per-ms");
    for (const QueryStats& query : context.workload->queries) {
      if (!query.pgss_mean_ms || query.calls < min_calls || !key_lookup(context, query)) {
        continue;
      }
      const double mean = std::max(query.mean_ms(), 0.001);
      if (static_cast<double>(query.calls) / mean < min_ratio) {
        continue;
      }
      core::Finding finding = advisor::query_finding(k_id, std::min(context.severity, core::Severity::medium),
                                                     query, context.catalog);
      finding.object.columns = n_plus_one_lookup_columns(query);
      finding.message = "Likely N+1: " + advisor::short_query(query.normalized, 100) +
                        " is a single-row lookup by "
                        "key called " +
                        core::group_digits(static_cast<std::int64_t>(query.calls)) +
                        " times (pg_stat_statements has no order, so bursts cannot be confirmed)";
      finding.help =
          "Many cheap lookups by key usually come from a loop over a previous result. Confirm with a "
          "server log (log_min_duration_statement = 0 for a few minutes, then pgadvise --log), then "
          "fetch the rows in one query with WHERE key = ANY($1) or a JOIN in the parent query.";
      core::Fix fix;
      fix.ddl = advisor::any_rewrite(query.shape, query.normalized);
      finding.fix = std::move(fix);
      out.push_back(std::move(finding));
    }
  }

  // A SELECT on one table, no aggregate, whose only filters are equalities
  // on a unique key (by the catalog) or that returns at most one row a call.
  static bool key_lookup(const engine::RuleContext& context, const QueryStats& query) {
    const model::QueryShape& shape = query.shape;
    if (!query.parsed || shape.kind != StatementKind::select || shape.has_aggregate ||
        shape.tables.size() != 1) {
      return false;
    }
    std::vector<std::string> equalities;
    for (const model::ColumnUsage& usage : shape.columns) {
      if (usage.use == ColumnUse::equality) {
        equalities.push_back(usage.column);
      } else if (usage.use != ColumnUse::order_by) {
        return false;
      }
    }
    if (equalities.empty()) {
      return false;
    }
    if (query.rows && query.calls > 0 && *query.rows > query.calls) {
      return false;
    }
    const model::Table* table =
        advisor::find_table(context.catalog, shape.tables.front().schema, shape.tables.front().name);
    if (table == nullptr) {
      return query.rows.has_value(); // without a catalog, rows/call <= 1 is the evidence
    }
    return std::any_of(table->indexes.begin(), table->indexes.end(), [&](const model::Index& index) {
      if (!index.unique || index.is_partial() || index.keys.empty()) {
        return false;
      }
      return std::all_of(index.keys.begin(), index.keys.end(), [&](const model::IndexKey& key) {
        return !key.column.empty() &&
               std::find(equalities.begin(), equalities.end(), key.column) != equalities.end();
      });
    });
  }
};

} // namespace

std::unique_ptr<engine::Rule> make_n_plus_one() {
  return std::make_unique<NPlusOne>();
}

} // namespace pgadvise::rules
