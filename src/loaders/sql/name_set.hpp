#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// A set of names that only grows (until cleared): the replay's relation
// and constraint names. The names sit end to end in one buffer and the
// table holds their offsets (open addressing), about 40 bytes a name where
// a std::unordered_set<std::string> takes about 120 (a node, its string,
// the string's heap copy past 15 bytes): 550,000 names at 100,000 tables.
// A slot is 4 bytes, so the names of one set stay under 4 GiB.
namespace pgadvise::loaders::replay {

class NameSet {
public:
  void insert(std::string_view name);
  [[nodiscard]] bool contains(std::string_view name) const;
  [[nodiscard]] std::size_t size() const { return m_count; }
  void clear();

private:
  static constexpr std::uint32_t k_empty = 0; // slots hold a name's offset + 1

  [[nodiscard]] std::string_view name_at(std::uint32_t slot_value) const;
  // The slot holding `name`, or the empty slot where it would go.
  [[nodiscard]] std::size_t find_slot(std::string_view name) const;
  void grow();

  std::string m_bytes;                // each name: its length (4 bytes), then its bytes
  std::vector<std::uint32_t> m_slots; // a power of two long; k_empty or offset + 1
  std::size_t m_count = 0;
};

} // namespace pgadvise::loaders::replay
