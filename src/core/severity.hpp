#pragma once

#include <optional>
#include <string_view>

namespace pgadvise::core {

// Ordered from least to most severe so that comparisons read naturally
// (`finding.severity >= settings.fail_on`).
enum class Severity { info = 0, low = 1, medium = 2, high = 3, critical = 4 };

std::string_view to_string(Severity severity);
std::optional<Severity> parse_severity(std::string_view text);

// --fail-on (fail_on in .pgadvise.toml): the lowest severity that fails the
// run, or `none` (never fail on findings).
struct FailOn {
  std::optional<Severity> at; // nullopt: never
  bool operator==(const FailOn&) const = default;
};
// A severity, or "none"/"never"; nullopt for anything else.
std::optional<FailOn> parse_fail_on(std::string_view text);

} // namespace pgadvise::core
