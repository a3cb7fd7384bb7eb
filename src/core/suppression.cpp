#include "core/suppression.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::core {

bool Suppressions::suppresses(const Finding& finding) const {
  return std::any_of(m_entries.begin(), m_entries.end(), [&](const Suppression& s) {
    if (s.file != finding.location.file || finding.location.line < s.first_line ||
        finding.location.line > s.last_line) {
      return false;
    }
    return std::any_of(s.rules.begin(), s.rules.end(),
                       [&](const std::string& id) { return id == "all" || id == finding.rule; });
  });
}

void Suppressions::merge(const Suppressions& other) {
  m_entries.insert(m_entries.end(), other.m_entries.begin(), other.m_entries.end());
}

std::vector<std::string> parse_ignore_directive(std::string_view comment_text) {
  static constexpr std::string_view k_directive = "pgadvise-ignore";
  const auto pos = comment_text.find(k_directive);
  if (pos == std::string_view::npos) {
    return {};
  }
  std::string_view rest = comment_text.substr(pos + k_directive.size());
  const auto eol = rest.find('\n');
  rest = rest.substr(0, eol);
  std::vector<std::string> ids;
  std::string current;
  for (char c : rest) {
    if (std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_') {
      current += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!current.empty()) {
      ids.push_back(current);
      current.clear();
      if (c != ',' && c != ' ' && c != '\t') {
        break; // anything else ends the list (e.g. "*/" or a reason after ":")
      }
    }
  }
  if (!current.empty()) {
    ids.push_back(current);
  }
  if (ids.empty()) {
    ids.emplace_back("all");
  }
  return ids;
}

} // namespace pgadvise::core
