#include "loaders/typescript/module_resolver.hpp"

#include "core/file.hpp"
#include "core/tree_walk.hpp"
#include "loaders/typescript/jsonc.hpp"
#include "loaders/typescript/module_resolver_internal.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders::ts {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

namespace {

// Conditional `exports` nested deeper than this are not followed.
constexpr int k_max_condition_depth = 16;
// A workspace walk visits at most this many directory entries.
constexpr std::size_t k_max_workspace_entries = 50000;

constexpr std::array<std::string_view, 8> k_extensions = {".ts", ".tsx", ".mts", ".cts",
                                                          ".js", ".jsx", ".mjs", ".cjs"};

using core::is_dir;
using core::is_file;

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.compare(text.size() - tail.size(), tail.size(), tail) == 0;
}

bool is_declaration_file(std::string_view path) {
  return ends_with(path, ".d.ts") || ends_with(path, ".d.mts") || ends_with(path, ".d.cts");
}

} // namespace

namespace detail {

bool is_relative(std::string_view specifier) {
  return specifier == "." || specifier == ".." || specifier.rfind("./", 0) == 0 ||
         specifier.rfind("../", 0) == 0;
}

std::optional<std::string> match_star(std::string_view pattern, std::string_view text) {
  const auto star = pattern.find('*');
  if (star == std::string_view::npos) {
    return pattern == text ? std::optional<std::string>(std::string()) : std::nullopt;
  }
  const std::string_view prefix = pattern.substr(0, star);
  const std::string_view suffix = pattern.substr(star + 1);
  if (text.size() < prefix.size() + suffix.size() || text.substr(0, prefix.size()) != prefix ||
      !ends_with(text, suffix)) {
    return std::nullopt;
  }
  return std::string(text.substr(prefix.size(), text.size() - prefix.size() - suffix.size()));
}

std::string replace_star(const std::string& target, const std::string& star) {
  std::string out = target;
  for (auto at = out.find('*'); at != std::string::npos; at = out.find('*', at + star.size())) {
    out.replace(at, 1, star);
  }
  return out;
}

std::pair<std::string, std::string> split_package(std::string_view specifier) {
  std::size_t cut = specifier.find('/');
  if (!specifier.empty() && specifier[0] == '@' && cut != std::string_view::npos) {
    cut = specifier.find('/', cut + 1);
  }
  if (cut == std::string_view::npos) {
    return {std::string(specifier), "."};
  }
  return {std::string(specifier.substr(0, cut)), "./" + std::string(specifier.substr(cut + 1))};
}

std::string string_field(const Json& object, const char* key) {
  if (object.is_object()) {
    const auto it = object.find(key);
    if (it != object.end() && it->is_string()) {
      return it->get<std::string>();
    }
  }
  return {};
}

void join_name(std::string& out, std::string_view folder, std::string_view name) {
  out.assign(folder);
  if (!out.empty() && out.back() != '/') {
    out += '/';
  }
  out += name;
}

} // namespace detail

using detail::is_relative;
using detail::join_name;
using detail::k_max_config_bytes;
using detail::match_star;
using detail::replace_star;
using detail::split_package;
using detail::string_field;

fs::path find_workspace_root(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  if (is_file(dir)) {
    dir = dir.parent_path();
  }
  fs::path at = dir;
  for (int level = 0; level < 20 && !at.empty(); ++level) {
    if (is_file(at / "pnpm-workspace.yaml")) {
      return at;
    }
    if (is_file(at / "package.json")) {
      if (auto text = core::read_file(at / "package.json", k_max_config_bytes)) {
        const Json manifest = parse_jsonc(*text);
        if (manifest.is_object() && manifest.contains("workspaces")) {
          return at;
        }
      }
    }
    if (at == at.parent_path()) {
      break;
    }
    at = at.parent_path();
  }
  return dir;
}

Workspace find_workspace(const fs::path& root) {
  Workspace workspace;
  std::error_code ec;
  workspace.root = fs::absolute(root, ec).lexically_normal();
  workspace.complete =
      core::walk_tree(workspace.root, k_max_workspace_entries, [&](const core::TreeEntry& entry) {
        if (entry.kind != core::TreeEntryKind::file) {
          return entry.name != "node_modules" && entry.name[0] != '.';
        }
        if (entry.name != "package.json") {
          return false;
        }
        const fs::path path = workspace.root / entry.path;
        const auto text = core::read_file(path, k_max_config_bytes);
        if (!text) {
          return false;
        }
        const std::string package = string_field(parse_jsonc(*text), "name");
        if (!package.empty()) {
          workspace.packages.push_back({package, path.parent_path().lexically_normal()});
        }
        return false;
      });
  std::sort(workspace.packages.begin(), workspace.packages.end(),
            [](const WorkspacePackage& a, const WorkspacePackage& b) { return a.dir < b.dir; });
  return workspace;
}

ModuleResolver::ModuleResolver(Workspace workspace, FileExists exists)
    : m_workspace(std::move(workspace)), m_exists(std::move(exists)) {
  if (!m_exists) {
    m_exists = [](const std::string& path) { return is_file(path); };
  }
  for (const WorkspacePackage& package : m_workspace.packages) {
    m_packages[package.name].push_back(package.dir); // in the walk's order (shallowest first)
  }
  const std::string& root = m_workspace.root.native();
  m_root_text = core::is_lexically_normal(root) ? root : core::lexically_normal(root);
  if (m_root_text.size() > 1 && m_root_text.back() == '/') {
    m_root_text.pop_back();
  }
}

void ModuleResolver::problem(const std::string& text) {
  if (std::find(m_problems.begin(), m_problems.end(), text) == m_problems.end()) {
    m_problems.push_back(text);
  }
}

// The base made normal first: each candidate is then found by its text at
// once (a `paths` target `./src/*` gave `<dir>/./src/...`, and each of up
// to 16 candidates was made normal again to be looked up).
std::optional<fs::path> ModuleResolver::resolve_file(const fs::path& base) {
  std::optional<std::string> found = resolve_file_text(
      core::is_lexically_normal(base.native()) ? base.native() : core::lexically_normal(base.native()));
  return found ? std::optional<fs::path>(std::move(*found)) : std::nullopt;
}

namespace {

// path(text).extension(), as text.
std::string_view extension_of(std::string_view text) {
  const std::size_t slash = text.rfind('/');
  const std::string_view name = slash == std::string_view::npos ? text : text.substr(slash + 1);
  if (name == "." || name == "..") {
    return {};
  }
  const std::size_t dot = name.rfind('.');
  return dot == std::string_view::npos || dot == 0 ? std::string_view() : name.substr(dot);
}

} // namespace

// Candidates are tried as text, and the answer made normal as text: a
// resolver of a large monorepo tries hundreds of thousands of them, and a
// path object splits itself into an object per name.
std::optional<std::string> ModuleResolver::resolve_file_text(const std::string& text) {
  const std::string_view ext = extension_of(text);
  std::string candidate;
  const auto exists = [&](std::string_view head, std::string_view tail) {
    candidate.assign(head);
    candidate += tail;
    return m_exists(candidate);
  };
  // `./x.js` in TypeScript source names x.ts (ESM imports spell the output).
  if (ext == ".js" || ext == ".jsx" || ext == ".mjs" || ext == ".cjs") {
    const std::string_view stem = std::string_view(text).substr(0, text.size() - ext.size());
    const std::vector<std::string_view> sources = ext == ".js" ? std::vector<std::string_view>{".ts", ".tsx"}
                                                  : ext == ".jsx" ? std::vector<std::string_view>{".tsx"}
                                                  : ext == ".mjs" ? std::vector<std::string_view>{".mts"}
                                                                  : std::vector<std::string_view>{".cts"};
    for (const std::string_view source : sources) {
      if (exists(stem, source)) {
        return core::lexically_normal(candidate);
      }
    }
  }
  if (m_exists(text) && !is_declaration_file(text)) {
    return core::lexically_normal(text);
  }
  for (const std::string_view extension : k_extensions) {
    if (exists(text, extension)) {
      return core::lexically_normal(candidate);
    }
  }
  const std::string index = text.empty() || text.back() == '/' ? text + "index" : text + "/index";
  for (const std::string_view extension : k_extensions) {
    if (exists(index, extension)) {
      return core::lexically_normal(candidate);
    }
  }
  return std::nullopt;
}

const Json& ModuleResolver::manifest(const fs::path& dir) {
  const auto found = m_manifests.find(dir);
  if (found != m_manifests.end()) {
    return found->second;
  }
  Json parsed;
  const fs::path file = dir / "package.json";
  if (auto text = core::read_file(file, k_max_config_bytes)) {
    std::string error;
    parsed = parse_jsonc(*text, &error);
    if (parsed.is_discarded()) {
      problem(file.generic_string() + ": " + error);
      parsed = Json();
    }
  }
  return m_manifests.emplace(dir, std::move(parsed)).first->second;
}

std::optional<fs::path> ModuleResolver::source_of(const fs::path& dir, const std::string& target) {
  const fs::path path = (dir / target).lexically_normal();
  if (m_exists(path.native()) && !is_declaration_file(path.native())) {
    return path;
  }
  if (!is_declaration_file(path.native())) {
    if (auto found = resolve_file(path)) {
      return found;
    }
  }
  // Built output (`dist/x.js`, `dist/x.d.ts`): the source it is built from,
  // under rootDir (or src/) where outDir (or dist/, build/, lib/, out/) was.
  const TsConfig& config = config_for_dir(dir);
  std::string relative = fs::path(target).lexically_normal().generic_string();
  if (relative.rfind("./", 0) == 0) {
    relative = relative.substr(2);
  }
  std::vector<std::string> outs = {"dist/", "build/", "lib/", "out/"};
  if (!config.out_dir.empty()) {
    std::string out = fs::path(config.out_dir).lexically_normal().generic_string();
    if (out.rfind("./", 0) == 0) {
      out = out.substr(2);
    }
    outs.insert(outs.begin(), out.back() == '/' ? out : out + "/");
  }
  const std::string root = config.root_dir.empty() ? "src" : config.root_dir;
  for (const std::string& out : outs) {
    if (relative.rfind(out, 0) != 0) {
      continue;
    }
    std::string rest = relative.substr(out.size());
    for (std::string_view tail : {".d.ts", ".d.mts", ".d.cts", ".js", ".mjs", ".cjs", ".jsx"}) {
      if (ends_with(rest, tail)) {
        rest.resize(rest.size() - tail.size());
        break;
      }
    }
    for (const fs::path& candidate : {dir / root / rest, dir / rest}) {
      if (auto found = resolve_file(candidate.lexically_normal())) {
        return found;
      }
    }
  }
  return std::nullopt;
}

std::optional<fs::path> ModuleResolver::resolve_target(const fs::path& dir, const Json& target,
                                                       const std::string& star, int depth) {
  if (depth > k_max_condition_depth) {
    return std::nullopt;
  }
  if (target.is_string()) {
    const std::string text = replace_star(target.get<std::string>(), star);
    if (text.rfind("./", 0) != 0) {
      return std::nullopt; // exports targets must be relative to the package
    }
    return source_of(dir, text);
  }
  if (target.is_array()) {
    for (const Json& item : target) {
      if (auto found = resolve_target(dir, item, star, depth + 1)) {
        return found;
      }
    }
    return std::nullopt;
  }
  if (target.is_object()) {
    // Conditions in the order written; the first that leads to a source file.
    for (const auto& [condition, value] : target.items()) {
      if (auto found = resolve_target(dir, value, star, depth + 1)) {
        return found;
      }
    }
  }
  return std::nullopt; // null: the subpath is not exported
}

std::optional<fs::path> ModuleResolver::resolve_in_package(const fs::path& dir, const std::string& subpath) {
  const Json& package = manifest(dir);
  const auto exports = package.is_object() ? package.find("exports") : package.end();
  if (package.is_object() && exports != package.end()) {
    const Json& map = *exports;
    const bool subpaths = map.is_object() && !map.empty() && map.begin().key().rfind('.', 0) == 0;
    if (!subpaths) {
      return subpath == "." ? resolve_target(dir, map, "", 0) : std::nullopt;
    }
    if (const auto exact = map.find(subpath); exact != map.end()) {
      return resolve_target(dir, *exact, "", 0);
    }
    // `"./*"` patterns: the longest prefix wins.
    const Json* best = nullptr;
    std::string best_star;
    std::size_t best_prefix = 0;
    for (const auto& [key, value] : map.items()) {
      const auto star = key.find('*') == std::string::npos ? std::nullopt : match_star(key, subpath);
      if (star && (best == nullptr || key.find('*') > best_prefix)) {
        best = &value;
        best_star = *star;
        best_prefix = key.find('*');
      }
    }
    if (best != nullptr) {
      return resolve_target(dir, *best, best_star, 0);
    }
    return std::nullopt;
  }
  if (subpath != ".") {
    return source_of(dir, subpath);
  }
  for (const char* field : {"types", "typings", "module", "main"}) {
    const std::string target = string_field(package, field);
    if (!target.empty()) {
      if (auto found = source_of(dir, target.rfind("./", 0) == 0 ? target : "./" + target)) {
        return found;
      }
    }
  }
  return resolve_file(dir / "index");
}

std::optional<fs::path> ModuleResolver::resolve_package(std::string_view specifier,
                                                        const fs::path& from_dir) {
  const auto [name, subpath] = split_package(specifier);
  if (const fs::path* dir = package_dir(name, from_dir)) {
    return resolve_in_package(*dir, subpath);
  }
  return std::nullopt; // an installed package (react, zod): no project code, when the workspace is complete
}

namespace {

// How many leading path components two paths share.
std::size_t shared_components(const fs::path& a, const fs::path& b) {
  std::size_t count = 0;
  for (auto x = a.begin(), y = b.begin(); x != a.end() && y != b.end() && *x == *y; ++x, ++y) {
    ++count;
  }
  return count;
}

} // namespace

// Several packages of one name (a folder of checkouts, each with its own
// `@repo/db`): the one nearest the importing folder, the first of the walk
// on a tie.
const fs::path* ModuleResolver::package_dir(const std::string& name, const fs::path& from_dir) const {
  const auto found = m_packages.find(name);
  if (found == m_packages.end() || found->second.empty()) {
    return nullptr;
  }
  const fs::path* best = &found->second.front();
  std::size_t best_shared = found->second.size() > 1 ? shared_components(*best, from_dir) : 0;
  for (std::size_t i = 1; i < found->second.size(); ++i) {
    if (const std::size_t shared = shared_components(found->second[i], from_dir); shared > best_shared) {
      best = &found->second[i];
      best_shared = shared;
    }
  }
  return best;
}

bool ModuleResolver::several_packages(std::string_view specifier) const {
  const auto found = m_packages.find(split_package(specifier).first);
  return found != m_packages.end() && found->second.size() > 1;
}

// A workspace package the walk did not list, linked into node_modules
// (pnpm, yarn and npm workspaces all link them) in `from_dir` or a folder
// above it up to the workspace root: the nearest link of that name wins.
std::optional<fs::path> ModuleResolver::resolve_linked(std::string_view from_dir,
                                                       std::string_view specifier) {
  const std::vector<fs::path>& holders = node_modules_above(from_dir);
  if (holders.empty()) {
    return std::nullopt;
  }
  const auto [name, subpath] = split_package(specifier);
  for (const fs::path& dir : holders) {
    if (const std::optional<fs::path>& target = workspace_link(dir / "node_modules" / name)) {
      return resolve_in_package(*target, subpath);
    }
  }
  return std::nullopt;
}

// The folders at and above `dir`, up to the workspace root, that hold a
// node_modules, nearest first: asked once per folder (a real monorepo's
// 15,000 files share their folders, and those their parents), so a bare
// name in a checkout with nothing installed costs a look-up.
const std::vector<fs::path>& ModuleResolver::node_modules_above(std::string_view dir) {
  m_above_key.assign(dir);
  if (const auto found = m_node_modules_above.find(m_above_key); found != m_node_modules_above.end()) {
    return found->second;
  }
  const fs::path path(dir);
  std::vector<fs::path> out;
  if (holds(dir, "node_modules", [&path] { return is_dir(path / "node_modules"); })) {
    out.push_back(path);
  }
  if (!path.empty() && path != path.parent_path() && path != m_workspace.root) {
    const std::vector<fs::path>& above = node_modules_above(path.parent_path().native());
    out.insert(out.end(), above.begin(), above.end());
  }
  return m_node_modules_above.emplace(std::string(dir), std::move(out)).first->second;
}

// Whether `dir` holds `name`: from the project's walk where it listed
// `dir`, else from the file system (`ask`).
bool ModuleResolver::holds(std::string_view dir, std::string_view name,
                           const std::function<bool()>& ask) const {
  if (m_workspace.listing) {
    if (const std::optional<bool> seen = m_workspace.listing->holds(dir, name)) {
      return *seen;
    }
  }
  return ask();
}

// Only a link that leads back into the workspace, never into an installed
// package. The folders of a real monorepo's 15,000 files share their
// parents: each link was looked at once per folder and package name.
const std::optional<fs::path>& ModuleResolver::workspace_link(const fs::path& link) {
  const auto [kept, added] = m_links.try_emplace(link.native());
  if (!added) {
    return kept->second;
  }
  std::error_code ec;
  if (!fs::is_symlink(link, ec)) {
    return kept->second;
  }
  const fs::path target = fs::weakly_canonical(link, ec);
  if (ec) {
    return kept->second;
  }
  if (!m_canonical_root) {
    std::error_code root_ec;
    m_canonical_root = fs::weakly_canonical(m_workspace.root, root_ec).generic_string() + "/";
  }
  const std::string target_text = target.generic_string();
  if (target_text.rfind(*m_canonical_root, 0) == 0 &&
      target_text.find("/node_modules/") == std::string::npos) {
    kept->second = target;
  }
  return kept->second;
}

std::optional<fs::path> ModuleResolver::resolve(const fs::path& from_file, std::string_view specifier) {
  // The folder cut from a normal path's text: no path object a call.
  const std::string& file = from_file.native();
  const std::size_t slash = file.rfind('/');
  const bool cut =
      slash != std::string::npos && slash > 0 && slash + 1 < file.size() && core::is_lexically_normal(file);
  const std::string* found = cut ? resolve_from(std::string_view(file).substr(0, slash), specifier)
                                 : resolve_from(from_file.parent_path().native(), specifier);
  return found != nullptr ? std::optional<fs::path>(*found) : std::nullopt;
}

const std::string* ModuleResolver::resolve_from(std::string_view from_dir, std::string_view specifier) {
  if (specifier.empty()) {
    return nullptr;
  }
  // Relative answers depend on the folder; the others on the nearest
  // tsconfig, which is per folder too.
  m_key.assign(from_dir);
  m_key += '\n';
  m_key += specifier;
  if (const auto found = m_cache.find(m_key); found != m_cache.end()) {
    return found->second ? &*found->second : nullptr;
  }
  std::optional<std::string> result;
  if (is_relative(specifier) || specifier[0] == '/') {
    // As text: `dir / specifier`, normal.
    std::string joined(specifier);
    if (specifier[0] != '/' && !from_dir.empty()) {
      join_name(joined, from_dir, specifier);
    }
    result = resolve_file_text(core::lexically_normal(joined));
  } else {
    // The folder's path object is made only when an answer is not kept:
    // a large monorepo asks each package name of each folder.
    const TsConfig& config = config_of_folder(from_dir);
    const auto resolve_bare = [&]() -> std::optional<std::string> {
      if (std::optional<std::string> found = resolve_paths(config, specifier)) {
        return found;
      }
      if (config.base_url) {
        std::string joined;
        join_name(joined, config.base_url->native(), specifier);
        if (std::optional<std::string> found = resolve_file_text(core::lexically_normal(joined))) {
          return found;
        }
      }
      const std::optional<fs::path> found = resolve_package(specifier, fs::path(from_dir));
      return found ? std::optional<std::string>(found->native()) : std::nullopt;
    };
    // A name several packages share depends on the folder too: not kept by tsconfig.
    std::optional<std::string> each;
    const std::optional<std::string>* bare = &each;
    if (several_packages(specifier)) {
      each = resolve_bare();
    } else {
      auto [kept, added] = m_config_cache[&config].try_emplace(std::string(specifier));
      if (added) {
        kept->second = resolve_bare();
      }
      bare = &kept->second;
    }
    if (*bare) {
      result = **bare;
    } else if (!m_workspace.complete) {
      if (std::optional<fs::path> linked = resolve_linked(from_dir, specifier)) {
        result = linked->native();
      }
    }
  }
  const auto& kept = m_cache.emplace(m_key, std::move(result)).first->second;
  return kept ? &*kept : nullptr;
}

} // namespace pgadvise::loaders::ts
