#include "core/background.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

namespace pgadvise::core {

namespace {

// Never destroyed: a thread still at work while the program exits (a path
// that calls std::exit) must not find its lock gone.
struct Pending {
  std::mutex mutex;
  std::condition_variable done;
  int running = 0;
};

Pending& pending() {
  static auto* state = new Pending(); // NOLINT(cppcoreguidelines-owning-memory): see Pending
  return *state;
}

} // namespace

void run_in_background(std::function<void()> work) {
  Pending& state = pending();
  {
    const std::lock_guard<std::mutex> lock(state.mutex);
    ++state.running;
  }
  const auto finish = [&state] {
    const std::lock_guard<std::mutex> lock(state.mutex);
    --state.running;
    state.done.notify_all();
  };
  // The work is let go of (and what it holds with it) on the thread that
  // ran it, whoever drops the last pointer to the task.
  const auto task = std::make_shared<std::function<void()>>(std::move(work));
  const auto run = [task, finish] {
    (*task)();
    *task = nullptr;
    finish();
  };
  try {
    std::thread(run).detach();
  } catch (const std::system_error&) {
    run();
  }
}

void wait_for_background_work() {
  Pending& state = pending();
  std::unique_lock<std::mutex> lock(state.mutex);
  state.done.wait(lock, [&state] { return state.running == 0; });
}

} // namespace pgadvise::core
