#include "rules/project/reach/invocation_targets.hpp"

#include <string_view>

namespace pgadvise::rules::reach {

using namespace model; // NOLINT(google-build-using-namespace): reads the project model throughout

namespace {

std::string parent_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string{} : std::string(path.substr(0, slash));
}

std::string base_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// `*` matches any run of characters (npm-run-all patterns, workspace globs).
bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) {
    return text.empty();
  }
  if (pattern[0] == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (glob_match(pattern.substr(1), text.substr(i))) {
        return true;
      }
    }
    return false;
  }
  return !text.empty() && pattern[0] == text[0] && glob_match(pattern.substr(1), text.substr(1));
}

// `./apps/api`, `api...`, `^api`, `{apps/api}` -> what a selector names.
std::string clean_selector(std::string selector) {
  while (!selector.empty() && (selector[0] == '^' || selector[0] == '{' || selector[0] == '!')) {
    selector.erase(0, 1);
  }
  while (!selector.empty() && (selector.back() == '.' || selector.back() == '}' || selector.back() == '/')) {
    selector.pop_back();
  }
  if (selector.rfind("./", 0) == 0) {
    selector.erase(0, 2);
  }
  return selector;
}

// Whether a workspace selector (`--filter api`, `-w apps/api`, a glob) names the package.
bool selects(const std::string& selector, const Package& package) {
  const std::string wanted = clean_selector(selector);
  return !wanted.empty() && (package.name == wanted || package.dir == wanted ||
                             glob_match(wanted, package.name) || glob_match(wanted, package.dir));
}

bool in_workspace(const Package& package, const std::string& workspace) {
  return workspace.empty() ||
         (package.dir.size() > workspace.size() && package.dir.compare(0, workspace.size(), workspace) == 0 &&
          package.dir[workspace.size()] == '/');
}

// The packages `keep` accepts inside the invocation's workspace; when none
// does (a command whose folder pgadvise cannot place), those of the whole
// project, as before workspaces were told apart.
template <typename Keep>
std::vector<const Package*> packages_reached(const Project& project, const Invocation& inv, Keep keep) {
  const std::string workspace = workspace_dir(project, inv.package_dir);
  std::vector<const Package*> inside;
  std::vector<const Package*> anywhere;
  for (const Package& package : project.packages) {
    if (keep(package)) {
      (in_workspace(package, workspace) ? inside : anywhere).push_back(&package);
    }
  }
  return inside.empty() ? anywhere : inside;
}

} // namespace

std::string workspace_dir(const Project& project, const std::string& dir) {
  for (std::string at = dir;; at = parent_of(at)) {
    for (const Package& package : project.packages) {
      if (package.dir == at && !package.workspace_globs.empty()) {
        return at;
      }
    }
    if (at.empty()) {
      return dir;
    }
  }
}

const Package* package_run_in(const Project& project, const Invocation& inv) {
  if (!inv.workspace.empty() && inv.workspace != "*") {
    const std::vector<const Package*> selected = packages_reached(
        project, inv, [&](const Package& package) { return selects(inv.workspace, package); });
    if (!selected.empty()) {
      return selected.front();
    }
  }
  return package_for_dir(project, inv.package_dir);
}

std::vector<std::pair<const Package*, const Script*>> scripts_run_by(const Project& project,
                                                                     const Invocation& inv) {
  std::vector<const Package*> packages;
  if (inv.workspace == "*") {
    packages = packages_reached(project, inv, [](const Package& package) { return !package.dir.empty(); });
  } else if (!inv.workspace.empty()) {
    packages = packages_reached(project, inv,
                                [&](const Package& package) { return selects(inv.workspace, package); });
  } else if (const Package* package = package_for_dir(project, inv.package_dir)) {
    packages.push_back(package);
  }
  std::vector<std::pair<const Package*, const Script*>> out;
  for (const Package* package : packages) {
    const bool hooks = package->package_manager == "npm" || package->package_manager == "yarn";
    for (const Script& script : package->scripts) {
      const bool named = inv.target.find('*') != std::string::npos ? glob_match(inv.target, script.name)
                                                                   : script.name == inv.target;
      // npm and yarn run preX and postX around X.
      const bool hook = hooks && inv.target.find('*') == std::string::npos &&
                        (script.name == "pre" + inv.target || script.name == "post" + inv.target);
      if (named || hook) {
        out.emplace_back(package, &script);
      }
    }
  }
  return out;
}

const CommandFile* file_run_by(const Project& project, const Invocation& inv) {
  const std::vector<CommandFile>& files = project.command_files;
  for (const CommandFile& file : files) {
    if (file.target.empty() && file.path == inv.target) {
      return &file;
    }
  }
  // Container paths (/app/docker-entrypoint.sh) and files copied elsewhere: match the name,
  // preferring the directory the command runs in.
  const std::string name = base_of(inv.target);
  const CommandFile* only = nullptr;
  int count = 0;
  for (const CommandFile& file : files) {
    if (!file.target.empty() || base_of(file.path) != name) {
      continue;
    }
    if (parent_of(file.path) == inv.package_dir) {
      return &file;
    }
    only = &file;
    ++count;
  }
  return count == 1 ? only : nullptr;
}

const CommandFile* target_run_by(const Project& project, const Invocation& inv) {
  const std::string dir = parent_of(inv.makefile);
  for (const CommandFile& file : project.command_files) {
    if (file.target.empty() || parent_of(file.path) != dir) {
      continue;
    }
    const bool same_file = file.path == inv.makefile || base_of(inv.makefile) == "Makefile";
    if (same_file && (inv.target.empty() || file.target == inv.target)) {
      return &file; // an empty target is the file's first (default) target
    }
  }
  return nullptr;
}

} // namespace pgadvise::rules::reach
