#include "loaders/logs/shape.hpp"

#include "core/utf8.hpp"
#include "loaders/logs/shape_scan.hpp"
#include "loaders/logs/sqlcommenter.hpp"
#include "pg/parser.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>

namespace pgadvise::loaders {

namespace {

using shape_scan::is_digit;
using shape_scan::is_ident_char;
using shape_scan::k_ident_chars;
using shape_scan::number_end;
using shape_scan::parse_integer;
using shape_scan::string_end;

constexpr std::uint64_t k_mul = 0xff51afd7ed558ccdULL;

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33U;
  h *= k_mul;
  h ^= h >> 33U;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33U;
  return h;
}

bool word_is(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < word.size(); ++i) {
    if ((static_cast<unsigned char>(word[i]) | 0x20U) != static_cast<unsigned char>(lower[i])) {
      return false;
    }
  }
  return true;
}

// Appends to a fixed buffer; the key is hashed from it at the end. Text past
// the buffer is still hashed, in pieces, so long statements keep distinct keys.
// `Copy`: the literal-free text is also kept in a string (only on a cache
// miss; the hot path carries no checks for it).
template <bool Copy> class KeyWriter {
public:
  // m_buffer is read only up to m_size: not cleared, as that would cost
  // 512 bytes of stores per statement.
  explicit KeyWriter(std::string* copy) : m_copy(copy) { // NOLINT(cppcoreguidelines-pro-type-member-init)
    if constexpr (Copy) {
      m_copy->clear();
    }
  }
  void put(char c) {
    if (m_size == sizeof(m_buffer)) {
      flush();
    }
    m_buffer[m_size++] = c;
    if constexpr (Copy) {
      if (m_copy->size() < k_max_stripped) {
        m_copy->push_back(c);
      }
    }
  }
  void put(std::string_view text) {
    if constexpr (Copy) {
      if (m_copy->size() < k_max_stripped) {
        m_copy->append(text.substr(0, k_max_stripped - m_copy->size()));
      }
    }
    if (text.size() <= 16 && text.size() <= sizeof(m_buffer) - m_size) {
      copy_short(m_buffer + m_size, text.data(), text.size()); // a word, most often
      m_size += text.size();
      return;
    }
    while (!text.empty()) {
      if (m_size == sizeof(m_buffer)) {
        flush();
      }
      const std::size_t n = std::min(text.size(), sizeof(m_buffer) - m_size);
      std::memcpy(m_buffer + m_size, text.data(), n);
      m_size += n;
      text.remove_prefix(n);
    }
  }
  std::uint64_t finish() {
    flush();
    return mix(m_hash ^ m_total);
  }

private:
  // At most 16 bytes copied without a call into memcpy: two copies of a
  // fixed size that may overlap (one byte at 0, n / 2 and n - 1 below 4).
  static void copy_short(char* to, const char* from, std::size_t n) {
    if (n >= 8) {
      std::memcpy(to, from, 8);
      std::memcpy(to + n - 8, from + n - 8, 8);
    } else if (n >= 4) {
      std::memcpy(to, from, 4);
      std::memcpy(to + n - 4, from + n - 4, 4);
    } else if (n > 0) {
      to[0] = from[0];
      to[n / 2] = from[n / 2];
      to[n - 1] = from[n - 1];
    }
  }
  void flush() {
    m_hash = fast_hash(std::string_view(m_buffer, m_size), m_hash);
    m_total += m_size;
    m_size = 0;
  }
  char m_buffer[512];
  std::size_t m_size = 0;
  std::uint64_t m_hash = 0x243f6a8885a308d3ULL;
  std::uint64_t m_total = 0;
  std::string* m_copy;
};

// Where a comment at `i` ends (`--` to its newline, `/* */` past its
// close); `i` itself when none starts there.
std::size_t comment_end(const unsigned char* s, std::size_t n, std::size_t i) {
  if (s[i] == '-' && i + 1 < n && s[i + 1] == '-') {
    while (i < n && s[i] != '\n') {
      ++i;
    }
    return i;
  }
  if (s[i] == '/' && i + 1 < n && s[i + 1] == '*') {
    i += 2;
    while (i + 1 < n && !(s[i] == '*' && s[i + 1] == '/')) {
      ++i;
    }
    return std::min(n, i + 2);
  }
  return i;
}

// Past the end of the "..." identifier at `i`.
std::size_t quoted_identifier_end(const unsigned char* s, std::size_t n, std::size_t i, bool& non_ascii) {
  ++i;
  while (i < n && s[i] != '"') {
    non_ascii = non_ascii || s[i] >= 0x80;
    ++i;
  }
  return std::min(n, i + 1);
}

// Past the end of the $tag$ ... $tag$ string at `i` (the tag may be empty; an
// unclosed one runs to the end); `i` itself when no tag starts there.
std::size_t dollar_quote_end(std::string_view sql, const unsigned char* s, std::size_t i) {
  const std::size_t n = sql.size();
  std::size_t j = i + 1;
  while (j < n && is_ident_char(s[j]) && s[j] != '$') {
    ++j;
  }
  if (j >= n || s[j] != '$') {
    return i;
  }
  const std::string_view tag = sql.substr(i, j - i + 1);
  const std::size_t close = sql.find(tag, j + 1);
  return close == std::string_view::npos ? n : close + tag.size();
}

// What a byte starts, for shape_key's dispatch: one table load per token
// instead of a chain of compares.
enum class ByteClass : std::uint8_t {
  other,  // one byte of punctuation, kept
  space,  // skipped; one space in the key before the next token
  nul,    // binary data
  ident,  // a letter, '_' or a byte of a multi-byte character: a word
  digit,  // a number
  quote,  // a '...' string
  dquote, // a "quoted identifier"
  dollar, // $n, a $tag$ string, or a word
  dash,   // -- comment, else punctuation
  slash,  // /* comment */, else punctuation
  dot,    // .5 is a number, else punctuation
};

constexpr std::array<ByteClass, 256> k_byte_classes = [] {
  std::array<ByteClass, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    ByteClass& cls = table[c];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
      cls = ByteClass::space;
    } else if (c == 0) {
      cls = ByteClass::nul;
    } else if (c >= '0' && c <= '9') {
      cls = ByteClass::digit;
    } else if (c == '\'') {
      cls = ByteClass::quote;
    } else if (c == '"') {
      cls = ByteClass::dquote;
    } else if (c == '$') {
      cls = ByteClass::dollar;
    } else if (c == '-') {
      cls = ByteClass::dash;
    } else if (c == '/') {
      cls = ByteClass::slash;
    } else if (c == '.') {
      cls = ByteClass::dot;
    } else if (k_ident_chars[c]) {
      cls = ByteClass::ident;
    }
  }
  return table;
}();

// Past the end of the word at `i` (identifier bytes); `non_ascii` is set
// when one of them is not ASCII.
std::size_t word_end(const unsigned char* s, std::size_t n, std::size_t i, bool& non_ascii) {
  unsigned bytes = 0; // the word's bytes or'ed: its high bit says whether one is not ASCII
  while (i < n && is_ident_char(s[i])) {
    bytes |= s[i];
    ++i;
  }
  non_ascii = non_ascii || (bytes & 0x80U) != 0;
  return i;
}

// The tokens write_shape writes, each from where it starts to where it
// ends (what each call returns), and the state they share: the literals'
// hash and the word just written (E'..' strings, LIMIT and OFFSET read it).
template <bool Copy> class TokenWriter {
public:
  TokenWriter(std::string_view sql, KeyWriter<Copy>& writer, ShapeKey& out, LiteralSpans* spans)
      : m_sql(sql), m_s(reinterpret_cast<const unsigned char*>(sql.data())), m_writer(writer), m_out(out),
        m_spans(spans) {}

  [[nodiscard]] std::uint64_t literals() const { return m_literals; }

  std::size_t word(std::size_t start) {
    const std::size_t end = word_end(m_s, m_sql.size(), start, m_out.non_ascii);
    m_last_word = m_sql.substr(start, end - start);
    m_writer.put(m_last_word);
    return end;
  }

  // A '...' string, a literal.
  std::size_t string_literal(std::size_t start) {
    // E'..' strings allow backslash escapes.
    const bool escapes = !m_last_word.empty() &&
                         m_last_word.data() + m_last_word.size() == m_sql.data() + start &&
                         word_is(m_last_word, "e");
    const std::size_t end = string_end(m_s, m_sql.size(), start, escapes, m_out.non_ascii);
    literal(start, end);
    if (m_spans != nullptr) {
      m_spans->spans.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end),
                                escapes ? LiteralSpan::Kind::escape_string : LiteralSpan::Kind::string});
    }
    return end;
  }

  std::size_t quoted_identifier(std::size_t start) {
    const std::size_t end = quoted_identifier_end(m_s, m_sql.size(), start, m_out.non_ascii);
    m_writer.put(m_sql.substr(start, end - start));
    m_last_word = {};
    return end;
  }

  // At '$': a $n parameter (written '?'), a $tag$ string (a literal), else a word.
  std::size_t dollar(std::size_t start) {
    const std::size_t n = m_sql.size();
    std::size_t i = start;
    if (i + 1 < n && is_digit(m_s[i + 1])) {
      ++i;
      while (i < n && is_digit(m_s[i])) {
        ++i;
      }
      m_writer.put('?');
      m_last_word = {};
      return i;
    }
    if (const std::size_t end = dollar_quote_end(m_sql, m_s, i); end != i) {
      literal(start, end);
      if (m_spans != nullptr) {
        m_spans->other = true;
      }
      return end;
    }
    return word(start); // '$' is a word's byte
  }

  // A number (at a digit, or at a '.' before one), a literal; after LIMIT
  // or OFFSET its value goes into `out`.
  std::size_t number(std::size_t start, ByteClass cls) {
    const std::size_t end = number_end(m_s, m_sql.size(), start);
    LiteralSpan::Kind kind = LiteralSpan::Kind::number;
    if (!m_last_word.empty() && word_is(m_last_word, "limit")) {
      m_out.limit = parse_integer(m_sql.substr(start, end - start));
      kind = LiteralSpan::Kind::limit;
    } else if (!m_last_word.empty() && word_is(m_last_word, "offset")) {
      m_out.offset = parse_integer(m_sql.substr(start, end - start));
      kind = LiteralSpan::Kind::offset;
    }
    literal(start, end);
    if (m_spans != nullptr) {
      m_spans->spans.push_back({static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(end), kind});
      m_spans->other = m_spans->other || cls != ByteClass::digit;
    }
    return end;
  }

  // One byte of punctuation; a word before '(' stays the word just written.
  void punctuation(unsigned char c) {
    m_writer.put(static_cast<char>(c));
    if (c != '(') {
      m_last_word = {};
    }
  }

private:
  // A literal's text into the literals' hash; '?' into the key.
  void literal(std::size_t start, std::size_t end) {
    m_literals = fast_hash(m_sql.substr(start, end - start), m_literals);
    m_writer.put('?');
    m_last_word = {};
  }

  std::string_view m_sql;
  const unsigned char* m_s;
  KeyWriter<Copy>& m_writer;
  ShapeKey& m_out;
  LiteralSpans* m_spans;
  std::string_view m_last_word;
  std::uint64_t m_literals = shape_scan::k_literals_seed;
};

// The statement's tokens into `writer`, and what they say into `out`:
// literals (strings, numbers, dollar-quoted bodies) and $n parameters are
// '?', comments are dropped, whitespace runs are one space.
template <bool Copy>
void write_shape(std::string_view sql, KeyWriter<Copy>& writer, ShapeKey& out, LiteralSpans* spans) {
  const auto* s = reinterpret_cast<const unsigned char*>(sql.data());
  const std::size_t n = sql.size();
  std::size_t i = 0;
  bool pending_space = false;
  bool wrote = false;
  TokenWriter<Copy> tokens(sql, writer, out, spans);
  while (i < n) {
    const unsigned char c = s[i];
    const ByteClass cls = k_byte_classes[c];
    if (cls == ByteClass::space) {
      pending_space = true;
      ++i;
      continue;
    }
    if (cls == ByteClass::nul) {
      out.has_nul = true;
      ++i;
      continue;
    }
    if ((cls == ByteClass::dash && i + 1 < n && s[i + 1] == '-') ||
        (cls == ByteClass::slash && i + 1 < n && s[i + 1] == '*')) {
      i = comment_end(s, n, i);
      pending_space = true;
      continue;
    }
    if (pending_space && wrote) {
      writer.put(' ');
    }
    pending_space = false;
    wrote = true;
    switch (cls) {
    case ByteClass::ident: i = tokens.word(i); continue;
    case ByteClass::quote: i = tokens.string_literal(i); continue;
    case ByteClass::dquote: i = tokens.quoted_identifier(i); continue;
    case ByteClass::dollar: i = tokens.dollar(i); continue;
    case ByteClass::dot:
      if (!(i + 1 < n && is_digit(s[i + 1]))) {
        break; // punctuation
      }
      [[fallthrough]];
    case ByteClass::digit: i = tokens.number(i, cls); continue;
    default: break;
    }
    tokens.punctuation(c);
    ++i;
  }
  out.literals = tokens.literals();
}

// The last 1 to 7 bytes of a hashed text as a memcpy into a zeroed word
// leaves them, without a copy of variable size (a call, or a byte loop):
// two loads that may overlap, shifted into place. Every literal of a
// statement ends in one.
std::uint64_t tail_word(const char* p, std::size_t n) {
  if constexpr (std::endian::native != std::endian::little) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, n);
    return word;
  }
  const auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
  if (n >= 4) {
    std::uint32_t low = 0;
    std::uint32_t high = 0;
    std::memcpy(&low, p, 4);
    std::memcpy(&high, p + n - 4, 4);
    return std::uint64_t{low} | (std::uint64_t{high} << (8 * (n - 4)));
  }
  return byte(0) | (byte(n / 2) << (8 * (n / 2))) | (byte(n - 1) << (8 * (n - 1)));
}

} // namespace

std::uint64_t fast_hash(std::string_view data, std::uint64_t seed) {
  std::uint64_t h = seed ^ (data.size() * k_mul);
  const char* p = data.data();
  std::size_t n = data.size();
  // One multiply per word (the final mix spreads the bits): this runs over
  // every logged statement's literal-free text.
  while (n >= 8) {
    std::uint64_t word = 0;
    std::memcpy(&word, p, 8);
    h = (h ^ word) * 0x9fb21c651e98df25ULL;
    h ^= h >> 32U;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    h = (h ^ mix(tail_word(p, n) ^ n)) * 0x9fb21c651e98df25ULL;
  }
  return mix(h);
}

ShapeKey shape_key(std::string_view sql, std::string* stripped, LiteralSpans* spans) {
  ShapeKey out;
  if (stripped == nullptr) {
    KeyWriter<false> writer(nullptr);
    write_shape(sql, writer, out, spans);
    out.key = writer.finish();
  } else {
    KeyWriter<true> writer(stripped);
    write_shape(sql, writer, out, spans);
    out.key = writer.finish();
  }
  return out;
}

QueryInfo describe_statement(std::uint64_t fingerprint, std::string_view sql) {
  QueryInfo info;
  info.fingerprint = fingerprint;
  info.parsed = true;
  const pg::ParseResult tree = pg::parse(sql);
  if (tree.ok()) {
    info.shape = pg::analyze_query(tree.tree);
  }
  const model::QueryShape& shape = info.shape;
  info.select = shape.kind == model::StatementKind::select;
  info.writes = shape.kind == model::StatementKind::insert || shape.kind == model::StatementKind::update ||
                shape.kind == model::StatementKind::delete_;
  info.nests_rows = std::any_of(shape.functions.begin(), shape.functions.end(), [](const std::string& name) {
    return name == "json_agg" || name == "jsonb_agg" || name == "array_agg";
  });
  info.params = plan_params(shape);
  info.normalized = sanitized_copy(without_sqlcommenter_comments(pg::normalize(sql).value_or(std::string())),
                                   model::Workload::k_max_example_bytes);
  return info;
}

const QueryInfo* ShapeRegistry::by_fingerprint(std::uint64_t fingerprint, std::string_view sql,
                                               std::uint64_t key) {
  auto& slot = m_by_fingerprint[fingerprint];
  if (!slot) {
    slot = std::make_unique<QueryInfo>(describe_statement(fingerprint, sql));
    slot->source_key = key;
  }
  return slot.get();
}

const QueryInfo* ShapeRegistry::resolve(std::uint64_t key, std::string_view sql, std::string_view stripped) {
  {
    const std::lock_guard lock(m_mutex);
    const auto it = m_by_shape.find(key);
    if (it != m_by_shape.end()) {
      return it->second;
    }
  }
  // libpg_query outside the lock: the other thread keeps going meanwhile.
  std::optional<std::uint64_t> fingerprint = pg::fingerprint(sql);
  std::string error;
  if (!fingerprint) {
    const pg::ParseResult result = pg::parse(sql);
    error = result.error ? result.error->message : "does not parse";
  }
  const std::lock_guard lock(m_mutex);
  const QueryInfo* info = nullptr;
  if (fingerprint) {
    info = by_fingerprint(*fingerprint, sql, key);
  } else {
    const std::uint64_t pseudo = key | (1ULL << 63U);
    auto& slot = m_by_fingerprint[pseudo];
    if (!slot) {
      slot = std::make_unique<QueryInfo>();
      slot->fingerprint = pseudo;
      slot->parsed = false;
      slot->normalized = sanitized_copy(stripped, k_max_stripped);
      slot->error = std::move(error);
    }
    info = slot.get();
  }
  if (m_by_shape.size() < k_max_shapes) {
    m_by_shape.emplace(key, info);
  }
  return info;
}

std::size_t ShapeRegistry::shapes() const {
  const std::lock_guard lock(m_mutex);
  return m_by_shape.size();
}

std::size_t ShapeRegistry::fingerprints() const {
  const std::lock_guard lock(m_mutex);
  return m_by_fingerprint.size();
}

const QueryInfo* ShapeCache::resolve(const ShapeKey& key, std::string_view sql, std::string_view stripped) {
  const auto it = m_local.find(key.key);
  if (it != m_local.end()) {
    return it->second;
  }
  const QueryInfo* info = m_registry.resolve(key.key, sql, stripped);
  if (m_local.size() < ShapeRegistry::k_max_shapes) {
    m_local.emplace(key.key, info);
  }
  return info;
}

std::string sanitized_copy(std::string_view text, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(text.size(), max_bytes));
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t len = core::utf8::sequence_length(text, i);
    const bool valid = len != 0 && text[i] != '\0';
    const std::size_t out_len = valid ? len : 3;
    if (out.size() + out_len > max_bytes) {
      break;
    }
    if (valid) {
      out.append(text.substr(i, len));
    } else {
      out.append("\xEF\xBF\xBD");
      len = 1;
    }
    i += len;
  }
  return out;
}

} // namespace pgadvise::loaders
