#include "core/severity.hpp"

#include "core/text.hpp"

namespace pgadvise::core {

std::string_view to_string(Severity severity) {
  switch (severity) {
  case Severity::info: return "info";
  case Severity::low: return "low";
  case Severity::medium: return "medium";
  case Severity::high: return "high";
  case Severity::critical: return "critical";
  }
  return "info";
}

std::optional<Severity> parse_severity(std::string_view text) {
  const std::string lower = to_lower(text);
  for (Severity s : {Severity::info, Severity::low, Severity::medium, Severity::high, Severity::critical}) {
    if (lower == to_string(s)) {
      return s;
    }
  }
  return std::nullopt;
}

std::optional<FailOn> parse_fail_on(std::string_view text) {
  const std::string lower = to_lower(text);
  if (lower == "none" || lower == "never") {
    return FailOn{};
  }
  if (const auto level = parse_severity(lower)) {
    return FailOn{level};
  }
  return std::nullopt;
}

} // namespace pgadvise::core
