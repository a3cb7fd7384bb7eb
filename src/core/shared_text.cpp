#include "core/shared_text.hpp"

#include <functional>
#include <mutex>
#include <unordered_set>

namespace pgadvise::core {

namespace {

// Node-based: a string's characters never move once added, so views of them
// stay valid while the pool grows. Rules run on several threads.
struct Hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view text) const { return std::hash<std::string_view>{}(text); }
};

struct Pool {
  std::mutex mutex;
  std::unordered_set<std::string, Hash, std::equal_to<>> texts;
};

Pool& pool() {
  static Pool* instance = new Pool(); // never destroyed: findings may outlive static destructors
  return *instance;
}

} // namespace

SharedText SharedText::interned(std::string_view text) {
  Pool& shared = pool();
  const std::lock_guard lock(shared.mutex);
  auto it = shared.texts.find(text);
  if (it == shared.texts.end()) {
    it = shared.texts.emplace(text).first;
  }
  return fixed(*it);
}

SharedText& SharedText::operator+=(std::string_view more) {
  if (m_fixed != nullptr) {
    m_own.assign(m_fixed, m_fixed_size);
    m_fixed = nullptr;
    m_fixed_size = 0;
  }
  m_own += more;
  return *this;
}

} // namespace pgadvise::core
