#include "loaders/logs/run_repeats.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

constexpr std::uint32_t k_max_params = 64; // distinct parameter sets counted per burst

} // namespace

void RunRepeats::record(const std::string& file, const std::vector<FoldStep>& steps,
                        const std::string& session, bool in_transaction, const std::string& vxid,
                        model::Repeat::Grouping grouping) {
  if (steps.empty()) {
    return;
  }
  count_group(file, steps, session, !in_transaction && grouping == model::Repeat::Grouping::session);
  if (steps.size() < 2) {
    return;
  }
  const std::uint64_t group = ++m_groups;
  for (const GroupRun& run : runs_of(in_transaction || grouping == model::Repeat::Grouping::trace)) {
    const FoldStep& first = steps[run.positions.front()];
    model::Repeat repeat;
    repeat.session = session;
    repeat.fingerprint = first.statement;
    repeat.transaction_shape = first.transaction ? first.id : 0;
    repeat.parent_fingerprint = run.candidates[0];
    repeat.candidates = run.candidates;
    repeat.unit = run.unit;
    repeat.request_repeat = run.request_repeat;
    repeat.count = static_cast<std::uint32_t>(run.positions.size());
    repeat.consecutive = run.consecutive;
    repeat.interleaved = run.interleaved;
    repeat.in_transaction = in_transaction;
    repeat.transaction = in_transaction ? vxid : std::string();
    repeat.grouping = grouping;
    repeat.group = group;
    repeat.code_path = first.code_path;
    repeat.first_us = first.ts_us;
    repeat.location = core::SourceLocation{file, first.line, 0};
    add_run_steps(repeat, steps, run);
    m_workload.add_repeat(std::move(repeat));
  }
}

const std::vector<GroupRun>& RunRepeats::runs_of(bool one_request) {
  if (m_ids.size() > k_memo_max_steps) {
    m_runs = group_runs(m_ids, m_parents, one_request);
    return m_runs;
  }
  std::uint64_t hash = 0x9e3779b97f4a7c15ULL ^ m_ids.size() ^ (one_request ? 0x5bd1e995ULL : 0);
  for (std::size_t i = 0; i < m_ids.size(); ++i) {
    hash = (hash ^ m_ids[i]) * 0xff51afd7ed558ccdULL;
    hash = (hash ^ m_parents[i] ^ (hash >> 31U)) * 0xc4ceb9fe1a85ec53ULL;
  }
  if (m_memo.empty()) {
    m_memo.resize(k_memo_slots);
  }
  Memo& slot = m_memo[(hash >> 40U) & (k_memo_slots - 1)];
  if (slot.valid && slot.hash == hash && slot.one_request == one_request && slot.ids == m_ids &&
      slot.parents == m_parents) {
    return slot.runs;
  }
  slot.valid = true;
  slot.hash = hash;
  slot.one_request = one_request;
  slot.ids = m_ids;
  slot.parents = m_parents;
  slot.runs = group_runs(m_ids, m_parents, one_request);
  return slot.runs;
}

// The group's ids and parents for group_runs; batched reads after their
// predecessor; an autocommit group's multi-table writes (a transaction cuts
// the autocommit run).
void RunRepeats::count_group(const std::string& file, const std::vector<FoldStep>& steps,
                             const std::string& session, bool autocommit) {
  m_ids.clear();
  m_parents.clear();
  m_statements.clear();
  for (const FoldStep& step : steps) {
    if (step.set_filter && !m_parents.empty()) {
      ++m_workload.batched_after[{m_parents.back(), step.id}];
    }
    m_ids.push_back(step.id);
    m_parents.push_back(step.parent);
    if (autocommit) {
      if (step.transaction) {
        record_write_runs(m_workload, session, file, m_statements);
        m_statements.clear();
      } else {
        m_statements.push_back(GroupStatement{step.id, step.ts_us, step.line, step.links});
      }
    }
  }
  if (autocommit) {
    record_write_runs(m_workload, session, file, m_statements);
  }
}

// What the run's steps add up to: time, distinct parameter sets, backends.
void RunRepeats::add_run_steps(model::Repeat& repeat, const std::vector<FoldStep>& steps,
                               const GroupRun& run) {
  std::vector<std::uint64_t> params;
  std::vector<std::uint64_t> backends;
  std::vector<std::int64_t> pids;
  for (const std::uint32_t at : run.positions) {
    const FoldStep& step = steps[at];
    repeat.last_us = step.ts_us;
    repeat.total_ms += step.duration_ms;
    if (params.size() < k_max_params &&
        std::find(params.begin(), params.end(), step.params) == params.end()) {
      params.push_back(step.params);
    }
    if (std::find(backends.begin(), backends.end(), step.session) == backends.end()) {
      backends.push_back(step.session);
      pids.push_back(step.pid);
    }
  }
  repeat.distinct_params = static_cast<std::uint32_t>(params.size());
  repeat.params_set = params_set_hash(params);
  repeat.backends = static_cast<std::uint32_t>(backends.size());
  if (backends.size() > 1) {
    for (std::size_t i = 0; i < pids.size() && i < 8; ++i) {
      repeat.backend_list += (i == 0 ? "" : ", ") + (pids[i] != 0 ? "pid " + std::to_string(pids[i]) : "?");
    }
    if (pids.size() > 8) {
      repeat.backend_list += " and " + std::to_string(pids.size() - 8) + " more";
    }
  }
}

} // namespace pgadvise::loaders
