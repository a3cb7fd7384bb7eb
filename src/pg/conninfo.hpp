#pragma once

#include <string>
#include <string_view>
#include <vector>

// Connection strings as users write them, made safe to print. Pure string
// work (no libpq), so every message about a database can be redacted the
// same way, and tested without a server.
namespace pgadvise::pg {

inline constexpr std::string_view k_redacted = "***";

// True for a libpq URI: postgresql://... or postgres://...
bool is_connection_uri(std::string_view conninfo);

// The connection string with every secret replaced by ***: the password of a
// URI's user:password@ part, and password= / sslpassword= values in a URI's
// query or in a key=value string (quoted or not). Everything else is kept, so
// users still see which host and database were meant.
std::string redact_conninfo(std::string_view conninfo);

// `text` with every occurrence of each known secret replaced by ***. Secrets
// shorter than 4 bytes are skipped: masking every "a" in a message would hide
// more than it protects, and conninfo-shaped text is redacted structurally.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);

// The same target with another database: a URI's path replaced (its query
// kept), or `dbname='...'` appended to a key=value string (libpq takes the
// last value of a keyword). For a scratch database beside the user's.
std::string with_database(std::string_view conninfo, std::string_view database);

// Multi-line libpq text (errors come with indented hints and one line per
// host tried) folded into one line: lines trimmed and joined with "; ".
std::string one_line(std::string_view text);

} // namespace pgadvise::pg
