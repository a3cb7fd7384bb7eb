#include "loaders/sql/name_set.hpp"

#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

namespace pgadvise::loaders::replay {

namespace {

constexpr std::size_t k_first_slots = 64;
constexpr std::size_t k_length_bytes = sizeof(std::uint32_t);

std::size_t hash_of(std::string_view name) {
  return std::hash<std::string_view>{}(name);
}

} // namespace

std::string_view NameSet::name_at(std::uint32_t slot_value) const {
  const std::size_t offset = slot_value - 1;
  std::uint32_t length = 0;
  std::memcpy(&length, m_bytes.data() + offset, k_length_bytes);
  return std::string_view(m_bytes).substr(offset + k_length_bytes, length);
}

std::size_t NameSet::find_slot(std::string_view name) const {
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t slot = hash_of(name) & mask;; slot = (slot + 1) & mask) {
    if (m_slots[slot] == k_empty || (m_slots[slot] != k_erased && name_at(m_slots[slot]) == name)) {
      return slot;
    }
  }
}

bool NameSet::contains(std::string_view name) const {
  return !m_slots.empty() && m_slots[find_slot(name)] != k_empty;
}

void NameSet::grow() {
  std::vector<std::uint32_t> old = std::move(m_slots);
  m_slots.assign(old.empty() ? k_first_slots : old.size() * 2, k_empty);
  m_used = m_count;
  for (const std::uint32_t value : old) {
    if (value != k_empty && value != k_erased) {
      m_slots[find_slot(name_at(value))] = value;
    }
  }
}

void NameSet::insert(std::string_view name) {
  // At most three quarters full: linear probing stays short.
  if ((m_used + 1) * 4 > m_slots.size() * 3) {
    grow();
  }
  const std::size_t slot = find_slot(name);
  if (m_slots[slot] != k_empty) {
    return;
  }
  const auto length = static_cast<std::uint32_t>(name.size());
  const std::size_t offset = m_bytes.size();
  if (offset + k_length_bytes + name.size() >= std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("more than 4 GiB of relation or constraint names");
  }
  m_bytes.append(reinterpret_cast<const char*>(&length), k_length_bytes);
  m_bytes.append(name);
  m_slots[slot] = static_cast<std::uint32_t>(offset + 1);
  ++m_count;
  ++m_used;
}

bool NameSet::erase(std::string_view name) {
  if (m_slots.empty()) {
    return false;
  }
  const std::size_t slot = find_slot(name);
  if (m_slots[slot] == k_empty) {
    return false;
  }
  m_slots[slot] = k_erased;
  --m_count;
  return true;
}

void NameSet::clear() {
  m_bytes.clear();
  m_slots.clear();
  m_count = 0;
  m_used = 0;
}

} // namespace pgadvise::loaders::replay
