#include "engine/rule.hpp"

#include "core/text.hpp"

#include <cstdlib>

namespace pgadvise::engine {

std::string_view to_string(Category category) {
  switch (category) {
  case Category::schema: return "schema";
  case Category::query: return "query";
  case Category::project: return "project";
  case Category::plan: return "plan";
  case Category::input: return "input";
  }
  return "schema";
}

std::string_view to_string(Lens lens) {
  switch (lens) {
  case Lens::state: return "state";
  case Lens::change: return "change";
  case Lens::convention: return "convention";
  }
  return "state";
}

std::string_view to_string(Input input) {
  switch (input) {
  case Input::catalog: return "catalog";
  case Input::workload: return "workload";
  case Input::project: return "project";
  case Input::plans: return "plans";
  case Input::live: return "live";
  case Input::other_schemas: return "other-schemas";
  }
  return "catalog";
}

std::string RuleOptions::get(const std::string& name) const {
  auto it = m_values.find(name);
  return it == m_values.end() ? std::string{} : it->second;
}

long RuleOptions::get_int(const std::string& name) const {
  return std::strtol(get(name).c_str(), nullptr, 10);
}

double RuleOptions::get_double(const std::string& name) const {
  return std::strtod(get(name).c_str(), nullptr);
}

bool RuleOptions::get_bool(const std::string& name) const {
  const std::string value = core::to_lower(get(name));
  return value == "true" || value == "1" || value == "yes" || value == "on";
}

} // namespace pgadvise::engine
