#pragma once

#include "core/tree_walk.hpp"

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

// Which file an import names, the way TypeScript finds it: relative paths
// (`./x` as x.ts, x.tsx, x/index.ts, `./x.js` as x.ts), the `paths` and
// `baseUrl` of the nearest tsconfig.json (JSONC, with `extends`), and the
// packages of the workspace (package.json `name`, then `exports` with its
// subpaths, `*` patterns and conditions, or `types`/`main`). A target that
// is built output (`dist/index.d.ts`, `dist/x.js`) is mapped back to the
// source beside it (`src/index.ts`) when the build is not there, since
// pgadvise reads the source. Packages outside the workspace (drizzle-orm,
// zod) resolve to nothing: they hold no project code.
//
// Every answer is cached: each tsconfig and package.json is read once, and
// each (directory, specifier) resolved once.
namespace pgadvise::loaders::ts {

struct WorkspacePackage {
  std::string name;          // package.json `name`
  std::filesystem::path dir; // the folder holding its package.json
};

struct Workspace {
  std::filesystem::path root;
  std::vector<WorkspacePackage> packages;
  // Every package of the monorepo is listed: a bare import of another name
  // is an installed package, and node_modules is not searched for it.
  bool complete = false;
  // What a walk of the project saw of its folders' tsconfig.json,
  // jsconfig.json and node_modules: asked before the file system.
  std::shared_ptr<const core::FolderListing> listing;
};

// The monorepo `start` lies in: the nearest folder at or above it with a
// pnpm-workspace.yaml or a package.json that has `workspaces` (at most 20
// levels up); else `start` itself.
std::filesystem::path find_workspace_root(const std::filesystem::path& start);

// The named packages below `root` (package.json files outside node_modules
// and dot-folders, at most 50,000 entries visited).
Workspace find_workspace(const std::filesystem::path& root);

class ModuleResolver {
public:
  // Whether a file exists; the file system when not given. A caller that
  // has listed the project's files already answers from its list, so that
  // resolving is map look-ups, not a stat per candidate extension.
  using FileExists = std::function<bool(const std::string&)>;

  explicit ModuleResolver(Workspace workspace, FileExists exists = {});

  // The source file `specifier`, imported from `from_file`, names; nullopt
  // for a package outside the workspace, or when nothing is there.
  std::optional<std::filesystem::path> resolve(const std::filesystem::path& from_file,
                                               std::string_view specifier);
  // The same from the folder of the importing file, as the text of the
  // file's path (kept by the resolver, as long as it lives); nullptr for
  // none. For a caller that resolves a project's every import.
  const std::string* resolve_from(std::string_view from_dir, std::string_view specifier);

  // A relative path or a path without extension as a file: `base`, then
  // with each TypeScript and JavaScript extension, then `base/index.*`.
  std::optional<std::filesystem::path> resolve_file(const std::filesystem::path& base);
  // The same of a path's text.
  std::optional<std::string> resolve_file_text(const std::string& text);

  // tsconfig.json and package.json files that could not be read, with why
  // (file and line), once each.
  [[nodiscard]] const std::vector<std::string>& problems() const { return m_problems; }

  [[nodiscard]] const Workspace& workspace() const { return m_workspace; }

private:
  struct PathPattern {
    std::string pattern;              // "@/*", "~/server/*", "exact"
    std::vector<std::string> targets; // as written
  };
  struct TsConfig {
    std::optional<std::filesystem::path> base_url; // absolute
    std::filesystem::path paths_dir;               // what `paths` are relative to without baseUrl
    std::vector<PathPattern> paths;
    std::string out_dir;  // compilerOptions.outDir, relative to the package ("dist")
    std::string root_dir; // compilerOptions.rootDir ("src")
  };

  const TsConfig& config_for_dir(const std::filesystem::path& dir);
  const TsConfig& config_of_folder(std::string_view dir);
  TsConfig read_tsconfig(const std::filesystem::path& file, int depth);
  // The options of the files `json` extends, in order, into `config`.
  void inherit(TsConfig& config, const std::filesystem::path& file, const nlohmann::ordered_json& json,
               int depth);
  std::optional<std::filesystem::path> find_extended(const std::filesystem::path& config_dir,
                                                     const std::string& extends);
  std::optional<std::string> resolve_paths(const TsConfig& config, std::string_view specifier);
  // A workspace package's file (`@acme/db`, `@acme/db/schema`).
  std::optional<std::filesystem::path> resolve_package(std::string_view specifier,
                                                       const std::filesystem::path& from_dir);
  [[nodiscard]] const std::filesystem::path* package_dir(const std::string& name,
                                                         const std::filesystem::path& from_dir) const;
  [[nodiscard]] bool several_packages(std::string_view specifier) const;
  // The same through a node_modules link above `from_dir`, for a package
  // the walk did not list (the workspace is not complete).
  std::optional<std::filesystem::path> resolve_linked(std::string_view from_dir, std::string_view specifier);
  const std::vector<std::filesystem::path>& node_modules_above(std::string_view dir);
  // The workspace folder a `node_modules/<name>` link leads to; none for
  // no link or one into an installed package. Asked once per link.
  const std::optional<std::filesystem::path>& workspace_link(const std::filesystem::path& link);
  [[nodiscard]] bool holds(std::string_view dir, std::string_view name,
                           const std::function<bool()>& ask) const;
  std::optional<std::filesystem::path> resolve_in_package(const std::filesystem::path& dir,
                                                          const std::string& subpath);
  std::optional<std::filesystem::path> resolve_target(const std::filesystem::path& dir,
                                                      const nlohmann::ordered_json& target,
                                                      const std::string& star, int depth);
  std::optional<std::filesystem::path> source_of(const std::filesystem::path& dir, const std::string& target);
  const nlohmann::ordered_json& manifest(const std::filesystem::path& dir);
  void problem(const std::string& text);

  Workspace m_workspace;
  FileExists m_exists;
  std::map<std::string, std::vector<std::filesystem::path>> m_packages; // name -> dirs (package_dir)
  std::map<std::filesystem::path, TsConfig> m_configs;                  // tsconfig.json -> its settings
  std::unordered_map<std::string, const TsConfig*> m_dir_configs;       // folder -> its nearest tsconfig
  std::map<std::filesystem::path, nlohmann::ordered_json> m_manifests;
  // "<folder>\n<specifier>" -> the file: strings, not paths, since a
  // large monorepo asks hundreds of thousands of them.
  std::unordered_map<std::string, std::optional<std::string>> m_cache;
  // What a specifier that is not relative names through a tsconfig's
  // paths and baseUrl or the workspace's packages, which do not depend on
  // the importing folder: by tsconfig and specifier (sim's 15,000 files
  // asked it again for each folder).
  std::unordered_map<const TsConfig*, std::unordered_map<std::string, std::optional<std::string>>>
      m_config_cache;
  std::unordered_map<std::string, std::optional<std::filesystem::path>> m_links; // workspace_link
  std::unordered_map<std::string, std::vector<std::filesystem::path>> m_node_modules_above;
  std::string m_above_key;                     // node_modules_above's look-up key, its capacity kept
  std::string m_key;                           // resolve_from's look-up key, its capacity kept
  std::string m_folder;                        // config_of_folder's, the same
  std::string m_root_text;                     // the workspace root as normal text, no slash at its end
  std::optional<std::string> m_canonical_root; // the workspace's, once
  std::vector<std::string> m_problems;
  TsConfig m_no_config;
};

} // namespace pgadvise::loaders::ts
