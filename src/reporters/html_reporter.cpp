#include "core/hash.hpp"
#include "core/text.hpp"
#include "core/whitespace.hpp"
#include "reporters/ci_output.hpp"
#include "reporters/report.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

// The HTML report: one file that opens from disk with no network (inline
// CSS, JS and SVG). Only normalized query text and the findings' own
// (redacted) evidence are printed, never logged literals or parameters.
namespace pgadvise::reporters {

namespace {

using Bars = std::vector<std::pair<std::string, double>>;

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string number(double value, int decimals = 1) {
  std::ostringstream out;
  out.setf(std::ios::fixed);
  out.precision(decimals);
  out << value;
  return out.str();
}

std::string shorten(std::string_view text, std::size_t max) {
  return core::collapse_whitespace(text, max);
}

constexpr std::string_view k_style = R"css(
body{font:14px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header,main{max-width:1100px;margin:0 auto;padding:16px 24px}
header{background:#1d2430;color:#fff;max-width:none}
h1{margin:0 0 4px;font-size:22px}h2{font-size:18px;margin:28px 0 10px}
.cards{display:flex;gap:10px;flex-wrap:wrap}.card{background:#fff;border-radius:6px;padding:10px 16px;box-shadow:0 1px 2px #0002}
.card b{display:block;font-size:22px}
.sev-critical{color:#8b0000}.sev-high{color:#c0392b}.sev-medium{color:#b9770e}.sev-low{color:#2471a3}.sev-info{color:#566573}
.charts{display:grid;grid-template-columns:1fr 1fr;gap:12px}.chart{background:#fff;border-radius:6px;padding:8px;box-shadow:0 1px 2px #0002}
.chart h3{margin:4px 8px;font-size:14px}.empty{color:#888;margin:8px}
.filters{display:flex;gap:10px;margin:10px 0}select{padding:4px}
.finding{background:#fff;border-radius:6px;padding:10px 16px;margin:10px 0;box-shadow:0 1px 2px #0002}
.finding h3{margin:0;font-size:15px}.rule{font-family:monospace}.loc{color:#666;font-size:12px}
pre{background:#f0f2f5;padding:8px;border-radius:4px;white-space:pre-wrap;word-break:break-word;margin:4px 0}
.code{position:relative}.copy{position:absolute;right:6px;top:6px;font-size:12px}
ol.actions li{margin:6px 0}ul.evidence{margin:4px 0;padding-left:18px;font-size:13px}
)css";

constexpr std::string_view k_script = R"js(
function applyFilters(){
  var r=document.getElementById('f-rule').value,s=document.getElementById('f-severity').value,t=document.getElementById('f-table').value,n=0;
  document.querySelectorAll('.finding').forEach(function(e){
    var ok=(!r||e.dataset.rule.split(' ').indexOf(r)>=0)&&(!s||e.dataset.severity===s)&&(!t||e.dataset.table===t);
    e.style.display=ok?'':'none';if(ok)n++;});
  document.getElementById('shown').textContent=n;
}
function copyCode(b){
  var text=b.parentNode.querySelector('pre').textContent;
  if(navigator.clipboard){navigator.clipboard.writeText(text);}else{var a=document.createElement('textarea');a.value=text;document.body.appendChild(a);a.select();document.execCommand('copy');a.remove();}
  b.textContent='copied';setTimeout(function(){b.textContent='copy';},1200);
}
)js";

std::string bar_chart(const std::string& id, const std::string& title, Bars bars, const std::string& unit) {
  std::sort(bars.begin(), bars.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (bars.size() > 10) {
    bars.resize(10);
  }
  std::ostringstream out;
  out << "<div class='chart' id='" << id << "'><h3>" << escape(title) << "</h3>";
  if (bars.empty() || bars.front().second <= 0) {
    out << "<p class='empty'>nothing to show for this run</p></div>";
    return out.str();
  }
  const double max = bars.front().second;
  constexpr int k_row = 26;
  constexpr int k_label = 230;
  constexpr int k_width = 500;
  out << "<svg xmlns='http://www.w3.org/2000/svg' width='100%' viewBox='0 0 " << k_width << " "
      << bars.size() * k_row + 6 << "' role='img' aria-label='" << escape(title) << "'>";
  int y = 4;
  for (const auto& [label, value] : bars) {
    const double width = std::max(1.0, (k_width - k_label - 70) * value / max);
    out << "<g><title>" << escape(label) << ": " << number(value) << " " << unit << "</title>"
        << "<text x='" << k_label - 6 << "' y='" << y + 16 << "' font-size='11' text-anchor='end'>"
        << escape(shorten(label, 38)) << "</text><rect x='" << k_label << "' y='" << y + 3
        << "' height='18' width='" << number(width) << "' fill='#2e86c1'/><text x='"
        << number(k_label + width + 4) << "' y='" << y + 16 << "' font-size='11'>" << number(value) << " "
        << unit << "</text></g>";
    y += k_row;
  }
  out << "</svg></div>";
  return out.str();
}

std::string query_label(const model::Workload& workload, std::uint64_t fingerprint) {
  const model::QueryStats* query = workload.find(fingerprint);
  return query != nullptr ? query->normalized : core::to_hex(fingerprint);
}

// Proposed indexes by time saved: verified savings when a live analysis ran,
// else the logged time of the queries that filter on the index's columns.
Bars index_bars(const ReportInput& input) {
  Bars bars;
  if (input.live_analysis != nullptr && !input.live_analysis->proposals.empty()) {
    for (const model::IndexProposal& proposal : input.live_analysis->proposals) {
      bars.emplace_back(proposal.name, proposal.estimated_saving_ms);
    }
    return bars;
  }
  for (const core::Finding& finding : input.run->findings.loaded()) {
    if (!finding.fix || finding.fix->statements().find("CREATE INDEX") == std::string::npos ||
        input.workload == nullptr) {
      continue;
    }
    double ms = 0;
    for (const model::QueryStats& query : input.workload->queries) {
      const bool uses =
          std::any_of(query.shape.columns.begin(), query.shape.columns.end(), [&](const auto& c) {
            return c.table == finding.object.table && !finding.object.columns.empty() &&
                   c.column == finding.object.columns.front();
          });
      if (uses) {
        ms += query.total_ms;
      }
    }
    bars.emplace_back(finding.object.to_string(), ms);
  }
  return bars;
}

std::string charts(const ReportInput& input) {
  Bars by_rule_bars;
  std::map<std::string, double> by_rule;
  for (std::size_t i = 0; i < input.run->findings.size(); ++i) {
    by_rule[input.run->findings.rule(i)] += 1;
  }
  by_rule_bars.assign(by_rule.begin(), by_rule.end());
  Bars top_queries;
  Bars bursts;
  if (input.workload != nullptr) {
    for (const model::QueryStats& query : input.workload->queries) {
      top_queries.emplace_back(query.normalized, query.total_ms);
    }
    for (const model::RepeatPattern& pattern : input.workload->repeat_patterns) {
      if (pattern.max_count >= 2) {
        bursts.emplace_back(query_label(*input.workload, pattern.fingerprint),
                            static_cast<double>(pattern.statements));
      }
    }
  }
  return "<div class='charts'>" +
         bar_chart("chart-top-queries", "Top queries by total time", top_queries, "ms") +
         bar_chart("chart-bursts", "N+1 bursts (repeated statements)", bursts, "calls") +
         bar_chart("chart-rules", "Findings by rule", by_rule_bars, "") +
         bar_chart("chart-indexes", "Proposed indexes by time saved", index_bars(input), "ms") + "</div>";
}

std::string code_block(const std::string& label, const std::string& text) {
  return "<div class='code'><small>" + escape(label) +
         "</small><button class='copy' onclick='copyCode(this)'>copy</button><pre>" + escape(text) +
         "</pre></div>";
}

// The title of a fix's `ddl` block: what it holds, by the fix's kind.
std::string ddl_title(core::FixKind kind) {
  switch (kind) {
  case core::FixKind::sql: return "DDL";
  case core::FixKind::shell: return "commands";
  case core::FixKind::code: return "SQL the new code sends";
  }
  return "DDL";
}

void write_finding(std::ostream& out, const core::Finding& finding) {
  const std::string severity(core::to_string(finding.severity));
  out << "<article class='finding' data-rule='" << escape(finding.rule) << "' data-severity='" << severity
      << "' data-table='" << escape(finding.object.table) << "' data-fingerprint='"
      << escape(finding.fingerprint) << "'><h3><span class='sev-" << severity << "'>" << severity
      << "</span> <span class='rule'>" << escape(finding.rule) << "</span> " << escape(finding.message)
      << "</h3>";
  if (!finding.location.to_string().empty()) {
    out << "<div class='loc'>" << escape(finding.location.to_string()) << " &middot; "
        << escape(finding.object.to_string()) << "</div>";
  }
  if (!finding.help.empty()) {
    out << "<p>" << escape(finding.help) << "</p>";
  }
  if (!finding.evidence.empty()) {
    out << "<ul class='evidence'>";
    for (const core::Evidence& evidence : finding.evidence) {
      out << "<li><b>" << escape(core::to_string(evidence.kind)) << "</b> " << escape(evidence.detail);
      if (!evidence.location.to_string().empty()) {
        out << " <span class='loc'>" << escape(evidence.location.to_string()) << "</span>";
      }
      out << "</li>";
    }
    out << "</ul>";
  }
  if (finding.fix) {
    if (!finding.fix->statements().empty()) {
      out << code_block(ddl_title(finding.fix->kind()), finding.fix->statements());
    }
    if (!finding.fix->code_text().empty()) {
      // A code fix's text replaces the code at its place; a schema fix's
      // is a Drizzle schema line.
      const std::string title = finding.fix->kind() == core::FixKind::code ? "Code change" : "Drizzle";
      out << code_block(title +
                            (finding.fix->code_file().empty() ? "" : " (" + finding.fix->code_file() + ")"),
                        finding.fix->code_text());
    }
    if (!finding.fix->safety_note.empty()) {
      out << "<p class='loc'>" << escape(finding.fix->safety_note) << "</p>";
    }
    out << "<p class='loc' data-applicability='" << core::to_string(finding.fix->applicability) << "'>"
        << escape(std::string(fix_applicability_text(finding.fix->applicability))) << "</p>";
  }
  out << "</article>\n";
}

std::string options_of(const std::set<std::string>& values) {
  std::string out = "<option value=''>all</option>";
  for (const std::string& value : values) {
    out += "<option value='" + escape(value) + "'>" + escape(value) + "</option>";
  }
  return out;
}

} // namespace

void write_html(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  ReportInput in = input;
  if (in.run == nullptr) {
    in.run = &k_empty;
  }
  const auto& findings = in.run->findings;
  std::map<core::Severity, std::size_t> by_severity;
  std::set<std::string> rules;
  std::set<std::string> tables;
  for (const core::Finding& finding : findings.loaded()) {
    ++by_severity[finding.severity];
    rules.insert(finding.rule);
    if (!finding.object.table.empty()) {
      tables.insert(finding.object.table);
    }
  }
  out << "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
      << R"(<meta http-equiv="Content-Security-Policy" )"
      << R"(content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">)"
      << "<title>pgadvise report</title><style>" << k_style << "</style><script>" << k_script
      << "</script></head><body>\n<header><h1>pgadvise report</h1><div>"
      << escape(in.schema_description.empty() ? in.schema_source : in.schema_description)
      << " &middot; inputs: " << escape(core::join(in.inputs, ", ")) << " &middot; pgadvise "
      << PGADVISE_VERSION << "</div></header>\n<main>";
  out << "<section id='summary'><h2>Summary</h2><div class='cards'><div class='card'><b id='total'>"
      << findings.size() << "</b>findings</div>";
  for (const core::Severity severity : {core::Severity::critical, core::Severity::high,
                                        core::Severity::medium, core::Severity::low, core::Severity::info}) {
    const std::string name(core::to_string(severity));
    out << "<div class='card'><b class='sev-" << name << "' id='count-" << name << "'>"
        << (by_severity.count(severity) != 0 ? by_severity[severity] : 0) << "</b>" << name << "</div>";
  }
  out << "</div></section>\n<section id='actions'><h2>Actions</h2><ol class='actions'>";
  std::size_t actions = 0;
  for (const core::Finding& finding : findings.loaded()) {
    if (finding.fix && !finding.fix->statements().empty() && actions < 10) {
      out << "<li><span class='sev-" << core::to_string(finding.severity) << "'>"
          << core::to_string(finding.severity) << "</span> " << escape(finding.object.to_string()) << ": "
          << escape(shorten(finding.fix->statements(), 160)) << "</li>";
      ++actions;
    }
  }
  if (actions == 0) {
    out << "<li>No fix to apply.</li>";
  }
  out << "</ol></section>\n<section id='charts'><h2>Charts</h2>" << charts(in) << "</section>\n";
  out << "<section id='findings'><h2>Findings (<span id='shown'>" << findings.size()
      << "</span> shown)</h2><div class='filters'>"
      << "<label>rule <select id='f-rule' onchange='applyFilters()'>" << options_of(rules)
      << "</select></label>"
      << "<label>severity <select id='f-severity' onchange='applyFilters()'>"
      << options_of({"critical", "high", "medium", "low", "info"}) << "</select></label>"
      << "<label>table <select id='f-table' onchange='applyFilters()'>" << options_of(tables)
      << "</select></label></div>\n";
  for (const core::Finding& finding : findings.loaded()) {
    write_finding(out, finding);
  }
  out << "</section></main></body></html>\n";
}

} // namespace pgadvise::reporters
