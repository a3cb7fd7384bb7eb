#pragma once

#include "app/lsp/lsp_text.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

// The protocol's JSON shapes, read leniently (a client's message that lacks
// a field or has the wrong type gives nullopt or an empty value, never an
// exception) and written as the spec spells them.
namespace pgadvise::app::lsp {

nlohmann::json to_json(Position position);
nlohmann::json to_json(const Range& range);
std::optional<Position> position_of(const nlohmann::json& value);
std::optional<Range> range_of(const nlohmann::json& value);

// `value[key]` when `value` is an object holding a string there, else empty.
std::string string_at(const nlohmann::json& value, std::string_view key);
// `value[key]` when there, else null.
const nlohmann::json& member(const nlohmann::json& value, std::string_view key);

// Whether two ranges share a position (an empty range touching the other counts).
bool overlaps(const Range& a, const Range& b);

} // namespace pgadvise::app::lsp
