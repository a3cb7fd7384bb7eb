#pragma once

#include "loaders/project/command.hpp"
#include "loaders/project/toml.hpp"
#include "loaders/project/yaml.hpp"
#include "model/project.hpp"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

// What the project scanner's readers share (scan.cpp calls ci, docker,
// packages, platforms, programs, shell and query_calls over one context).
namespace pgadvise::loaders::scan {

// The largest file the scan reads (ScanContext::read, the sources'
// imports): larger is generated, or data.
constexpr std::uintmax_t k_max_file_bytes = std::uintmax_t{2} * 1024 * 1024;

class ScanContext {
public:
  explicit ScanContext(model::Project& project) : m_project(project) {}

  model::Project& project() { return m_project; }
  const std::vector<std::string>& package_dirs() const { return m_package_dirs; }
  void set_package_dirs(std::vector<std::string> dirs) { m_package_dirs = std::move(dirs); }

  // The text of `relative` (under the root), or nullopt when it cannot be read
  // or is too large to be a config file.
  std::optional<std::string> read(const std::string& relative) const;
  void note(std::string message, core::SourceLocation location);
  // A shell state starting in `cwd` (relative to root).
  ShellState shell(const std::string& cwd) const;
  void add_site(model::ExecutionSite site);
  void add_deploy_config(const std::string& relative);

private:
  model::Project& m_project;
  std::vector<std::string> m_package_dirs;
};

std::string parent_dir(const std::string& relative); // "server/Dockerfile" -> "server"
std::string file_name(const std::string& relative);  // "server/Dockerfile" -> "Dockerfile"

void scan_package_json(ScanContext& context, const std::string& file);
void scan_pnpm_workspace(ScanContext& context, const std::string& file);
void assign_package_managers(ScanContext& context, const std::vector<std::string>& files);
void scan_dockerfile(ScanContext& context, const std::string& file);
void scan_compose(ScanContext& context, const std::string& file);
void scan_github_workflow(ScanContext& context, const std::string& file);
void scan_gitlab_ci(ScanContext& context, const std::string& file);
void scan_procfile(ScanContext& context, const std::string& file);
void scan_vercel(ScanContext& context, const std::string& file);
void scan_netlify(ScanContext& context, const std::string& file);
void scan_fly(ScanContext& context, const std::string& file);
void scan_render(ScanContext& context, const std::string& file);
void scan_railway_json(ScanContext& context, const std::string& file);
void scan_railway_toml(ScanContext& context, const std::string& file);
void scan_makefile(ScanContext& context, const std::string& file);
void scan_shell_file(ScanContext& context, const std::string& file);
class SourceReadAhead;
// Indexes the Drizzle query calls of the project's JS/TS files and the loops
// around them into project.query_calls (query_calls.cpp). `indexed`, when
// given, is called once the files are read and indexed on every core, before
// the serial search through helpers. `read_ahead`, when given, holds
// `files` read already, or being read (QuerySources).
void scan_query_calls(ScanContext& context, const std::vector<std::string>& files,
                      const std::function<void()>& indexed = {}, SourceReadAhead* read_ahead = nullptr);
// Reads the JS/TS files commands run (run_program targets) into project.programs.
void scan_programs(ScanContext& context);

// The 1-based line of the first `"key":` at or after `from_line` in JSON text
// (0 when absent): nlohmann's DOM keeps no positions.
int json_key_line(std::string_view text, std::string_view key, int from_line = 1);
// Parses JSON, or notes where it is malformed (file:line) and returns nullopt.
std::optional<nlohmann::json> parse_json_noting(ScanContext& context, const std::string& file,
                                                const std::string& text);

// A JSON config file: its text (for json_key_line) and its top-level object.
struct JsonFile {
  std::string text;
  nlohmann::json json;
};

// Config files read and parsed, their problems noted (file:line); nullopt
// when the file cannot be read, and for JSON also when it is malformed or
// not an object.
std::optional<JsonFile> read_json_object(ScanContext& context, const std::string& file);
std::optional<yaml::Document> read_yaml(ScanContext& context, const std::string& file);
std::optional<toml::Document> read_toml(ScanContext& context, const std::string& file);

} // namespace pgadvise::loaders::scan
