#include "reporters/timings_table.hpp"

#include <cstdio>
#include <string>

namespace pgadvise::reporters {

namespace {

std::string row(const char* label, const char* wall, const char* cpu, const char* growth, const char* peak) {
  char line[128];
  std::snprintf(line, sizeof line, "  %-17s %9s %9s %14s %10s\n", label, wall, cpu, growth, peak);
  return line;
}

std::string seconds(double ms) {
  char text[32];
  std::snprintf(text, sizeof text, "%.2f", ms / 1000.0);
  return text;
}

std::string megabytes(double kilobytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.0f", kilobytes / 1024.0);
  return text;
}

} // namespace

void write_timings(const core::TimingsSnapshot& timings, std::ostream& out) {
  out << "pgadvise: where the time and memory went (--timings)\n";
  out << row("stage", "wall (s)", "CPU (s)", "peak grew (MB)", "peak (MB)");
  double wall = 0;
  double cpu = 0;
  for (std::size_t i = 0; i < core::k_stage_count; ++i) {
    const auto stage = static_cast<core::Stage>(i);
    const core::StageCost& cost = timings.stages[i];
    const std::string name(core::to_string(stage));
    if (!cost.ran) {
      if (stage != core::Stage::live) {
        out << row(name.c_str(), "-", "-", "-", "-");
      }
      continue;
    }
    wall += cost.wall_ms;
    cpu += cost.cpu_ms;
    out << row(name.c_str(), seconds(cost.wall_ms).c_str(), seconds(cost.cpu_ms).c_str(),
               ("+" + megabytes(static_cast<double>(cost.peak_growth_kb))).c_str(),
               megabytes(static_cast<double>(cost.peak_kb)).c_str());
  }
  // Start-up (the process before the run, the command line) and the glue between stages.
  const double other_wall = timings.wall_ms > wall ? timings.wall_ms - wall : 0;
  const double other_cpu = timings.cpu_ms > cpu ? timings.cpu_ms - cpu : 0;
  out << row("other", seconds(other_wall).c_str(), seconds(other_cpu).c_str(), "", "");
  out << row("total", seconds(timings.wall_ms).c_str(), seconds(timings.cpu_ms).c_str(), "",
             megabytes(static_cast<double>(timings.peak_kb)).c_str());
}

} // namespace pgadvise::reporters
