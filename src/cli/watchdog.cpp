#include "cli/watchdog.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

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
    const std::string message = "pgadvise: --timeout " + std::to_string(seconds) +
                                ": the run took longer than " + std::to_string(seconds) +
                                " s and was stopped\n";
    std::fputs(message.c_str(), stderr);
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
