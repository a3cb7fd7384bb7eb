#pragma once

#include "core/finding.hpp"

#include <climits>
#include <optional>
#include <string>
#include <vector>

namespace pgadvise::core {

// `-- pgadvise-ignore <id>[, <id>...] [-- reason]` silences those rules (or
// `all`) for findings located in the statement the comment precedes;
// `-- pgadvise-ignore-file <id>...` silences them in the whole file.
struct Suppression {
  std::string file;
  int first_line = 0;
  int last_line = 0;
  std::vector<std::string> rules;
  int directive_line = 0; // where the comment is: unused-suppression points there
  bool whole_file = false;
  std::string reason{};
};

// Which (suppression, rule id) pairs silenced a finding, so that the ones
// that silenced nothing can be reported (unused-suppression).
class SuppressionUse {
public:
  void mark(std::size_t entry, std::size_t rule) { m_used.push_back({entry, rule}); }
  [[nodiscard]] bool used(std::size_t entry, std::size_t rule) const;

private:
  std::vector<std::pair<std::size_t, std::size_t>> m_used;
};

class Suppressions {
public:
  void add(Suppression suppression) { m_entries.push_back(std::move(suppression)); }
  [[nodiscard]] bool suppresses(const Finding& finding) const;
  // Like suppresses(), recording every directive and id that matched in `use`.
  bool suppresses(const Finding& finding, SuppressionUse& use) const;
  [[nodiscard]] std::size_t size() const { return m_entries.size(); }
  [[nodiscard]] const std::vector<Suppression>& entries() const { return m_entries; }
  void merge(const Suppressions& other);

private:
  std::vector<Suppression> m_entries;
};

// A `pgadvise-ignore` or `pgadvise-ignore-file` directive read from a comment.
struct IgnoreDirective {
  std::vector<std::string> rules; // lower-case ids; {"all"} when none are named
  bool whole_file = false;
  std::string reason; // the text after a second `--` (or `:`), trimmed
};

// The directive in a comment, or nullopt when the text holds none. Accepts
// `-- pgadvise-ignore a, b -- why`, `// pgadvise-ignore a`, `/* pgadvise-ignore a */`
// and `-- pgadvise-ignore-file a`.
std::optional<IgnoreDirective> parse_ignore(std::string_view comment_text);

// Rule ids named by a `pgadvise-ignore` directive in a comment, or empty when
// the text holds none (parse_ignore without the rest).
std::vector<std::string> parse_ignore_directive(std::string_view comment_text);

// A suppression for `directive` read from a comment on `directive_line` of
// `file`, covering lines first_line..last_line (the whole file for
// pgadvise-ignore-file).
Suppression make_suppression(std::string file, int directive_line, int first_line, int last_line,
                             IgnoreDirective directive);

} // namespace pgadvise::core
