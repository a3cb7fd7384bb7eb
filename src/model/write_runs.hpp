#pragma once

#include "core/source_location.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pgadvise::model {

// One multi-step write done without a transaction: a session's consecutive
// INSERT / UPDATE / DELETE statements to more than one table, in autocommit
// (no BEGIN around them), each within the burst window of the statement
// before. Recorded per sequence of statements, so a pattern that repeats
// (one per request) is one entry with its count.
struct WriteRun {
  std::vector<std::uint64_t> fingerprints; // the writes in order; back-to-back repeats counted once
  std::uint64_t occurrences = 0;           // times the sequence ran
  std::vector<std::string> sessions;       // distinct sessions it ran in (capped at k_max_sessions)
  core::SourceLocation example;            // first statement of its first occurrence
  static constexpr std::size_t k_max_sessions = 16;
};

class WriteRuns {
public:
  std::vector<WriteRun> runs; // first-seen order, capped at k_max_runs
  std::uint64_t dropped = 0;  // occurrences of sequences beyond the cap
  static constexpr std::size_t k_max_runs = 10000;

  void add(const std::vector<std::uint64_t>& fingerprints, const std::string& session,
           const core::SourceLocation& where);
  void merge(WriteRuns&& other);

private:
  std::map<std::vector<std::uint64_t>, std::size_t> m_index;
};

} // namespace pgadvise::model
