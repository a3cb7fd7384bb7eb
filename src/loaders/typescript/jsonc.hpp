#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

// JSON with comments and trailing commas (JSONC), as tsconfig.json and
// jsconfig.json are written: `//` and `/* */` comments and a comma before
// `}` or `]` are dropped outside strings, then nlohmann reads the rest,
// keeping the order of object keys (package.json `exports` conditions are
// tried in the order they are written).
namespace pgadvise::loaders::ts {

// The document, or a discarded value (is_discarded()) when it is not JSON
// even so; `error` then says why.
nlohmann::ordered_json parse_jsonc(std::string_view text, std::string* error = nullptr);

// `text` without its comments and trailing commas (strings untouched, line
// breaks kept so that a parser's line numbers still match).
std::string strip_jsonc(std::string_view text);

} // namespace pgadvise::loaders::ts
