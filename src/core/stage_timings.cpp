#include "core/stage_timings.hpp"

#include <chrono>
#include <ctime>
#include <sys/resource.h>

namespace pgadvise::core {

namespace {

thread_local StageTimings* t_current = nullptr;

} // namespace

std::string_view to_string(Stage stage) {
  switch (stage) {
  case Stage::discovery: return "discovery";
  case Stage::typescript_scan: return "typescript scan";
  case Stage::schema_replay: return "schema replay";
  case Stage::logs: return "logs";
  case Stage::live: return "live";
  case Stage::rules: return "rules";
  case Stage::report: return "report";
  }
  return "other";
}

StageTimings::StageTimings() : m_start(read_clock()), m_last(m_start) {}

StageTimings::Clock StageTimings::read_clock() {
  Clock clock;
  clock.wall_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
  timespec cpu{};
  if (clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpu) == 0) {
    clock.cpu_ms = static_cast<double>(cpu.tv_sec) * 1000.0 + static_cast<double>(cpu.tv_nsec) / 1e6;
  }
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) == 0) {
    clock.peak_kb = static_cast<std::uint64_t>(usage.ru_maxrss); // KB on Linux
  }
  return clock;
}

void StageTimings::charge(StageCost& cost, const Clock& from, const Clock& to) {
  cost.ran = true;
  cost.wall_ms += to.wall_ms - from.wall_ms;
  cost.cpu_ms += to.cpu_ms - from.cpu_ms;
  cost.peak_growth_kb += to.peak_kb > from.peak_kb ? to.peak_kb - from.peak_kb : 0;
  cost.peak_kb = to.peak_kb;
}

// What ran since the last switch goes to the innermost open stage (nothing
// open: the start-up and the glue between stages, counted in the total only).
void StageTimings::bank() {
  const Clock now = read_clock();
  if (!m_open.empty()) {
    charge(m_stages[static_cast<std::size_t>(m_open.back())], m_last, now);
  }
  m_last = now;
}

void StageTimings::enter(Stage stage) {
  bank();
  m_open.push_back(stage);
}

void StageTimings::leave() {
  bank();
  if (!m_open.empty()) {
    m_open.pop_back();
  }
}

TimingsSnapshot StageTimings::snapshot() const {
  TimingsSnapshot out;
  out.stages = m_stages;
  const Clock now = read_clock();
  if (!m_open.empty()) {
    charge(out.stages[static_cast<std::size_t>(m_open.back())], m_last, now);
  }
  out.wall_ms = now.wall_ms - m_start.wall_ms;
  out.cpu_ms = now.cpu_ms; // the process's, start-up included
  out.peak_kb = now.peak_kb;
  return out;
}

StageTimings::Current::Current(StageTimings& timings) : m_previous(t_current) {
  t_current = &timings;
}

StageTimings::Current::~Current() {
  t_current = m_previous;
}

StageTimings* StageTimings::current() {
  return t_current;
}

StageTimer::StageTimer(Stage stage) : m_timings(t_current) {
  if (m_timings != nullptr) {
    m_timings->enter(stage);
  }
}

StageTimer::~StageTimer() {
  if (m_timings != nullptr) {
    m_timings->leave();
  }
}

} // namespace pgadvise::core
