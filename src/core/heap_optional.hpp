#pragma once

#include <memory>
#include <optional>
#include <type_traits>
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
  // From a std::optional<T> (exactly: a literal still goes to operator=(T)).
  template <typename O>
  requires std::is_same_v<std::remove_cvref_t<O>, std::optional<T>> HeapOptional& operator=(O&& value) {
    m_value = value ? std::make_unique<T>(*std::forward<O>(value)) : nullptr;
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
  template <typename U> [[nodiscard]] T value_or(U&& fallback) const {
    return m_value ? *m_value : static_cast<T>(std::forward<U>(fallback));
  }
  // Equal when both are absent or both hold equal values, as std::optional.
  friend bool operator==(const HeapOptional& a, const HeapOptional& b) {
    return a.has_value() == b.has_value() && (!a.has_value() || *a == *b);
  }
  friend bool operator==(const HeapOptional& a, const T& b) { return a.has_value() && *a == b; }

private:
  static std::unique_ptr<T> copy(const HeapOptional& other) {
    return other.m_value ? std::make_unique<T>(*other.m_value) : nullptr;
  }

  std::unique_ptr<T> m_value;
};

} // namespace pgadvise::core
