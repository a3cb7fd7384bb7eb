#pragma once

#include "loaders/logs/reader.hpp"
#include "model/workload.hpp"
#include "pg/parser.hpp"
#include "support/files.hpp"

#include <algorithm>
#include <cstdint>
#include <gtest/gtest.h>
#include <string>
#include <vector>

// Helpers shared by the log reader tests: fixtures from a real PostgreSQL 15
// (fixtures/logs/regenerate.sh) and lookups by the statement's text.
namespace pgadvise::testing {

inline std::string log_fixture(const std::string& name) {
  return std::string(PGADVISE_SOURCE_DIR) + "/fixtures/logs/" + name;
}

// `content` written to NAME in the test's temp folder; its path.
inline std::string write_temp(const std::string& name, const std::string& content) {
  const std::string path = (pgadvise::test::scratch_dir() / name).string();
  pgadvise::test::write_text(path, content);
  return path;
}

inline std::uint64_t fp(const std::string& sql) {
  return pg::fingerprint(sql).value_or(0);
}

inline const model::QueryStats* stats_of(const model::Workload& workload, const std::string& sql) {
  return workload.find(fp(sql));
}

inline std::vector<model::ReaderWarning::Kind> warning_kinds(const model::Workload& workload) {
  std::vector<model::ReaderWarning::Kind> kinds;
  for (const auto& w : workload.warnings) {
    kinds.push_back(w.kind);
  }
  return kinds;
}

inline const model::Repeat* repeat_of(const model::Workload& workload, const std::string& sql) {
  const std::uint64_t f = fp(sql);
  const auto it = std::find_if(workload.repeats.begin(), workload.repeats.end(),
                               [&](const model::Repeat& r) { return r.fingerprint == f; });
  return it == workload.repeats.end() ? nullptr : &*it;
}

} // namespace pgadvise::testing
