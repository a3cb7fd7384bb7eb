#include "reporters/ansi.hpp"

namespace pgadvise::reporters {

std::string_view severity_sgr(core::Severity severity) {
  switch (severity) {
  case core::Severity::critical: return "1;31";
  case core::Severity::high: return "31";
  case core::Severity::medium: return "33";
  case core::Severity::low: return "36";
  case core::Severity::info: return "2";
  }
  return "2";
}

std::string Ansi::paint(std::string_view sgr, std::string_view text) const {
  if (!m_enabled) {
    return std::string(text);
  }
  std::string out = "\x1b[";
  out += sgr;
  out += 'm';
  out += text;
  out += "\x1b[0m";
  return out;
}

std::string Ansi::severity(core::Severity level, std::string_view text) const {
  return paint(severity_sgr(level), text);
}

std::string Ansi::bold(std::string_view text) const {
  return paint("1", text);
}

std::string Ansi::dim(std::string_view text) const {
  return paint("2", text);
}

} // namespace pgadvise::reporters
