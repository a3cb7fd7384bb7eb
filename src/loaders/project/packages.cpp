// package.json scripts and workspaces, pnpm-workspace.yaml, and which
// package manager each package uses.
#include "core/text.hpp"
#include "loaders/project/context.hpp"
#include "loaders/project/yaml.hpp"

#include <algorithm>
#include <array>
#include <set>

namespace pgadvise::loaders::scan {

namespace {

// Scripts that run without anyone typing `npm run X`: lifecycle hooks and
// the names hosting platforms call (heroku-postbuild, vercel-build, ...).
constexpr std::array<std::string_view, 22> k_lifecycle = {
    "start",          "prestart",     "poststart",   "build",       "prebuild",        "postbuild",
    "install",        "preinstall",   "postinstall", "prepare",     "deploy",          "predeploy",
    "postdeploy",     "release",      "prerelease",  "postrelease", "heroku-prebuild", "heroku-postbuild",
    "heroku-cleanup", "vercel-build", "now-build",   "render-build"};

bool is_site_script(std::string_view name) {
  if (std::find(k_lifecycle.begin(), k_lifecycle.end(), name) != k_lifecycle.end()) {
    return true;
  }
  for (const std::string& word : core::lower_words(name)) {
    if (word == "prod" || word == "production" || word == "deploy" || word == "release" ||
        word == "staging") {
      return true;
    }
  }
  return false;
}

std::vector<std::string> string_list(const nlohmann::json& value) {
  std::vector<std::string> out;
  const nlohmann::json* list = &value;
  if (value.is_object() && value.contains("packages")) {
    list = &value["packages"]; // yarn's { "packages": [...] } form
  }
  if (list->is_array()) {
    for (const auto& item : *list) {
      if (item.is_string()) {
        out.push_back(item.get<std::string>());
      }
    }
  }
  return out;
}

// "pnpm@8.15.0" -> "pnpm"
std::string manager_name(std::string_view field) {
  std::string name = core::to_lower(field.substr(0, field.find('@')));
  if (name == "npm" || name == "pnpm" || name == "yarn" || name == "bun") {
    return name;
  }
  return {};
}

} // namespace

void scan_package_json(ScanContext& context, const std::string& file) {
  const std::optional<JsonFile> config = read_json_object(context, file);
  if (!config) {
    return;
  }
  model::Package package;
  package.dir = parent_dir(file);
  package.manifest = file;
  package.package_manager.clear(); // filled by assign_package_managers unless packageManager says
  if (config->json.contains("name") && config->json["name"].is_string()) {
    package.name = config->json["name"].get<std::string>();
  }
  if (config->json.contains("packageManager") && config->json["packageManager"].is_string()) {
    package.package_manager = manager_name(config->json["packageManager"].get<std::string>());
  }
  if (config->json.contains("workspaces")) {
    package.workspace_globs = string_list(config->json["workspaces"]);
  }
  const auto scripts = config->json.find("scripts");
  if (scripts != config->json.end() && scripts->is_object()) {
    const int scripts_line = std::max(1, json_key_line(config->text, "scripts"));
    for (const auto& [name, value] : scripts->items()) {
      if (!value.is_string()) {
        continue;
      }
      model::Script script;
      script.name = name;
      script.command.text = value.get<std::string>();
      script.command.location = {file, json_key_line(config->text, name, scripts_line), 0};
      ShellState state = context.shell(package.dir);
      script.command.invocations = parse_invocations(script.command.text, state);
      package.scripts.push_back(std::move(script));
    }
  }
  for (const model::Script& script : package.scripts) {
    if (!is_site_script(script.name)) {
      continue;
    }
    model::ExecutionSite site;
    site.kind = model::SiteKind::package_script;
    site.file = file;
    site.label = "\"" + script.name + "\"";
    site.commands.push_back(script.command);
    site.context.names.push_back({"script", script.name, script.command.location});
    context.add_site(std::move(site));
  }
  context.project().packages.push_back(std::move(package));
}

void scan_pnpm_workspace(ScanContext& context, const std::string& file) {
  const std::optional<yaml::Document> doc = read_yaml(context, file);
  if (!doc) {
    return;
  }
  const yaml::Node* packages = doc->root.get("packages");
  if (packages == nullptr || !packages->is_seq()) {
    return;
  }
  const std::string dir = parent_dir(file);
  for (model::Package& package : context.project().packages) {
    if (package.dir != dir) {
      continue;
    }
    for (const yaml::Node& item : packages->items) {
      if (item.is_scalar() && !item.scalar.empty() && item.scalar[0] != '!') {
        package.workspace_globs.push_back(item.scalar);
      }
    }
  }
}

void assign_package_managers(ScanContext& context, const std::vector<std::string>& files) {
  const std::set<std::string> present(files.begin(), files.end());
  auto& packages = context.project().packages;
  const auto explicit_at = [&packages](const std::string& dir) -> std::string {
    for (const model::Package& package : packages) {
      if (package.dir == dir && !package.package_manager.empty()) {
        return package.package_manager;
      }
    }
    return {};
  };
  const auto lockfile_at = [&present](const std::string& dir) -> std::string {
    const std::string prefix = dir.empty() ? std::string{} : dir + "/";
    if (present.count(prefix + "pnpm-lock.yaml") > 0) {
      return "pnpm";
    }
    if (present.count(prefix + "yarn.lock") > 0) {
      return "yarn";
    }
    if (present.count(prefix + "bun.lockb") > 0 || present.count(prefix + "bun.lock") > 0) {
      return "bun";
    }
    if (present.count(prefix + "package-lock.json") > 0 ||
        present.count(prefix + "npm-shrinkwrap.json") > 0) {
      return "npm";
    }
    return {};
  };
  std::vector<std::string> found(packages.size());
  for (std::size_t i = 0; i < packages.size(); ++i) {
    if (!packages[i].package_manager.empty()) {
      continue;
    }
    std::string dir = packages[i].dir;
    while (true) {
      std::string manager = lockfile_at(dir);
      if (manager.empty()) {
        manager = explicit_at(dir);
      }
      if (!manager.empty()) {
        found[i] = manager;
        break;
      }
      if (dir.empty()) {
        break;
      }
      dir = parent_dir(dir);
    }
  }
  for (std::size_t i = 0; i < packages.size(); ++i) {
    if (packages[i].package_manager.empty()) {
      packages[i].package_manager = found[i].empty() ? "npm" : found[i];
    }
  }
}

} // namespace pgadvise::loaders::scan
