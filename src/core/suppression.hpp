#pragma once

#include "core/finding.hpp"

#include <string>
#include <vector>

namespace pgadvise::core {

// `-- pgadvise-ignore <id>[, <id>...]` silences those rules (or `all`) for
// findings located in the statement the comment precedes.
struct Suppression {
  std::string file;
  int first_line = 0;
  int last_line = 0;
  std::vector<std::string> rules;
};

class Suppressions {
public:
  void add(Suppression suppression) { m_entries.push_back(std::move(suppression)); }
  [[nodiscard]] bool suppresses(const Finding& finding) const;
  [[nodiscard]] std::size_t size() const { return m_entries.size(); }
  void merge(const Suppressions& other);

private:
  std::vector<Suppression> m_entries;
};

// Rule ids named by a `pgadvise-ignore` directive in a comment, or empty when
// the text holds none. Accepts `-- pgadvise-ignore a, b` and `// pgadvise-ignore a`.
std::vector<std::string> parse_ignore_directive(std::string_view comment_text);

} // namespace pgadvise::core
