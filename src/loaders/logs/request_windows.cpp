#include "loaders/logs/request_windows.hpp"

#include <algorithm>
#include <cstdint>

namespace pgadvise::loaders {

bool RequestWindows::Open::open_at(std::int64_t at_us, std::int64_t lead_us, std::int64_t gap_us,
                                   std::int64_t span_us) const {
  return at_us - ts_us <= span_us && (at_us - ts_us <= lead_us || at_us - last_us <= gap_us);
}

void RequestWindows::add(const FanOutExec& exec, const std::vector<std::string>& files,
                         model::Workload& workload) {
  if (exec.ts_us == 0) {
    return; // no time, no window
  }
  if (exec.ts_us - m_swept_us >= m_gap_us / 4 || m_open.size() >= k_max_open) {
    expire(exec.ts_us, files, workload);
    m_swept_us = exec.ts_us;
  }
  std::array<std::uint64_t, k_max_last> given_to{};
  if (exec.child && !m_open.empty()) {
    give(exec, given_to);
  }
  if (exec.parent != 0 && exec.drives_loop) {
    Open open;
    open.uid = ++m_next_uid;
    open.read = exec.parent;
    open.ts_us = exec.ts_us;
    open.last_us = exec.ts_us;
    open.file = exec.file;
    open.line = exec.line;
    m_open.push_back(std::move(open));
    // The connection's next statements are this read's request's: its
    // earlier reads' loops, if any, have ended on this connection.
    given_to = {};
    given_to.front() = m_next_uid;
  }
  Last& last = m_last[exec.session];
  last.uids = given_to;
  last.ts_us = exec.ts_us;
}

// Gives the execution to one open execution of each read before it.
void RequestWindows::give(const FanOutExec& exec, std::array<std::uint64_t, k_max_last>& given_to) {
  constexpr std::size_t k_none = SIZE_MAX;
  const auto found = m_last.find(exec.session);
  const Last* last =
      found != m_last.end() && exec.ts_us - found->second.ts_us <= m_gap_us ? &found->second : nullptr;
  std::vector<Choice>& choices = m_choices;
  choices.clear();
  for (std::size_t i = 0; i < m_open.size(); ++i) {
    const Open& open = m_open[i];
    if (open.read == exec.row_statement || open.read == exec.id || open.ts_us > exec.ts_us ||
        !open.open_at(exec.ts_us, m_lead_us, m_gap_us, m_span_us)) {
      continue;
    }
    auto choice =
        std::find_if(choices.begin(), choices.end(), [&](const Choice& c) { return c.read == open.read; });
    if (choice == choices.end()) {
      choices.push_back(Choice{open.read});
      choice = choices.end() - 1;
    }
    ++choice->candidates;
    if (last != nullptr && std::find(last->uids.begin(), last->uids.end(), open.uid) != last->uids.end()) {
      choice->connection = i;
    }
    const auto given = std::find_if(open.given.begin(), open.given.end(),
                                    [&](const Given& g) { return g.child == exec.row_statement; });
    const std::uint32_t count = given == open.given.end() ? 0 : given->count;
    if (count <= choice->fewest_count) {
      choice->fewest = i;
      choice->fewest_count = count;
    }
  }
  std::size_t listed = 0;
  for (const Choice& choice : choices) {
    How how = How::nearest;
    std::size_t to = choice.fewest;
    if (choice.connection != k_none) {
      how = How::by_connection;
      to = choice.connection;
    } else if (choice.candidates == 1) {
      how = How::alone;
    }
    Open& open = m_open[to];
    auto given = std::find_if(open.given.begin(), open.given.end(),
                              [&](const Given& g) { return g.child == exec.row_statement; });
    if (given == open.given.end()) {
      open.given.push_back(Given{exec.row_statement});
      given = open.given.end() - 1;
    }
    ++given->count;
    ++given->how[static_cast<std::size_t>(how)];
    if (given->count <= given->lines.size()) {
      given->lines[given->count - 1] = exec.line;
    }
    if (how != How::nearest) {
      open.last_us = std::max(open.last_us, exec.ts_us);
    }
    if (listed < given_to.size() && (how != How::nearest || choices.size() <= given_to.size())) {
      given_to[listed++] = open.uid;
    }
  }
}

void RequestWindows::expire(std::int64_t now_us, const std::vector<std::string>& files,
                            model::Workload& workload) {
  std::size_t kept = 0;
  const std::size_t over = m_open.size() >= k_max_open ? m_open.size() - k_max_open + 1 : 0;
  for (std::size_t i = 0; i < m_open.size(); ++i) {
    if (i < over || !m_open[i].open_at(now_us, m_lead_us, m_gap_us, m_span_us)) {
      close(m_open[i], files, workload);
    } else {
      if (kept != i) {
        m_open[kept] = std::move(m_open[i]);
      }
      ++kept;
    }
  }
  m_open.resize(kept);
  if (m_last.size() > 4 * k_max_open) {
    std::erase_if(m_last, [&](const auto& entry) { return now_us - entry.second.ts_us > m_gap_us; });
  }
}

void RequestWindows::finish(const std::vector<std::string>& files, model::Workload& workload) {
  for (const Open& open : m_open) {
    close(open, files, workload);
  }
  m_open.clear();
  m_last.clear();
}

void RequestWindows::close(const Open& open, const std::vector<std::string>& files,
                           model::Workload& workload) {
  for (const Given& given : open.given) {
    const std::pair<std::uint64_t, std::uint64_t> key{given.child, open.read};
    auto found = workload.parent_follows.find(key);
    if (found == workload.parent_follows.end()) {
      if (workload.parent_follows.size() >= k_max_pairs) {
        continue;
      }
      found = workload.parent_follows.emplace(key, model::ParentFollow{}).first;
    }
    model::ParentFollow& follow = found->second;
    if (given.count < 2) {
      ++follow.single;
      continue;
    }
    if (follow.followed == 0) {
      follow.min_k = given.count;
      follow.example_parent =
          core::SourceLocation{open.file < files.size() ? files[open.file] : std::string(), open.line, 0};
      follow.example_children.assign(
          given.lines.begin(), given.lines.begin() + std::min<std::size_t>(given.count, given.lines.size()));
    }
    follow.min_k = std::min(follow.min_k, given.count);
    follow.max_k = std::max(follow.max_k, given.count);
    ++follow.followed;
    follow.children += given.count;
    follow.by_connection += given.how[static_cast<std::size_t>(How::by_connection)];
    follow.alone += given.how[static_cast<std::size_t>(How::alone)];
    follow.nearest += given.how[static_cast<std::size_t>(How::nearest)];
  }
}

} // namespace pgadvise::loaders
