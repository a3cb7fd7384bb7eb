// The resolver's reading of tsconfig.json and jsconfig.json: a folder's
// nearest config, its `extends` chain (relative files and packages, the
// workspace's own or installed), and the `paths` and `baseUrl` a bare
// specifier is looked up in.
#include "core/file.hpp"
#include "loaders/typescript/jsonc.hpp"
#include "loaders/typescript/module_resolver.hpp"
#include "loaders/typescript/module_resolver_internal.hpp"

namespace pgadvise::loaders::ts {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

using core::is_dir;
using core::is_file;

namespace {

// `extends` chains longer than this are cut (a cycle, or a hostile file).
constexpr int k_max_extends = 16;

} // namespace

ModuleResolver::TsConfig ModuleResolver::read_tsconfig(const fs::path& file, int depth) {
  TsConfig config;
  const fs::path dir = file.parent_path();
  config.paths_dir = dir;
  const auto text = core::read_file(file, detail::k_max_config_bytes);
  if (!text) {
    problem(text.error().to_string());
    return config;
  }
  std::string error;
  const Json json = parse_jsonc(*text, &error);
  if (!json.is_object()) {
    problem(file.generic_string() + ": " + (error.empty() ? "not a JSON object" : error));
    return config;
  }
  // The bases first, in order; this file's own options over them.
  inherit(config, file, json, depth);
  const auto options = json.find("compilerOptions");
  if (options == json.end() || !options->is_object()) {
    return config;
  }
  if (const std::string base_url = detail::string_field(*options, "baseUrl"); !base_url.empty()) {
    config.base_url = (dir / base_url).lexically_normal();
  }
  if (const auto paths = options->find("paths"); paths != options->end() && paths->is_object()) {
    config.paths.clear();
    config.paths_dir = dir;
    for (const auto& [pattern, targets] : paths->items()) {
      PathPattern entry{pattern, {}};
      if (targets.is_array()) {
        for (const Json& target : targets) {
          if (target.is_string()) {
            entry.targets.push_back(target.get<std::string>());
          }
        }
      }
      config.paths.push_back(std::move(entry));
    }
  }
  if (const std::string out_dir = detail::string_field(*options, "outDir"); !out_dir.empty()) {
    config.out_dir = out_dir;
  }
  if (const std::string root_dir = detail::string_field(*options, "rootDir"); !root_dir.empty()) {
    config.root_dir = root_dir;
  }
  return config;
}

void ModuleResolver::inherit(TsConfig& config, const fs::path& file, const Json& json, int depth) {
  std::vector<std::string> bases;
  if (const auto extends = json.find("extends"); extends != json.end()) {
    if (extends->is_string()) {
      bases.push_back(extends->get<std::string>());
    } else if (extends->is_array()) {
      for (const Json& item : *extends) {
        if (item.is_string()) {
          bases.push_back(item.get<std::string>());
        }
      }
    }
  }
  for (const std::string& base : bases) {
    if (depth >= k_max_extends) {
      problem(file.generic_string() + ": `extends` goes deeper than " + std::to_string(k_max_extends) +
              " files; the rest is not read");
      break;
    }
    const std::optional<fs::path> base_file = find_extended(file.parent_path(), base);
    if (!base_file) {
      continue; // a package that is not installed: its options stay unknown
    }
    TsConfig inherited = read_tsconfig(*base_file, depth + 1);
    if (inherited.base_url) {
      config.base_url = inherited.base_url;
    }
    if (!inherited.paths.empty()) {
      config.paths = std::move(inherited.paths);
      config.paths_dir = inherited.paths_dir;
    }
    if (!inherited.out_dir.empty()) {
      config.out_dir = inherited.out_dir;
    }
    if (!inherited.root_dir.empty()) {
      config.root_dir = inherited.root_dir;
    }
  }
}

std::optional<fs::path> ModuleResolver::find_extended(const fs::path& config_dir,
                                                      const std::string& extends) {
  const auto as_config = [](const fs::path& path) -> std::optional<fs::path> {
    if (is_file(path)) {
      return path.lexically_normal();
    }
    if (is_file(path.string() + ".json")) {
      return fs::path(path.string() + ".json").lexically_normal();
    }
    if (is_file(path / "tsconfig.json")) {
      return (path / "tsconfig.json").lexically_normal();
    }
    return std::nullopt;
  };
  if (detail::is_relative(extends) || fs::path(extends).is_absolute()) {
    return as_config(config_dir / extends);
  }
  // A package: the workspace's own, or an installed one.
  const auto [name, subpath] = detail::split_package(extends);
  std::vector<fs::path> dirs;
  if (const fs::path* own = package_dir(name, config_dir)) {
    dirs.push_back(*own);
  }
  for (fs::path at = config_dir; !at.empty(); at = at.parent_path()) {
    dirs.push_back(at / "node_modules" / name);
    if (at == at.parent_path()) {
      break;
    }
  }
  for (const fs::path& dir : dirs) {
    if (!is_dir(dir)) {
      continue;
    }
    if (subpath == ".") {
      const std::string field = detail::string_field(manifest(dir), "tsconfig");
      if (auto found = as_config(field.empty() ? dir / "tsconfig.json" : dir / field)) {
        return found;
      }
      continue;
    }
    if (auto found = as_config(dir / subpath)) {
      return found;
    }
  }
  return std::nullopt;
}

const ModuleResolver::TsConfig& ModuleResolver::config_for_dir(const fs::path& dir) {
  return config_of_folder(dir.native());
}

namespace {

// fs::path(dir).parent_path() as text, when the folder has one above it.
std::optional<std::string_view> parent_folder(std::string_view dir) {
  const std::size_t slash = dir.rfind('/');
  if (slash == std::string_view::npos) {
    return std::nullopt; // `a` (a relative path's first name)
  }
  if (slash == 0) {
    return dir.size() > 1 ? std::optional<std::string_view>("/") : std::nullopt; // `/a`; `/` itself
  }
  return dir.substr(0, slash);
}

} // namespace

// The folder's nearest tsconfig.json or jsconfig.json, up to the workspace
// root (or the file system's, for a file outside it): as text, and found
// among the folders asked before without making a path of it (a large
// monorepo asks it of each folder for each package name).
const ModuleResolver::TsConfig& ModuleResolver::config_of_folder(std::string_view dir) {
  m_folder.assign(dir);
  if (const auto found = m_dir_configs.find(m_folder); found != m_dir_configs.end()) {
    return *found->second;
  }
  const TsConfig* config = &m_no_config;
  for (const std::string_view name : {"tsconfig.json", "jsconfig.json"}) {
    std::string file;
    detail::join_name(file, dir, name);
    if (holds(dir, name, [&file] { return is_file(file); })) {
      auto [it, inserted] = m_configs.try_emplace(fs::path(file));
      if (inserted) {
        it->second = read_tsconfig(it->first, 0);
      }
      config = &it->second;
      break;
    }
  }
  if (config == &m_no_config && dir != m_root_text) {
    if (const std::optional<std::string_view> parent = parent_folder(dir)) {
      config = &config_of_folder(*parent);
    }
  }
  m_dir_configs.emplace(std::string(dir), config);
  return *config;
}

// The file as text, as resolve_from's relative imports are: no path object
// per candidate (a real monorepo's aliases, `@/components/...`, are
// thousands of names per tsconfig).
std::optional<std::string> ModuleResolver::resolve_paths(const TsConfig& config, std::string_view specifier) {
  // The pattern with the longest prefix before its `*` wins, as in TypeScript.
  const PathPattern* best = nullptr;
  std::string best_star;
  std::size_t best_prefix = 0;
  for (const PathPattern& entry : config.paths) {
    const auto star = detail::match_star(entry.pattern, specifier);
    if (!star) {
      continue;
    }
    const std::size_t prefix =
        entry.pattern.find('*') == std::string::npos ? entry.pattern.size() + 1 : entry.pattern.find('*');
    if (best == nullptr || prefix > best_prefix) {
      best = &entry;
      best_star = *star;
      best_prefix = prefix;
    }
  }
  if (best == nullptr) {
    return std::nullopt;
  }
  const std::string& base = (config.base_url ? *config.base_url : config.paths_dir).native();
  std::string joined;
  for (const std::string& target : best->targets) {
    const std::string replaced = detail::replace_star(target, best_star);
    if (!replaced.empty() && replaced[0] == '/') { // as `base / replaced`
      joined = replaced;
    } else {
      detail::join_name(joined, base, replaced);
    }
    if (auto found = resolve_file_text(core::lexically_normal(joined))) {
      return found;
    }
  }
  return std::nullopt;
}

} // namespace pgadvise::loaders::ts
