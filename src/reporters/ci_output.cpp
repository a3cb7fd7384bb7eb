#include "reporters/ci_output.hpp"

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

std::string message_with_fix(const core::Finding& finding) {
  std::string text = finding.message;
  if (finding.fix && !finding.fix->ddl.empty()) {
    text += core::ddl_is_sql(finding.fix->kind) ? "\nFix:\n" : "\nFix (commands):\n";
    text += finding.fix->ddl;
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
