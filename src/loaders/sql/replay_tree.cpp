#include "loaders/sql/replay_tree.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::loaders::replay {

namespace {

std::string_view name_of(const Json::Member& member) {
  return {member.name.GetString(), member.name.GetStringLength()};
}

bool structured(const Json& node) {
  return node.IsObject() || node.IsArray();
}

} // namespace

std::vector<std::pair<std::string_view, const Json*>> members(const Json& node) {
  std::vector<std::pair<std::string_view, const Json*>> out;
  if (!node.IsObject()) {
    return out;
  }
  out.reserve(node.MemberCount());
  for (auto it = node.MemberBegin(); it != node.MemberEnd(); ++it) {
    out.emplace_back(name_of(*it), &it->value);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return out;
}

JsonItems::JsonItems(const Json& array) {
  if (array.IsArray()) {
    m_begin = array.Begin();
    m_end = array.End();
  }
}

JsonItems items_of(const Json* array) {
  return array != nullptr ? JsonItems(*array) : JsonItems();
}

bool is_string(const Json* node) {
  return node != nullptr && node->IsString();
}

bool is_array(const Json* node) {
  return node != nullptr && node->IsArray();
}

bool is_object(const Json* node) {
  return node != nullptr && node->IsObject();
}

const Json& or_null(const Json* node) {
  static const Json k_null;
  return node != nullptr ? *node : k_null;
}

std::string_view string_value(const Json& node) {
  return node.IsString() ? std::string_view(node.GetString(), node.GetStringLength()) : std::string_view();
}

const Json* child(const Json& node, std::string_view key) {
  if (!node.IsObject()) {
    return nullptr;
  }
  for (auto it = node.MemberBegin(); it != node.MemberEnd(); ++it) {
    if (name_of(*it) == key) {
      return &it->value; // libpg_query writes no key twice
    }
  }
  return nullptr;
}

std::string string_field(const Json& node, std::string_view key) {
  const Json* value = child(node, key);
  return value != nullptr && value->IsString() ? std::string(string_value(*value)) : std::string();
}

bool bool_field(const Json& node, std::string_view key) {
  const Json* value = child(node, key);
  return value != nullptr && value->IsBool() && value->GetBool();
}

long long int_field(const Json& node, std::string_view key, long long fallback) {
  const Json* value = child(node, key);
  if (value == nullptr) {
    return fallback;
  }
  if (value->IsInt64()) {
    return static_cast<long long>(value->GetInt64());
  }
  if (value->IsUint64()) {
    return static_cast<long long>(value->GetUint64()); // as a map's unsigned integer reads
  }
  return fallback;
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
  return inner != nullptr && inner->IsObject() ? inner : nullptr;
}

std::string_view node_type(const Json& node) {
  if (!node.IsObject() || node.MemberCount() != 1) {
    return {};
  }
  return name_of(*node.MemberBegin());
}

const Json* body(const Json& node) {
  if (!node.IsObject() || node.MemberCount() != 1 || !node.MemberBegin()->value.IsObject()) {
    return nullptr;
  }
  return &node.MemberBegin()->value;
}

const Json* list_items(const Json* node) {
  if (node == nullptr) {
    return nullptr;
  }
  if (node->IsArray()) {
    return node;
  }
  if (const Json* list = as(*node, "List")) {
    const Json* inner = child(*list, "items");
    return inner != nullptr && inner->IsArray() ? inner : nullptr;
  }
  return nullptr;
}

std::vector<std::string> string_list(const Json* list) {
  std::vector<std::string> out;
  for (const Json& item : items_of(list_items(list))) {
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
  if (node.IsObject()) {
    for (auto it = node.MemberBegin(); it != node.MemberEnd(); ++it) {
      if (name_of(*it) == "location") {
        consider(location_field(node));
      } else if (structured(it->value)) {
        consider(min_location(it->value));
      }
    }
  } else if (node.IsArray()) {
    for (const Json& item : JsonItems(node)) {
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
  const auto first_in = [](const Json& item) {
    return structured(item) ? first_column_ref(item) : std::string();
  };
  if (node.IsObject()) {
    for (const auto& [key, value] : members(node)) {
      if (std::string found = first_in(*value); !found.empty()) {
        return found;
      }
    }
  } else if (node.IsArray()) {
    for (const Json& item : JsonItems(node)) {
      if (std::string found = first_in(item); !found.empty()) {
        return found;
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
