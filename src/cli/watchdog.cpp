#include "cli/watchdog.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace pgadvise::cli {

Watchdog::Watchdog(unsigned seconds) {
  if (seconds == 0) {
    return;
  }
  m_thread = std::thread([this, seconds] {
    std::unique_lock<std::mutex> lock(m_mutex);
    if (m_done_signal.wait_for(lock, std::chrono::seconds(seconds), [this] { return m_done; })) {
      return;
    }
    std::fprintf(stderr, "pgadvise: --timeout %u: the run took longer than %u s and was stopped\n", seconds,
                 seconds);
    std::fflush(nullptr);
    std::_Exit(2); // the report would be partial; a database session is rolled back on disconnect
  });
}

Watchdog::~Watchdog() {
  if (!m_thread.joinable()) {
    return;
  }
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_done = true;
  }
  m_done_signal.notify_one();
  m_thread.join();
}

} // namespace pgadvise::cli
