#include "app/lsp/lsp_json.hpp"

namespace pgadvise::app::lsp {

using json = nlohmann::json;

json to_json(Position position) {
  return {{"line", position.line}, {"character", position.character}};
}

json to_json(const Range& range) {
  return {{"start", to_json(range.start)}, {"end", to_json(range.end)}};
}

std::optional<Position> position_of(const json& value) {
  if (!value.is_object() || !value.contains("line") || !value.contains("character") ||
      !value["line"].is_number_integer() || !value["character"].is_number_integer()) {
    return std::nullopt;
  }
  return Position{value["line"].get<int>(), value["character"].get<int>()};
}

std::optional<Range> range_of(const json& value) {
  if (!value.is_object() || !value.contains("start") || !value.contains("end")) {
    return std::nullopt;
  }
  auto start = position_of(value["start"]);
  auto end = position_of(value["end"]);
  if (!start || !end) {
    return std::nullopt;
  }
  return Range{*start, *end};
}

std::string string_at(const json& value, std::string_view key) {
  if (value.is_object()) {
    if (const auto found = value.find(key); found != value.end() && found->is_string()) {
      return found->get<std::string>();
    }
  }
  return {};
}

const json& member(const json& value, std::string_view key) {
  static const json null_value;
  if (value.is_object()) {
    if (const auto found = value.find(key); found != value.end()) {
      return *found;
    }
  }
  return null_value;
}

namespace {

bool before(Position a, Position b) {
  return a.line < b.line || (a.line == b.line && a.character < b.character);
}

} // namespace

bool overlaps(const Range& a, const Range& b) {
  return !before(a.end, b.start) && !before(b.end, a.start);
}

} // namespace pgadvise::app::lsp
