#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

// Where a run's time and memory went, by stage (`pgadvise lint --timings`
// and the JSON report's `timings`). A run makes one StageTimings and makes
// it current on its thread (StageTimings::Current); code anywhere below
// marks what it does with a StageTimer, which is a no-op when no recorder
// is current (a test, another thread). Stages nest: a stage begun inside
// another (a schema read inside discovery or inside the rules' pass over a
// further database) has its time taken out of the outer one, so the
// stages' costs add up to the run's. Work on another thread is counted
// where the run waits for it (lint's TypeScript scan: finish_code_scan),
// its CPU in whichever stage ran beside it.
namespace pgadvise::core {

enum class Stage : std::uint8_t {
  discovery,       // config, the walk, project files (package.json, CI, Docker)
  typescript_scan, // the query calls of the project's TypeScript
  schema_replay,   // migrations replayed, snapshot or schema.ts read, --stats
  logs,            // --log, --pgss, --queries
  live,            // --db: the live catalog, EXPLAIN, the index advisor
  rules,           // every rule, consolidation, the lenses and baseline
  report,          // the report written
};
inline constexpr std::size_t k_stage_count = 7;

// "discovery", "typescript scan", ...: as the table and the JSON name them.
[[nodiscard]] std::string_view to_string(Stage stage);

// What one stage cost. The peak resident set only grows: `peak_growth_kb`
// is by how much it grew while this stage ran (the stages' growths add up
// to the run's peak), `peak_kb` the peak when it last ran.
struct StageCost {
  bool ran = false;
  double wall_ms = 0;
  double cpu_ms = 0; // every thread of the process
  std::uint64_t peak_growth_kb = 0;
  std::uint64_t peak_kb = 0;
};

struct TimingsSnapshot {
  std::array<StageCost, k_stage_count> stages{};
  double wall_ms = 0; // since the recorder was made, every stage and what ran outside them
  double cpu_ms = 0;
  std::uint64_t peak_kb = 0; // the process's peak resident set

  [[nodiscard]] const StageCost& of(Stage stage) const { return stages[static_cast<std::size_t>(stage)]; }
};

class StageTimings {
public:
  StageTimings();

  void enter(Stage stage);
  void leave();

  // The costs so far, the stage running now counted up to this moment.
  [[nodiscard]] TimingsSnapshot snapshot() const;

  // Makes `timings` the calling thread's recorder until it goes (the one
  // before it comes back).
  class Current {
  public:
    explicit Current(StageTimings& timings);
    Current(const Current&) = delete;
    Current& operator=(const Current&) = delete;
    Current(Current&&) = delete;
    Current& operator=(Current&&) = delete;
    ~Current();

  private:
    StageTimings* m_previous;
  };
  [[nodiscard]] static StageTimings* current();

private:
  struct Clock {
    double wall_ms = 0;
    double cpu_ms = 0;
    std::uint64_t peak_kb = 0;
  };
  [[nodiscard]] static Clock read_clock();
  static void charge(StageCost& cost, const Clock& from, const Clock& to);
  void bank();

  Clock m_start;
  Clock m_last;
  std::array<StageCost, k_stage_count> m_stages{};
  std::vector<Stage> m_open;
};

// `stage` from here to the end of the scope, on the thread's current recorder.
class StageTimer {
public:
  explicit StageTimer(Stage stage);
  StageTimer(const StageTimer&) = delete;
  StageTimer& operator=(const StageTimer&) = delete;
  StageTimer(StageTimer&&) = delete;
  StageTimer& operator=(StageTimer&&) = delete;
  ~StageTimer();

private:
  StageTimings* m_timings;
};

} // namespace pgadvise::core
