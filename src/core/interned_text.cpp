#include "core/interned_text.hpp"

#include <array>
#include <functional>
#include <mutex>
#include <unordered_set>

namespace pgadvise::core {

namespace {

struct TextHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

// Node-based: a text never moves once added, so pointers to it stay valid
// while the pool grows. Never destroyed: static destructors may read names.
struct Pool {
  std::mutex mutex;
  std::unordered_set<std::string, TextHash, std::equal_to<>> texts{std::string()};
};

Pool& pool() {
  static auto* instance = new Pool();
  return *instance;
}

// The texts this thread interned last, by hash: most lookups (a column's
// type, the table a step is on) repeat a recent text and skip the lock.
constexpr std::size_t k_recent_slots = 256;
thread_local std::array<const std::string*, k_recent_slots> t_recent{};

} // namespace

const std::string* InternedText::empty_text() {
  static const std::string* empty = &*pool().texts.find(std::string_view());
  return empty;
}

const std::string* InternedText::intern(std::string_view text) {
  if (text.empty()) {
    return empty_text();
  }
  const std::size_t hash = TextHash{}(text);
  const std::string*& recent = t_recent[hash % k_recent_slots];
  if (recent != nullptr && *recent == text) {
    return recent;
  }
  Pool& shared = pool();
  const std::lock_guard lock(shared.mutex);
  auto it = shared.texts.find(text);
  if (it == shared.texts.end()) {
    it = shared.texts.emplace(text).first;
  }
  recent = &*it;
  return recent;
}

} // namespace pgadvise::core
