#pragma once

#include "model/project.hpp"
#include "model/project_graph.hpp"

#include <string>
#include <utility>
#include <vector>

// What one invocation in the project's commands runs, for the push search
// (rules/project/reach/push_reach): the package scripts `npm run X`, `pnpm
// --filter W X` or an npm-run-all glob name (with npm's and yarn's pre/post
// hooks), the shell file a command runs, the Makefile target, and the
// package the invocation runs in.
namespace pgadvise::rules::reach {

// The (package, script) pairs a run_script invocation runs, in package order.
std::vector<std::pair<const model::Package*, const model::Script*>>
scripts_run_by(const model::Project& project, const model::Invocation& inv);
// The shell file a run_file invocation runs: the same path, else the one file
// of that name (the one in the folder the command runs in first).
const model::CommandFile* file_run_by(const model::Project& project, const model::Invocation& inv);
// The Makefile target a make_target invocation runs (empty: the first target).
const model::CommandFile* target_run_by(const model::Project& project, const model::Invocation& inv);
// The folder whose packages a workspace-wide run reaches (`turbo run
// build`, `pnpm -r`, `--filter db`) from `dir`: the workspace root at or
// above it (the nearest package declaring workspaces), else `dir`. A folder
// of several projects holds several workspaces: one project's `turbo run
// build` never runs another's build, nor is deployed by its Dockerfile.
std::string workspace_dir(const model::Project& project, const std::string& dir);
// The package an invocation runs in: its workspace selector's, else its folder's.
const model::Package* package_run_in(const model::Project& project, const model::Invocation& inv);

} // namespace pgadvise::rules::reach
