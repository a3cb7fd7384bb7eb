#pragma once

#include <cstddef>
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace pgadvise::core {

// A text kept compressed, for texts that many objects hold and few are
// ever read: a migration step's statement, which a finding shows as
// evidence (350,000 steps of a 100,000-table schema, almost none of them
// shown). The characters go into a program-wide store (thread-safe) that
// appends them to a block of about 16 KB and compresses each full block
// (zstd): statements of one migration are much alike, so they take about a
// twentieth of their size. A PackedText is 8 bytes, its place in the store;
// str() decompresses the block (the last one this thread read is kept, so
// reading steps in order decompresses each block once). The store keeps
// what it holds until the program ends, or until a process that runs many
// times releases the generation it was stored in (core/text_generation.hpp).
// Texts are cut at 65,535 bytes.
class PackedText {
public:
  static constexpr std::size_t k_max_size = 0xFFFF;

  PackedText() = default;
  PackedText(std::string_view text); // NOLINT(google-explicit-constructor)
  PackedText(const std::string& text)
      : PackedText(std::string_view(text)) {}                          // NOLINT(google-explicit-constructor)
  PackedText(const char* text) : PackedText(std::string_view(text)) {} // NOLINT(google-explicit-constructor)

  // The characters, read back from the store.
  [[nodiscard]] std::string str() const;
  operator std::string() const { return str(); } // NOLINT(google-explicit-constructor)
  [[nodiscard]] bool empty() const { return m_size == 0; }
  [[nodiscard]] std::size_t size() const { return m_size; }

  friend bool operator==(const PackedText& a, const PackedText& b) { return a.str() == b.str(); }
  friend bool operator==(const PackedText& a, std::string_view b) { return a.str() == b; }
  friend bool operator==(const PackedText& a, const std::string& b) { return a.str() == b; }
  friend bool operator==(const PackedText& a, const char* b) { return a.str() == b; }
  friend std::string operator+(const PackedText& a, std::string_view b) { return a.str() + std::string(b); }
  friend std::string operator+(std::string a, const PackedText& b) { return a += b.str(); }
  friend std::string operator+(const char* a, const PackedText& b) { return a + b.str(); }
  friend std::ostream& operator<<(std::ostream& out, const PackedText& text) { return out << text.str(); }

private:
  std::uint32_t m_block = 0;  // the store's block
  std::uint16_t m_offset = 0; // in the block's characters
  std::uint16_t m_size = 0;
};

} // namespace pgadvise::core
