#include "app/inputs/workload_input.hpp"

#include "core/stage_timings.hpp"
#include "loaders/logs/prefix.hpp"
#include "loaders/logs/reader.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>

namespace pgadvise::app {

namespace {

// A missing file is a usage mistake (exit 2), not bad content.
core::Result<bool> check_paths(const WorkloadOptions& options) {
  std::size_t stdin_uses = 0;
  for (const std::string& path : options.paths()) {
    if (path == "-") {
      ++stdin_uses;
      continue;
    }
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
      return core::Error("cannot read workload file " + path +
                         (std::filesystem::exists(path, ec) ? ": not a regular file" : ": no such file"));
    }
    // Unreadable (permissions) is as much a usage mistake as missing.
    if (std::FILE* file = std::fopen(path.c_str(), "rb"); file != nullptr) {
      std::fclose(file);
    } else {
      return core::Error("cannot read workload file " + path + ": " + std::strerror(errno));
    }
  }
  if (stdin_uses > 1) {
    return core::Error("standard input ('-') can be given only once among --log, --pgss and --queries");
  }
  return true;
}

void absorb(WorkloadInput& into, loaders::LogReadResult&& read) {
  into.usable = into.usable || read.usable;
  into.diagnostics.insert(into.diagnostics.end(), std::make_move_iterator(read.diagnostics.begin()),
                          std::make_move_iterator(read.diagnostics.end()));
  into.notes.insert(into.notes.end(), std::make_move_iterator(read.notes.begin()),
                    std::make_move_iterator(read.notes.end()));
  into.workload.merge(std::move(read.workload));
}

} // namespace

std::vector<std::string> WorkloadOptions::paths() const {
  std::vector<std::string> all = logs;
  all.insert(all.end(), queries.begin(), queries.end());
  all.insert(all.end(), pgss.begin(), pgss.end());
  return all;
}

core::Result<WorkloadInput> read_workload_input(const WorkloadOptions& options, bool progress) {
  const core::StageTimer timer(core::Stage::logs);
  if (auto checked = check_paths(options); !checked) {
    return checked.error();
  }
  if (!options.log_line_prefix.empty()) {
    std::string error;
    if (!loaders::LogPrefix::compile(options.log_line_prefix, &error)) {
      return core::Error("--log-line-prefix: " + error);
    }
  }
  WorkloadInput input;
  loaders::LogReadOptions read_options;
  read_options.log_line_prefix = options.log_line_prefix;
  read_options.burst_gap_ms = options.burst_gap_ms;
  read_options.progress = progress;
  if (!options.logs.empty()) {
    absorb(input, loaders::read_logs(options.logs, read_options));
  }
  if (!options.queries.empty()) {
    loaders::LogReadOptions query_options = read_options;
    query_options.queries_only = true;
    absorb(input, loaders::read_logs(options.queries, query_options));
  }
  for (const std::string& path : options.pgss) {
    absorb(input, loaders::read_pgss(path));
  }
  return input;
}

void print_unusable_workload(const WorkloadInput* input, std::ostream& err) {
  if (input == nullptr) {
    return;
  }
  err << "pgadvise: no queries could be read from the workload files\n";
  for (const core::Finding& diagnostic : input->diagnostics) {
    err << "  " << (diagnostic.location.known() ? diagnostic.location.to_string() + ": " : std::string())
        << diagnostic.message << "\n";
  }
}

} // namespace pgadvise::app
