#include "pg/expression_key.hpp"

#include "core/text.hpp"
#include "core/whitespace.hpp"
#include "pg/parser.hpp"

#include <cctype>

namespace pgadvise::pg {

namespace {

using Json = nlohmann::json;

// The cast's target is text or varchar (without a length).
bool text_type(const Json& cast) {
  const auto type = cast.find("typeName");
  if (type == cast.end() || !type->is_object() || type->contains("typmods")) {
    return false;
  }
  const auto names = type->find("names");
  if (names == type->end() || !names->is_array() || names->empty() || !names->back().is_object()) {
    return false;
  }
  const std::string name = names->back().value("String", Json::object()).value("sval", "");
  return name == "text" || name == "varchar";
}

// One node of the tree made canonical, in place.
void canonical(Json& node) {
  if (node.is_array()) {
    for (Json& item : node) {
      canonical(item);
    }
    return;
  }
  if (!node.is_object()) {
    return;
  }
  node.erase("location");
  // A literal cast to a type (`'{}'::jsonb`, `'a'::"public"."status"`) is,
  // for a default or a predicate on a column of that type, the literal.
  if (auto cast = node.find("TypeCast"); cast != node.end() && cast->is_object()) {
    auto arg = cast->find("arg");
    if (arg != cast->end() && arg->is_object() && arg->contains("A_Const")) {
      Json inner = *arg;
      node = std::move(inner);
      canonical(node);
      return;
    }
    // A column cast to text is, in an index expression, the column:
    // pg_get_indexdef writes `lower((email)::text)` for `lower(email)` on a
    // varchar column.
    if (arg != cast->end() && arg->is_object() && arg->contains("ColumnRef") && text_type(*cast)) {
      Json inner = *arg;
      node = std::move(inner);
      canonical(node);
      return;
    }
  }
  // "t"."c" and "c" name the same column of the table the expression is on.
  if (auto ref = node.find("ColumnRef"); ref != node.end() && ref->is_object()) {
    auto fields = ref->find("fields");
    if (fields != ref->end() && fields->is_array() && fields->size() > 1) {
      Json last = fields->back();
      *fields = Json::array({std::move(last)});
    }
  }
  // pg_catalog.now() is now().
  if (auto call = node.find("FuncCall"); call != node.end() && call->is_object()) {
    auto name = call->find("funcname");
    if (name != call->end() && name->is_array() && name->size() == 2 && name->front().is_object() &&
        name->front().contains("String") && name->front()["String"].is_object() &&
        name->front()["String"].value("sval", "") == "pg_catalog") {
      name->erase(name->begin());
    }
  }
  for (auto& [key, value] : node.items()) {
    canonical(value);
  }
}

std::string collapsed(std::string_view text) {
  return core::collapse_whitespace(core::to_lower(text));
}

} // namespace

std::string expression_key(std::string_view expression) {
  const std::string sql = "SELECT " + std::string(expression);
  ParseResult parsed = parse(sql);
  if (!parsed.ok() || !parsed.tree.contains("stmts") || parsed.tree["stmts"].size() != 1) {
    return "text:" + collapsed(expression);
  }
  Json& select = parsed.tree["stmts"][0]["stmt"];
  const Json* target = nullptr;
  if (auto it = select.find("SelectStmt"); it != select.end()) {
    auto list = it->find("targetList");
    if (list != it->end() && list->is_array() && list->size() == 1) {
      target = &(*list)[0];
    }
  }
  if (target == nullptr) {
    return "text:" + collapsed(expression);
  }
  Json tree = target->value("ResTarget", Json::object()).value("val", Json());
  canonical(tree);
  return tree.dump();
}

} // namespace pgadvise::pg
