#include "pg/tree_access.hpp"

namespace pgadvise::pg::tree {

using nlohmann::json;

const json& null_node() {
  static const json k_null;
  return k_null;
}

const json& member(const json& node, const char* key) {
  if (!node.is_object()) {
    return null_node();
  }
  const auto it = node.find(key);
  return it == node.end() ? null_node() : *it;
}

std::string string_of(const json& node) {
  const json& value = member(member(node, "String"), "sval");
  return value.is_string() ? value.get<std::string>() : std::string();
}

std::string last_name(const json& names) {
  if (!names.is_array() || names.empty()) {
    return {};
  }
  return string_of(names.back());
}

const json& set_branch(const json& body, const char* side) {
  const json& node = member(body, side);
  const json& wrapped = member(node, "SelectStmt");
  return wrapped.is_null() ? node : wrapped;
}

bool is_set_operation(const json& body) {
  const json& op = member(body, "op");
  return op.is_string() && op.get<std::string>() != "SETOP_NONE";
}

} // namespace pgadvise::pg::tree
