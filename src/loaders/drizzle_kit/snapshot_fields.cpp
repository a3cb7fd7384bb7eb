#include "loaders/drizzle_kit/snapshot_fields.hpp"

#include "core/text.hpp"

namespace pgadvise::loaders::snapshot {

std::string text_field(const Json& object, const std::string& key) {
  if (!object.is_object()) {
    return {};
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool flag_field(const Json& object, const std::string& key) {
  if (!object.is_object()) {
    return false;
  }
  const auto it = object.find(key);
  return it != object.end() && it->is_boolean() && it->get<bool>();
}

const Json* member(const Json& object, const std::string& key) {
  if (!object.is_object()) {
    return nullptr;
  }
  const auto it = object.find(key);
  return it == object.end() || it->is_null() ? nullptr : &*it;
}

std::vector<std::string> string_list(const Json* value) {
  std::vector<std::string> out;
  if (value != nullptr && value->is_array()) {
    for (const Json& item : *value) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

std::vector<std::string> comma_list(std::string_view text) {
  std::vector<std::string> out;
  for (const std::string& part : core::split(text, ',')) {
    if (!core::trim(part).empty()) {
      out.emplace_back(core::trim(part));
    }
  }
  return out;
}

std::string entry_name(const std::string& key, const Json& value) {
  std::string name = text_field(value, "name");
  return name.empty() ? key : name;
}

void Sink::problem(std::string message, const Path& path) {
  m_load.diagnostics.push_back(make_diagnostic(k_parse_error, core::Severity::high,
                                               "drizzle-kit snapshot: " + std::move(message), at(path)));
}

} // namespace pgadvise::loaders::snapshot
