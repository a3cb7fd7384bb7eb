#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

// Runs `work(i)` for every i in [0, count) on the machine's cores: the
// calling thread and up to hardware_concurrency() - 1 others take the next
// index in turn (a thread per core, not per item: each reserves a stack and
// often a malloc arena; when one cannot be started, fewer do the work). `work` must touch only what index i
// owns (results go in a slot per index, merged by the caller afterwards in index order, so the outcome does
// not depend on which thread ran what). The first exception a call throws reaches the caller once every
// thread has stopped.
namespace pgadvise::core {

template <typename Work> void parallel_for(std::size_t count, Work&& work) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr failed;
  const auto run = [&] {
    try {
      for (std::size_t i = next++; i < count; i = next++) {
        work(i);
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(mutex);
      if (!failed) {
        failed = std::current_exception();
      }
      next = count; // the others stop at their next index
    }
  };
  const std::size_t threads = std::min<std::size_t>(count, std::max(1U, std::thread::hardware_concurrency()));
  std::vector<std::thread> others;
  others.reserve(threads > 0 ? threads - 1 : 0);
  for (std::size_t t = 1; t < threads; ++t) {
    try {
      others.emplace_back(run);
    } catch (const std::system_error&) {
      break; // no thread to be had (a memory limit, a loaded machine): fewer do the work
    }
  }
  run();
  for (std::thread& other : others) {
    other.join();
  }
  if (failed) {
    std::rethrow_exception(failed);
  }
}

} // namespace pgadvise::core
