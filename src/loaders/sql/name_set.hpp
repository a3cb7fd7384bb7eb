#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

// A set of names: the replay's relation and constraint names, and the
// relations it does not model (SchemaLoad::untracked_relations: the
// sequences of 100,000 bigserial columns). The names sit end to end in one buffer and the
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
  // Whether it was there. An erased name's bytes stay until clear() (names
  // are rarely erased: DROP SEQUENCE, DROP VIEW).
  bool erase(std::string_view name);
  // Erases every name `drop` says yes to.
  template <typename Predicate> void erase_if(Predicate drop) {
    for (std::uint32_t& value : m_slots) {
      if (value != k_empty && value != k_erased && drop(name_at(value))) {
        value = k_erased;
        --m_count;
      }
    }
  }

private:
  static constexpr std::uint32_t k_empty = 0;                  // slots hold a name's offset + 1
  static constexpr std::uint32_t k_erased = ~std::uint32_t{0}; // a probe goes on past it

  [[nodiscard]] std::string_view name_at(std::uint32_t slot_value) const;
  // The slot holding `name`, or the empty slot where it would go.
  [[nodiscard]] std::size_t find_slot(std::string_view name) const;
  void grow();

  std::string m_bytes;                // each name: its length (4 bytes), then its bytes
  std::vector<std::uint32_t> m_slots; // a power of two long; k_empty or offset + 1
  std::size_t m_count = 0;            // names in the set
  std::size_t m_used = 0;             // slots not empty: names and erased ones
};

} // namespace pgadvise::loaders::replay
