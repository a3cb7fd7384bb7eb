#include "core/text_generation.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <vector>

namespace pgadvise::core::text_generation {

namespace {

struct Generations {
  std::mutex mutex;
  std::atomic<std::uint32_t> current{0};       // 0: everything stored before the first begin()
  std::map<std::uint32_t, std::uint32_t> held; // holders of each live generation but 0
  std::vector<std::uint32_t> unheld_current;   // let go while current: freed at the next begin()
};

Generations& generations() {
  static auto* instance = new Generations(); // never destroyed, as the stores
  return *instance;
}

void free_texts(std::uint32_t generation) {
  detail::stored_text_release(generation);
  detail::packed_text_release(generation);
}

} // namespace

std::uint32_t begin() {
  Generations& g = generations();
  const std::lock_guard lock(g.mutex);
  const std::uint32_t generation = ++g.current;
  g.held[generation] = 1;
  detail::stored_text_begin(generation);
  detail::packed_text_begin(generation);
  for (const std::uint32_t unheld : g.unheld_current) {
    free_texts(unheld);
  }
  g.unheld_current.clear();
  return generation;
}

std::uint32_t current() {
  return generations().current.load(std::memory_order_relaxed); // read once per migration step
}

void hold(std::uint32_t generation) {
  Generations& g = generations();
  const std::lock_guard lock(g.mutex);
  if (const auto found = g.held.find(generation); found != g.held.end()) {
    ++found->second;
  }
}

void release(std::uint32_t generation) {
  Generations& g = generations();
  const std::lock_guard lock(g.mutex);
  const auto found = g.held.find(generation);
  if (found == g.held.end() || --found->second > 0) {
    return;
  }
  g.held.erase(found);
  if (generation == g.current) {
    g.unheld_current.push_back(generation);
  } else {
    free_texts(generation);
  }
}

} // namespace pgadvise::core::text_generation
