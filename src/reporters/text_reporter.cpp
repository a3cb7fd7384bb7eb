#include "core/text.hpp"
#include "reporters/ansi.hpp"
#include "reporters/report.hpp"
#include "reporters/run_summary.hpp"
#include "reporters/terminal_text.hpp"

#include <algorithm>
#include <map>
#include <tuple>

// The report for people: findings grouped by file and ordered by line, so a
// reader walks each migration top to bottom; findings without a file (live
// catalog, project-wide) come last.
namespace pgadvise::reporters {

namespace {

// Fits an 100-column terminal; DDL is never wrapped so it can be pasted.
constexpr std::size_t k_width = 100;
constexpr std::string_view k_detail_indent = "    ";
constexpr std::string_view k_block_indent = "        ";

struct FileGroup {
  std::string file; // empty: findings without a file
  std::vector<const core::Finding*> findings;
};

bool by_position(const core::Finding* a, const core::Finding* b) {
  return std::make_tuple(a->location.line, a->location.column, -static_cast<int>(a->severity), a->rule,
                         a->object.to_string(), a->fingerprint) <
         std::make_tuple(b->location.line, b->location.column, -static_cast<int>(b->severity), b->rule,
                         b->object.to_string(), b->fingerprint);
}

std::vector<FileGroup> group_by_file(const std::vector<core::Finding>& findings) {
  std::map<std::string, std::vector<const core::Finding*>> by_file;
  for (const core::Finding& finding : findings) {
    by_file[finding.location.file].push_back(&finding);
  }
  std::vector<FileGroup> groups;
  for (auto& [file, list] : by_file) {
    std::stable_sort(list.begin(), list.end(), by_position);
    groups.push_back(FileGroup{file, std::move(list)});
  }
  // std::map put the empty file name first; it belongs last.
  if (!groups.empty() && groups.front().file.empty()) {
    std::rotate(groups.begin(), groups.begin() + 1, groups.end());
  }
  return groups;
}

std::string plural(std::size_t count, std::string_view noun) {
  std::string out = std::to_string(count) + " ";
  out += noun;
  if (count != 1) {
    out += 's';
  }
  return out;
}

// Text after a label, wrapped with a hanging indent under the text.
void write_labelled(std::ostream& out, std::string_view label, std::string_view text) {
  const std::string lead = std::string(k_detail_indent) + std::string(label) + " ";
  out << lead << wrap(sanitize_for_terminal(text), k_width, lead.size(), std::string(lead.size(), ' '))
      << "\n";
}

// Lines kept as they are (DDL, Drizzle code), each indented.
void write_block(std::ostream& out, std::string_view label, std::string_view text) {
  out << k_detail_indent << label << "\n";
  for (const std::string& line : core::split(sanitize_for_terminal(text), '\n')) {
    out << k_block_indent << line << "\n";
  }
}

void write_header(std::ostream& out, const ReportInput& input, const Ansi& ansi) {
  std::string schema = input.schema_description;
  if (schema.empty()) {
    schema = input.schema_source.empty() ? "none" : input.schema_source;
  }
  out << ansi.bold("Schema:") << " " << wrap(sanitize_for_terminal(schema), k_width, 8, "        ") << "\n";
  if (!input.verbose) {
    return;
  }
  if (!input.inputs.empty()) {
    out << "Inputs: " << wrap(sanitize_for_terminal(core::join(input.inputs, ", ")), k_width, 8, "        ")
        << "\n";
  }
  for (const std::string& note : input.notes) {
    out << "  note: " << wrap(sanitize_for_terminal(note), k_width, 8, "        ") << "\n";
  }
}

std::string where_of(const core::Finding& finding) {
  if (finding.location.known()) {
    return finding.location.to_string();
  }
  const std::string object = finding.object.to_string();
  return object.empty() ? "-" : object;
}

void write_evidence(std::ostream& out, const core::Evidence& evidence) {
  std::string head = "evidence";
  if (!evidence.kind.empty()) {
    head += " (" + evidence.kind + ")";
  }
  if (evidence.location.known()) {
    head += " " + evidence.location.to_string();
  }
  out << k_detail_indent << sanitize_for_terminal(head) << "\n";
  if (!evidence.detail.empty()) {
    out << k_block_indent
        << wrap(sanitize_for_terminal(evidence.detail), k_width, k_block_indent.size(), k_block_indent)
        << "\n";
  }
}

void write_fix(std::ostream& out, const core::Fix& fix) {
  if (!fix.ddl.empty()) {
    write_block(out, fix.kind == core::FixKind::shell ? "fix (shell):" : "fix (SQL):", fix.ddl);
  }
  if (!fix.drizzle.empty()) {
    write_block(out, "fix (Drizzle):", fix.drizzle);
  }
  if (!fix.drizzle_file.empty()) {
    std::string where = fix.drizzle_file;
    if (!fix.drizzle_table.empty()) {
      where += ", table `" + fix.drizzle_table + "`";
    }
    write_labelled(out, "in:", where);
  }
  if (!fix.commands.empty()) {
    write_block(out, "then run:", fix.commands);
  }
  if (!fix.safety_note.empty()) {
    write_labelled(out, "safety:", fix.safety_note);
  }
}

void write_finding(std::ostream& out, const core::Finding& finding, const Ansi& ansi) {
  const std::string where = sanitize_for_terminal(where_of(finding));
  const std::string_view severity = core::to_string(finding.severity);
  const std::string rule = sanitize_for_terminal(finding.rule);
  const std::string message = sanitize_for_terminal(finding.message);
  const std::size_t used = display_width(where) + 2 + severity.size() + 2 + display_width(rule) + 2;
  out << where << "  " << ansi.severity(finding.severity, severity) << "  " << rule;
  const std::size_t first_word = display_width(message.substr(0, message.find_first_of(" \n")));
  if (used + first_word <= k_width) {
    out << "  " << wrap(message, k_width, used, k_detail_indent) << "\n";
  } else {
    // A long path left no room: the whole message goes below, indented.
    out << "\n" << k_detail_indent << wrap(message, k_width, k_detail_indent.size(), k_detail_indent) << "\n";
  }
  if (!finding.help.empty()) {
    write_labelled(out, "help:", finding.help);
  }
  for (const core::Evidence& evidence : finding.evidence) {
    write_evidence(out, evidence);
  }
  if (finding.fix) {
    write_fix(out, *finding.fix);
  }
}

void write_groups(std::ostream& out, const std::vector<FileGroup>& groups, const Ansi& ansi) {
  for (const FileGroup& group : groups) {
    const std::string title =
        group.file.empty() ? std::string("without a file location") : sanitize_for_terminal(group.file);
    out << "\n" << ansi.bold("== " + title) << " (" << plural(group.findings.size(), "finding") << ")\n";
    for (const core::Finding* finding : group.findings) {
      out << "\n";
      write_finding(out, *finding, ansi);
    }
  }
}

void write_rules_run(std::ostream& out, const engine::RunReport& run) {
  const std::string lead = "Rules run (" + std::to_string(run.rules_run.size()) + "): ";
  out << "\n" << lead << wrap(core::join(run.rules_run, ", "), k_width, lead.size(), k_detail_indent) << "\n";
  if (run.skipped.empty()) {
    return;
  }
  out << "Skipped rules:\n";
  for (const std::string& entry : run.skipped) {
    out << k_detail_indent
        << wrap(sanitize_for_terminal(entry), k_width, k_detail_indent.size(), k_block_indent) << "\n";
  }
}

std::string summary_line(const engine::RunReport& run, const Ansi& ansi) {
  const SeverityCounts counts = count_by_severity(run.findings);
  std::vector<std::string> extras;
  if (run.suppressed > 0) {
    extras.push_back(std::to_string(run.suppressed) + " suppressed");
  }
  if (run.hidden > 0) {
    extras.push_back(std::to_string(run.hidden) + " hidden below --min-severity");
  }
  const std::string tail = extras.empty() ? "" : "(" + core::join(extras, ", ") + ")";
  if (counts.total == 0) {
    return "No findings" + (tail.empty() ? "" : " " + tail) + ".";
  }
  std::vector<std::string> plain;
  std::vector<std::string> painted;
  for (core::Severity severity : k_severities_descending) {
    if (const std::size_t n = counts.of(severity); n > 0) {
      plain.push_back(std::to_string(n) + " " + std::string(core::to_string(severity)));
      painted.push_back(ansi.severity(severity, plain.back()));
    }
  }
  const std::string head = plural(counts.total, "finding") + ": ";
  if (tail.empty()) {
    return head + core::join(painted, ", ");
  }
  // Measured without escape codes: they take no columns.
  const bool fits = head.size() + core::join(plain, ", ").size() + 1 + tail.size() <= k_width;
  return head + core::join(painted, ", ") + (fits ? " " : "\n" + std::string(k_detail_indent)) + tail;
}

} // namespace

void write_text(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  const Ansi ansi(input.color);
  write_header(out, input, ansi);
  write_groups(out, group_by_file(run.findings), ansi);
  if (input.verbose) {
    write_rules_run(out, run);
  }
  out << "\n" << summary_line(run, ansi) << "\n";
}

} // namespace pgadvise::reporters
