#include "core/name_list.hpp"

#include "core/interned_text.hpp"

#include <algorithm>

namespace pgadvise::core {

namespace {

std::uintptr_t pooled(std::string_view name) {
  return reinterpret_cast<std::uintptr_t>(&InternedText(name).str()); // NOLINT
}

} // namespace

NameList::NameList(const std::vector<std::string>& names) {
  std::vector<std::uintptr_t> pointers;
  pointers.reserve(names.size());
  for (const std::string& name : names) {
    pointers.push_back(pooled(name));
  }
  assign(pointers.data(), pointers.size());
}

NameList::NameList(std::initializer_list<std::string_view> names) {
  std::vector<std::uintptr_t> pointers;
  pointers.reserve(names.size());
  for (std::string_view name : names) {
    pointers.push_back(pooled(name));
  }
  assign(pointers.data(), pointers.size());
}

NameList::NameList(const NameList& other) {
  if (other.is_block()) {
    assign(other.block() + 1, other.block()[0]);
  } else {
    m_bits = other.m_bits;
  }
}

NameList& NameList::operator=(const NameList& other) {
  if (this != &other) {
    NameList copy(other);
    *this = std::move(copy);
  }
  return *this;
}

NameList& NameList::operator=(NameList&& other) noexcept {
  if (this != &other) {
    release();
    m_bits = other.m_bits;
    other.m_bits = 0;
  }
  return *this;
}

std::size_t NameList::size() const {
  if (m_bits == 0) {
    return 0;
  }
  return is_block() ? block()[0] : 1;
}

const std::string& NameList::operator[](std::size_t i) const {
  const std::uintptr_t name = is_block() ? block()[i + 1] : m_bits;
  return *reinterpret_cast<const std::string*>(name); // NOLINT
}

void NameList::push_back(std::string_view name) {
  std::vector<std::uintptr_t> pointers;
  pointers.reserve(size() + 1);
  for (std::size_t i = 0; i < size(); ++i) {
    pointers.push_back(is_block() ? block()[i + 1] : m_bits);
  }
  pointers.push_back(pooled(name));
  release();
  assign(pointers.data(), pointers.size());
}

void NameList::set(std::size_t i, std::string_view name) {
  if (is_block()) {
    block()[i + 1] = pooled(name);
  } else {
    m_bits = pooled(name);
  }
}

void NameList::assign(const std::uintptr_t* names, std::size_t count) {
  if (count == 0) {
    m_bits = 0;
  } else if (count == 1) {
    m_bits = names[0];
  } else {
    auto* made = new std::uintptr_t[count + 1];
    made[0] = count;
    std::copy(names, names + count, made + 1);
    m_bits = reinterpret_cast<std::uintptr_t>(made) | 1U; // NOLINT
  }
}

void NameList::release() {
  if (is_block()) {
    delete[] block();
  }
  m_bits = 0;
}

bool operator==(const NameList& a, const NameList& b) {
  if (a.is_block() && b.is_block()) {
    return std::equal(a.block(), a.block() + a.block()[0] + 1, b.block(), b.block() + b.block()[0] + 1);
  }
  return a.m_bits == b.m_bits;
}

bool operator==(const NameList& a, const std::vector<std::string>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

std::ostream& operator<<(std::ostream& out, const NameList& names) {
  out << '[';
  for (std::size_t i = 0; i < names.size(); ++i) {
    out << (i == 0 ? "" : ", ") << names[i];
  }
  return out << ']';
}

} // namespace pgadvise::core
