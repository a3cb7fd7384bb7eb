#include "loaders/logs/key_strands.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

// Fewer executions are no loop worth following; the rule asks for more.
constexpr std::uint32_t k_min_strand = 3;
constexpr std::uint32_t k_max_params = 64;
// How long a key is remembered: a tenant's or a user's next request comes
// within seconds on a busy pool, a parent's key is new.
constexpr std::int64_t k_recurrence_us = 10LL * 1000000;

bool member(const FanOutExec& exec, std::uint64_t id, std::uint64_t key) {
  return exec.id == id && std::find(exec.keys.begin(), exec.keys.end(), key) != exec.keys.end();
}

std::uint64_t strand_slot(std::uint64_t id, std::uint64_t key) {
  return (id * 0x9e3779b97f4a7c15ULL) ^ key;
}

} // namespace

void KeyStrands::add(const ExecWindow& window, std::uint64_t seq, std::vector<model::Repeat>& out) {
  const FanOutExec& exec = window.execs[seq - window.front_seq];
  if (!exec.child) {
    return;
  }
  for (const std::uint64_t key : exec.keys) {
    if (key == 0) {
      continue;
    }
    auto [it, inserted] = m_open.try_emplace(strand_slot(exec.id, key));
    Strand& strand = it->second;
    if (!inserted && strand.id == exec.id && strand.key == key && exec.ts_us - strand.last_us <= m_gap_us &&
        exec.ts_us - strand.first_us <= m_span_us) {
      strand.last_seq = seq;
      strand.last_us = std::max(strand.last_us, exec.ts_us);
      ++strand.count;
      continue;
    }
    if (!inserted) {
      close(window, strand, out);
      remember(strand, exec.ts_us);
    }
    const auto seen = m_seen.find(it->first);
    const bool recurring = seen != m_seen.end() && exec.ts_us - seen->second <= k_recurrence_us;
    strand = Strand{{seq, seq, exec.ts_us, exec.ts_us, 1}, exec.id, key, recurring};
  }
}

void KeyStrands::sweep(const ExecWindow& window, std::int64_t latest_us, bool all,
                       std::vector<model::Repeat>& out) {
  for (auto it = m_open.begin(); it != m_open.end();) {
    if (all || latest_us - it->second.last_us > m_gap_us) {
      close(window, it->second, out);
      remember(it->second, latest_us);
      it = m_open.erase(it);
    } else {
      ++it;
    }
  }
}

// Keeps when the strand's key last ran its child; forgets keys past the
// horizon now and then, so memory follows the keys of the last seconds.
void KeyStrands::remember(const Strand& strand, std::int64_t latest_us) {
  if (strand.count >= 2) { // a key seen once is every row's own (an id), never a tenant's
    m_seen[strand_slot(strand.id, strand.key)] = strand.last_us;
  }
  if (latest_us - m_forgotten_us < k_recurrence_us) {
    return;
  }
  m_forgotten_us = latest_us;
  for (auto it = m_seen.begin(); it != m_seen.end();) {
    it = latest_us - it->second > k_recurrence_us ? m_seen.erase(it) : std::next(it);
  }
}

// The first execution looked at before a strand: back to twice the lead
// before its first (the statements the request ran before its loop).
std::uint64_t KeyStrands::window_begin(const ExecWindow& window, const Strand& strand) const {
  std::uint64_t begin = strand.first_seq;
  while (begin > window.front_seq &&
         window.execs[begin - 1 - window.front_seq].ts_us >= strand.first_us - 2 * m_lead_us) {
    --begin;
  }
  return begin;
}

// Whether most executions ran right after their own execution of one
// statement on their own connection (many users' requests of one tenant
// at once), not after the loop's previous iteration or other users' work.
bool KeyStrands::own_parents(const ExecWindow& window, const Strand& strand, std::uint64_t begin) {
  std::unordered_map<std::uint64_t, std::pair<std::uint64_t, bool>> last_on_session; // parent, a member
  std::unordered_map<std::uint64_t, std::uint32_t> before;
  std::uint32_t most = 0;
  for (std::uint64_t seq = begin; seq <= strand.last_seq; ++seq) {
    const FanOutExec& exec = window.execs[seq - window.front_seq];
    const bool is_member = seq >= strand.first_seq && member(exec, strand.id, strand.key);
    if (is_member) {
      const auto found = last_on_session.find(exec.session);
      if (found != last_on_session.end() && !found->second.second && found->second.first != 0) {
        most = std::max(most, ++before[found->second.first]);
      }
    }
    last_on_session[exec.session] = {exec.step_parent, is_member};
  }
  return most * 2 >= strand.count;
}

void KeyStrands::close(const ExecWindow& window, const Strand& strand,
                       std::vector<model::Repeat>& out) const {
  if (strand.count < k_min_strand || strand.recurring || strand.first_seq < window.front_seq) {
    return;
  }
  std::vector<std::uint64_t> params;
  std::vector<std::uint64_t> rows;
  std::vector<std::uint64_t> sessions;
  std::vector<std::int64_t> pids;
  const FanOutExec& first = window.execs[strand.first_seq - window.front_seq];
  model::Repeat repeat;
  for (std::uint64_t seq = strand.first_seq; seq <= strand.last_seq; ++seq) {
    const FanOutExec& exec = window.execs[seq - window.front_seq];
    if (!member(exec, strand.id, strand.key)) {
      continue;
    }
    repeat.total_ms += exec.duration_ms;
    if (params.size() < k_max_params &&
        std::find(params.begin(), params.end(), exec.params) == params.end()) {
      params.push_back(exec.params);
    }
    if (rows.size() < k_max_params && std::find(rows.begin(), rows.end(), exec.row) == rows.end()) {
      rows.push_back(exec.row);
    }
    if (std::find(sessions.begin(), sessions.end(), exec.session) == sessions.end()) {
      sessions.push_back(exec.session);
      pids.push_back(exec.pid);
    }
  }
  // One connection's run is its session's; the same row values again (a
  // user's requests, differing in a clock value at most) are no rows.
  if (sessions.size() < 2 || rows.size() * 2 <= strand.count) {
    return;
  }
  const std::uint64_t begin = window_begin(window, strand);
  if (own_parents(window, strand, begin)) {
    return;
  }
  // The statements the first execution followed on its own connection,
  // nearest first.
  std::size_t found = 0;
  for (std::uint64_t seq = strand.first_seq; seq > begin && found < repeat.candidates.size(); --seq) {
    const FanOutExec& exec = window.execs[seq - 1 - window.front_seq];
    if (exec.session != first.session || exec.step_parent == 0 || exec.id == strand.id ||
        exec.step_parent == first.row_statement ||
        std::find(repeat.candidates.begin(), repeat.candidates.end(), exec.step_parent) !=
            repeat.candidates.end()) {
      continue;
    }
    repeat.candidates[found++] = exec.step_parent;
  }
  if (found == 0) {
    return;
  }
  repeat.fingerprint = first.row_statement;
  repeat.transaction_shape = first.row_statement != strand.id ? strand.id : 0;
  repeat.parent_fingerprint = repeat.candidates[0];
  repeat.code_path = first.code_path;
  repeat.location = core::SourceLocation{
      first.file < window.files.size() ? window.files[first.file] : std::string(), first.line, 0};
  repeat.session = first.pid != 0 ? "pid " + std::to_string(first.pid) : std::string("backend");
  set_span(repeat, strand, params);
  repeat.grouping = model::Repeat::Grouping::shared_key;
  repeat.group = (1ULL << 62U) | ++window.groups;
  repeat.backends = static_cast<std::uint32_t>(sessions.size());
  repeat.backend_list = listed_backends(pids);
  out.push_back(std::move(repeat));
}

} // namespace pgadvise::loaders
