#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

// Small string helpers shared by loaders, rules and reporters.
namespace pgadvise::core {

std::string to_lower(std::string_view text);
std::string_view trim(std::string_view text);
bool starts_with_ci(std::string_view text, std::string_view prefix);
std::vector<std::string> split(std::string_view text, char separator);
// The lower-case ASCII letter/digit runs of `text` ("db:push-prod" -> db, push, prod).
std::vector<std::string> lower_words(std::string_view text);
std::string join(const std::vector<std::string>& parts, std::string_view separator);
// "1 finding", "3 findings": a count and its noun, with an English plural s.
std::string plural(std::size_t count, std::string_view noun);
// The value of one hexadecimal digit (0-9, a-f, A-F), -1 for any other character.
int hex_value(char c);

// Quotes a PostgreSQL identifier only when it needs it (upper case, special
// characters, leading digit, or a reserved word), doubling embedded quotes.
std::string quote_ident(std::string_view ident);
// "schema"."name", omitting the schema when it is empty or "public".
std::string qualified_name(std::string_view schema, std::string_view name);
// A SQL string literal with embedded quotes doubled.
std::string quote_literal(std::string_view text);

// Truncates an identifier to PostgreSQL's NAMEDATALEN-1 (63 bytes) without
// splitting a UTF-8 sequence.
std::string truncate_identifier(std::string_view ident, std::size_t max_bytes = 63);

// Converts snake_case to camelCase (Drizzle's `casing: "snake_case"` mapping).
std::string snake_to_camel(std::string_view text);

} // namespace pgadvise::core
