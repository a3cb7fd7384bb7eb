#include "app/lsp/lsp_hover.hpp"

#include "app/lsp/lsp_diagnostics.hpp"
#include "app/lsp/lsp_json.hpp"

#include <optional>

namespace pgadvise::app::lsp {

namespace {

std::string finding_markdown(const core::Finding& finding) {
  std::string markdown = "**" + finding.rule + "** (" + std::string(core::to_string(finding.severity)) +
                         "): " + finding.message + "\n\n" + finding.help.str();
  if (finding.fix) {
    const core::Fix& fix = *finding.fix;
    if (!fix.statements().empty()) {
      markdown += "\n\n```" + std::string(fix.statements_are_sql() ? "sql" : "sh") + "\n" + fix.statements() +
                  "\n```";
    }
    if (!fix.code_text().empty()) {
      markdown += "\n\n```ts\n" + fix.code_text().str() + "\n```";
    }
    if (!fix.safety_note.empty()) {
      markdown += "\n\n**Safety:** " + fix.safety_note.str();
    }
    markdown += "\n\n*Fix:* " + std::string(core::to_string(fix.applicability));
  }
  markdown += "\n\n[" + finding.rule + "](" + std::string(k_rule_pages) + finding.rule + ".md)";
  return markdown;
}

} // namespace

nlohmann::json hover(const Analysis& analysis, const std::filesystem::path& file, const std::string& text,
                     Position at, PositionEncoding encoding) {
  if (!analysis.run) {
    return nullptr;
  }
  const LineMap lines(text);
  std::string markdown;
  std::optional<Range> covered;
  for (const PlacedFinding& placed : analysis.findings_in(file)) {
    const Range range = finding_range(placed.at, lines, encoding);
    if (!overlaps(range, Range{at, at})) {
      continue;
    }
    covered = range;
    if (!markdown.empty()) {
      markdown += "\n\n---\n\n";
    }
    markdown += finding_markdown(*placed.finding);
  }
  if (!covered) {
    return nullptr;
  }
  return {{"contents", {{"kind", "markdown"}, {"value", markdown}}}, {"range", to_json(*covered)}};
}

} // namespace pgadvise::app::lsp
