#include "loaders/logs/write_runs.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

// The table a statement writes, or empty when it is not a plain write.
std::string written_table(const model::Workload& workload, std::uint64_t fingerprint) {
  const model::QueryStats* stats = workload.find(fingerprint);
  if (stats == nullptr || !stats->parsed || stats->shape.tables.empty()) {
    return {};
  }
  const model::StatementKind kind = stats->shape.kind;
  if (kind != model::StatementKind::insert && kind != model::StatementKind::update &&
      kind != model::StatementKind::delete_) {
    return {};
  }
  const model::TableUse& target = stats->shape.tables.front();
  return target.schema.empty() ? target.name : target.schema + "." + target.name;
}

struct Run {
  std::vector<std::uint64_t> fingerprints;
  std::vector<std::string> tables; // distinct
  int first_line = 0;
};

void flush(model::Workload& workload, const std::string& session, const std::string& file, Run& run) {
  if (run.tables.size() >= 2) {
    workload.write_runs.add(run.fingerprints, session, core::SourceLocation{file, run.first_line, 0});
  }
  run = Run{};
}

} // namespace

void record_write_runs(model::Workload& workload, const std::string& session, const std::string& file,
                       const std::vector<GroupStatement>& group) {
  Run run;
  for (const GroupStatement& statement : group) {
    if (statement.ts_us == 0) {
      return;
    }
    const std::string table = written_table(workload, statement.fingerprint);
    if (table.empty()) {
      continue; // reads between the writes belong to the same operation
    }
    if (!run.fingerprints.empty() && run.fingerprints.back() == statement.fingerprint) {
      continue; // one statement per row: the same step
    }
    if (std::find(run.fingerprints.begin(), run.fingerprints.end(), statement.fingerprint) !=
        run.fingerprints.end()) {
      flush(workload, session, file, run); // the operation starts over
    }
    if (run.fingerprints.empty()) {
      run.first_line = statement.line;
    }
    run.fingerprints.push_back(statement.fingerprint);
    if (std::find(run.tables.begin(), run.tables.end(), table) == run.tables.end()) {
      run.tables.push_back(table);
    }
  }
  flush(workload, session, file, run);
}

} // namespace pgadvise::loaders
