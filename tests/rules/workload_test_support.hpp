#pragma once

// Hand-built workloads for the query rules' unit tests: statement shapes come
// from the real parser (pg::analyze_query_text), counts and repeats are
// stated by the test.

#include "core/finding.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/rule.hpp"
#include "model/catalog.hpp"
#include "model/project.hpp"
#include "model/workload.hpp"
#include "pg/parser.hpp"
#include "pg/query_analysis.hpp"
#include "rules/registry.hpp"
#include "support/rule_runner.hpp"

#include <map>
#include <string>
#include <vector>

namespace pgadvise::test {

inline core::SourceLocation log_line(int line) {
  return core::SourceLocation{"app.log", line, 0};
}

// Adds (or adds calls to) the statement `sql`; returns its fingerprint.
inline std::uint64_t add_query(model::Workload& workload, std::string_view sql, std::uint64_t calls = 1,
                               double total_ms = 0, int line = 1) {
  const std::uint64_t fingerprint = pg::fingerprint(sql).value_or(0);
  bool created = false;
  model::QueryStats& stats = workload.upsert(fingerprint, &created);
  if (created) {
    stats.normalized = pg::normalize(sql).value_or(std::string(sql));
    stats.shape = pg::analyze_query_text(sql, &stats.parsed);
    stats.first_seen = log_line(line);
    stats.example = std::string(sql);
  }
  stats.calls += calls;
  stats.timed_calls += total_ms > 0 ? calls : 0;
  stats.total_ms += total_ms;
  workload.statements += calls;
  workload.has_durations = workload.has_durations || total_ms > 0;
  return fingerprint;
}

inline model::Repeat repeat_of(std::uint64_t fingerprint, std::uint64_t parent, std::uint32_t count,
                               std::uint32_t distinct, std::string session = "pid 1", int line = 10) {
  model::Repeat repeat;
  repeat.session = std::move(session);
  repeat.fingerprint = fingerprint;
  repeat.parent_fingerprint = parent;
  repeat.count = count;
  repeat.distinct_params = distinct;
  repeat.consecutive = true;
  repeat.in_transaction = true;
  repeat.total_ms = 0.1 * count;
  repeat.location = log_line(line);
  return repeat;
}

// Runs one registered rule over a workload (and an optional catalog and
// project); see support/rule_runner.hpp.
inline std::vector<core::Finding> run_workload_rule(std::string_view id, const model::Workload& workload,
                                                    const model::Catalog* catalog = nullptr,
                                                    const std::map<std::string, std::string>& options = {},
                                                    const model::Project* project = nullptr) {
  engine::RuleContext context;
  context.catalog = catalog;
  context.workload = &workload;
  context.project = project;
  return run_registered_rule(id, context, options);
}

} // namespace pgadvise::test
