#pragma once

#include "app/lsp/lsp_analysis.hpp"
#include "app/lsp/lsp_documents.hpp"
#include "app/lsp/lsp_text.hpp"
#include "core/finding.hpp"

#include <cstddef>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// Findings as LSP diagnostics: where each is in its file's text, its
// severity, its rule as the code with a link to the rule's page.
namespace pgadvise::app::lsp {

// Where a rule's page is: codeDescription.href of every diagnostic.
inline constexpr std::string_view k_rule_pages = "https://github.com/pgadvise/pgadvise/blob/main/rules/";

// LSP DiagnosticSeverity: critical and high are errors, medium a warning,
// low information, info a hint.
int lsp_severity(core::Severity severity);

// The byte range a finding marks in a text: from its column (else the
// line's first non-blank) to the end of its line, trailing blanks left out.
std::pair<std::size_t, std::size_t> finding_bytes(const core::SourceLocation& location, const LineMap& lines);
Range finding_range(const core::SourceLocation& location, const LineMap& lines, PositionEncoding encoding);

// A text's first line, trimmed, cut at `limit` bytes.
std::string first_line(std::string_view text, std::size_t limit = 80);

// The URI of each file a finding's evidence names, worked out once per
// publication: file_key asks the system for the working directory, and
// 35,000 diagnostics name a few hundred files 35,000 times.
class EvidenceUris {
public:
  const std::string& of(const core::FilePath& file);

private:
  std::unordered_map<const std::string*, std::string> m_uris; // by the file's one interned path
};

// A finding as an LSP Diagnostic, written as JSON text to `out` (members
// in the order nlohmann's dump gives them): a file may show 35,000, which
// took about a second to build and dump as JSON values at each keystroke.
void append_diagnostic(std::string& out, const PlacedFinding& placed, const LineMap& lines,
                       PositionEncoding encoding, EvidenceUris& uris);
// The same as a JSON value (a code action names the diagnostic it fixes).
nlohmann::json diagnostic_of(const PlacedFinding& placed, const LineMap& lines, PositionEncoding encoding);

// How many of a file's diagnostics are sent (LspOptions::max_diagnostics_per_file),
// and which first after the most severe: those nearest the line of its last edit.
struct DiagnosticLimit {
  std::size_t most = 0; // 0: all
  std::size_t near_line = 0;
};

// The findings of `placed` a file shows under `limit`, as indices in their
// order: all of them, or the `most` most severe, the nearest `near_line` of
// each severity first.
std::vector<std::size_t> shown_findings(const std::vector<PlacedFinding>& placed, DiagnosticLimit limit);

// Every diagnostic of `file` (whose text is `text`) in `analysis`, appended
// to `out` as the text of a JSON array: its findings (those shown_findings
// keeps, then one saying how many more there are), or, when the run could
// not start, that as one diagnostic.
void append_file_diagnostics(std::string& out, const Analysis& analysis, const std::filesystem::path& file,
                             const std::string& text, PositionEncoding encoding, const Documents& documents,
                             DiagnosticLimit limit = {});

} // namespace pgadvise::app::lsp
