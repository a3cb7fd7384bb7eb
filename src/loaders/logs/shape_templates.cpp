#include "loaders/logs/shape_templates.hpp"

#include "loaders/logs/shape_scan.hpp"

#include <algorithm>
#include <bit>
#include <cstring>

namespace pgadvise::loaders {

namespace {

using shape_scan::is_digit;

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_low7 = 0x7f7f7f7f7f7f7f7fULL;
constexpr std::uint64_t k_high = 0x8080808080808080ULL;

// The high bit of each byte of `word` that is a digit or a quote, exactly
// (bit twiddling's hasbetween, which no byte's carry crosses; bytes from
// 0x80 are neither).
std::uint64_t literal_bytes(std::uint64_t word) {
  const std::uint64_t low = word & k_low7;
  const auto between = [&](unsigned below, unsigned above) {
    return (k_ones * (127 + above) - low) & ~word & (low + k_ones * (127 - below)) & k_high;
  };
  return between('0' - 1, '9' + 1) | between('\'' - 1, '\'' + 1);
}

std::uint64_t load(const char* p) {
  std::uint64_t word = 0;
  std::memcpy(&word, p, 8);
  return word;
}

bool literal_byte(char c) {
  return is_digit(static_cast<unsigned char>(c)) || c == '\'';
}

// How many bytes start `sql` before its first digit or quote, at most
// k_signature_bytes.
std::size_t lead_length(std::string_view sql) {
  const std::size_t limit = std::min(sql.size(), ShapeTemplates::k_signature_bytes);
  std::size_t i = 0;
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= limit; i += 8) {
      if (const std::uint64_t marks = literal_bytes(load(sql.data() + i)); marks != 0) {
        return i + static_cast<std::size_t>(std::countr_zero(marks) / 8);
      }
    }
  }
  while (i < limit && !literal_byte(sql[i])) {
    ++i;
  }
  return i;
}

// How many bytes end `sql` after its last digit or quote, at most
// k_signature_bytes.
std::size_t trail_length(std::string_view sql) {
  const std::size_t limit = std::min(sql.size(), ShapeTemplates::k_signature_bytes);
  std::size_t i = 0; // bytes from the end
  if constexpr (std::endian::native == std::endian::little) {
    for (; i + 8 <= limit; i += 8) {
      if (const std::uint64_t marks = literal_bytes(load(sql.data() + sql.size() - i - 8)); marks != 0) {
        return i + static_cast<std::size_t>(std::countl_zero(marks) / 8);
      }
    }
  }
  while (i < limit && !literal_byte(sql[sql.size() - 1 - i])) {
    ++i;
  }
  return i;
}

} // namespace

std::uint64_t template_signature(std::string_view sql) {
  const std::size_t lead = lead_length(sql);
  const std::size_t trail = trail_length(sql);
  return fast_hash(sql.substr(sql.size() - trail), fast_hash(sql.substr(0, lead), 0x452821e638d01377ULL));
}

bool ShapeTemplates::find(std::string_view sql, std::uint64_t signature, ShapeKey& out) const {
  const std::size_t set = (signature & (k_sets - 1)) * k_ways;
  for (std::size_t way = 0; way < k_ways; ++way) {
    const Template& kept = m_slots[set + way];
    if (kept.signature == signature && !kept.text.empty() && fits(kept, sql, out)) {
      return true;
    }
  }
  return false;
}

bool ShapeTemplates::fits(const Template& kept, std::string_view sql, ShapeKey& out) {
  const auto* s = reinterpret_cast<const unsigned char*>(sql.data());
  const std::size_t n = sql.size();
  const char* const text = kept.text.data();
  std::size_t pos = 0;
  std::size_t at = 0; // in the template's text
  std::uint64_t literals = shape_scan::k_literals_seed;
  bool non_ascii = false;
  std::optional<std::int64_t> limit;
  std::optional<std::int64_t> offset;
  for (const LiteralSpan& literal : kept.literals) {
    const std::size_t fixed = literal.begin - at;
    if (n - pos < fixed || std::memcmp(s + pos, text + at, fixed) != 0) {
      return false;
    }
    pos += fixed;
    if (pos >= n) {
      return false;
    }
    std::size_t end = pos;
    if (literal.kind == LiteralSpan::Kind::string || literal.kind == LiteralSpan::Kind::escape_string) {
      if (s[pos] != '\'') {
        return false;
      }
      end = shape_scan::string_end(s, n, pos, literal.kind == LiteralSpan::Kind::escape_string, non_ascii);
    } else {
      if (!is_digit(s[pos])) {
        return false;
      }
      end = shape_scan::number_end(s, n, pos);
      if (literal.kind == LiteralSpan::Kind::limit) {
        limit = shape_scan::parse_integer(sql.substr(pos, end - pos));
      } else if (literal.kind == LiteralSpan::Kind::offset) {
        offset = shape_scan::parse_integer(sql.substr(pos, end - pos));
      }
    }
    literals = fast_hash(sql.substr(pos, end - pos), literals);
    pos = end;
    at = literal.end;
  }
  const std::size_t rest = kept.text.size() - at;
  if (n - pos != rest || std::memcmp(s + pos, text + at, rest) != 0) {
    return false;
  }
  out = kept.key;
  out.literals = literals;
  out.limit = limit;
  out.offset = offset;
  out.non_ascii = non_ascii;
  return true;
}

void ShapeTemplates::keep(std::string_view sql, std::uint64_t signature, const ShapeKey& key,
                          const LiteralSpans& literals) {
  // The key's non_ascii of a template's text outside its strings is not
  // known apart: such statements (and binary ones) get no template.
  if (literals.other || literals.spans.empty() || literals.spans.size() > k_max_literals ||
      sql.size() > k_max_text || key.has_nul || key.non_ascii) {
    return;
  }
  // Into the set's oldest way.
  const std::size_t set = signature & (k_sets - 1);
  Template& slot = m_slots[set * k_ways + m_next_way[set]];
  m_next_way[set] = static_cast<std::uint8_t>((m_next_way[set] + 1) % k_ways);
  slot.signature = signature;
  slot.text.assign(sql);
  slot.literals = literals.spans;
  slot.key = key;
}

} // namespace pgadvise::loaders
