#include "loaders/drizzle_kit/snapshot_policy.hpp"

#include "core/text.hpp"
#include "pg/expression_facts.hpp"

namespace pgadvise::loaders {

namespace {

std::string text_of(const nlohmann::ordered_json& value, const char* key) {
  const auto it = value.find(key);
  return it != value.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string expression(const nlohmann::ordered_json& value, const char* key) {
  const std::string text = text_of(value, key);
  return text.empty() ? text : pg::deparse_expression(text).value_or(text);
}

} // namespace

model::Policy snapshot_policy(const std::string& key, const nlohmann::ordered_json& value) {
  model::Policy policy;
  if (!value.is_object()) {
    policy.name = key;
    return policy;
  }
  policy.name = text_of(value, "name");
  if (policy.name.empty()) {
    policy.name = key;
  }
  policy.permissive = core::to_lower(text_of(value, "as")) != "restrictive";
  policy.command = core::to_lower(text_of(value, "for"));
  if (policy.command.empty()) {
    policy.command = "all";
  }
  if (const auto to = value.find("to"); to != value.end() && to->is_array()) {
    for (const auto& role : *to) {
      if (role.is_string()) {
        policy.roles.push_back(role.get<std::string>());
      }
    }
  }
  if (policy.roles.size() == 1 && core::to_lower(policy.roles[0]) == "public") {
    policy.roles.clear(); // PUBLIC: every role
  }
  policy.using_expr = expression(value, "using");
  policy.check_expr = expression(value, "withCheck");
  return policy;
}

} // namespace pgadvise::loaders
