#include "app/lsp/lsp_diagnostics.hpp"

#include "app/lsp/lsp_json.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <vector>

namespace pgadvise::app::lsp {

namespace fs = std::filesystem;
using json = nlohmann::json;

int lsp_severity(core::Severity severity) {
  switch (severity) {
  case core::Severity::critical:
  case core::Severity::high: return 1;
  case core::Severity::medium: return 2;
  case core::Severity::low: return 3;
  case core::Severity::info: return 4;
  }
  return 3;
}

std::pair<std::size_t, std::size_t> finding_bytes(const core::SourceLocation& location,
                                                  const LineMap& lines) {
  const int line = std::max(0, location.line - 1);
  const std::string_view text = lines.line_text(line);
  const std::size_t start_of_line = lines.line_start(line);
  std::size_t first = 0;
  if (location.column > 0) {
    first = std::min(text.size(), static_cast<std::size_t>(location.column - 1));
  } else {
    while (first < text.size() && (text[first] == ' ' || text[first] == '\t')) {
      ++first;
    }
  }
  std::size_t last = text.size();
  while (last > first && (text[last - 1] == ' ' || text[last - 1] == '\t')) {
    --last;
  }
  return {start_of_line + first, start_of_line + last};
}

Range finding_range(const core::SourceLocation& location, const LineMap& lines, PositionEncoding encoding) {
  const auto [from, to] = finding_bytes(location, lines);
  return {lines.position(from, encoding), lines.position(to, encoding)};
}

std::string first_line(std::string_view text, std::size_t limit) {
  std::string_view line = core::trim(text.substr(0, text.find('\n')));
  std::string out(line.substr(0, limit));
  if (line.size() > limit) {
    out += "...";
  }
  return out;
}

json diagnostic_of(const PlacedFinding& placed, const LineMap& lines, PositionEncoding encoding) {
  const core::Finding& finding = *placed.finding;
  json diagnostic;
  diagnostic["range"] = to_json(finding_range(placed.at, lines, encoding));
  diagnostic["severity"] = lsp_severity(finding.severity);
  diagnostic["code"] = finding.rule;
  diagnostic["codeDescription"] = {{"href", std::string(k_rule_pages) + finding.rule + ".md"}};
  diagnostic["source"] = "pgadvise";
  std::string message = finding.message;
  if (finding.rule_ids.size() > 1) {
    message +=
        " (also " +
        core::join(std::vector<std::string>(finding.rule_ids.begin() + 1, finding.rule_ids.end()), ", ") +
        ")";
  }
  diagnostic["message"] = message;
  diagnostic["data"] = {{"fingerprint", finding.fingerprint}};
  json related = json::array();
  for (const core::Evidence& evidence : finding.evidence) {
    if (!evidence.location.known() || evidence.location.line <= 0 || evidence.location == placed.at) {
      continue;
    }
    const fs::path file(file_key(evidence.location.file.str()));
    const int line = evidence.location.line - 1;
    related.push_back(
        {{"location", {{"uri", path_to_uri(file)}, {"range", to_json(Range{{line, 0}, {line, 0}})}}},
         {"message", std::string(core::to_string(evidence.kind)) + ": " + first_line(evidence.detail, 200)}});
    if (related.size() >= 20) {
      break;
    }
  }
  if (!related.empty()) {
    diagnostic["relatedInformation"] = std::move(related);
  }
  return diagnostic;
}

namespace {

// A run that could not start (a broken .pgadvise.toml, an unreadable file)
// is one diagnostic: at its place in the file it names, else at the top of
// every open file of the project that is not that file.
json run_error(const core::Error& error, const fs::path& file, const LineMap& lines,
               PositionEncoding encoding, const Documents& documents) {
  json out = json::array();
  const std::string named = error.location.known() ? file_key(error.location.file.str()) : std::string();
  const bool here = !named.empty() && named == file.string();
  if (!here && !named.empty() && documents.find_path(named) != nullptr) {
    return out;
  }
  const int line = here ? std::max(0, error.location.line - 1) : 0;
  const std::size_t end = lines.line_start(line) + lines.line_text(line).size();
  out.push_back({{"range", to_json(Range{lines.position(lines.line_start(line), encoding),
                                         lines.position(end, encoding)})},
                 {"severity", 1},
                 {"source", "pgadvise"},
                 {"message", "pgadvise could not lint this project: " + error.to_string()}});
  return out;
}

} // namespace

json file_diagnostics(const Analysis& analysis, const fs::path& file, const std::string& text,
                      PositionEncoding encoding, const Documents& documents) {
  const LineMap lines(text);
  if (!analysis.run) {
    return run_error(analysis.error ? *analysis.error : core::Error("the analysis did not run"), file, lines,
                     encoding, documents);
  }
  json out = json::array();
  for (const PlacedFinding& placed : analysis.findings_in(file)) {
    out.push_back(diagnostic_of(placed, lines, encoding));
  }
  return out;
}

} // namespace pgadvise::app::lsp
