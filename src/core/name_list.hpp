#pragma once

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::core {

// A short list of names (a foreign key's columns and the columns it
// references): 8 bytes, where a std::vector<std::string> takes 24 and each
// name 32 more on the heap. The names are pooled (InternedText): a
// one-name list, as most foreign keys have, holds the pooled name's pointer
// itself; a longer one points to one block of pointers. 300,000 foreign
// keys of a 100,000-table schema held 600,000 heap vectors.
// Reads as a list of `const std::string&` (iterates, indexes, compares with
// a std::vector<std::string>) and converts to a std::vector<std::string>;
// writes append a name or replace one.
class NameList {
public:
  class const_iterator {
  public:
    using iterator_category = std::random_access_iterator_tag;
    using value_type = std::string;
    using difference_type = std::ptrdiff_t;
    using pointer = const std::string*;
    using reference = const std::string&;

    const_iterator() = default;
    const_iterator(const NameList* list, std::size_t at) : m_list(list), m_at(at) {}
    reference operator*() const { return (*m_list)[m_at]; }
    pointer operator->() const { return &(*m_list)[m_at]; }
    reference operator[](difference_type n) const { return (*m_list)[m_at + static_cast<std::size_t>(n)]; }
    const_iterator& operator++() {
      ++m_at;
      return *this;
    }
    const_iterator operator++(int) {
      const_iterator before = *this;
      ++m_at;
      return before;
    }
    const_iterator& operator--() {
      --m_at;
      return *this;
    }
    const_iterator operator--(int) {
      const_iterator before = *this;
      --m_at;
      return before;
    }
    const_iterator& operator+=(difference_type n) {
      m_at = static_cast<std::size_t>(static_cast<difference_type>(m_at) + n);
      return *this;
    }
    const_iterator& operator-=(difference_type n) { return *this += -n; }
    friend const_iterator operator+(const_iterator it, difference_type n) { return it += n; }
    friend const_iterator operator+(difference_type n, const_iterator it) { return it += n; }
    friend const_iterator operator-(const_iterator it, difference_type n) { return it -= n; }
    friend difference_type operator-(const const_iterator& a, const const_iterator& b) {
      return static_cast<difference_type>(a.m_at) - static_cast<difference_type>(b.m_at);
    }
    friend bool operator==(const const_iterator& a, const const_iterator& b) { return a.m_at == b.m_at; }
    friend auto operator<=>(const const_iterator& a, const const_iterator& b) { return a.m_at <=> b.m_at; }

  private:
    const NameList* m_list = nullptr;
    std::size_t m_at = 0;
  };
  using value_type = std::string;
  using size_type = std::size_t;
  using iterator = const_iterator;

  NameList() = default;
  NameList(const std::vector<std::string>& names); // NOLINT(google-explicit-constructor)
  NameList(std::initializer_list<std::string_view> names);
  NameList(const NameList& other);
  NameList(NameList&& other) noexcept : m_bits(other.m_bits) { other.m_bits = 0; }
  NameList& operator=(const NameList& other);
  NameList& operator=(NameList&& other) noexcept;
  ~NameList() { release(); }

  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] bool empty() const { return m_bits == 0; }
  [[nodiscard]] const std::string& operator[](std::size_t i) const;
  [[nodiscard]] const std::string& front() const { return (*this)[0]; }
  [[nodiscard]] const std::string& back() const { return (*this)[size() - 1]; }
  [[nodiscard]] const_iterator begin() const { return {this, 0}; }
  [[nodiscard]] const_iterator end() const { return {this, size()}; }

  [[nodiscard]] std::vector<std::string> to_vector() const { return {begin(), end()}; }
  operator std::vector<std::string>() const { return to_vector(); } // NOLINT(google-explicit-constructor)

  void push_back(std::string_view name);
  void set(std::size_t i, std::string_view name); // replaces the i-th name
  void clear() { *this = NameList(); }

  // Pooled names: equal lists hold the same pointers.
  friend bool operator==(const NameList& a, const NameList& b);
  friend bool operator==(const NameList& a, const std::vector<std::string>& b);
  friend std::ostream& operator<<(std::ostream& out, const NameList& names);

private:
  // 0: empty; low bit clear: one pooled name's pointer; low bit set: a
  // block of std::uintptr_t, the count first, then the pooled pointers.
  [[nodiscard]] bool is_block() const { return (m_bits & 1U) != 0; }
  [[nodiscard]] std::uintptr_t* block() const {
    return reinterpret_cast<std::uintptr_t*>(m_bits & ~std::uintptr_t{1});
  } // NOLINT
  void assign(const std::uintptr_t* names, std::size_t count);
  void release();

  std::uintptr_t m_bits = 0;
};

} // namespace pgadvise::core
