#pragma once

#include "core/finding.hpp"
#include "core/source_location.hpp"
#include "engine/rule.hpp"
#include "model/project.hpp"
#include "rules/project/reach/push_reach.hpp"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

// Which environment a reach (a chain from a root to a push or a seed) runs
// against, and why, with file:line: the conditions on the way (shell if /
// case / && guards, CI `if:`, workflow_dispatch choices, matrices, branch
// filters), environments, variables, triggers, names and the kind of root.
// Shared by drizzle-push-in-production and seed-in-production.
namespace pgadvise::rules::reach {

enum class Env { production, staging, development, test, unknown };

struct Verdict {
  Verdict() = default;
  Verdict(Env env_, std::string reason_, core::SourceLocation where_)
      : env(env_), reason(std::move(reason_)), where(std::move(where_)) {}

  Env env = Env::unknown;
  std::string reason;
  core::SourceLocation where;
  // Conditions on the way pgadvise could not read: the verdict is made without them.
  std::vector<model::Guard> undecided;
  bool never_runs = false; // the conditions on the way never all hold here
};

// Names a project gives its environments (the production-names,
// staging-names and development-names options; .pgadvise.toml's
// [environments]), checked before the built-in words.
struct EnvNames {
  std::vector<std::pair<Env, std::string>> names; // lower case
};

// The rule options every environment-aware rule declares.
std::vector<engine::RuleOption> env_name_options();
EnvNames env_names(const engine::RuleOptions& options);

Verdict classify(const PushReach& reach, const model::Project& project, const EnvNames& project_names);

std::string_view to_string(Env env);
core::Severity severity_for(Env env, core::Severity production);

// The evidence a verdict adds to a finding: the environment and why, then
// each condition pgadvise could not read.
void add_verdict_evidence(core::Finding& finding, const Verdict& verdict);

// Where a reach of that environment runs, for a finding's message:
// "against production", "in development", ...
std::string_view where_it_runs(Env env);

// The reach's root for a fingerprint: the site's file and label, the root
// script's manifest and name, or the command file and target.
std::string root_identity(const PushReach& reach);

// The chain from the root to the target as evidence, one item a step.
void add_chain_evidence(core::Finding& finding, const PushReach& reach);

// Appends `finding` unless one with its fingerprint is in `seen` (one root
// can reach the same target twice: pre/post hooks, repeated calls).
void add_once(core::Finding finding, std::vector<std::string>& seen, core::FindingSink& out);

} // namespace pgadvise::rules::reach
