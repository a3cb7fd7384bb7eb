#include "reporters/ci_output.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace pgadvise::reporters {

namespace fs = std::filesystem;

std::string repo_relative(const std::string& file, const std::string& repo_root) {
  if (file.empty()) {
    return file;
  }
  std::error_code error;
  fs::path absolute = fs::absolute(fs::path(file), error);
  if (error) {
    return fs::path(file).lexically_normal().generic_string();
  }
  absolute = absolute.lexically_normal();
  if (repo_root.empty()) {
    return fs::path(file).lexically_normal().generic_string();
  }
  const fs::path relative = absolute.lexically_relative(fs::path(repo_root).lexically_normal());
  if (relative.empty() || *relative.begin() == "..") {
    return absolute.generic_string();
  }
  return relative.generic_string();
}

Level level_of(core::Severity severity) {
  switch (severity) {
  case core::Severity::critical:
  case core::Severity::high: return Level::error;
  case core::Severity::medium: return Level::warning;
  case core::Severity::low:
  case core::Severity::info: break;
  }
  return Level::note;
}

std::string_view sarif_level(core::Severity severity) {
  switch (level_of(severity)) {
  case Level::error: return "error";
  case Level::warning: return "warning";
  case Level::note: break;
  }
  return "note";
}

core::SourceLocation primary_location(const core::Finding& finding) {
  if (finding.location.known()) {
    return finding.location;
  }
  for (const core::Evidence& evidence : finding.evidence) {
    if (evidence.location.known()) {
      return evidence.location;
    }
  }
  return {};
}

std::string repo_relative_place(const std::string& place, const std::string& repo_root) {
  // "file:line": only the file moves; a path with a ':' of its own keeps it.
  const auto colon = place.rfind(':');
  if (colon == std::string::npos || colon + 1 == place.size() ||
      place.find_first_not_of("0123456789", colon + 1) != std::string::npos) {
    return repo_relative(place, repo_root);
  }
  return repo_relative(place.substr(0, colon), repo_root) + place.substr(colon);
}

std::string_view fix_applicability_text(core::FixApplicability applicability) {
  switch (applicability) {
  case core::FixApplicability::safe: return "safe: `pgadvise fix` applies it";
  case core::FixApplicability::unsafe: return "unsafe: only `pgadvise fix --unsafe-fixes` applies it";
  case core::FixApplicability::manual: return "manual: application code, which `pgadvise fix` never writes";
  }
  return "unsafe: only `pgadvise fix --unsafe-fixes` applies it";
}

bool has_code_fix(const core::Finding& finding) {
  return finding.fix && finding.fix->kind() == core::FixKind::code &&
         (!finding.fix->code_text().empty() || !finding.fix->statements().empty());
}

namespace {

// "Fix (code change at src/jobs/worker.ts:14, table invoices)": where the
// rewrite goes, since it replaces code there rather than edits a region.
std::string code_fix_heading(const core::Fix& fix, const std::string& repo_root) {
  std::string heading = "Fix (code change";
  if (!fix.code_file().empty()) {
    heading += " at " + repo_relative_place(fix.code_file().str(), repo_root);
  }
  if (!fix.code_table().empty()) {
    heading += ", table " + fix.code_table().str();
  }
  return heading + "; " + std::string(fix_applicability_text(fix.applicability)) + ")";
}

constexpr std::string_view k_sends = "SQL the new code sends:";

} // namespace

// A fence longer than any run of backticks in the text.
std::string fence_for(std::string_view text) {
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  return std::string(std::max<std::size_t>(3, longest + 1), '`');
}

std::string fenced(std::string_view language, std::string_view text) {
  const std::string fence = fence_for(text);
  return fence + std::string(language) + "\n" + std::string(text) + "\n" + fence + "\n";
}

// Plain text as Markdown: the characters that would start emphasis, code,
// links, headings, tables or HTML are escaped.
std::string markdown_text(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (std::string_view("\\`*_[]<>#|").find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::string message_with_fix(const core::Finding& finding, const std::string& repo_root) {
  std::string text = finding.message;
  if (has_code_fix(finding)) {
    const core::Fix& fix = *finding.fix;
    text += "\n" + code_fix_heading(fix, repo_root) + ":\n";
    if (!fix.code_text().empty()) {
      text += fix.code_text().str();
      if (!fix.statements().empty()) {
        text += "\n" + std::string(k_sends) + "\n";
      }
    } else {
      text += std::string(k_sends) + "\n";
    }
    text += fix.statements();
    return text;
  }
  if (finding.fix && !finding.fix->statements().empty()) {
    text += std::string(finding.fix->statements_are_sql() ? "\nFix (" : "\nFix (commands; ") +
            std::string(fix_applicability_text(finding.fix->applicability)) + "):\n";
    text += finding.fix->statements();
  }
  return text;
}

std::string markdown_with_code_fix(const core::Finding& finding, const std::string& repo_root) {
  std::string text = markdown_text(finding.message);
  if (!has_code_fix(finding)) {
    return text;
  }
  const core::Fix& fix = *finding.fix;
  text += "\n\n**" + markdown_text(code_fix_heading(fix, repo_root)) + "**, to adapt by hand:\n\n";
  if (!fix.code_text().empty()) {
    text += fenced("ts", fix.code_text().str());
  }
  if (!fix.statements().empty()) {
    text += (fix.code_text().empty() ? "" : "\n") + std::string(k_sends) + "\n\n" +
            fenced("sql", fix.statements());
  }
  return text;
}

std::string qualified_object(const core::ObjectRef& object) {
  if (object.table.empty()) {
    return object.constraint;
  }
  std::string name = object.schema.empty() ? object.table : object.schema + "." + object.table;
  if (!object.columns.empty()) {
    name += ".";
    for (std::size_t i = 0; i < object.columns.size(); ++i) {
      name += (i > 0 ? "+" : "") + object.columns[i];
    }
  } else if (!object.constraint.empty()) {
    name += "." + object.constraint;
  }
  return name;
}

} // namespace pgadvise::reporters
