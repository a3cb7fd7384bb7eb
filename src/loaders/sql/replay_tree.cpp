#include "loaders/sql/replay_tree.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::loaders::replay {

const Json* child(const Json& node, std::string_view key) {
  if (!node.is_object()) {
    return nullptr;
  }
  auto it = node.find(key);
  return it == node.end() ? nullptr : &*it;
}

std::string string_field(const Json& node, std::string_view key) {
  const Json* value = child(node, key);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

bool bool_field(const Json& node, std::string_view key) {
  const Json* value = child(node, key);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

long long int_field(const Json& node, std::string_view key, long long fallback) {
  const Json* value = child(node, key);
  return value != nullptr && value->is_number_integer() ? value->get<long long>() : fallback;
}

std::optional<std::size_t> location_field(const Json& node) {
  const long long value = int_field(node, "location", -1);
  if (value < 0) {
    return std::nullopt;
  }
  return static_cast<std::size_t>(value);
}

const Json* as(const Json& node, std::string_view type) {
  const Json* inner = child(node, type);
  return inner != nullptr && inner->is_object() ? inner : nullptr;
}

std::string_view node_type(const Json& node) {
  if (!node.is_object() || node.size() != 1) {
    return {};
  }
  return node.begin().key();
}

const Json* body(const Json& node) {
  if (!node.is_object() || node.size() != 1 || !node.begin()->is_object()) {
    return nullptr;
  }
  return &*node.begin();
}

const Json* list_items(const Json* node) {
  if (node == nullptr) {
    return nullptr;
  }
  if (node->is_array()) {
    return node;
  }
  if (const Json* list = as(*node, "List")) {
    const Json* items = child(*list, "items");
    return items != nullptr && items->is_array() ? items : nullptr;
  }
  return nullptr;
}

std::vector<std::string> string_list(const Json* list) {
  std::vector<std::string> out;
  const Json* items = list_items(list);
  if (items == nullptr) {
    return out;
  }
  for (const Json& item : *items) {
    if (const Json* string = as(item, "String")) {
      out.push_back(string_field(*string, "sval"));
    }
  }
  return out;
}

QualifiedName to_qualified(const std::vector<std::string>& names) {
  QualifiedName out;
  if (names.empty()) {
    return out;
  }
  out.name = names.back();
  if (names.size() >= 2) {
    out.schema = names[names.size() - 2];
  }
  return out;
}

QualifiedName range_var(const Json& node) {
  const Json* target = as(node, "RangeVar");
  const Json& var = target != nullptr ? *target : node;
  return {string_field(var, "schemaname"), string_field(var, "relname")};
}

std::string object_kind(std::string_view object_type) {
  constexpr std::string_view k_prefix = "OBJECT_";
  if (object_type.substr(0, k_prefix.size()) == k_prefix) {
    object_type.remove_prefix(k_prefix.size());
  }
  return std::string(object_type);
}

std::string words_of(std::string_view camel_case, std::string_view suffix) {
  if (!suffix.empty() && camel_case.size() > suffix.size() &&
      camel_case.substr(camel_case.size() - suffix.size()) == suffix) {
    camel_case.remove_suffix(suffix.size());
  }
  std::string out;
  for (char c : camel_case) {
    if (std::isupper(static_cast<unsigned char>(c)) != 0 && !out.empty()) {
      out += ' ';
    }
    out += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

std::optional<std::size_t> min_location(const Json& node) {
  std::optional<std::size_t> best;
  const auto consider = [&best](std::optional<std::size_t> value) {
    if (value && (!best || *value < *best)) {
      best = value;
    }
  };
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (it.key() == "location") {
        consider(location_field(node));
      } else if (it->is_structured()) {
        consider(min_location(*it));
      }
    }
  } else if (node.is_array()) {
    for (const Json& item : node) {
      consider(min_location(item));
    }
  }
  return best;
}

std::string first_column_ref(const Json& node) {
  if (const Json* ref = as(node, "ColumnRef")) {
    const std::vector<std::string> fields = string_list(child(*ref, "fields"));
    return fields.empty() ? std::string() : fields.back();
  }
  if (node.is_object() || node.is_array()) {
    for (const Json& item : node) {
      if (item.is_structured()) {
        std::string found = first_column_ref(item);
        if (!found.empty()) {
          return found;
        }
      }
    }
  }
  return {};
}

std::string expression_column_name(const Json& node) {
  if (const Json* call = as(node, "FuncCall")) {
    const std::vector<std::string> names = string_list(child(*call, "funcname"));
    return names.empty() ? "expr" : names.back();
  }
  if (const Json* ref = as(node, "ColumnRef")) {
    const std::vector<std::string> fields = string_list(child(*ref, "fields"));
    return fields.empty() ? "expr" : fields.back();
  }
  if (const Json* cast = as(node, "TypeCast")) {
    const Json* arg = child(*cast, "arg");
    return arg != nullptr ? expression_column_name(*arg) : "expr";
  }
  if (as(node, "CoalesceExpr") != nullptr) {
    return "coalesce";
  }
  return "expr";
}

} // namespace pgadvise::loaders::replay
