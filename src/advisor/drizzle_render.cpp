#include "advisor/drizzle_render.hpp"

#include <cctype>
#include <cstdio>

#include "core/text.hpp"

namespace pgadvise::advisor {

namespace {

bool is_js_identifier(std::string_view text) {
  if (text.empty() || std::isdigit(static_cast<unsigned char>(text.front())) != 0) {
    return false;
  }
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) == 0 && c != '_' && c != '$') {
      return false;
    }
  }
  return true;
}

} // namespace

std::string js_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (static_cast<unsigned char>(c) < 0x20) {
        char escaped[8];
        std::snprintf(escaped, sizeof escaped, "\\x%02x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += escaped;
      } else {
        out += c; // UTF-8 passes through: JS source is Unicode
      }
    }
  }
  out += '"';
  return out;
}

std::string drizzle_property(const model::Table& table, std::string_view column) {
  if (const model::Column* found = table.find_column(column); found != nullptr && !found->property.empty()) {
    return found->property;
  }
  return core::snake_to_camel(column);
}

std::string drizzle_member(std::string_view object, std::string_view property) {
  if (is_js_identifier(property)) {
    return std::string(object) + "." + std::string(property);
  }
  return std::string(object) + "[" + js_string(property) + "]";
}

std::string render_drizzle_index(const model::Table& table, const std::vector<std::string>& columns,
                                 std::string_view name) {
  std::vector<std::string> members;
  members.reserve(columns.size());
  for (const std::string& column : columns) {
    members.push_back(drizzle_member("table", drizzle_property(table, column)));
  }
  return "index(" + js_string(name) + ").on(" + core::join(members, ", ") + ")";
}

std::string render_drizzle_removal(const model::Table& table, const model::Index& index) {
  std::string builder = "index";
  if (index.kind == model::IndexKind::unique_constraint) {
    builder = "unique";
  } else if (index.kind == model::IndexKind::primary_key) {
    builder = "primaryKey";
  } else if (index.unique) {
    builder = "uniqueIndex";
  }
  std::string out = "// remove from schema.ts: " + builder + "(" + js_string(index.name) + ")";
  if (!index.has_expressions() && !index.keys.empty()) {
    std::vector<std::string> members;
    for (const model::IndexKey& key : index.keys) {
      members.push_back(drizzle_member("table", drizzle_property(table, key.column)));
    }
    out += ".on(" + core::join(members, ", ") + ")";
  }
  return out;
}

} // namespace pgadvise::advisor
