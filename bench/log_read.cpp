// pgadvise_logread: reads logs with the same loader `pgadvise lint --log`
// uses and prints the workload summary. The benchmark (bench/run.sh) times
// it; it is not installed.
//
//   pgadvise_logread [--prefix P] [--threads N] [--pgss FILE] FILE...
#include "loaders/logs/reader.hpp"

#include <chrono>
#include <iostream>
#include <string>
#include <unistd.h>
#include <vector>

int main(int argc, char** argv) {
  using namespace pgadvise;
  loaders::LogReadOptions options;
  options.progress = isatty(STDERR_FILENO) != 0;
  std::vector<std::string> paths;
  std::string pgss;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--prefix" && i + 1 < argc) {
      options.log_line_prefix = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      options.threads = static_cast<unsigned>(std::stoul(argv[++i]));
    } else if (arg == "--pgss" && i + 1 < argc) {
      pgss = argv[++i];
    } else {
      paths.push_back(arg);
    }
  }
  const auto start = std::chrono::steady_clock::now();
  loaders::LogReadResult result =
      pgss.empty() ? loaders::read_logs(paths, options) : loaders::read_pgss(pgss);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  loaders::write_workload_summary(std::cout, result.workload);
  for (const core::Finding& d : result.diagnostics) {
    std::cout << "warning: " << d.location.to_string() << ": " << d.message << "\n";
  }
  const double mb = static_cast<double>(result.workload.bytes) / 1e6;
  std::cout << "elapsed: " << seconds << " s, " << mb / seconds << " MB/s, "
            << static_cast<double>(result.workload.statements) / seconds << " statements/s\n";
  return result.usable ? 0 : 2;
}
