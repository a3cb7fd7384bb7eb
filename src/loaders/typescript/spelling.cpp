#include "loaders/typescript/spelling.hpp"

namespace pgadvise::loaders::ts {

namespace {

// An open-addressed table from a text's hash to its number, built when
// compiled: the lexer asks it of every name and punctuator, and most names
// (a project's own) land on an empty slot after one hash.
constexpr std::size_t k_slot_bits = 9;
constexpr std::size_t k_slots = std::size_t{1} << k_slot_bits;
static_assert(k_spellings.size() * 2 < k_slots, "the table stays at most half full");

static_assert(
    [] {
      for (std::size_t i = 0; i < k_spellings.size(); ++i) {
        for (std::size_t j = i + 1; j < k_spellings.size(); ++j) {
          if (k_spellings[i] == k_spellings[j]) {
            return false;
          }
        }
      }
      return true;
    }(),
    "each spelling listed once");

constexpr std::size_t k_longest = [] {
  std::size_t longest = 0;
  for (std::string_view s : k_spellings) {
    longest = s.size() > longest ? s.size() : longest;
  }
  return longest;
}();

// The length and the first two and last bytes, mixed: enough to spread
// the listed spellings, cheap for a long name.
constexpr std::size_t slot_of(std::string_view text) {
  std::uint32_t h = static_cast<std::uint32_t>(text.size());
  h = h * 31U + static_cast<unsigned char>(text[0]);
  h = h * 31U + static_cast<unsigned char>(text[text.size() - 1]);
  if (text.size() > 1) {
    h = h * 31U + static_cast<unsigned char>(text[1]);
  }
  return (h * 2654435761U) >> (32U - k_slot_bits);
}

constexpr std::array<SpellingId, k_slots> k_table = [] {
  std::array<SpellingId, k_slots> table{};
  for (std::size_t id = 1; id < k_spellings.size(); ++id) {
    std::size_t slot = slot_of(k_spellings[id]);
    while (table[slot] != 0) {
      slot = (slot + 1) & (k_slots - 1);
    }
    table[slot] = static_cast<SpellingId>(id);
  }
  return table;
}();

} // namespace

SpellingId spelling_id(std::string_view text) {
  if (text.empty() || text.size() > k_longest) {
    return 0;
  }
  for (std::size_t slot = slot_of(text);; slot = (slot + 1) & (k_slots - 1)) {
    const SpellingId id = k_table[slot];
    if (id == 0 || k_spellings[id] == text) {
      return id;
    }
  }
}

} // namespace pgadvise::loaders::ts
