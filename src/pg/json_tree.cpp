#include "pg/json_tree.hpp"

#include "core/utf8.hpp"

#include <pg_query.h>

namespace pgadvise::pg {

namespace {

const JsonValue k_null;

// Memory pool chunks: a DDL statement's tree takes a few KB of values.
constexpr std::size_t k_chunk_bytes = 16U << 10U;

} // namespace

struct JsonTree::Parsed {
  PgQueryParseResult result{};
  rapidjson::MemoryPoolAllocator<> pool{k_chunk_bytes};
  rapidjson::Document document{&pool};

  Parsed() = default;
  ~Parsed() { pg_query_free_parse_result(result); }
  Parsed(const Parsed&) = delete;
  Parsed& operator=(const Parsed&) = delete;
  Parsed(Parsed&&) = delete;
  Parsed& operator=(Parsed&&) = delete;
};

JsonTree::JsonTree() = default;
JsonTree::~JsonTree() = default;
JsonTree::JsonTree(JsonTree&&) noexcept = default;
JsonTree& JsonTree::operator=(JsonTree&&) noexcept = default;

const JsonValue& JsonTree::root() const {
  return m_parsed ? static_cast<const JsonValue&>(m_parsed->document) : k_null;
}

TreeParse parse_tree(std::string_view sql) {
  // libpg_query needs a terminated string, and valid UTF-8 to write a
  // readable tree: each invalid byte becomes '?', so offsets stay valid.
  std::string text(sql);
  core::utf8::replace_invalid(text);
  TreeParse out;
  auto parsed = std::make_unique<JsonTree::Parsed>();
  parsed->result = pg_query_parse(text.c_str());
  if (parsed->result.error != nullptr) {
    const PgQueryError* error = parsed->result.error;
    out.error = ParseError{error->message != nullptr ? error->message : "syntax error",
                           error->cursorpos > 0 ? static_cast<std::size_t>(error->cursorpos - 1) : 0};
    return out;
  }
  parsed->document.ParseInsitu(parsed->result.parse_tree);
  if (parsed->document.HasParseError()) {
    out.error = ParseError{"libpg_query returned an unreadable parse tree", 0};
    return out;
  }
  out.tree.m_parsed = std::move(parsed);
  return out;
}

} // namespace pgadvise::pg
