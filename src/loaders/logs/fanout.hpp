#pragma once

#include "loaders/logs/fanout_exec.hpp"
#include "loaders/logs/key_strands.hpp"
#include "loaders/logs/request_windows.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace pgadvise::loaders {

struct FanOutOptions {
  // Executions of one child closer than this on a client's connections are
  // one burst (a pool runs a `Promise.all` of lookups on many backends
  // within milliseconds, a loop's iterations a few milliseconds apart).
  double gap_ms = 50;
  // How long after its parent a child may start (a pool may wait for a free
  // connection, or open one).
  double lead_ms = 50;
  // A burst longer than this is steady traffic, not one request's loop.
  double max_span_ms = 500;
};

// Bursts of one child on several backends of one client (database, user,
// application_name), the statement that ran just before them, and how many
// times that statement ran meanwhile: many users opening the same page at
// once each run the parent once per child, a `Promise.all` over rows runs
// it once for all of them. Each burst on two or more backends becomes a
// Repeat grouped as a fan-out (the rule judges it); the time a client's
// statements span bounds memory, never the log's length.
class FanOutTracker {
public:
  FanOutTracker(model::Workload& workload, FanOutOptions options);

  // Locations of following executions name `display`.
  void begin_file(const std::string& display);
  void add(std::uint64_t client, FanOutExec exec);
  // Closes every open burst (call once at the end).
  void finish();

private:
  struct Burst : ExecSpan {
    std::uint64_t first_session = 0;
    bool several_sessions = false;
    bool clean = true; // no execution of the child just before it (not a slice of steady traffic)
  };
  struct Client {
    std::deque<FanOutExec> execs;
    std::uint64_t front_seq = 0;                       // sequence number of execs.front()
    std::vector<std::pair<std::uint64_t, Burst>> open; // by child
    std::int64_t latest_us = 0;
    std::int64_t swept_us = 0;
    KeyStrands strands;     // the client's executions followed by their keys
    RequestWindows windows; // each execution given to the request it most likely belongs to
    // Each key value's last lookup: the statement and when it ended.
    std::unordered_map<std::uint64_t, std::pair<std::uint64_t, std::int64_t>> keys_seen;
    std::int64_t keys_pruned_us = 0;
  };

  void close(Client& client, std::uint64_t id, const Burst& burst);
  std::vector<std::pair<bool, std::uint64_t>>
  seen_parents(const Client& client, std::uint64_t id, const Burst& burst, std::uint64_t& window_begin) const;
  std::vector<model::Repeat::FanParent> judge_parents(const Client& client, std::uint64_t id,
                                                      const Burst& burst, std::uint64_t& window_begin) const;
  static std::vector<std::uint64_t> before_children(const Client& client, std::uint64_t id,
                                                    const Burst& burst, std::uint64_t window_begin);
  struct RunAttribution {
    std::int64_t followed = 0; // parent runs given two or more children
    std::int64_t children = 0; // the children given to them
  };
  static RunAttribution attribute_runs(const std::vector<std::int64_t>& runs,
                                       const std::vector<std::int64_t>& children, std::int64_t first_us,
                                       std::int64_t lead, std::int64_t gap);
  model::Repeat fan_out_repeat(const Client& client, std::uint64_t id, const Burst& burst,
                               std::vector<model::Repeat::FanParent> parents);
  void batched_after(const Client& client, const FanOutExec& exec);
  void key_after(Client& client, const FanOutExec& exec);
  void sweep(Client& client, bool all);
  void prune(Client& client);
  void add_strands(std::vector<model::Repeat>& closed);

  model::Workload& m_workload;
  FanOutOptions m_options;
  std::int64_t m_gap_us = 0;
  std::int64_t m_span_us = 0;
  std::int64_t m_horizon_us = 0;
  std::vector<std::string> m_files;
  std::unordered_map<std::uint64_t, Client> m_clients;
  std::uint64_t m_bursts = 0;
  std::uint64_t m_strands = 0;
  std::vector<model::Repeat> m_closed; // strands just ended
  Client* m_last_client = nullptr;     // the client of the last execution (most logs have one)
  std::uint64_t m_last_key = 0;
};

} // namespace pgadvise::loaders
