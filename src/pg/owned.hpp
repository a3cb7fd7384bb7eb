#pragma once

namespace pgadvise::pg {

// Owns a libpg_query result (a C struct returned by value) and frees it
// with the matching pg_query_free_* function.
template <typename T, void (*Free)(T)> class Owned {
public:
  explicit Owned(T value) : m_value(value) {}
  ~Owned() { Free(m_value); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&&) = delete;
  Owned& operator=(Owned&&) = delete;
  const T& operator*() const { return m_value; }
  const T* operator->() const { return &m_value; }

private:
  T m_value;
};

} // namespace pgadvise::pg
