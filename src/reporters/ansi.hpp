#pragma once

#include "core/severity.hpp"

#include <string>
#include <string_view>

namespace pgadvise::reporters {

// ANSI SGR styling that is a no-op when color is off, so callers never
// branch on it and a colorless report cannot contain an escape code.
class Ansi {
public:
  explicit Ansi(bool enabled) : m_enabled(enabled) {}

  // critical bold red, high red, medium yellow, low cyan, info dim.
  [[nodiscard]] std::string severity(core::Severity severity, std::string_view text) const;
  [[nodiscard]] std::string bold(std::string_view text) const;
  [[nodiscard]] std::string dim(std::string_view text) const;

private:
  [[nodiscard]] std::string paint(std::string_view sgr, std::string_view text) const;

  bool m_enabled;
};

// The SGR parameters for a severity ("1;31" for critical), for tests.
std::string_view severity_sgr(core::Severity severity);

} // namespace pgadvise::reporters
