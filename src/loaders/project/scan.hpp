#pragma once

#include "model/project.hpp"

#include <functional>
#include <memory>

namespace pgadvise::loaders {

namespace scan {
class SourceReadAhead;
} // namespace scan

// Scans the files under project.root (already set) for where commands run:
// package.json scripts and workspaces, Dockerfiles and their entrypoint
// scripts, docker-compose, Procfile, GitHub Actions, GitLab CI, vercel.json,
// netlify.toml, fly.toml, render.yaml, railway.{json,toml}, Makefiles and
// shell scripts; and the Drizzle query calls of its TypeScript. Fills project.packages, sites, command_files,
// deploy_configs, query_calls and scan_notes (malformed files are located notes; the scan
// goes on). Skips node_modules, VCS and build output folders.
// With CodeScan::deferred the query calls are left out and their files
// listed in project.deferred_query_files; with `read_ahead` too, those
// files are read on a thread of their own from the walk on, while the rest
// of the scan (and whatever its caller does next) goes on, for
// scan_deferred_query_calls to take.
enum class CodeScan { now, deferred };
void scan_project(model::Project& project, CodeScan code = CodeScan::now,
                  std::shared_ptr<scan::SourceReadAhead>* read_ahead = nullptr);

// The query calls a deferred scan left out, into project.query_calls and
// drizzle_relations (nothing when none were left out). Their locations are
// relative to project.root, as scan_project leaves them.
// `indexed` as scan::scan_query_calls has it; `read_ahead`, the reading
// scan_project started for them (or null).
void scan_deferred_query_calls(model::Project& project, const std::function<void()>& indexed = {},
                               scan::SourceReadAhead* read_ahead = nullptr);

} // namespace pgadvise::loaders
