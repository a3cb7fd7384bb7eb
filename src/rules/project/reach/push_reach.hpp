#pragma once

#include "core/source_location.hpp"
#include "model/project.hpp"
#include "model/project_graph.hpp"

#include <functional>
#include <string>
#include <vector>

// How `drizzle-kit push` is reached: the search drizzle-push-in-production
// runs over the project model, from every root (deployments, CI jobs,
// lifecycle scripts, scripts nothing else runs) through scripts, package
// managers, shell files and Makefiles to the push.
namespace pgadvise::rules::reach {

struct ChainStep {
  core::SourceLocation location;
  std::string label; // "ENTRYPOINT", "npm run db:push -- --force", "\"db:push\"", "drizzle-kit push"
};

enum class RootKind {
  site,        // an model::ExecutionSite (deployment, CI job, lifecycle script, ...)
  script,      // a package script nothing else runs
  command_file // a shell script or Makefile target nothing else runs
};

// One way `drizzle-kit push` is reached, from a root to the push.
struct PushReach {
  RootKind root = RootKind::site;
  const model::ExecutionSite* site = nullptr;    // root == site
  const model::Package* root_package = nullptr;  // root == script
  const model::Script* root_script = nullptr;    // root == script
  const model::CommandFile* root_file = nullptr; // root == command_file
  std::vector<ChainStep> steps;                  // root first, the push last
  std::vector<std::string> env;                  // KEY=VALUE and dotenv:FILE met along the way
  std::vector<model::Guard> guards;              // if / case / && conditions met along the way, located
  bool force = false;                            // --force on the push or forwarded to it
  std::string config;                            // the push's --config
  std::string push_text;                         // the push as written: "drizzle-kit push --force"
  std::string target;                            // the matched invocation's target (a program's path)
  const model::Package* package = nullptr;       // the package the push runs in (may be null)
  const model::Script* push_script = nullptr;    // the script whose command holds the push, if any
  std::vector<const model::Script*> scripts;     // every script on the way
  // What to replace for the fix: the push itself, or the call of a script
  // that only pushes.
  core::SourceLocation edit_location;
  std::string edit_text;
  bool edit_is_script_call = false;
};

// What a search looks for: the invocations that end a chain (a push, a
// seed program), the label of that last step and what the search is called
// in its notes.
struct ReachTarget {
  std::function<bool(const model::Invocation&)> matches;
  std::function<std::string(const model::Invocation&)> label;
  std::string what; // "drizzle-kit push", "a seed script"
};

// Every root's ways to the target, by the same walk as find_push_reaches.
std::vector<PushReach> find_reaches(const model::Project& project, const ReachTarget& target,
                                    std::vector<model::ScanNote>* notes = nullptr);

// Every root's ways to `drizzle-kit push`: what lies below each script, file
// and target is found once and shared by every caller, so the cost follows
// the scripts read, not the paths through them. Cycles are cut; calls nested
// deeper than a bound are not followed, and `notes` (when given) says where.
std::vector<PushReach> find_push_reaches(const model::Project& project,
                                         std::vector<model::ScanNote>* notes = nullptr);

// "server/Dockerfile:49 ENTRYPOINT -> server/docker-entrypoint.sh:6 npm run db:push -- --force -> ..."
// (a step at the same place as the one before shows no location).
std::string render_chain(const std::vector<ChainStep>& steps);

} // namespace pgadvise::rules::reach
