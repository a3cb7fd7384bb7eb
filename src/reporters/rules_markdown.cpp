#include "reporters/report.hpp"

// The rules table of docs/rules.md, written from the registry so the two
// cannot disagree (tests/cli/readme_rules_table_test.cpp compares them).
// Links are relative to docs/.
namespace pgadvise::reporters {

void write_rules_markdown(std::ostream& out, const std::vector<RuleInfo>& rules) {
  out << "| id | severity | category | lens | what it finds | fix |\n|---|---|---|---|---|---|\n";
  for (const RuleInfo& rule : rules) {
    std::string summary;
    for (const char c : rule.summary) {
      summary += c == '|' ? std::string("\\|") : std::string(1, c);
    }
    out << "| [`" << rule.id << "`](../rules/" << rule.id << ".md) | " << core::to_string(rule.severity)
        << " | " << engine::to_string(rule.category) << " | " << engine::to_string(rule.lens) << " | "
        << summary << " | " << (rule.has_fix ? "yes" : "") << " |\n";
  }
}

} // namespace pgadvise::reporters
