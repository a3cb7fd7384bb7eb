#pragma once

#include "loaders/logs/fanout_exec.hpp"
#include "model/workload.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace pgadvise::loaders {

// Request windows without traces: each execution of a client (database,
// user, application_name) is given, for every read whose executions are
// still open in its window, to the one execution of that read whose request
// it most likely belongs to. Most likely is, in order: the execution its
// connection's previous statement was (or was given to), since a pool hands
// a request back the connection it just released; the only execution of
// the read still open; else the nearest of those given the fewest such
// statements so far (two users' loops started at once each get their own).
// When an execution of the read closes, what it was given is summed into
// Workload::parent_follows: a loop over the read's rows gives most of its
// executions two or more, however small the loop, while users running the
// read and one lookup each give each execution one. Memory is bounded by
// the open executions (capped) and the pairs of statements, not the log.
class RequestWindows {
public:
  RequestWindows() = default;
  // A read's execution is open `lead_us` after it, and `gap_us` after the
  // last statement given to it on its connection or as the only one open;
  // `span_us` at most.
  RequestWindows(std::int64_t lead_us, std::int64_t gap_us, std::int64_t span_us)
      : m_lead_us(lead_us), m_gap_us(gap_us), m_span_us(span_us) {}

  // The client's next execution, in log order (`files` names FanOutExec::file).
  void add(const FanOutExec& exec, const std::vector<std::string>& files, model::Workload& workload);
  // Closes every open execution (the end of the input).
  void finish(const std::vector<std::string>& files, model::Workload& workload);

private:
  enum class How : std::uint8_t { by_connection, alone, nearest };
  struct Given {
    std::uint64_t child = 0;
    std::uint32_t count = 0;
    std::array<std::uint32_t, 3> how{};                            // by How
    std::array<int, model::ParentFollow::k_example_lines> lines{}; // the first few, for the evidence
  };
  struct Open {
    std::uint64_t uid = 0;
    std::uint64_t read = 0; // the read's fingerprint
    std::int64_t ts_us = 0;
    std::int64_t last_us = 0; // the latest statement surely given to it (its own at first)
    std::uint32_t file = 0;
    int line = 0;
    std::vector<Given> given;
    [[nodiscard]] bool open_at(std::int64_t ts_us, std::int64_t lead_us, std::int64_t gap_us,
                               std::int64_t span_us) const;
  };
  static constexpr std::size_t k_max_open = 64;
  static constexpr std::size_t k_max_last = 4;
  static constexpr std::size_t k_max_pairs = 20000;

  void give(const FanOutExec& exec, std::array<std::uint64_t, k_max_last>& given_to);
  void expire(std::int64_t now_us, const std::vector<std::string>& files, model::Workload& workload);
  static void close(const Open& open, const std::vector<std::string>& files, model::Workload& workload);

  std::int64_t m_lead_us = 1000000;
  std::int64_t m_gap_us = 500000;
  std::int64_t m_span_us = 5000000;
  std::vector<Open> m_open; // in the order the reads ran
  // One read's open executions as give() weighs them for an execution.
  struct Choice {
    std::uint64_t read = 0;
    std::size_t candidates = 0;
    std::size_t connection = SIZE_MAX;
    // The nearest of those given the fewest executions of this child so far
    // (one still waiting for its first before one that has some).
    std::size_t fewest = SIZE_MAX;
    std::uint32_t fewest_count = UINT32_MAX;
  };
  std::vector<Choice> m_choices; // give()'s, kept to spare an allocation per execution
  // Each connection's previous statement: the open executions it was or was
  // given to, and when it ran.
  struct Last {
    std::array<std::uint64_t, k_max_last> uids{};
    std::int64_t ts_us = 0;
  };
  std::unordered_map<std::uint64_t, Last> m_last; // by session
  std::uint64_t m_next_uid = 0;
  std::int64_t m_swept_us = 0;
};

} // namespace pgadvise::loaders
