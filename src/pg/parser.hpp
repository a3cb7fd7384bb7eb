#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::pg {

// libpg_query (PostgreSQL 15 grammar) behind RAII and value types. This and
// src/pg/connection.* are the only files that include the C headers.

struct ParseError {
  std::string message;
  std::size_t offset = 0; // byte offset into the parsed text (0 when unknown)
};

struct ParseResult {
  nlohmann::json tree; // {"version":..., "stmts":[{"stmt":{...}, "stmt_location":..., "stmt_len":...}]}
  std::optional<ParseError> error;
  [[nodiscard]] bool ok() const { return !error.has_value(); }
};

ParseResult parse(std::string_view sql);

struct StatementSpan {
  std::size_t offset = 0;
  std::size_t length = 0;
};

// Splits a script into statements with the scanner, so statements that do
// not parse are still separated. Comments before a statement belong to it.
std::optional<std::vector<StatementSpan>> split(std::string_view sql, ParseError* error = nullptr);

std::optional<std::string> normalize(std::string_view sql);
std::optional<std::uint64_t> fingerprint(std::string_view sql);

// The body of a PL/pgSQL DO block or function, as libpg_query's PL/pgSQL
// parser sees it (JSON), or an error.
ParseResult parse_plpgsql(std::string_view sql);

} // namespace pgadvise::pg
