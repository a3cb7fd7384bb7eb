#pragma once

#include <functional>
#include <memory>

// Work a run need not wait for, done on a thread of its own while the run
// goes on: letting go of a large structure it is done with. On a real
// monorepo (sim) freeing the query-call scan's 3,600 parsed files and their
// indexes took 110 ms of the main thread; on the other core it overlaps
// the schema's replay. Where no thread can be started the work is done at
// once. pgadvise's main() waits for all of it before it returns.
namespace pgadvise::core {

void run_in_background(std::function<void()> work);

// Waits until every piece of work started so far has finished.
void wait_for_background_work();

// `object` destroyed in the background.
template <typename T> void destroy_in_background(std::unique_ptr<T> object) {
  if (object) {
    run_in_background([held = std::shared_ptr<T>(std::move(object))]() mutable { held.reset(); });
  }
}

} // namespace pgadvise::core
