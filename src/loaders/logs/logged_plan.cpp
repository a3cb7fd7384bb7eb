#include "loaders/logs/logged_plan.hpp"

#include <nlohmann/json.hpp>

namespace pgadvise::loaders {

model::LoggedPlan logged_plan(const LogEvent& event) {
  model::LoggedPlan plan;
  std::string text =
      unescape_continuations(event.text, event.text_escaped, model::Workload::k_max_plan_bytes);
  const std::size_t start = text.find_first_not_of(" \n\t\r");
  text.erase(0, start == std::string::npos ? text.size() : start);
  plan.duration_ms = event.duration_ms;
  if (!text.empty() && text.front() == '{') {
    plan.format = model::PlanFormat::json;
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_object() && doc.contains("Query Text") && doc["Query Text"].is_string()) {
      plan.query = doc["Query Text"].get<std::string>();
    }
  } else {
    plan.format = model::PlanFormat::text;
    if (text.rfind("Query Text: ", 0) == 0) {
      // The query runs until the first plan node line ("...  (cost=" / "(actual").
      std::size_t end = 12;
      std::size_t line_start = text.find('\n', 12);
      while (line_start != std::string::npos) {
        const std::size_t line_end = text.find('\n', line_start + 1);
        const std::string_view line = std::string_view(text).substr(
            line_start + 1, line_end == std::string::npos ? std::string::npos : line_end - line_start - 1);
        if (line.find("  (cost=") != std::string_view::npos ||
            line.find("(actual ") != std::string_view::npos ||
            line.find("(never executed)") != std::string_view::npos) {
          break;
        }
        line_start = line_end;
      }
      end = line_start == std::string::npos ? text.size() : line_start;
      plan.query = text.substr(12, end - 12);
    }
  }
  plan.plan = std::move(text);
  return plan;
}

} // namespace pgadvise::loaders
