#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

// --timeout: a whole run that takes longer than the limit is stopped with a
// message and exit code 2, whatever it is doing (reading a huge log,
// waiting on a database). A CI step then fails fast and says why instead of
// hanging until the CI system kills it.
namespace pgadvise::cli {

class Watchdog {
public:
  // 0 seconds: no limit (nothing is started).
  explicit Watchdog(unsigned seconds);
  ~Watchdog(); // the run finished in time: stops the watch
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;
  Watchdog(Watchdog&&) = delete;
  Watchdog& operator=(Watchdog&&) = delete;

private:
  std::mutex m_mutex;
  std::condition_variable m_done_signal;
  bool m_done = false;
  std::thread m_thread;
};

} // namespace pgadvise::cli
