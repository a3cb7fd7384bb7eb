#pragma once

#include "loaders/logs/shape.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::loaders {

// Statements that differ only in their literals (an application's SQL with
// its values inlined: pgbench's, an ORM's simple protocol) have one shape
// key: kept here as a template, the text around the literals, a statement
// of that template gets its ShapeKey by comparing that text and reading
// only its literals, several times cheaper than shape_key's lexer. The
// result is shape_key's, bit for bit: the text between the literals is the
// template's, so the lexer reads it the same way, and each literal is read
// with the lexer's own number_end and string_end.
//
// Per parsing thread; set-associative by template_signature, so a
// statement of no kept template costs that signature and a compare or two.
class ShapeTemplates {
public:
  // The ShapeKey of `sql` (its template_signature given) from a kept
  // template; false when none fits.
  bool find(std::string_view sql, std::uint64_t signature, ShapeKey& out) const;
  // Keeps `sql`'s template (shape_key's result and literals) when it can be one.
  void keep(std::string_view sql, std::uint64_t signature, const ShapeKey& key, const LiteralSpans& literals);

  static constexpr std::size_t k_max_text = 1024;
  static constexpr std::size_t k_max_literals = 32;
  static constexpr std::size_t k_signature_bytes = 64;

private:
  struct Template {
    std::uint64_t signature = 0;
    std::string text; // empty: no template
    std::vector<LiteralSpan> literals;
    ShapeKey key; // key, non_ascii and has_nul hold for every statement of it
  };
  static bool fits(const Template& kept, std::string_view sql, ShapeKey& out);

  static constexpr std::size_t k_sets = 32;
  static constexpr std::size_t k_ways = 4;
  std::array<Template, k_sets * k_ways> m_slots;
  std::array<std::uint8_t, k_sets> m_next_way{};
};

// What statements of one template share: the bytes before the first digit
// or quote, and after the last one (at most k_signature_bytes each), hashed.
// Statements of other templates may share it too.
std::uint64_t template_signature(std::string_view sql);

} // namespace pgadvise::loaders
