#pragma once

#include "loaders/logs/param_keys.hpp"
#include "model/workload.hpp"

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace pgadvise::loaders {

// A fast, non-cryptographic 64-bit hash for cache keys and parameter sets
// (word at a time; FNV-1a is too slow for every log line).
std::uint64_t fast_hash(std::string_view data, std::uint64_t seed = 0x9e3779b97f4a7c15ULL);

// The cheap pass run on every logged statement: literals (strings, numbers,
// dollar-quoted bodies, $n parameters) become '?', comments are dropped and
// whitespace runs collapse. Statements with the same key have the same
// libpg_query fingerprint, so the key can cache it.
struct ShapeKey {
  std::uint64_t key = 0;
  std::optional<std::int64_t> limit;  // literal after LIMIT
  std::optional<std::int64_t> offset; // literal after OFFSET
  bool non_ascii = false;             // bytes >= 0x80 (check UTF-8 before copying)
  bool has_nul = false;               // binary data
  // A hash of the literal values (strings, numbers, dollar-quoted bodies):
  // two executions of one shape with different values differ here, so N+1
  // detection can count distinct parameter sets without hashing the text again.
  std::uint64_t literals = 0;
};

// Where shape_key met a statement's literals (ShapeTemplates keeps them).
struct LiteralSpan {
  enum class Kind : std::uint8_t { number, limit, offset, string, escape_string };
  std::uint32_t begin = 0;
  std::uint32_t end = 0;
  Kind kind = Kind::number; // a number after LIMIT or OFFSET; an E'...' string
};
struct LiteralSpans {
  std::vector<LiteralSpan> spans;
  bool other = false; // a dollar-quoted string or a number from '.': no template
};

// `stripped` receives the literal-free text (reused buffer, capped at
// k_max_stripped bytes) when not null; `spans` (when not null) where the
// literals are.
ShapeKey shape_key(std::string_view sql, std::string* stripped = nullptr, LiteralSpans* spans = nullptr);
inline constexpr std::size_t k_max_stripped = 4096;

// Everything libpg_query says about one statement shape.
struct QueryInfo {
  std::uint64_t fingerprint =
      0; // pseudo-fingerprint (the shape key with the top bit set) when it does not parse
  bool parsed = false;
  std::string normalized; // pg_query_normalize, or the stripped text when it does not parse
  std::string error;      // libpg_query's message when it does not parse
  model::QueryShape shape;
  // What the fold asks of every execution, worked out once: a SELECT, a
  // write, and whether it aggregates nested rows (json_agg, array_agg: a
  // relational query's children) so that even LIMIT 1 can drive a loop.
  bool select = false;
  bool writes = false;
  bool nests_rows = false;
  ParamPlan params; // which parameters are keys and row values (param_values)
  // The shape key of the text it was worked out from: the first statement
  // of its fingerprint that a parsing thread met, not always the log's first.
  std::uint64_t source_key = 0;
};

// The info of a statement that parses, worked out from `sql`.
QueryInfo describe_statement(std::uint64_t fingerprint, std::string_view sql);

// Shape key -> QueryInfo, shared by the parsing threads. libpg_query runs
// once per distinct shape (fingerprint) and once more per new fingerprint
// (parse + normalize). Entries are never removed, so pointers stay valid.
class ShapeRegistry {
public:
  // The info for `sql`, computing it on the first sight of its shape.
  const QueryInfo* resolve(std::uint64_t key, std::string_view sql, std::string_view stripped);
  [[nodiscard]] std::size_t shapes() const;
  [[nodiscard]] std::size_t fingerprints() const;

  // Past this many shapes new ones are not cached (libpg_query runs per
  // statement), so pathological inputs cannot grow memory without bound.
  static constexpr std::size_t k_max_shapes = 300000;

private:
  const QueryInfo* by_fingerprint(std::uint64_t fingerprint, std::string_view sql, std::uint64_t key);

  mutable std::mutex m_mutex;
  std::unordered_map<std::uint64_t, const QueryInfo*> m_by_shape;
  std::unordered_map<std::uint64_t, std::unique_ptr<QueryInfo>> m_by_fingerprint;
};

// A per-thread front for the registry: lock-free hits.
class ShapeCache {
public:
  explicit ShapeCache(ShapeRegistry& registry) : m_registry(registry) {}
  const QueryInfo* resolve(const ShapeKey& key, std::string_view sql, std::string_view stripped);
  // The cached info for a key, or null: lets callers compute the stripped
  // text (the slower half of shape_key) only on a miss.
  [[nodiscard]] const QueryInfo* find(std::uint64_t key) const {
    const auto it = m_local.find(key);
    return it == m_local.end() ? nullptr : it->second;
  }

private:
  ShapeRegistry& m_registry;
  std::unordered_map<std::uint64_t, const QueryInfo*> m_local;
};

// A copy with invalid UTF-8 sequences replaced by U+FFFD and at most
// `max_bytes` bytes (cut on a character boundary).
std::string sanitized_copy(std::string_view text, std::size_t max_bytes);

} // namespace pgadvise::loaders
