#include "core/suppression.hpp"

#include "core/text.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::core {

namespace {

bool id_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
}

bool covers(const Suppression& s, const Finding& finding) {
  if (s.file != finding.location.file) {
    return false;
  }
  return s.whole_file || (finding.location.line >= s.first_line && finding.location.line <= s.last_line);
}

} // namespace

bool SuppressionUse::used(std::size_t entry, std::size_t rule) const {
  return std::find(m_used.begin(), m_used.end(), std::pair{entry, rule}) != m_used.end();
}

bool Suppressions::suppresses(const Finding& finding) const {
  SuppressionUse ignored;
  return suppresses(finding, ignored);
}

bool Suppressions::suppresses(const Finding& finding, SuppressionUse& use) const {
  bool matched = false;
  for (std::size_t e = 0; e < m_entries.size(); ++e) {
    const Suppression& s = m_entries[e];
    if (!covers(s, finding)) {
      continue;
    }
    for (std::size_t r = 0; r < s.rules.size(); ++r) {
      if (s.rules[r] == "all" || s.rules[r] == finding.rule) {
        use.mark(e, r);
        matched = true;
      }
    }
  }
  return matched;
}

void Suppressions::merge(const Suppressions& other) {
  m_entries.insert(m_entries.end(), other.m_entries.begin(), other.m_entries.end());
}

std::optional<IgnoreDirective> parse_ignore(std::string_view comment_text) {
  static constexpr std::string_view k_directive = "pgadvise-ignore";
  static constexpr std::string_view k_file_suffix = "-file";
  const auto pos = comment_text.find(k_directive);
  if (pos == std::string_view::npos) {
    return std::nullopt;
  }
  IgnoreDirective directive;
  std::string_view rest = comment_text.substr(pos + k_directive.size());
  if (rest.substr(0, k_file_suffix.size()) == k_file_suffix) {
    directive.whole_file = true;
    rest.remove_prefix(k_file_suffix.size());
  }
  if (!rest.empty() && id_char(rest.front())) {
    return std::nullopt; // pgadvise-ignored, pgadvise-ignore-files, ...: not the directive
  }
  rest = rest.substr(0, rest.find('\n'));
  std::size_t i = 0;
  while (i < rest.size()) {
    const char c = rest[i];
    if (c == ' ' || c == '\t' || c == ',') {
      ++i;
      continue;
    }
    // `--` (SQL style) or `:` starts the reason; `*/` closes a block comment.
    if (rest.substr(i, 2) == "--" || c == ':') {
      directive.reason = std::string(trim(rest.substr(i + (c == ':' ? 1 : 2))));
      if (directive.reason.size() >= 2 && directive.reason.substr(directive.reason.size() - 2) == "*/") {
        directive.reason =
            std::string(trim(std::string_view(directive.reason).substr(0, directive.reason.size() - 2)));
      }
      break;
    }
    if (!id_char(c)) {
      break;
    }
    std::string id;
    while (i < rest.size() && id_char(rest[i]) && rest.substr(i, 2) != "--") {
      id += static_cast<char>(std::tolower(static_cast<unsigned char>(rest[i])));
      ++i;
    }
    directive.rules.push_back(std::move(id));
  }
  if (directive.rules.empty()) {
    directive.rules.emplace_back("all");
  }
  return directive;
}

std::vector<std::string> parse_ignore_directive(std::string_view comment_text) {
  auto directive = parse_ignore(comment_text);
  return directive ? std::move(directive->rules) : std::vector<std::string>{};
}

Suppression make_suppression(std::string file, int directive_line, int first_line, int last_line,
                             IgnoreDirective directive) {
  Suppression suppression;
  suppression.file = std::move(file);
  suppression.directive_line = directive_line;
  suppression.whole_file = directive.whole_file;
  suppression.first_line = directive.whole_file ? 1 : first_line;
  suppression.last_line = directive.whole_file ? INT_MAX : last_line;
  suppression.rules = std::move(directive.rules);
  suppression.reason = std::move(directive.reason);
  return suppression;
}

} // namespace pgadvise::core
