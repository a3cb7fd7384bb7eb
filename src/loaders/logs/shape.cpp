#include "loaders/logs/shape.hpp"

#include "core/utf8.hpp"
#include "loaders/logs/sqlcommenter.hpp"
#include "pg/parser.hpp"
#include "pg/query_analysis.hpp"

#include <algorithm>
#include <array>
#include <cstring>

namespace pgadvise::loaders {

namespace {

constexpr std::uint64_t k_mul = 0xff51afd7ed558ccdULL;

std::uint64_t mix(std::uint64_t h) {
  h ^= h >> 33U;
  h *= k_mul;
  h ^= h >> 33U;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33U;
  return h;
}

// Letters, digits, '_', '$' and every byte of a multi-byte character: one
// table load per byte, since every logged statement's words are scanned.
constexpr std::array<bool, 256> k_ident_chars = [] {
  std::array<bool, 256> table{};
  for (std::size_t c = 0; c < table.size(); ++c) {
    table[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
               c == '$' || c >= 0x80;
  }
  return table;
}();

bool is_ident_char(unsigned char c) {
  return k_ident_chars[c];
}

bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
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
class KeyWriter {
public:
  // m_buffer is read only up to m_size: not cleared, as that would cost
  // 512 bytes of stores per statement.
  explicit KeyWriter(std::string* copy) : m_copy(copy) { // NOLINT(cppcoreguidelines-pro-type-member-init)
    if (m_copy != nullptr) {
      m_copy->clear();
    }
  }
  void put(char c) {
    if (m_size == sizeof(m_buffer)) {
      flush();
    }
    m_buffer[m_size++] = c;
    if (m_copy != nullptr && m_copy->size() < k_max_stripped) {
      m_copy->push_back(c);
    }
  }
  void put(std::string_view text) {
    if (m_copy != nullptr && m_copy->size() < k_max_stripped) {
      m_copy->append(text.substr(0, k_max_stripped - m_copy->size()));
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

std::optional<std::int64_t> parse_integer(std::string_view digits) {
  std::int64_t value = 0;
  for (char c : digits) {
    if (!is_digit(static_cast<unsigned char>(c))) {
      return std::nullopt;
    }
    if (value > (INT64_MAX - 9) / 10) {
      return std::nullopt;
    }
    value = value * 10 + (c - '0');
  }
  return value;
}

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

// Past the end of the '...' string at `i`: E'..' strings (`escapes`) allow
// backslash escapes; '' doubles a quote in both.
std::size_t string_end(const unsigned char* s, std::size_t n, std::size_t i, bool escapes, bool& non_ascii) {
  ++i;
  while (i < n) {
    if (escapes && s[i] == '\\') {
      i += 2;
      continue;
    }
    if (s[i] == '\'') {
      if (i + 1 < n && s[i + 1] == '\'') {
        i += 2;
        continue;
      }
      break;
    }
    if (s[i] >= 0x80) {
      non_ascii = true;
    }
    ++i;
  }
  return std::min(n, i + 1);
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

// Past the end of the number at `i` (digits, '.', '_', an exponent).
std::size_t number_end(const unsigned char* s, std::size_t n, std::size_t i) {
  while (i < n && (is_digit(s[i]) || s[i] == '.' || s[i] == '_')) {
    ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    std::size_t j = i + 1;
    if (j < n && (s[j] == '+' || s[j] == '-')) {
      ++j;
    }
    if (j < n && is_digit(s[j])) {
      i = j;
      while (i < n && is_digit(s[i])) {
        ++i;
      }
    }
  }
  return i;
}

enum class TokenKind : std::uint8_t {
  literal,   // a string or a $$ string: hashed into the literals, '?' in the key
  number,    // likewise, and LIMIT / OFFSET read its value
  parameter, // $n: '?' in the key
  quoted,    // a "quoted identifier", kept
  word,      // a keyword or identifier, kept
  other      // one byte of punctuation, kept
};

struct Token {
  TokenKind kind = TokenKind::other;
  std::size_t end = 0;
};

// The token at `i` (no space or comment starts there): its kind and end.
Token next_token(std::string_view sql, std::size_t i, bool escapes, bool& non_ascii) {
  const auto* s = reinterpret_cast<const unsigned char*>(sql.data());
  const std::size_t n = sql.size();
  const unsigned char c = s[i];
  if (c == '\'') {
    return {TokenKind::literal, string_end(s, n, i, escapes, non_ascii)};
  }
  if (c == '"') {
    return {TokenKind::quoted, quoted_identifier_end(s, n, i, non_ascii)};
  }
  if (c == '$' && i + 1 < n && is_digit(s[i + 1])) {
    std::size_t end = i + 1;
    while (end < n && is_digit(s[end])) {
      ++end;
    }
    return {TokenKind::parameter, end};
  }
  if (const std::size_t end = c == '$' ? dollar_quote_end(sql, s, i) : i; end != i) {
    return {TokenKind::literal, end};
  }
  if (is_digit(c) || (c == '.' && i + 1 < n && is_digit(s[i + 1]))) {
    return {TokenKind::number, number_end(s, n, i)};
  }
  if (is_ident_char(c)) {
    std::size_t end = i;
    unsigned bytes = 0; // the word's bytes or'ed: its high bit says whether one is not ASCII
    while (end < n && is_ident_char(s[end])) {
      bytes |= s[end];
      ++end;
    }
    non_ascii = non_ascii || (bytes & 0x80U) != 0;
    return {TokenKind::word, end};
  }
  return {TokenKind::other, i + 1};
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
    std::uint64_t word = 0;
    std::memcpy(&word, p, n);
    h = (h ^ mix(word ^ n)) * 0x9fb21c651e98df25ULL;
  }
  return mix(h);
}

ShapeKey shape_key(std::string_view sql, std::string* stripped) {
  ShapeKey out;
  KeyWriter writer(stripped);
  const auto* s = reinterpret_cast<const unsigned char*>(sql.data());
  const std::size_t n = sql.size();
  std::size_t i = 0;
  bool pending_space = false;
  bool wrote = false;
  std::string_view last_word;
  std::uint64_t literals = 0x6a09e667f3bcc908ULL;
  while (i < n) {
    const unsigned char c = s[i];
    if (c >= 0x80) {
      out.non_ascii = true;
    }
    if (is_space(c)) {
      pending_space = true;
      ++i;
      continue;
    }
    if (c == 0) {
      out.has_nul = true;
      ++i;
      continue;
    }
    if (const std::size_t end = comment_end(s, n, i); end != i) {
      i = end;
      pending_space = true;
      continue;
    }
    if (pending_space && wrote) {
      writer.put(' ');
    }
    pending_space = false;
    wrote = true;
    // E'..' strings allow backslash escapes.
    const bool escapes = c == '\'' && !last_word.empty() &&
                         last_word.data() + last_word.size() == sql.data() + i && word_is(last_word, "e");
    const Token token = next_token(sql, i, escapes, out.non_ascii);
    const std::string_view text = sql.substr(i, token.end - i);
    i = token.end;
    switch (token.kind) {
    case TokenKind::number:
      if (!last_word.empty() && word_is(last_word, "limit")) {
        out.limit = parse_integer(text);
      } else if (!last_word.empty() && word_is(last_word, "offset")) {
        out.offset = parse_integer(text);
      }
      [[fallthrough]];
    case TokenKind::literal:
      literals = fast_hash(text, literals);
      writer.put('?');
      last_word = {};
      break;
    case TokenKind::parameter:
      writer.put('?');
      last_word = {};
      break;
    case TokenKind::quoted:
      writer.put(text);
      last_word = {};
      break;
    case TokenKind::word:
      last_word = text;
      writer.put(text);
      break;
    case TokenKind::other:
      writer.put(static_cast<char>(c));
      if (c != '(') {
        last_word = {};
      }
      break;
    }
  }
  out.key = writer.finish();
  out.literals = literals;
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
