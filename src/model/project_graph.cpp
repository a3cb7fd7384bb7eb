#include "model/project_graph.hpp"

#include "model/project.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::model {

const Script* Package::find_script(std::string_view script) const {
  for (const Script& entry : scripts) {
    if (entry.name == script) {
      return &entry;
    }
  }
  return nullptr;
}

std::string_view to_string(SiteKind kind) {
  switch (kind) {
  case SiteKind::package_script: return "package script";
  case SiteKind::dockerfile: return "Dockerfile";
  case SiteKind::compose: return "docker compose";
  case SiteKind::procfile: return "Procfile";
  case SiteKind::github_actions: return "GitHub Actions";
  case SiteKind::gitlab_ci: return "GitLab CI";
  case SiteKind::platform: return "platform";
  }
  return "package script";
}

namespace {

std::string parent_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string{} : std::string(path.substr(0, slash));
}

} // namespace

const Package* package_for_dir(const Project& project, std::string_view dir) {
  std::string current(dir);
  while (true) {
    for (const Package& package : project.packages) {
      if (package.dir == current) {
        return &package;
      }
    }
    if (current.empty()) {
      return nullptr;
    }
    current = parent_of(current);
  }
}

} // namespace pgadvise::model
