#pragma once

// The per-session state of LogFold (fold.hpp), shared by the files that
// fold events: fold.cpp (sessions, connections, plans, sweeps),
// fold_statement.cpp (the pending statement: its duration, parameters and
// stats) and fold_groups.cpp (transactions, bursts, request traces and the
// fan-out search). Included by those files only.

#include "loaders/logs/fold.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::loaders {

struct LogFold::Pending {
  bool active = false;
  const QueryInfo* info = nullptr;
  std::size_t stats_index = 0;
  bool has_duration = false;
  double duration_ms = 0;
  std::int64_t ts_us = 0;
  int line = 0;
  std::uint64_t params_hash = 0;
  ParamValues values; // the key parameters' values and the row's (param_values)
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  std::string vxid;
  bool wants_example_params = false;
  bool accepts_params = false;             // no bind/parse line of the next statement came in between
  std::uint64_t request = 0;               // sqlcommenter request (0: not marked)
  std::uint64_t trace = 0;                 // sqlcommenter traceparent's trace id (0: none)
  std::optional<std::int64_t> limit_value; // LIMIT $n's logged value
  bool traced = false;                     // given to its request's trace already
  std::uint64_t application = 0;           // hash of application_name (0: not logged)
  std::uint32_t code_path = 0;             // Workload::code_paths index (sqlcommenter route/file)
};

struct LogFold::Session {
  std::string id; // %c or "pid N"
  std::uint64_t key = 0;
  Pending pending;
  // The open explicit transaction (BEGIN .. COMMIT): its statements.
  bool in_transaction = false;
  std::string txn_vxid;
  std::vector<Step> txn;
  std::uint64_t txn_trace = 0;
  bool txn_traced = false; // given to its request's trace at its COMMIT
  Step txn_step;           // the whole transaction as one step, made at its COMMIT
  bool txn_step_ready = false;
  Step fed_step; // the pending statement as the fan-out search or its trace had it
  bool fed = false;
  // The session's outer group: autocommit statements and whole
  // transactions (one step each) no more than the burst window apart.
  std::int64_t group_last_us = 0;
  std::uint64_t group_request = 0;     // the request of the group's last statement (sqlcommenter)
  std::uint64_t group_application = 0; // its application_name
  std::vector<Step> group;
  std::uint64_t client = 0; // hash of database, user and application_name (0: not yet known)
  std::int64_t last_us = 0;
  bool after_error = false;
  model::SessionRecord record;
};

// Statements of one request (one traceparent trace id) on any connection.
struct LogFold::Trace {
  std::vector<Step> steps;
  std::int64_t last_us = 0;
};

} // namespace pgadvise::loaders
