#pragma once

#include "model/project.hpp"

namespace pgadvise::loaders {

// Scans the files under project.root (already set) for where commands run:
// package.json scripts and workspaces, Dockerfiles and their entrypoint
// scripts, docker-compose, Procfile, GitHub Actions, GitLab CI, vercel.json,
// netlify.toml, fly.toml, render.yaml, railway.{json,toml}, Makefiles and
// shell scripts; and the Drizzle query calls of its TypeScript. Fills project.packages, sites, command_files,
// deploy_configs, query_calls and scan_notes (malformed files are located notes; the scan
// goes on). Skips node_modules, VCS and build output folders.
void scan_project(model::Project& project);

} // namespace pgadvise::loaders
