#include "app/lsp/lsp_diagnostics.hpp"

#include "app/lsp/lsp_json.hpp"
#include "core/json_string.hpp"
#include "core/text.hpp"
#include "core/utf8.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <numeric>
#include <tuple>
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

namespace {

// A text as a JSON string on the wire: what frame_message's dump writes
// (invalid UTF-8, a Latin-1 identifier, as U+FFFD).
void append_string(std::string& out, std::string_view text) {
  if (core::utf8::valid(text)) {
    core::append_json_string(out, text);
    return;
  }
  std::string valid;
  valid.reserve(text.size() + 8);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = core::utf8::sequence_length(text, i);
    if (length == 0) {
      valid += "\xEF\xBF\xBD";
      ++i;
    } else {
      valid.append(text.substr(i, length));
      i += length;
    }
  }
  core::append_json_string(out, valid);
}

void append_number(std::string& out, int number) {
  std::array<char, 16> digits{};
  const auto end = std::to_chars(digits.data(), digits.data() + digits.size(), number).ptr;
  out.append(digits.data(), end);
}

// A Position and a Range, members in the order nlohmann's dump gives them.
void append_position(std::string& out, Position position) {
  out += "{\"character\":";
  append_number(out, position.character);
  out += ",\"line\":";
  append_number(out, position.line);
  out += '}';
}

void append_range(std::string& out, const Range& range) {
  out += "{\"end\":";
  append_position(out, range.end);
  out += ",\"start\":";
  append_position(out, range.start);
  out += '}';
}

} // namespace

const std::string& EvidenceUris::of(const core::FilePath& file) {
  auto [at, added] = m_uris.try_emplace(&file.str());
  if (added) {
    at->second = path_to_uri(fs::path(file_key(file.str())));
  }
  return at->second;
}

void append_diagnostic(std::string& out, const PlacedFinding& placed, const LineMap& lines,
                       PositionEncoding encoding, EvidenceUris& uris) {
  const core::Finding& finding = *placed.finding;
  out += "{\"code\":";
  append_string(out, finding.rule);
  out += ",\"codeDescription\":{\"href\":";
  append_string(out, std::string(k_rule_pages) + finding.rule + ".md");
  out += "},\"data\":{\"fingerprint\":";
  append_string(out, finding.fingerprint);
  out += "},\"message\":";
  if (finding.rule_ids.size() > 1) {
    const std::vector<std::string> others(finding.rule_ids.begin() + 1, finding.rule_ids.end());
    append_string(out, finding.message + " (also " + core::join(others, ", ") + ")");
  } else {
    append_string(out, finding.message);
  }
  out += ",\"range\":";
  append_range(out, finding_range(placed.at, lines, encoding));
  std::size_t related = 0;
  for (const core::Evidence& evidence : finding.evidence) {
    if (!evidence.location.known() || evidence.location.line <= 0 || evidence.location == placed.at) {
      continue;
    }
    out += related == 0 ? ",\"relatedInformation\":[" : ",";
    const int line = evidence.location.line - 1;
    out += "{\"location\":{\"range\":";
    append_range(out, Range{{line, 0}, {line, 0}});
    out += ",\"uri\":";
    append_string(out, uris.of(evidence.location.file));
    out += "},\"message\":";
    append_string(out, std::string(core::to_string(evidence.kind)) + ": " + first_line(evidence.detail, 200));
    out += '}';
    if (++related >= 20) {
      break;
    }
  }
  out += related > 0 ? "]" : "";
  out += ",\"severity\":";
  append_number(out, lsp_severity(finding.severity));
  out += ",\"source\":\"pgadvise\"}";
}

json diagnostic_of(const PlacedFinding& placed, const LineMap& lines, PositionEncoding encoding) {
  std::string text;
  EvidenceUris uris;
  append_diagnostic(text, placed, lines, encoding, uris);
  return json::parse(text);
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

std::vector<std::size_t> shown_findings(const std::vector<PlacedFinding>& placed, DiagnosticLimit limit) {
  std::vector<std::size_t> shown(placed.size());
  std::iota(shown.begin(), shown.end(), std::size_t{0});
  if (limit.most == 0 || placed.size() <= limit.most) {
    return shown;
  }
  const auto distance = [&](std::size_t i) {
    const auto line = static_cast<std::size_t>(std::max(1, placed[i].at.line) - 1);
    return line > limit.near_line ? line - limit.near_line : limit.near_line - line;
  };
  const auto key = [&](std::size_t i) {
    return std::tuple(lsp_severity(placed[i].finding->severity), distance(i), i);
  };
  std::nth_element(shown.begin(), shown.begin() + static_cast<std::ptrdiff_t>(limit.most), shown.end(),
                   [&](std::size_t a, std::size_t b) { return key(a) < key(b); });
  shown.resize(limit.most);
  std::sort(shown.begin(), shown.end());
  return shown;
}

void append_file_diagnostics(std::string& out, const Analysis& analysis, const fs::path& file,
                             const std::string& text, PositionEncoding encoding, const Documents& documents,
                             DiagnosticLimit limit) {
  const LineMap lines(text);
  if (!analysis.run) {
    out += run_error(analysis.error ? *analysis.error : core::Error("the analysis did not run"), file, lines,
                     encoding, documents)
               .dump(-1, ' ', false, json::error_handler_t::replace);
    return;
  }
  const std::vector<PlacedFinding>& placed = analysis.findings_in(file);
  const std::vector<std::size_t> shown = shown_findings(placed, limit);
  out.reserve(out.size() + shown.size() * 512);
  out += '[';
  EvidenceUris uris;
  for (const std::size_t i : shown) {
    out += i == shown.front() ? "" : ",";
    append_diagnostic(out, placed[i], lines, encoding, uris);
  }
  if (shown.size() < placed.size()) {
    const std::size_t more = placed.size() - shown.size();
    out += shown.empty() ? "" : ",";
    out += R"({"message":)";
    append_string(out, "Not shown here: " + core::plural(more, "more finding") + " (an editor is sent " +
                           std::to_string(limit.most) +
                           " a file, maxDiagnosticsPerFile: the most severe first, then the nearest the last "
                           "edit); `pgadvise lint` lists them all");
    out += R"(,"range":)";
    append_range(out, Range{{0, 0}, {0, 0}});
    out += R"(,"severity":3,"source":"pgadvise"})";
  }
  out += ']';
}

} // namespace pgadvise::app::lsp
