#pragma once

#include "loaders/logs/event.hpp"
#include "loaders/logs/fanout.hpp"
#include "loaders/logs/fold_step.hpp"
#include "loaders/logs/run_repeats.hpp"
#include "model/workload.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace pgadvise::loaders {

struct FoldOptions {
  double burst_gap_ms = 100;          // autocommit statements closer than this form one group
  std::size_t warnings_per_kind = 10; // located warnings kept per file and kind
  FanOutOptions fanout;               // bursts on several connections of one client
};

// The sequential half of log reading: consumes blocks' events in input order
// and builds the Workload: pairs statements with their duration and
// parameter lines, follows sessions (which may span blocks and files),
// groups statements into transactions, bursts (a whole transaction one
// step of its session's burst), requests (a sqlcommenter traceparent's
// trace id, on any connection) and fan-outs (one client's connections,
// FanOutTracker), keeps connection records and auto_explain plans. State is
// per open session, request and client window, so memory does not grow
// with the log.
class LogFold {
public:
  LogFold(model::Workload& workload, ShapeRegistry& registry, FoldOptions options);
  ~LogFold();
  LogFold(const LogFold&) = delete;
  LogFold& operator=(const LogFold&) = delete;
  LogFold(LogFold&&) = delete;
  LogFold& operator=(LogFold&&) = delete;

  // Locations of following blocks point into `file` (shown as `display`).
  void begin_file(const std::string& display);
  void consume(BlockResult& block);
  // Adds a warning at an absolute line of the current file.
  void warn(int line, model::ReaderWarning::Kind kind, std::string message);
  // Flushes per-file warning summaries (call at the end of each file).
  void end_file();
  // Flushes every open session (call once at the end).
  void finish();

  // Off for inputs without a meaningful order (plain .sql files): no
  // transaction groups, no repeats.
  void set_grouping(bool on) { m_grouping = on; }

  [[nodiscard]] std::uint64_t statements() const { return m_statements; }
  // Statements of pgadvise's own sessions (application_name pgadvise: the
  // catalog reads and EXPLAINs of an earlier `--db` run), left out.
  [[nodiscard]] std::uint64_t own_statements() const { return m_own_statements; }

private:
  using Step = FoldStep;
  struct Session;
  struct Pending;
  struct Trace;

  Session& session_for(const LogEvent& event, std::uint64_t key);
  // The open session of `key` (null: none), through m_recent.
  Session* find_session(std::uint64_t key);
  void apply(const LogEvent& event);
  void start_statement(Session& session, const LogEvent& event);
  void set_pending(Session& session, const LogEvent& event);
  model::QueryStats& statement_stats(const LogEvent& event, int line);
  model::QueryStats& query_stats(std::uint64_t fingerprint);
  void give_in_log_order(Session& session, const QueryInfo& info);
  void parameters_event(Session& session, const LogEvent& event);
  void error_statement_event(Session& session, const LogEvent& event);
  void finalize_pending(Session& session);
  void group_statement(Session& session, const Pending& pending);
  void close_transaction(Session& session, bool committed);
  void add_step(Session& session, const Step& step, std::uint64_t request, std::uint64_t application,
                std::uint64_t trace);
  void close_group(Session& session);
  void close_trace(std::uint64_t trace);
  void sweep_traces(bool all);
  static Step statement_step(const Session& session, const Pending& pending);
  void feed_unfed();
  void add_to_trace(std::uint64_t trace, const Step& step);
  void feed(Session& session, const Step& step);
  static std::uint64_t session_key(const LogEvent& event);
  std::uint64_t client_of(Session& session);
  void connection_event(Session& session, const LogEvent& event);
  void close_session(std::uint64_t key);
  void plan_event(const LogEvent& event);
  void sweep_idle();
  [[nodiscard]] core::SourceLocation here(std::uint32_t relative_line) const;
  // The parameter facts the parsing thread worked out for `event` (null: none).
  [[nodiscard]] const ParamFacts* facts_of(const LogEvent& event) const {
    return event.facts == 0 || m_block == nullptr ? nullptr : &m_block->param_facts[event.facts - 1];
  }

  model::Workload& m_workload;
  ShapeCache m_cache;
  FoldOptions m_options;
  std::string m_file;
  std::uint64_t m_line_base = 0;        // lines of the current file before this block
  const BlockResult* m_block = nullptr; // the block being consumed
  std::unordered_map<std::uint64_t, std::unique_ptr<Session>> m_sessions;
  std::uint64_t m_last_key = 0; // the session session_for gave last (nullptr: none)
  Session* m_last_session = nullptr;
  // Open sessions found lately, by key: a pool's backends take turns, and
  // the map's lookup divides by its bucket count.
  struct Recent {
    std::uint64_t key = 0;
    Session* session = nullptr;
  };
  std::array<Recent, 16> m_recent{};
  std::unordered_map<std::uint64_t, Trace> m_traces;
  std::int64_t m_traces_swept_us = 0;
  FanOutTracker m_fanout;
  RunRepeats m_runs;
  std::uint64_t m_unfed = 0; // the session whose statement the fan-out search has not had yet
  std::map<model::ReaderWarning::Kind, std::size_t> m_warning_counts; // kind -> seen in this file
  std::unordered_map<std::uint64_t, std::size_t> m_plan_index;
  struct StatsSlot {
    std::size_t index = std::size_t(-1); // into Workload::queries (none yet)
  };
  std::array<StatsSlot, 256> m_stats_slots{};
  std::uint64_t m_statements = 0;
  std::uint64_t m_own_statements = 0;
  std::uint64_t m_events_since_sweep = 0;
  std::int64_t m_latest_us = 0;
  std::string m_scratch;
  // The step vectors of closed sessions, kept with their room for new
  // ones: a short connection's group grows to thousands of steps, and
  // fresh memory costs a page fault per 4 KiB.
  std::vector<std::vector<Step>> m_spare_groups;
  std::vector<std::vector<Step>> m_spare_transactions;
  bool m_grouping = true;
};

} // namespace pgadvise::loaders
