#pragma once

#include "loaders/logs/fanout_exec.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

namespace pgadvise::loaders {

// A client's executions as the fan-out search keeps them: `execs` in log
// order, the first of sequence number `front_seq`.
struct ExecWindow {
  const std::deque<FanOutExec>& execs;
  std::uint64_t front_seq = 0;
  const std::vector<std::string>& files; // FanOutExec::file indexes these
  std::uint64_t& groups;                 // group numbers handed out so far (shared by every client)
};

// One request's loop followed across a pool's backends by the value its
// rows share: a loop over one parent's rows gives each iteration the
// parent's key (every item copied into a new checklist carries its id,
// each per-row transaction looks it up), while the pool hands the
// iterations whichever connection is free. Executions of one child on
// several backends of a client that share the value of a key parameter
// (param_keys), no longer apart than the gap, are a strand: a Repeat
// grouped by that key, after the statements the strand's first execution
// followed on its own connection (the request's previous statement: a
// pool gives a request back the connection it released). Other users'
// requests of one tenant share a key too, but each runs after its own
// execution of one statement on its own connection, and the key comes
// back with the tenant's next requests: such a strand is dropped (a new
// parent row's key is new), as is one mostly on one connection (the
// session's run counts it) and one whose rows are all alike (a user's
// requests again, differing in a clock value at most).
class KeyStrands {
public:
  KeyStrands() = default;
  KeyStrands(std::int64_t gap_us, std::int64_t span_us, std::int64_t lead_us)
      : m_gap_us(gap_us), m_span_us(span_us), m_lead_us(lead_us) {}

  // The execution at `seq` (the newest in `window`) joins or starts the
  // strands of its keys; strands it ends are added to `out`.
  void add(const ExecWindow& window, std::uint64_t seq, std::vector<model::Repeat>& out);
  // Ends the strands idle for longer than the gap (all of them with `all`).
  void sweep(const ExecWindow& window, std::int64_t latest_us, bool all, std::vector<model::Repeat>& out);

private:
  struct Strand : ExecSpan {
    std::uint64_t id = 0;
    std::uint64_t key = 0;
    bool recurring = false; // its key ran the child in an earlier strand, not long before
  };
  void close(const ExecWindow& window, const Strand& strand, std::vector<model::Repeat>& out) const;
  [[nodiscard]] std::uint64_t window_begin(const ExecWindow& window, const Strand& strand) const;
  static bool own_parents(const ExecWindow& window, const Strand& strand, std::uint64_t begin);

  std::int64_t m_gap_us = 0;
  std::int64_t m_span_us = 0;
  std::int64_t m_lead_us = 0;
  void remember(const Strand& strand, std::int64_t latest_us);

  std::unordered_map<std::uint64_t, Strand> m_open; // by child and key
  // Child and key -> when it last ran, for the recurrence horizon.
  std::unordered_map<std::uint64_t, std::int64_t> m_seen;
  std::int64_t m_forgotten_us = 0; // m_seen last pruned
};

} // namespace pgadvise::loaders
