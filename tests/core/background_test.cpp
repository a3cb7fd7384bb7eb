#include "core/background.hpp"

#include <atomic>
#include <gtest/gtest.h>
#include <memory>
#include <thread>

using namespace pgadvise::core;

namespace background_test {

// Records which thread destroyed it.
struct Tracked {
  std::atomic<std::thread::id>* destroyed_on;
  explicit Tracked(std::atomic<std::thread::id>* where) : destroyed_on(where) {}
  Tracked(const Tracked&) = delete;
  Tracked& operator=(const Tracked&) = delete;
  Tracked(Tracked&&) = delete;
  Tracked& operator=(Tracked&&) = delete;
  ~Tracked() { destroyed_on->store(std::this_thread::get_id()); }
};

// The object is gone once the wait returns, and it went on another thread
// than the caller's.
TEST(Background, DestroysOnAnotherThreadAndTheWaitSeesItDone) {
  std::atomic<std::thread::id> destroyed_on{};
  destroy_in_background(std::make_unique<Tracked>(&destroyed_on));
  wait_for_background_work();
  EXPECT_NE(destroyed_on.load(), std::thread::id());
  EXPECT_NE(destroyed_on.load(), std::this_thread::get_id());
}

// Every piece started before the wait has run when it returns.
TEST(Background, TheWaitCoversEveryPieceStarted) {
  std::atomic<int> done{0};
  for (int i = 0; i < 8; ++i) {
    run_in_background([&done] { ++done; });
  }
  wait_for_background_work();
  EXPECT_EQ(done.load(), 8);
  destroy_in_background(std::unique_ptr<Tracked>()); // nothing to destroy: no work
  wait_for_background_work();
}

} // namespace background_test
