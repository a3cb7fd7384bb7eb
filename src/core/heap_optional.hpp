#pragma once

#include <memory>
#include <optional>
#include <utility>

namespace pgadvise::core {

// An optional value kept on the heap: one pointer where it is absent, for a
// rarely set member of an object a big catalog holds a million of (a
// column's pg_stats, read only from a live database). Copies copy the value.
template <typename T> class HeapOptional {
public:
  HeapOptional() = default;
  HeapOptional(std::nullopt_t /*none*/) {} // NOLINT(google-explicit-constructor)
  HeapOptional(T value)
      : m_value(std::make_unique<T>(std::move(value))) {} // NOLINT(google-explicit-constructor)
  HeapOptional(const HeapOptional& other) : m_value(copy(other)) {}
  HeapOptional(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(const HeapOptional& other) {
    if (this != &other) {
      m_value = copy(other);
    }
    return *this;
  }
  HeapOptional& operator=(HeapOptional&&) noexcept = default;
  HeapOptional& operator=(T value) {
    m_value = std::make_unique<T>(std::move(value));
    return *this;
  }
  HeapOptional& operator=(std::nullopt_t /*none*/) {
    m_value.reset();
    return *this;
  }
  ~HeapOptional() = default;

  [[nodiscard]] bool has_value() const { return m_value != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *m_value; }
  const T& operator*() const { return *m_value; }
  T* operator->() { return m_value.get(); }
  const T* operator->() const { return m_value.get(); }
  void reset() { m_value.reset(); }

private:
  static std::unique_ptr<T> copy(const HeapOptional& other) {
    return other.m_value ? std::make_unique<T>(*other.m_value) : nullptr;
  }

  std::unique_ptr<T> m_value;
};

} // namespace pgadvise::core
