#include "core/shared_text.hpp"

#include <cstring>
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

void SharedText::own(std::string_view text) {
  if (text.empty()) {
    forget();
    return;
  }
  char* data = new char[text.size()];
  std::memcpy(data, text.data(), text.size());
  m_data = data;
  m_size = text.size() | k_owned;
}

SharedText& SharedText::operator+=(std::string_view more) {
  if (more.empty()) {
    return *this;
  }
  std::string joined(view());
  joined += more;
  release();
  own(joined);
  return *this;
}

} // namespace pgadvise::core
