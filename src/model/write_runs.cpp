#include "model/write_runs.hpp"

#include <algorithm>

namespace pgadvise::model {

namespace {

void add_session(WriteRun& run, const std::string& session) {
  if (run.sessions.size() < WriteRun::k_max_sessions &&
      std::find(run.sessions.begin(), run.sessions.end(), session) == run.sessions.end()) {
    run.sessions.push_back(session);
  }
}

} // namespace

void WriteRuns::add(const std::vector<std::uint64_t>& fingerprints, const std::string& session,
                    const core::SourceLocation& where) {
  const auto found = m_index.find(fingerprints);
  if (found != m_index.end()) {
    WriteRun& run = runs[found->second];
    ++run.occurrences;
    add_session(run, session);
    return;
  }
  if (runs.size() >= k_max_runs) {
    ++dropped;
    return;
  }
  WriteRun run;
  run.fingerprints = fingerprints;
  run.occurrences = 1;
  run.example = where;
  add_session(run, session);
  m_index.emplace(fingerprints, runs.size());
  runs.push_back(std::move(run));
}

void WriteRuns::merge(WriteRuns&& other) {
  for (WriteRun& run : other.runs) {
    const auto found = m_index.find(run.fingerprints);
    if (found == m_index.end()) {
      if (runs.size() >= k_max_runs) {
        dropped += run.occurrences;
        continue;
      }
      m_index.emplace(run.fingerprints, runs.size());
      runs.push_back(std::move(run));
      continue;
    }
    WriteRun& into = runs[found->second];
    into.occurrences += run.occurrences;
    for (const std::string& session : run.sessions) {
      add_session(into, session);
    }
  }
  dropped += other.dropped;
}

} // namespace pgadvise::model
