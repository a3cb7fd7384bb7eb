#pragma once

// The one way a unit test runs a single registered rule: as the engine's
// runner would, with every option at its default (overridden by the test)
// and the rule's default severity. An id no rule has fails the test, so a
// typo cannot pass as "no findings".

#include "core/finding.hpp"
#include "core/finding_sink.hpp"
#include "engine/rule.hpp"
#include "loaders/project/scan.hpp"
#include "model/project.hpp"
#include "rules/registry.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::test {

// `context` (what the rule reads: catalog, workload, project, ...) with the
// rule's options, its defaults overridden by `options`, and its default
// severity.
inline engine::RuleContext context_for(const engine::Rule& rule, engine::RuleContext context,
                                       const std::map<std::string, std::string>& options = {}) {
  std::map<std::string, std::string> values;
  for (const engine::RuleOption& option : rule.meta().options) {
    values[option.name] = option.default_value;
  }
  for (const auto& [name, value] : options) {
    // Likewise an option the rule does not declare: it would be ignored.
    if (values.count(name) == 0) {
      ADD_FAILURE() << "rule " << rule.meta().id << " has no option " << name;
    }
    values[name] = value;
  }
  context.options = engine::RuleOptions(values);
  context.severity = rule.meta().default_severity;
  return context;
}

inline std::vector<core::Finding>
run_registered_rule(std::string_view id, const engine::RuleContext& context,
                    const std::map<std::string, std::string>& options = {}) {
  const engine::Rule* rule = rules::find_rule(id);
  if (rule == nullptr) {
    ADD_FAILURE() << "no registered rule has the id " << id;
    return {};
  }
  core::FindingSink out; // keeps every finding
  rule->check(context_for(*rule, context, options), out);
  return std::move(out.held());
}

// The finding's first evidence of `kind` (chain, environment, ...), or null.
inline const core::Evidence* evidence_of(const core::Finding& finding, core::Evidence::Kind kind) {
  for (const core::Evidence& e : finding.evidence) {
    if (e.kind == kind) {
      return &e;
    }
  }
  return nullptr;
}

// A project folder read as `pgadvise lint` reads it (discovery of scripts,
// workflows, Dockerfiles, programs), for the project rules.
inline model::Project scanned_project(const std::filesystem::path& root) {
  model::Project project;
  project.root = root;
  loaders::scan_project(project);
  return project;
}

// Runs one project rule over `project`, every finding kept (info included).
inline std::vector<core::Finding> run_project_rule(std::string_view id, const model::Project& project,
                                                   const std::map<std::string, std::string>& options = {}) {
  engine::RuleContext context;
  context.project = &project;
  return run_registered_rule(id, context, options);
}

} // namespace pgadvise::test
