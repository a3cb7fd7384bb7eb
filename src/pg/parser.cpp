#include "pg/parser.hpp"

#include "core/utf8.hpp"
#include "pg/owned.hpp"

#include <memory>
#include <pg_query.h>

namespace pgadvise::pg {

namespace {

ParseError to_error(const PgQueryError* error) {
  ParseError out;
  out.message = error->message != nullptr ? error->message : "syntax error";
  out.offset = error->cursorpos > 0 ? static_cast<std::size_t>(error->cursorpos - 1) : 0;
  return out;
}

using OwnedParse = Owned<PgQueryParseResult, pg_query_free_parse_result>;
using OwnedSplit = Owned<PgQuerySplitResult, pg_query_free_split_result>;
using OwnedNormalize = Owned<PgQueryNormalizeResult, pg_query_free_normalize_result>;
using OwnedFingerprint = Owned<PgQueryFingerprintResult, pg_query_free_fingerprint_result>;
using OwnedPlpgsql = Owned<PgQueryPlpgsqlParseResult, pg_query_free_plpgsql_parse_result>;

// Replaces each byte that is not part of valid UTF-8 with '?'. libpg_query
// copies such bytes into its JSON tree, which then cannot be read; a
// one-for-one replacement keeps every offset (and so every location) valid.
std::string valid_utf8(std::string_view text) {
  std::string out(text);
  core::utf8::replace_invalid(out);
  return out;
}

} // namespace

ParseResult parse(std::string_view sql) {
  const std::string text = valid_utf8(sql); // libpg_query needs a terminated string
  OwnedParse result(pg_query_parse(text.c_str()));
  ParseResult out;
  if (result->error != nullptr) {
    out.error = to_error(result->error);
    return out;
  }
  out.tree = nlohmann::json::parse(result->parse_tree, nullptr, /*allow_exceptions=*/false);
  if (out.tree.is_discarded()) {
    out.error = ParseError{"libpg_query returned an unreadable parse tree", 0};
  }
  return out;
}

std::optional<std::vector<StatementSpan>> split(std::string_view sql, ParseError* error) {
  const std::string text(sql);
  OwnedSplit result(pg_query_split_with_scanner(text.c_str()));
  if (result->error != nullptr) {
    if (error != nullptr) {
      *error = to_error(result->error);
    }
    return std::nullopt;
  }
  std::vector<StatementSpan> spans;
  spans.reserve(static_cast<std::size_t>(result->n_stmts));
  for (int i = 0; i < result->n_stmts; ++i) {
    const PgQuerySplitStmt* stmt = result->stmts[i];
    spans.push_back(
        {static_cast<std::size_t>(stmt->stmt_location), static_cast<std::size_t>(stmt->stmt_len)});
  }
  return spans;
}

std::optional<std::string> normalize(std::string_view sql) {
  const std::string text(sql);
  OwnedNormalize result(pg_query_normalize(text.c_str()));
  if (result->error != nullptr || result->normalized_query == nullptr) {
    return std::nullopt;
  }
  return std::string(result->normalized_query);
}

std::optional<std::uint64_t> fingerprint(std::string_view sql) {
  const std::string text(sql);
  OwnedFingerprint result(pg_query_fingerprint(text.c_str()));
  if (result->error != nullptr) {
    return std::nullopt;
  }
  return result->fingerprint;
}

ParseResult parse_plpgsql(std::string_view sql) {
  const std::string text(sql);
  OwnedPlpgsql result(pg_query_parse_plpgsql(text.c_str()));
  ParseResult out;
  if (result->error != nullptr) {
    out.error = to_error(result->error);
    return out;
  }
  out.tree = nlohmann::json::parse(result->plpgsql_funcs, nullptr, false);
  if (out.tree.is_discarded()) {
    out.error = ParseError{"libpg_query returned an unreadable PL/pgSQL tree", 0};
  }
  return out;
}

} // namespace pgadvise::pg
