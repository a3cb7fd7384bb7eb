// n-plus-one's runs: the repeats that make bursts of an N+1's size, after
// the parent each was judged after, gathered per code path.
#include "rules/query/n_plus_one/bursts.hpp"

#include "rules/query/n_plus_one/parent.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

namespace pgadvise::rules::n_plus_one {

namespace {

using model::QueryStats;

constexpr std::uint32_t k_params_cap = 64; // Repeat::distinct_params is capped there
constexpr std::size_t k_max_groups = 10000;

// A repeat that counts, with the parent it was judged after.
struct Qualified {
  const model::Repeat* repeat = nullptr;
  std::uint64_t parent = 0;
  std::uint32_t per_parent = 0; // executions per execution of the parent
  std::uint32_t followed = 0;   // fan-outs: the parent's executions two or more children followed
};

std::vector<Qualified> qualify(const model::Workload& workload, std::uint32_t min_burst, double min_share) {
  const FanCandidates fan = fan_candidates(workload);
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
  return qualified;
}

using Spans = std::map<std::uint64_t, std::vector<std::pair<std::int64_t, std::int64_t>>>;

// A run on one connection, or of one request by its trace id: not a
// fan-out or a strand, which are spread over backends.
bool one_connection(const model::Repeat& repeat) {
  return repeat.grouping == model::Repeat::Grouping::session ||
         repeat.grouping == model::Repeat::Grouping::trace;
}

// The child's runs on one connection (after whichever parent), by child.
Spans spans_of(const std::vector<Qualified>& qualified) {
  Spans spans;
  for (const Qualified& q : qualified) {
    if (one_connection(*q.repeat) && q.repeat->first_us != 0) {
      spans[q.repeat->fingerprint].emplace_back(q.repeat->first_us, q.repeat->last_us);
    }
  }
  return spans;
}

// A fan-out that overlaps a run of the same child on one connection holds
// executions that run counts too.
bool overlaps(const Spans& spans, const model::Repeat& repeat) {
  const auto it = spans.find(repeat.fingerprint);
  return it != spans.end() && std::any_of(it->second.begin(), it->second.end(),
                                          [&](const std::pair<std::int64_t, std::int64_t>& span) {
                                            return repeat.first_us <= span.second &&
                                                   span.first <= repeat.last_us;
                                          });
}

// The child's runs on one connection, by child: when, how many, after
// which parent.
struct ConnectionRun {
  std::int64_t first_us = 0;
  std::int64_t last_us = 0;
  std::uint32_t count = 0;
  std::uint64_t parent = 0;
  // Its executions no fan-out has counted as held yet: a connection's run
  // that spans two requests' fan-outs holds each execution for one of them.
  std::uint32_t unheld = 0;
};
using ConnectionRuns = std::map<std::uint64_t, std::vector<ConnectionRun>>;

ConnectionRuns connection_runs(const std::vector<Qualified>& qualified) {
  ConnectionRuns runs;
  for (const Qualified& q : qualified) {
    if (one_connection(*q.repeat) && q.repeat->first_us != 0) {
      runs[q.repeat->fingerprint].push_back(
          {q.repeat->first_us, q.repeat->last_us, q.repeat->count, q.parent, q.repeat->count});
    }
  }
  return runs;
}

// A fan-out that overlaps runs of the same child on one connection holds
// their executions. Where no connection ran the child after the fan-out's
// parent, the fan-out counts, and the runs' executions no earlier fan-out
// held are its held ones (returned; a run spanning several requests'
// fan-outs holds each execution once). Otherwise each run counts its own rows, and a run after
// the fan-out's parent one of the parent's executions too; what is left is
// other users' loops at the same moment, hopping from backend to backend
// (a sequential loop's iterations take whichever connection the pool hands
// them, a pipelining driver spreads a Promise.all over its connections):
// it counts when it still makes min-burst rows per execution of the
// parent, the runs' rows held (nothing, std::nullopt, otherwise).
std::optional<std::uint32_t> beyond_connection_runs(ConnectionRuns& runs, std::uint32_t min_burst,
                                                    Qualified& q) {
  const model::Repeat& fan = *q.repeat;
  const auto child = runs.find(fan.fingerprint);
  std::uint64_t counted = 0;
  std::uint32_t inside = 0;
  bool pair_ran = false;
  std::vector<ConnectionRun*> overlapping;
  std::vector<ConnectionRun> none;
  for (ConnectionRun& run : child == runs.end() ? none : child->second) {
    pair_ran = pair_ran || run.parent == q.parent;
    if (run.first_us <= fan.last_us && fan.first_us <= run.last_us) {
      counted += run.count;
      inside += run.parent == q.parent ? 1U : 0U;
      overlapping.push_back(&run);
    }
  }
  if (!pair_ran) {
    // Held: what those runs count that no earlier fan-out held already.
    std::uint32_t held = 0;
    for (ConnectionRun* run : overlapping) {
      const std::uint32_t take = std::min(run->unheld, fan.count - held);
      run->unheld -= take;
      held += take;
    }
    return held;
  }
  if (q.followed <= inside) {
    return std::nullopt;
  }
  const auto held = static_cast<std::uint32_t>(std::min<std::uint64_t>(counted, fan.count));
  const std::uint32_t followed = q.followed - inside;
  const std::uint32_t per_parent = (fan.count - held) / followed;
  if (per_parent < min_burst) {
    return std::nullopt;
  }
  q.followed = followed;
  q.per_parent = per_parent;
  return held;
}

using Strands = std::map<std::uint64_t, std::vector<const model::Repeat*>>; // by child

Strands by_child(const std::vector<Qualified>& qualified, model::Repeat::Grouping grouping) {
  Strands strands;
  for (const Qualified& q : qualified) {
    if (q.repeat->grouping == grouping) {
      strands[q.repeat->fingerprint].push_back(q.repeat);
    }
  }
  return strands;
}

// A strand's executions that fan-outs of the same child at the same time
// count too (at most all of them): one request's rows among several users'.
std::uint32_t counted_by_fan_outs(const Strands& fan_outs, const model::Repeat& strand) {
  const auto child = fan_outs.find(strand.fingerprint);
  std::uint64_t counted = 0;
  for (const model::Repeat* fan :
       child == fan_outs.end() ? std::vector<const model::Repeat*>{} : child->second) {
    if (fan->first_us <= strand.last_us && strand.first_us <= fan->last_us) {
      counted += fan->count;
    }
  }
  return static_cast<std::uint32_t>(std::min<std::uint64_t>(counted, strand.count));
}

// A connection's run inside a strand of the same child that ran on that
// connection too: some of the strand's own rows (a request's loop the pool
// kept on one backend for a while), counted with the strand.

bool held_by_strand(const Strands& strands, const model::Repeat& repeat) {
  const auto child = strands.find(repeat.fingerprint);
  if (repeat.grouping != model::Repeat::Grouping::session || repeat.first_us == 0 || child == strands.end()) {
    return false;
  }
  return std::any_of(child->second.begin(), child->second.end(), [&](const model::Repeat* held) {
    const model::Repeat& strand = *held;
    if (strand.transaction_shape != repeat.transaction_shape || repeat.first_us < strand.first_us ||
        repeat.last_us > strand.last_us) {
      return false;
    }
    const std::string_view listed = strand.backend_list;
    for (std::size_t at = listed.find(repeat.session); at != std::string_view::npos;
         at = listed.find(repeat.session, at + 1)) {
      const std::size_t end = at + repeat.session.size();
      if ((at == 0 || listed[at - 1] == ' ') && (end == listed.size() || listed[end] == ',')) {
        return true;
      }
    }
    return false;
  });
}

void add_burst(Bursts& bursts, const Qualified& q) {
  const model::Repeat& repeat = *q.repeat;
  const bool fan_out = repeat.grouping == model::Repeat::Grouping::fan_out;
  if (bursts.code_path == 0) {
    bursts.code_path = repeat.code_path;
  }
  bursts.counts.push_back(q.per_parent);
  if (bursts.sessions.size() < 10000) {
    bursts.sessions.insert(repeat.session);
  }
  bursts.in_transaction += repeat.in_transaction ? 1U : 0U;
  bursts.fan_outs += fan_out ? 1U : 0U;
  bursts.fan_followed += q.followed;
  bursts.fan_children += static_cast<std::uint64_t>(q.per_parent) * q.followed;
  bursts.traced += repeat.grouping == model::Repeat::Grouping::trace ? 1U : 0U;
  bursts.keyed += repeat.grouping == model::Repeat::Grouping::shared_key ? 1U : 0U;
  bursts.interleaved += repeat.interleaved ? 1U : 0U;
  if (repeat.backends > bursts.max_backends && !repeat.backend_list.empty()) {
    bursts.max_backends = repeat.backends;
    bursts.backend_list = repeat.backend_list;
  }
  if (fan_out && repeat.first_us != 0) {
    bursts.max_window_us = std::max(bursts.max_window_us, repeat.last_us - repeat.first_us);
  }
  if (bursts.params_sets.size() < 2) {
    bursts.params_sets.insert(repeat.params_set);
  }
  bursts.statements += repeat.count;
  if (bursts.groups.size() < k_max_groups) {
    bursts.groups.insert(repeat.group);
  }
  if (fan_out && repeat.first_us != 0 && bursts.spans.size() < k_max_groups) {
    bursts.spans.emplace_back(repeat.first_us, repeat.last_us);
  }
  bursts.total_ms += repeat.total_ms;
}

// The share of the parent's executions the pair's runs follow: fan-outs'
// by their parent's executions, the others' by runs after it.
double pair_share(const model::Workload& workload, const Bursts& bursts) {
  const std::uint64_t runs = executions(workload, bursts.fingerprint, bursts.parent);
  const std::uint64_t followed =
      bursts.fan_followed + (bursts.fan_outs < bursts.counts.size()
                                 ? workload.runs_after_parent(bursts.fingerprint, bursts.parent)
                                 : 0);
  return runs == 0 ? 0.0 : std::min(1.0, static_cast<double>(followed) / static_cast<double>(runs));
}

// Fan-outs and strands (one request's rows on several backends) were
// judged after a statement the connection or the moment suggests, not
// one a connection's own order shows.
bool parent_uncertain(const Bursts& bursts) {
  return bursts.fan_outs + bursts.keyed == bursts.counts.size();
}

void merge_into(Bursts& into, const Bursts& from) {
  into.counts.insert(into.counts.end(), from.counts.begin(), from.counts.end());
  into.sessions.insert(from.sessions.begin(), from.sessions.end());
  into.fan_outs += from.fan_outs;
  into.keyed += from.keyed;
  into.fan_children += from.fan_children;
  into.statements += from.statements;
  into.shadowed += from.shadowed;
  into.groups.insert(from.groups.begin(), from.groups.end());
  into.spans.insert(into.spans.end(), from.spans.begin(), from.spans.end());
  into.params_sets.insert(from.params_sets.begin(), from.params_sets.end());
  into.total_ms += from.total_ms;
  into.max_window_us = std::max(into.max_window_us, from.max_window_us);
  if (from.max_backends > into.max_backends) {
    into.max_backends = from.max_backends;
    into.backend_list = from.backend_list;
  }
}

// A child whose fan-outs and strands follow no single statement
// consistently (a loop over a request's own values, other users'
// statements just before it, a parent shared with a code path that runs
// the child once) is one loop: its fan-outs and strands after statements
// that do not explain it on their own go to the statement it follows most,
// itself not explaining it either.
void merge_inconsistent_fan_outs(const model::Workload& workload, double min_share,
                                 std::vector<Bursts>& found) {
  std::map<std::uint64_t, std::vector<std::size_t>> by_child;
  for (std::size_t i = 0; i < found.size(); ++i) {
    if (found[i].parent != 0 && pair_share(workload, found[i]) < min_share &&
        (parent_uncertain(found[i]) || found[i].keyed > 0)) {
      by_child[found[i].fingerprint].push_back(i);
    }
  }
  std::vector<bool> gone(found.size(), false);
  for (auto& [child, indexes] : by_child) {
    if (indexes.size() < 2) {
      continue;
    }
    // The statement it follows most consistently, then most often.
    const auto key = [&](std::size_t i) {
      return std::make_pair(pair_share(workload, found[i]), found[i].counts.size());
    };
    std::stable_sort(indexes.begin(), indexes.end(),
                     [&](std::size_t a, std::size_t b) { return key(a) > key(b); });
    for (std::size_t k = 1; k < indexes.size(); ++k) {
      if (parent_uncertain(found[indexes[k]])) {
        merge_into(found[indexes.front()], found[indexes[k]]);
        gone[indexes[k]] = true;
      }
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

} // namespace

std::vector<Bursts> gather_bursts(const model::Workload& workload, std::uint32_t min_burst,
                                  double min_share) {
  const std::vector<Qualified> qualified = qualify(workload, min_burst, min_share);
  const Spans spans = spans_of(qualified);
  ConnectionRuns runs = connection_runs(qualified);
  const Strands strands = by_child(qualified, model::Repeat::Grouping::shared_key);
  // The fan-outs whose executions count (no connection's run holds them).
  Strands fan_outs = by_child(qualified, model::Repeat::Grouping::fan_out);
  for (auto& [child, list] : fan_outs) {
    list.erase(std::remove_if(list.begin(), list.end(),
                              [&](const model::Repeat* fan) { return overlaps(spans, *fan); }),
               list.end());
  }
  std::vector<Bursts> found;
  std::map<std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>, std::size_t> index;
  for (Qualified q : qualified) {
    const model::Repeat& repeat = *q.repeat;
    const bool shadowed = repeat.grouping == model::Repeat::Grouping::fan_out && overlaps(spans, repeat);
    const std::optional<std::uint32_t> held =
        shadowed ? beyond_connection_runs(runs, min_burst, q) : std::optional<std::uint32_t>(0);
    if (!held.has_value() || held_by_strand(strands, repeat)) {
      continue;
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
    add_burst(found[it->second], q);
    found[it->second].shadowed += shadowed ? *held
                                  : repeat.grouping == model::Repeat::Grouping::shared_key
                                      ? counted_by_fan_outs(fan_outs, repeat)
                                      : 0U;
  }
  merge_inconsistent_fan_outs(workload, min_share, found);
  return found;
}

} // namespace pgadvise::rules::n_plus_one
