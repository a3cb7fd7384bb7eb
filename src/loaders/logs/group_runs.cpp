#include "loaders/logs/group_runs.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

using Candidates = std::array<std::uint64_t, model::Repeat::k_candidates>;

// The longest repeating unit: one statement per row, a fixed group of
// lazy loads per row (author and avatar, tags and author), or a worker's
// whole row (look the row's invoice up, its customer, the next number,
// insert, update, mark the schedule: seven statements per row). As long as
// an interleaved run's body may be. A unit of more than k_short_unit steps
// counts only when it runs k_long_unit_reps times back to back: a few
// repeats of so many statements are as often a nested loop's varying rows
// (a copied project's stages with their tickets, events and tags) or a
// page requested again, which the shorter units and the interleaved runs
// read better.
constexpr std::size_t k_max_unit = 8;
constexpr std::size_t k_short_unit = 3;
constexpr std::size_t k_long_unit_reps = 5;
// An interleaved run: executions at least, and steps between two of them at
// most (a loop body's optional statements).
constexpr std::size_t k_min_interleaved = 3;
constexpr std::size_t k_max_body = 8;

// The smallest unit (1 to k_max_unit steps, all different) that repeats
// right away at `i`, and how many times it runs in a row.
std::pair<std::size_t, std::size_t> repeating_unit(const std::vector<std::uint64_t>& ids, std::size_t i) {
  const std::size_t n = ids.size();
  for (std::size_t length = 1; length <= k_max_unit && i + 2 * length <= n; ++length) {
    // A unit's steps are all different: a longer one holds this one.
    if (std::find(ids.begin() + static_cast<std::ptrdiff_t>(i),
                  ids.begin() + static_cast<std::ptrdiff_t>(i + length - 1),
                  ids[i + length - 1]) != ids.begin() + static_cast<std::ptrdiff_t>(i + length - 1)) {
      break;
    }
    if (ids[i + length] != ids[i]) {
      continue; // the unit does not start again right after itself
    }
    std::size_t reps = 1;
    while (i + (reps + 1) * length <= n &&
           std::equal(ids.begin() + static_cast<std::ptrdiff_t>(i),
                      ids.begin() + static_cast<std::ptrdiff_t>(i + length),
                      ids.begin() + static_cast<std::ptrdiff_t>(i + reps * length))) {
      ++reps;
    }
    if (reps >= (length <= k_short_unit ? 2 : k_long_unit_reps)) {
      return {length, reps};
    }
  }
  return {0, 0};
}

// The (up to three) steps just before the run at `i`, nearest first,
// different from each other; the walk stops at an earlier execution of a unit member (what came
// before it belongs to that execution, not to this run).
Candidates parent_candidates(const std::vector<std::uint64_t>& ids, const std::vector<std::uint64_t>& parents,
                             std::size_t i, std::size_t length) {
  Candidates out{};
  std::size_t found = 0;
  const auto unit_begin = ids.begin() + static_cast<std::ptrdiff_t>(i);
  const auto unit_end = unit_begin + static_cast<std::ptrdiff_t>(length);
  for (std::size_t back = i; back > 0 && back + out.size() > i; --back) {
    if (std::find(unit_begin, unit_end, ids[back - 1]) != unit_end) {
      break;
    }
    const std::uint64_t parent = parents[back - 1];
    if (std::find(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(found), parent) ==
        out.begin() + static_cast<std::ptrdiff_t>(found)) {
      out[found++] = parent;
    }
  }
  return out;
}

// Whether the unit of the run at `i` (several steps) also runs whole, once,
// elsewhere in the group, at the group's start or after another step than
// this run's parent: the unit is a request the pool repeated.
bool unit_runs_elsewhere(const std::vector<std::uint64_t>& ids, std::size_t i, std::size_t length,
                         std::size_t reps) {
  const std::size_t n = ids.size();
  const std::uint64_t parent = i > 0 ? ids[i - 1] : 0;
  const auto unit = ids.begin() + static_cast<std::ptrdiff_t>(i);
  const auto same_at = [&](std::size_t j) {
    return j + length <= n && std::equal(unit, unit + static_cast<std::ptrdiff_t>(length),
                                         ids.begin() + static_cast<std::ptrdiff_t>(j));
  };
  for (std::size_t j = 0; j + length <= n; ++j) {
    if (j + length > i && j < i + length * reps) {
      continue; // inside this run
    }
    if (!same_at(j) || same_at(j + length) || (j >= length && same_at(j - length))) {
      continue;
    }
    if (j == 0 || ids[j - 1] != parent) {
      return true;
    }
  }
  return false;
}

void unit_runs(const std::vector<std::uint64_t>& ids, const std::vector<std::uint64_t>& parents,
               std::vector<GroupRun>& out) {
  std::size_t i = 0;
  while (i < ids.size()) {
    const auto [length, reps] = repeating_unit(ids, i);
    if (length == 0) {
      ++i;
      continue;
    }
    const Candidates candidates = parent_candidates(ids, parents, i, length);
    const bool request = length >= 2 && unit_runs_elsewhere(ids, i, length, reps);
    for (std::size_t member = 0; member < length; ++member) {
      GroupRun run;
      run.id = ids[i + member];
      run.unit = static_cast<std::uint32_t>(length);
      run.request_repeat = request;
      run.consecutive = length == 1;
      run.candidates = candidates;
      for (std::size_t r = 0; r < reps; ++r) {
        run.positions.push_back(static_cast<std::uint32_t>(i + r * length + member));
      }
      out.push_back(std::move(run));
    }
    i += length * reps;
  }
}

// The interleaved runs of every step executed at least k_min_interleaved
// times in the group.
void interleaved_runs(const std::vector<std::uint64_t>& ids, const std::vector<std::uint64_t>& parents,
                      std::vector<GroupRun>& out) {
  std::vector<std::pair<std::uint64_t, std::uint32_t>> by_id;
  by_id.reserve(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    by_id.emplace_back(ids[i], static_cast<std::uint32_t>(i));
  }
  std::sort(by_id.begin(), by_id.end());
  std::size_t begin = 0;
  while (begin < by_id.size()) {
    std::size_t end = begin;
    while (end < by_id.size() && by_id[end].first == by_id[begin].first) {
      ++end;
    }
    if (end - begin >= k_min_interleaved) {
      const std::uint64_t id = by_id[begin].first;
      GroupRun run;
      Candidates before{};
      const auto flush = [&] {
        if (run.positions.size() >= k_min_interleaved) {
          run.id = id;
          run.unit = 1;
          run.interleaved = true;
          run.candidates = before;
          out.push_back(std::move(run));
        }
        run = GroupRun{};
      };
      for (std::size_t k = begin; k < end; ++k) {
        const std::uint32_t at = by_id[k].second;
        if (!run.positions.empty()) {
          const std::uint32_t last = run.positions.back();
          bool joins = at - last - 1 <= k_max_body;
          for (std::uint32_t j = last + 1; j < at && joins; ++j) {
            joins = std::find(before.begin(), before.end(), parents[j]) == before.end();
          }
          if (!joins) {
            flush();
          }
        }
        if (run.positions.empty()) {
          before = parent_candidates(ids, parents, at, 1);
        }
        run.positions.push_back(at);
      }
      flush();
    }
    begin = end;
  }
}

} // namespace

std::uint64_t params_set_hash(const std::vector<std::uint64_t>& values) {
  std::uint64_t sum = values.size() + 1;
  for (const std::uint64_t value : values) {
    std::uint64_t z = value + 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30U)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27U)) * 0x94d049bb133111ebULL;
    sum += z ^ (z >> 31U);
  }
  return sum | 1U; // 0: not known
}

namespace {

// Whether some step repeats in the group (most groups, one request's
// statements, have none: nothing to look for).
bool any_repeat(const std::vector<std::uint64_t>& ids) {
  if (ids.size() <= 16) {
    for (std::size_t a = 1; a < ids.size(); ++a) {
      if (std::find(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(a), ids[a]) !=
          ids.begin() + static_cast<std::ptrdiff_t>(a)) {
        return true;
      }
    }
    return false;
  }
  std::vector<std::uint64_t> sorted = ids;
  std::sort(sorted.begin(), sorted.end());
  return std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
}

} // namespace

std::vector<GroupRun> group_runs(const std::vector<std::uint64_t>& ids,
                                 const std::vector<std::uint64_t>& parents, bool one_request) {
  if (!any_repeat(ids)) {
    return {};
  }
  const std::vector<std::uint64_t>& as_parent = parents.size() == ids.size() ? parents : ids;
  std::vector<GroupRun> runs;
  unit_runs(ids, as_parent, runs);
  std::vector<GroupRun> interleaved;
  interleaved_runs(ids, as_parent, interleaved);
  for (GroupRun& candidate : interleaved) {
    const std::uint32_t first = candidate.positions.front();
    const std::uint32_t last = candidate.positions.back();
    std::size_t inside = 0;
    for (const GroupRun& run : runs) {
      if (run.id == candidate.id && run.positions.front() >= first && run.positions.back() <= last) {
        inside += run.positions.size();
      }
    }
    // In a connection's burst (which may hold several requests), an id run
    // mostly back to back is runs of its own, of requests one after
    // another; inside one transaction or request the loop is one.
    if (inside >= candidate.positions.size() || (!one_request && inside * 2 >= candidate.positions.size())) {
      continue;
    }
    std::erase_if(runs, [&](const GroupRun& run) {
      return run.id == candidate.id && run.positions.front() >= first && run.positions.back() <= last;
    });
    // Inside one transaction or request, the other statements of units
    // inside it are its loop body's: they run after its parent, not after
    // each other. (A connection's burst may hold several requests.)
    for (GroupRun& run : runs) {
      if (one_request && run.positions.front() > first && run.positions.back() <= last && !run.interleaved) {
        run.candidates = candidate.candidates;
        run.interleaved = true;
        run.request_repeat = false;
      }
    }
    runs.push_back(std::move(candidate));
  }
  std::sort(runs.begin(), runs.end(),
            [](const GroupRun& a, const GroupRun& b) { return a.positions.front() < b.positions.front(); });
  return runs;
}

} // namespace pgadvise::loaders
