#include "pg/query_inventory.hpp"

#include "core/text.hpp"
#include "pg/tree_access.hpp"

#include <algorithm>
#include <string>

namespace pgadvise::pg {

namespace {

using nlohmann::json;
using tree::member;

void inventory(const json& node, model::QueryShape& shape, int depth) {
  if (depth > 10'000) {
    return; // libpg_query's own depth limit is far below; this only guards the stack
  }
  if (node.is_array()) {
    for (const json& item : node) {
      inventory(item, shape, depth + 1);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  for (const auto& [key, value] : node.items()) {
    if (key == "InsertStmt" || key == "UpdateStmt" || key == "DeleteStmt" || key == "MergeStmt" ||
        key == "intoClause") {
      shape.modifies = true;
    } else if (key == "ParamRef") {
      const json& number = member(value, "number");
      if (number.is_number_integer()) {
        shape.max_param = std::max(shape.max_param, number.get<int>());
      }
    } else if (key == "FuncCall") {
      const json& names = member(value, "funcname");
      if (names.is_array() && !names.empty()) {
        const json& name = member(member(names.back(), "String"), "sval");
        if (name.is_string()) {
          std::string text = core::to_lower(name.get<std::string>());
          if (std::find(shape.functions.begin(), shape.functions.end(), text) == shape.functions.end()) {
            shape.functions.push_back(std::move(text));
          }
        }
      }
    }
    if (value.is_structured()) {
      inventory(value, shape, depth + 1);
    }
  }
}

} // namespace

void take_inventory(const json& stmt, model::QueryShape& shape) {
  inventory(stmt, shape, 0);
}

} // namespace pgadvise::pg
