#pragma once

#include "model/workload.hpp"
#include "pg/parser.hpp"
#include "pg/query_analysis.hpp"

#include <cstdint>
#include <string>
#include <string_view>

// Builds workloads for advisor tests the way the log readers fill them:
// fingerprint, normalized text, shape, an example with its parameters,
// calls and total time.
namespace pgadvise::test_support {

inline model::QueryStats& add_query(model::Workload& workload, std::string_view sql, std::uint64_t calls,
                                    double total_ms, std::string_view params = {}) {
  const std::uint64_t fingerprint = pg::fingerprint(sql).value_or(0);
  model::QueryStats& query = workload.upsert(fingerprint);
  query.fingerprint = fingerprint;
  query.normalized = pg::normalize(sql).value_or(std::string(sql));
  bool parsed = false;
  query.shape = pg::analyze_query_text(sql, &parsed);
  query.parsed = parsed;
  query.calls = calls;
  query.timed_calls = total_ms > 0 ? calls : 0;
  query.total_ms = total_ms;
  query.example = std::string(sql);
  query.example_params = std::string(params);
  workload.statements += calls;
  workload.has_durations = workload.has_durations || total_ms > 0;
  return query;
}

} // namespace pgadvise::test_support
