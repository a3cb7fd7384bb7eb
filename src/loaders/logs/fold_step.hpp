#pragma once

#include "loaders/logs/param_keys.hpp"

#include <cstdint>
#include <vector>

namespace pgadvise::loaders {

// One step of a group (a session's burst, a request's trace, the fan-out
// search), in order: a statement, or a whole transaction.
struct FoldStep {
  std::uint64_t id = 0; // the statement's fingerprint, or the transaction's shape
  std::uint64_t statement =
      0;                    // the statement a run of it names (a transaction's first write, else its first)
  std::uint64_t parent = 0; // what it counts as when it is a run's parent (a transaction's last statement)
  std::uint64_t params = 0;
  ParamKeys keys{};      // its key parameters' values (a transaction: its statements')
  std::uint64_t row = 0; // the values its row gives (ParamValues::row, else all of them)
  ParamLinks links{};    // a write's values (ParamValues::links)
  std::int64_t ts_us = 0;
  double duration_ms = 0;
  int line = 0;
  bool set_filter = false;  // a batched read (= ANY(...)): counted after its predecessor
  bool transaction = false; // a whole transaction
  bool child = true;        // may be a per-row child
  bool drives_loop = false; // its rows may drive a loop (a fan-out's parent)
  bool read = false;        // a SELECT
  bool writes = false;      // an INSERT, UPDATE or DELETE
  std::uint32_t code_path = 0;
  std::uint64_t session = 0; // the session's key
  std::int64_t pid = 0;
};

// A transaction's statements (`steps`, in order) as one step: its shape is its statements in order,
// it names its first write (else its first statement), and as a parent it
// counts as its last statement.
FoldStep transaction_step(const std::vector<FoldStep>& steps, std::uint64_t session, std::int64_t pid);

} // namespace pgadvise::loaders
