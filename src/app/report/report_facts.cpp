#include "app/report/report_facts.hpp"

#include "engine/builtin_diagnostics.hpp"
#include "rules/registry.hpp"

#include <filesystem>
#include <system_error>

namespace pgadvise::app {

namespace fs = std::filesystem;

std::vector<reporters::RuleInfo> describe_rules() {
  std::vector<reporters::RuleInfo> out;
  for (const auto& rule : rules::all_rules()) {
    const engine::RuleMeta& meta = rule->meta();
    out.push_back({.id = meta.id,
                   .summary = meta.summary,
                   .severity = meta.default_severity,
                   .category = meta.category,
                   .has_fix = meta.has_fix,
                   .lens = meta.lens,
                   .each_finding_an_action = meta.each_finding_an_action});
  }
  for (const auto& diag : engine::builtin_diagnostics()) {
    out.push_back({.id = std::string(diag.id),
                   .summary = std::string(diag.summary),
                   .severity = diag.severity,
                   .category = engine::Category::input,
                   .has_fix = false});
  }
  return out;
}

std::string repository_root(const std::string& lint_path) {
  std::error_code error;
  fs::path start = fs::absolute(fs::path(lint_path.empty() ? "." : lint_path), error);
  if (error) {
    return {};
  }
  start = start.lexically_normal();
  if (!start.has_filename() && start.has_parent_path() && start != start.root_path()) {
    start = start.parent_path(); // "dir/" normalizes to "dir/" with an empty filename
  }
  if (!fs::is_directory(start, error)) {
    start = start.parent_path();
  }
  for (fs::path dir = start;; dir = dir.parent_path()) {
    if (fs::exists(dir / ".git", error)) {
      return dir.string();
    }
    if (dir == dir.root_path() || dir.parent_path() == dir) {
      break;
    }
  }
  return start.string();
}

} // namespace pgadvise::app
