#include "loaders/logs/fanout.hpp"

#include "loaders/logs/group_runs.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace pgadvise::loaders {

namespace {

// Parents looked at before a burst (the nearest different statements that
// can drive a loop), and execs kept per client whatever their times say.
constexpr std::size_t k_max_seen_parents = 24;
constexpr std::size_t k_max_execs = 200000;
constexpr std::uint32_t k_max_params = 64;
constexpr std::size_t k_max_batched_lookback = 64;
// How long after a lookup of a key another statement's lookup of it is the
// same request's (a saturated pool of 8 made the dispatch-pool app's next
// statement wait up to about a second for a connection).
constexpr std::int64_t k_key_window_us = 1000000;

std::int64_t to_us(double ms) {
  return static_cast<std::int64_t>(std::llround(ms * 1000.0));
}

} // namespace

FanOutTracker::FanOutTracker(model::Workload& workload, FanOutOptions options)
    : m_workload(workload), m_options(options), m_gap_us(to_us(options.gap_ms)),
      m_span_us(to_us(options.max_span_ms)),
      m_horizon_us(to_us(options.max_span_ms + 3 * options.lead_ms + 2 * options.gap_ms)) {}

void FanOutTracker::begin_file(const std::string& display) {
  m_files.push_back(display);
}

void FanOutTracker::add(std::uint64_t client_key, FanOutExec exec) {
  if (m_last_client == nullptr || m_last_key != client_key) {
    const auto [it, inserted] = m_clients.try_emplace(client_key);
    if (inserted) {
      it->second.strands = KeyStrands(2 * m_gap_us, m_span_us, to_us(m_options.lead_ms));
    }
    m_last_client = &it->second; // elements keep their address in an unordered_map
    m_last_key = client_key;
  }
  Client& client = *m_last_client;
  exec.file = m_files.empty() ? 0 : static_cast<std::uint32_t>(m_files.size() - 1);
  client.windows.add(exec, m_files, m_workload);
  const std::uint64_t seq = client.front_seq + client.execs.size();
  client.latest_us = std::max(client.latest_us, exec.ts_us);
  if (exec.child) {
    // Few children are open at once: a short list beats a hash map.
    auto it =
        std::find_if(client.open.begin(), client.open.end(),
                     [&](const std::pair<std::uint64_t, Burst>& open) { return open.first == exec.id; });
    const bool inserted = it == client.open.end();
    if (inserted) {
      client.open.emplace_back(exec.id, Burst{});
      it = client.open.end() - 1;
    }
    Burst& burst = it->second;
    bool start = inserted;
    if (!inserted) {
      const bool near = exec.ts_us - burst.last_us <= m_gap_us;
      if (near && exec.ts_us - burst.first_us <= m_span_us) {
        burst.last_seq = seq;
        burst.last_us = std::max(burst.last_us, exec.ts_us);
        ++burst.count;
        burst.several_sessions = burst.several_sessions || exec.session != burst.first_session;
      } else {
        close(client, exec.id, burst);
        burst = Burst{};
        burst.clean = !near; // cut from steady traffic: not one request's burst
        start = true;
      }
    }
    if (start) {
      burst.first_seq = seq;
      burst.last_seq = seq;
      burst.first_us = exec.ts_us;
      burst.last_us = exec.ts_us;
      burst.count = 1;
      burst.first_session = exec.session;
    }
  }
  if (exec.set_filter) {
    batched_after(client, exec);
  }
  if (exec.id == exec.row_statement && (exec.keys[0] != 0 || exec.keys[1] != 0)) {
    key_after(client, exec);
  }
  client.execs.push_back(exec);
  client.strands.add(ExecWindow{client.execs, client.front_seq, m_files, m_strands}, seq, m_closed);
  add_strands(m_closed);
  if (client.latest_us - client.swept_us >= m_gap_us / 2) {
    sweep(client, false);
    client.swept_us = client.latest_us;
  }
  prune(client);
}

// The batched form of a lookup (`= ANY($1)`) right after the page query
// that gives its keys, on another backend than that query: the code path
// done right (n-plus-one leaves those executions of the page query out of
// its share). The same backend's are counted with its session's group.
void FanOutTracker::batched_after(const Client& client, const FanOutExec& exec) {
  const std::int64_t lead = to_us(m_options.lead_ms);
  std::size_t looked = 0;
  std::array<std::uint64_t, 3> counted{};
  std::size_t found = 0;
  for (auto it = client.execs.rbegin();
       it != client.execs.rend() && looked < k_max_batched_lookback && found < counted.size();
       ++it, ++looked) {
    if (it->ts_us < exec.ts_us - lead) {
      return;
    }
    if (!it->drives_loop) {
      continue;
    }
    if (it->session == exec.session) {
      return; // the session's own page query: counted with its group
    }
    if (std::find(counted.begin(), counted.begin() + static_cast<std::ptrdiff_t>(found), it->parent) ==
        counted.begin() + static_cast<std::ptrdiff_t>(found)) {
      counted[found++] = it->parent;
      ++m_workload.batched_after[{it->parent, exec.id}];
    }
  }
}

// A lookup of a key value another statement of the client looked up
// just before: the request already had that row (a track request reads its
// shipment's history, then the same shipment's latest event), so this
// execution is that request's own, not one of a loop's per-row lookups,
// each of which has its own key. Each execution counts once.
void FanOutTracker::key_after(Client& client, const FanOutExec& exec) {
  bool counted = false;
  for (const std::uint64_t key : exec.keys) {
    if (key == 0) {
      continue;
    }
    auto [it, inserted] = client.keys_seen.try_emplace(key, exec.id, exec.ts_us);
    if (!inserted) {
      if (!counted && it->second.first != exec.id && exec.ts_us - it->second.second <= k_key_window_us) {
        ++m_workload.key_after[{exec.id, it->second.first}];
        counted = true;
      }
      it->second = {exec.id, exec.ts_us};
    }
  }
  if (exec.ts_us - client.keys_pruned_us > k_key_window_us) {
    std::erase_if(client.keys_seen,
                  [&](const auto& entry) { return entry.second.second < exec.ts_us - k_key_window_us; });
    client.keys_pruned_us = exec.ts_us;
  }
}

void FanOutTracker::add_strands(std::vector<model::Repeat>& closed) {
  for (model::Repeat& repeat : closed) {
    m_workload.add_repeat(std::move(repeat));
  }
  closed.clear();
}

void FanOutTracker::sweep(Client& client, bool all) {
  client.strands.sweep(ExecWindow{client.execs, client.front_seq, m_files, m_strands}, client.latest_us, all,
                       m_closed);
  add_strands(m_closed);
  for (std::size_t i = 0; i < client.open.size();) {
    if (all || client.latest_us - client.open[i].second.last_us > m_gap_us) {
      close(client, client.open[i].first, client.open[i].second);
      client.open[i] = client.open.back();
      client.open.pop_back();
    } else {
      ++i;
    }
  }
}

void FanOutTracker::prune(Client& client) {
  while (!client.execs.empty() && (client.execs.front().ts_us < client.latest_us - m_horizon_us ||
                                   client.execs.size() > k_max_execs)) {
    client.execs.pop_front();
    ++client.front_seq;
  }
}

void FanOutTracker::finish() {
  for (auto& entry : m_clients) {
    sweep(entry.second, true);
    entry.second.windows.finish(m_files, m_workload);
  }
  m_clients.clear();
  m_last_client = nullptr;
}

// The statements that may have driven a burst: the nearest different ones
// before its first child, inside the lead window; those whose rows can
// drive a loop (a page, a relational query) first, then the others (a
// lookup before a loop over a request's own values), nearest first within
// each. Sets `window_begin` to the first execution looked at.
std::vector<std::pair<bool, std::uint64_t>> FanOutTracker::seen_parents(const Client& client,
                                                                        std::uint64_t id, const Burst& burst,
                                                                        std::uint64_t& window_begin) const {
  const std::int64_t lead = to_us(m_options.lead_ms);
  std::vector<std::pair<bool, std::uint64_t>> seen; // (cannot drive a loop, parent)
  window_begin = burst.first_seq;
  for (std::uint64_t seq = burst.first_seq; seq > client.front_seq; --seq) {
    const FanOutExec& exec = client.execs[seq - 1 - client.front_seq];
    if (exec.ts_us < burst.first_us - 2 * lead) {
      break;
    }
    window_begin = seq - 1;
    if (exec.ts_us >= burst.first_us - lead && exec.parent != 0 && exec.id != id &&
        seen.size() < k_max_seen_parents &&
        std::find_if(seen.begin(), seen.end(), [&](const std::pair<bool, std::uint64_t>& s) {
          return s.second == exec.parent;
        }) == seen.end()) {
      seen.emplace_back(!exec.drives_loop, exec.parent);
    }
  }
  std::stable_sort(seen.begin(), seen.end(),
                   [](const std::pair<bool, std::uint64_t>& a, const std::pair<bool, std::uint64_t>& b) {
                     return a.first < b.first;
                   });
  return seen;
}

// A parent runs once for all its children, and they start right after it.
// Each candidate is judged on its own executions in the window: every
// child of the burst goes to one of them (attribute_runs), and a candidate
// counts when it got two or more children per execution it was followed by
// and the burst holds at least that many more children than as long a
// window just before its first execution (the child's own steady traffic).
// Sets `window_begin` as seen_parents does.
std::vector<model::Repeat::FanParent> FanOutTracker::judge_parents(const Client& client, std::uint64_t id,
                                                                   const Burst& burst,
                                                                   std::uint64_t& window_begin) const {
  const auto at = [&](std::uint64_t seq) -> const FanOutExec& {
    return client.execs[seq - client.front_seq];
  };
  const std::int64_t lead = to_us(m_options.lead_ms);
  const std::vector<std::pair<bool, std::uint64_t>> seen = seen_parents(client, id, burst, window_begin);
  std::vector<std::int64_t> children; // the child's executions, this burst's and those just before it
  for (std::uint64_t seq = window_begin; seq <= burst.last_seq; ++seq) {
    if (at(seq).id == id) {
      children.push_back(at(seq).ts_us);
    }
  }
  std::sort(children.begin(), children.end());
  const std::vector<std::uint64_t> before_child = before_children(client, id, burst, window_begin);
  std::vector<model::Repeat::FanParent> parents;
  std::vector<std::int64_t> runs;
  const auto children_in = [&](std::int64_t from, std::int64_t to) { // [from, to)
    return static_cast<std::int64_t>(std::lower_bound(children.begin(), children.end(), to) -
                                     std::lower_bound(children.begin(), children.end(), from));
  };
  for (const auto& [second_rank, parent] : seen) {
    const auto paired = std::count(before_child.begin(), before_child.end(), parent);
    if (paired * 2 >= static_cast<std::int64_t>(before_child.size())) {
      continue; // each child after its own execution of the candidate
    }
    runs.clear();
    for (std::uint64_t seq = window_begin; seq <= burst.last_seq; ++seq) {
      const FanOutExec& exec = at(seq);
      if (exec.parent == parent && exec.claimed != id && exec.ts_us >= burst.first_us - lead &&
          exec.ts_us <= burst.last_us) {
        runs.push_back(exec.ts_us);
      }
    }
    if (runs.empty()) {
      continue;
    }
    std::sort(runs.begin(), runs.end());
    // Each child to one run of the candidate: the runs that got two or
    // more, and their children per run.
    const RunAttribution attribution = attribute_runs(runs, children, burst.first_us, lead, m_gap_us);
    if (attribution.followed == 0) {
      continue;
    }
    const std::int64_t span = std::max<std::int64_t>(burst.last_us - runs.front(), 1);
    const std::int64_t excess =
        static_cast<std::int64_t>(burst.count) - children_in(runs.front() - span, runs.front());
    if (excess >= 2 * attribution.followed) {
      parents.push_back({parent, static_cast<std::uint32_t>(attribution.children / attribution.followed),
                         static_cast<std::uint32_t>(attribution.followed)});
    }
  }
  return parents;
}

// What ran just before each of the burst's children on the child's own
// connection: when most children follow a parent there, each child has
// its own parent (many users opening one page at once, a pool handing
// each user's next query the connection it just released), not one
// parent for all.
std::vector<std::uint64_t> FanOutTracker::before_children(const Client& client, std::uint64_t id,
                                                          const Burst& burst, std::uint64_t window_begin) {
  std::unordered_map<std::uint64_t, std::uint64_t> last_on_session;
  std::vector<std::uint64_t> before_child;
  for (std::uint64_t seq = window_begin; seq <= burst.last_seq; ++seq) {
    const FanOutExec& exec = client.execs[seq - client.front_seq];
    if (exec.id == id && seq >= burst.first_seq) {
      const auto found = last_on_session.find(exec.session);
      before_child.push_back(found == last_on_session.end() ? 0 : found->second);
    }
    last_on_session[exec.session] = exec.parent;
  }
  return before_child;
}

// Each child of the burst (from `first_us`) to one parent run (sorted
// times): the nearest run before it that is still open (its first child
// within the lead of it, its later ones within the gap of the one before),
// but a run still waiting for its first child before one that has some
// (two users' loops started at once: each parent has its own children).
// The runs two or more children were given, and those children: a loop's
// rows per execution of its parent, when several users' runs interleave.
FanOutTracker::RunAttribution FanOutTracker::attribute_runs(const std::vector<std::int64_t>& runs,
                                                            const std::vector<std::int64_t>& children,
                                                            std::int64_t first_us, std::int64_t lead,
                                                            std::int64_t gap) {
  std::vector<std::uint32_t> given(runs.size(), 0);
  std::vector<std::int64_t> last(runs);
  for (const std::int64_t child : children) {
    if (child < first_us) {
      continue;
    }
    const auto started =
        static_cast<std::size_t>(std::upper_bound(runs.begin(), runs.end(), child) - runs.begin());
    std::size_t nearest = runs.size();
    std::size_t waiting = runs.size();
    for (std::size_t i = 0; i < started; ++i) {
      const bool open = given[i] == 0 ? child - runs[i] <= lead : child - last[i] <= gap;
      if (!open) {
        continue;
      }
      nearest = i;
      if (given[i] == 0 && waiting == runs.size()) {
        waiting = i;
      }
    }
    if (nearest == runs.size()) {
      continue;
    }
    const std::size_t to = given[nearest] > 0 && waiting != runs.size() ? waiting : nearest;
    ++given[to];
    last[to] = child;
  }
  RunAttribution out;
  for (const std::uint32_t n : given) {
    if (n >= 2) {
      ++out.followed;
      out.children += n;
    }
  }
  return out;
}

void FanOutTracker::close(Client& client, std::uint64_t id, const Burst& burst) {
  if (burst.count < 2 || !burst.several_sessions || !burst.clean || burst.first_seq < client.front_seq) {
    return;
  }
  std::uint64_t window_begin = burst.first_seq;
  std::vector<model::Repeat::FanParent> parents = judge_parents(client, id, burst, window_begin);
  if (parents.empty()) {
    return;
  }
  // Each parent execution counts for one fan-out of this child.
  const std::int64_t lead = to_us(m_options.lead_ms);
  for (std::uint64_t seq = window_begin; seq <= burst.last_seq; ++seq) {
    FanOutExec& exec = client.execs[seq - client.front_seq];
    if (exec.claimed != id && exec.ts_us >= burst.first_us - lead &&
        std::any_of(parents.begin(), parents.end(),
                    [&](const model::Repeat::FanParent& p) { return p.fingerprint == exec.parent; })) {
      exec.claimed = id;
    }
  }
  m_workload.add_repeat(fan_out_repeat(client, id, burst, std::move(parents)));
}

// The burst as a Repeat grouped as a fan-out: its statement, parameters,
// backends and parents.
model::Repeat FanOutTracker::fan_out_repeat(const Client& client, std::uint64_t id, const Burst& burst,
                                            std::vector<model::Repeat::FanParent> parents) {
  model::Repeat repeat;
  std::vector<std::uint64_t> params;
  std::vector<std::uint64_t> sessions;
  std::vector<std::int64_t> pids;
  bool first = true;
  for (std::uint64_t seq = burst.first_seq; seq <= burst.last_seq; ++seq) {
    const FanOutExec& exec = client.execs[seq - client.front_seq];
    if (exec.id != id) {
      continue;
    }
    if (first) {
      first = false;
      repeat.fingerprint = exec.row_statement;
      repeat.transaction_shape = exec.row_statement != id ? id : 0;
      repeat.code_path = exec.code_path;
      repeat.location =
          core::SourceLocation{exec.file < m_files.size() ? m_files[exec.file] : std::string(), exec.line, 0};
      repeat.session = exec.pid != 0 ? "pid " + std::to_string(exec.pid) : std::string("backend");
    }
    repeat.total_ms += exec.duration_ms;
    if (params.size() < k_max_params &&
        std::find(params.begin(), params.end(), exec.params) == params.end()) {
      params.push_back(exec.params);
    }
    if (std::find(sessions.begin(), sessions.end(), exec.session) == sessions.end()) {
      sessions.push_back(exec.session);
      pids.push_back(exec.pid);
    }
  }
  repeat.parent_fingerprint = parents.front().fingerprint;
  for (std::size_t i = 0; i < parents.size() && i < repeat.candidates.size(); ++i) {
    repeat.candidates[i] = parents[i].fingerprint;
  }
  repeat.fan_parents = std::move(parents);
  set_span(repeat, burst, params);
  repeat.grouping = model::Repeat::Grouping::fan_out;
  repeat.group = (1ULL << 63U) | ++m_bursts;
  repeat.backends = static_cast<std::uint32_t>(sessions.size());
  repeat.backend_list = listed_backends(pids);
  return repeat;
}

} // namespace pgadvise::loaders
