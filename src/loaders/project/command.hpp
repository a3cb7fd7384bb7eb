#pragma once

#include "core/source_location.hpp"
#include "loaders/project/conditions.hpp"
#include "model/project_graph.hpp"

#include <string>
#include <string_view>
#include <vector>

// Splits shell command lines into the invocations the push rule follows:
// drizzle-kit push/migrate, package scripts (npm/pnpm/yarn/bun/turbo/run-s),
// shell scripts and make targets, through `&&`/`;`/`||`, `cd`, env
// assignments, cross-env, dotenv, `sh -c "..."` and similar wrappers.
namespace pgadvise::loaders {

struct ShellState {
  std::string cwd;              // relative to the project root ("" = root)
  std::vector<std::string> env; // exported KEY=VALUE, carried to later lines
  const std::vector<std::string>* package_dirs =
      nullptr;                // maps absolute container paths (/app/server) to dirs
  ShellConditions conditions; // open if/case blocks and early exits, carried to later lines
  core::SourceLocation at;    // the line being read, when known (guards are located there)
};

// One command line (may hold several simple commands). Updates `state`
// for `cd` and `export`.
std::vector<model::Invocation> parse_invocations(std::string_view command, ShellState& state);
// An exec-form argv (Dockerfile ["npm", "run", "x"], compose command lists).
std::vector<model::Invocation> parse_invocations(const std::vector<std::string>& argv, ShellState& state);

// A script body (shell file, `run: |` block, Makefile recipe lines): one
// Command per logical line (backslash continuations joined), comments and
// blank lines skipped, located at first_line + offset.
std::vector<model::Command> parse_script_text(std::string_view text, const std::string& file, int first_line,
                                              ShellState& state);

// `base` joined with a relative `path`, "." and ".." resolved; "" is the root.
std::string join_relative(std::string_view base, std::string_view path);
// Maps an absolute path (/app/apps/api) to the longest package dir that is a
// suffix of it ("apps/api"); false when none is.
bool map_absolute_dir(std::string_view absolute, const std::vector<std::string>& package_dirs,
                      std::string& out);

} // namespace pgadvise::loaders
