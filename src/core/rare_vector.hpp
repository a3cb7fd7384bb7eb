#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace pgadvise::core {

// A list that most of the objects holding it leave empty (a column type's
// modifiers: varchar(255) has one, the 600,000 columns of a 100,000-table
// schema mostly none): one pointer, null while empty, where a std::vector
// takes 24 bytes. Reads as a `const std::vector<T>&` (an empty one while
// unset) and iterates, indexes and compares as the vector does; grows by
// push_back / emplace_back, erases and inserts as the vector does, and
// edit() hands out the vector itself for code written for one.
template <typename T> class RareVector {
public:
  using value_type = T;
  using size_type = std::size_t;
  using iterator = T*;
  using const_iterator = const T*;

  RareVector() = default;
  RareVector(std::vector<T> items) { assign(std::move(items)); } // NOLINT(google-explicit-constructor)
  RareVector(const RareVector& other) { assign(other.items()); }
  RareVector(RareVector&&) noexcept = default;
  RareVector& operator=(const RareVector& other) {
    if (this != &other) {
      assign(other.items());
    }
    return *this;
  }
  RareVector& operator=(RareVector&&) noexcept = default;
  RareVector& operator=(std::vector<T> items) {
    assign(std::move(items));
    return *this;
  }
  ~RareVector() = default;

  [[nodiscard]] const std::vector<T>& items() const { return m_items ? *m_items : empty_items(); }
  operator const std::vector<T>&() const { return items(); } // NOLINT(google-explicit-constructor)

  [[nodiscard]] bool empty() const { return !m_items || m_items->empty(); }
  [[nodiscard]] std::size_t size() const { return m_items ? m_items->size() : 0; }
  [[nodiscard]] const T& operator[](std::size_t i) const { return (*m_items)[i]; }
  T& operator[](std::size_t i) { return (*m_items)[i]; }
  [[nodiscard]] const T& at(std::size_t i) const { return items().at(i); }
  [[nodiscard]] const T& front() const { return m_items->front(); }
  [[nodiscard]] const T& back() const { return m_items->back(); }
  T& back() { return m_items->back(); }
  [[nodiscard]] const T* begin() const { return m_items ? m_items->data() : nullptr; }
  [[nodiscard]] const T* end() const { return m_items ? m_items->data() + m_items->size() : nullptr; }
  T* begin() { return m_items ? m_items->data() : nullptr; }
  T* end() { return m_items ? m_items->data() + m_items->size() : nullptr; }

  void push_back(T item) { emplace_back(std::move(item)); }
  template <typename... Args> T& emplace_back(Args&&... args) {
    if (!m_items) {
      m_items = std::make_unique<std::vector<T>>();
    }
    return m_items->emplace_back(std::forward<Args>(args)...);
  }
  // Erases as std::vector does; the last item erased frees the list.
  T* erase(const T* first, const T* last) {
    if (first == last) {
      return begin() + (first - begin());
    }
    const auto from = m_items->begin() + (first - m_items->data());
    const std::size_t at = static_cast<std::size_t>(first - m_items->data());
    m_items->erase(from, from + (last - first));
    if (m_items->empty()) {
      m_items.reset();
      return nullptr;
    }
    return m_items->data() + at;
  }
  T* erase(const T* at) { return erase(at, at + 1); }
  template <typename It> void insert(const T* at, It first, It last) {
    if (first == last) {
      return;
    }
    const std::size_t offset = m_items ? static_cast<std::size_t>(at - m_items->data()) : 0;
    edit().insert(m_items->begin() + static_cast<std::ptrdiff_t>(offset), first, last);
  }
  // The list itself, made when absent, for code written for a vector;
  // leaving it empty keeps an empty block until the next erase or clear.
  std::vector<T>& edit() {
    if (!m_items) {
      m_items = std::make_unique<std::vector<T>>();
    }
    return *m_items;
  }
  void clear() { m_items.reset(); }

  friend bool operator==(const RareVector& a, const RareVector& b) { return a.items() == b.items(); }
  friend bool operator==(const RareVector& a, const std::vector<T>& b) { return a.items() == b; }

private:
  static const std::vector<T>& empty_items() {
    static const std::vector<T> empty;
    return empty;
  }
  // An empty list holds nothing; a set one exactly its items' room.
  void assign(std::vector<T> items) {
    if (items.empty()) {
      m_items.reset();
      return;
    }
    items.shrink_to_fit();
    m_items = std::make_unique<std::vector<T>>(std::move(items));
  }

  std::unique_ptr<std::vector<T>> m_items;
};

} // namespace pgadvise::core
