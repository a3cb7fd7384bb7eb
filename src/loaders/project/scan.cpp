#include "loaders/project/scan.hpp"

#include "core/file.hpp"
#include "core/stage_timings.hpp"
#include "core/text.hpp"
#include "core/tree_walk.hpp"
#include "loaders/project/context.hpp"
#include "loaders/project/query_call_files.hpp"
#include "loaders/project/query_call_sources.hpp"

#include <algorithm>
#include <iterator>
#include <set>

namespace pgadvise::loaders {

namespace scan {

namespace {

constexpr std::size_t k_max_entries = 100000; // a scan never walks an unbounded tree
// Links are not followed, so the walk cannot loop; the bound is for a
// pathological tree. Next.js routes nest deep: a real app's components sat
// 14 folders down (app/workspace/[workspaceId]/w/[workflowId]/components/
// panel/components/editor/...), and at 12 they were never read.
constexpr int k_max_depth = 40;
constexpr std::size_t k_max_notes_per_file = 3;

bool skipped_dir(std::string_view name) {
  static const std::set<std::string, std::less<>> k_skip = {
      "node_modules", "dist", "build", "out", "coverage", "vendor", "target", "tmp", "bower_components"};
  // CI workflows; the server-only and client-only modules of Remix and
  // React Router (`app/.server/db.ts`), where the db client lives.
  if (name == ".github" || name == ".server" || name == ".client") {
    return false;
  }
  return name.empty() || name[0] == '.' || k_skip.count(name) > 0;
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

// A JSON SAX consumer that only remembers where parsing failed.
class ErrorLocator : public nlohmann::json_sax<nlohmann::json> {
public:
  std::size_t position = 0;
  std::string message;

  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return true; }
  bool key(string_t&) override { return true; }
  bool end_object() override { return true; }
  bool start_array(std::size_t) override { return true; }
  bool end_array() override { return true; }
  bool parse_error(std::size_t where, const std::string&, const nlohmann::detail::exception& error) override {
    position = where;
    message = error.what();
    return false;
  }
};

// "[json.exception.parse_error.101] parse error at line 3, column 1: syntax error ..." -> "syntax error ..."
std::string short_json_error(const std::string& what) {
  const std::size_t colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

enum class FileKind {
  none,
  package_json,
  pnpm_workspace,
  dockerfile,
  compose,
  github_workflow,
  gitlab_ci,
  procfile,
  vercel,
  netlify,
  fly,
  render,
  railway_json,
  railway_toml,
  makefile,
  shell
};

FileKind kind_of(const std::string& relative) {
  const std::string name = file_name(relative);
  const std::string lower = core::to_lower(name);
  const std::string dir = parent_dir(relative);
  if (name == "package.json") {
    return FileKind::package_json;
  }
  if (name == "pnpm-workspace.yaml" || name == "pnpm-workspace.yml") {
    return FileKind::pnpm_workspace;
  }
  if (lower == "dockerfile" || core::starts_with_ci(name, "Dockerfile.") || ends_with(lower, ".dockerfile")) {
    return FileKind::dockerfile;
  }
  if ((core::starts_with_ci(name, "docker-compose") || core::starts_with_ci(name, "compose")) &&
      (ends_with(lower, ".yml") || ends_with(lower, ".yaml"))) {
    return FileKind::compose;
  }
  if ((dir == ".github/workflows" || ends_with(dir, "/.github/workflows")) &&
      (ends_with(lower, ".yml") || ends_with(lower, ".yaml"))) {
    return FileKind::github_workflow;
  }
  if (name == ".gitlab-ci.yml" || ends_with(name, ".gitlab-ci.yml")) {
    return FileKind::gitlab_ci;
  }
  if (name == "Procfile" || name.rfind("Procfile.", 0) == 0) {
    return FileKind::procfile;
  }
  if (name == "vercel.json") {
    return FileKind::vercel;
  }
  if (name == "netlify.toml") {
    return FileKind::netlify;
  }
  if (name == "fly.toml" || (name.rfind("fly.", 0) == 0 && ends_with(name, ".toml"))) {
    return FileKind::fly;
  }
  if (name == "render.yaml" || name == "render.yml") {
    return FileKind::render;
  }
  if (name == "railway.json") {
    return FileKind::railway_json;
  }
  if (name == "railway.toml") {
    return FileKind::railway_toml;
  }
  if (name == "Makefile" || name == "makefile" || name == "GNUmakefile" || ends_with(name, ".mk")) {
    return FileKind::makefile;
  }
  if (ends_with(lower, ".sh") || ends_with(lower, ".bash")) {
    return FileKind::shell;
  }
  return FileKind::none;
}

// The files under a root, sorted, and what the walk saw of the names the
// TypeScript resolver asks about in each folder it listed: tsconfig.json,
// jsconfig.json, node_modules (no listing when the walk stopped short).
struct Walked {
  std::vector<std::string> files;
  std::shared_ptr<const core::FolderListing> listing;
};

Walked walk(const std::filesystem::path& root) {
  Walked out;
  auto listing = std::make_shared<core::FolderListing>(std::filesystem::absolute(root).lexically_normal());
  listing->add_folder("");
  const bool whole = core::walk_tree(root, k_max_entries, [&](const core::TreeEntry& entry) {
    if (entry.kind == core::TreeEntryKind::file) {
      out.files.emplace_back(entry.path);
      if (entry.name == "tsconfig.json" || entry.name == "jsconfig.json") {
        listing->add_entry(entry.path);
      }
    } else if (entry.name == "node_modules") {
      listing->add_entry(entry.path); // a folder or a link to one
    }
    const bool walked_into =
        entry.kind == core::TreeEntryKind::directory && !skipped_dir(entry.name) && entry.depth < k_max_depth;
    if (walked_into) {
      listing->add_folder(entry.path);
    }
    return walked_into;
  });
  std::sort(out.files.begin(), out.files.end());
  if (whole) {
    out.listing = std::move(listing);
  }
  return out;
}

void dispatch(ScanContext& context, FileKind kind, const std::string& file) {
  switch (kind) {
  case FileKind::dockerfile: scan_dockerfile(context, file); break;
  case FileKind::compose: scan_compose(context, file); break;
  case FileKind::github_workflow: scan_github_workflow(context, file); break;
  case FileKind::gitlab_ci: scan_gitlab_ci(context, file); break;
  case FileKind::procfile: scan_procfile(context, file); break;
  case FileKind::vercel: scan_vercel(context, file); break;
  case FileKind::netlify: scan_netlify(context, file); break;
  case FileKind::fly: scan_fly(context, file); break;
  case FileKind::render: scan_render(context, file); break;
  case FileKind::railway_json: scan_railway_json(context, file); break;
  case FileKind::railway_toml: scan_railway_toml(context, file); break;
  case FileKind::makefile: scan_makefile(context, file); break;
  case FileKind::shell: scan_shell_file(context, file); break;
  case FileKind::none:
  case FileKind::package_json:
  case FileKind::pnpm_workspace: break;
  }
}

// Entrypoints without an extension (ENTRYPOINT ["docker-entrypoint"]) are
// read as shell scripts once something runs them.
void load_referenced_scripts(ScanContext& context, const std::vector<std::string>& files) {
  std::set<std::string> loaded;
  for (const model::CommandFile& file : context.project().command_files) {
    loaded.insert(file.path);
  }
  std::set<std::string> wanted;
  const auto collect = [&wanted](const std::vector<model::Command>& commands) {
    for (const model::Command& command : commands) {
      for (const model::Invocation& inv : command.invocations) {
        if (inv.kind == model::InvocationKind::run_file) {
          wanted.insert(file_name(inv.target));
        }
      }
    }
  };
  for (const model::ExecutionSite& site : context.project().sites) {
    collect(site.commands);
  }
  for (const model::Package& package : context.project().packages) {
    for (const model::Script& script : package.scripts) {
      collect({script.command});
    }
  }
  for (const std::string& file : files) {
    const std::string name = file_name(file);
    if (loaded.count(file) == 0 && wanted.count(name) > 0 && name.find('.') == std::string::npos) {
      scan_shell_file(context, file);
    }
  }
}

} // namespace

std::string parent_dir(const std::string& relative) {
  const std::size_t slash = relative.rfind('/');
  return slash == std::string::npos ? std::string{} : relative.substr(0, slash);
}

std::string file_name(const std::string& relative) {
  const std::size_t slash = relative.rfind('/');
  return slash == std::string::npos ? relative : relative.substr(slash + 1);
}

std::optional<std::string> ScanContext::read(const std::string& relative) const {
  auto text = core::read_file(m_project.root / relative, k_max_file_bytes);
  if (!text) {
    return std::nullopt;
  }
  return std::move(text).value();
}

void ScanContext::note(std::string message, core::SourceLocation location) {
  const auto same_file =
      std::count_if(m_project.scan_notes.begin(), m_project.scan_notes.end(),
                    [&](const model::ScanNote& n) { return n.location.file == location.file; });
  if (static_cast<std::size_t>(same_file) >= k_max_notes_per_file) {
    return;
  }
  m_project.scan_notes.push_back({std::move(message), location});
}

ShellState ScanContext::shell(const std::string& cwd) const {
  ShellState state;
  state.cwd = cwd;
  state.package_dirs = &m_package_dirs;
  return state;
}

void ScanContext::add_site(model::ExecutionSite site) {
  const bool has_invocations = std::any_of(site.commands.begin(), site.commands.end(),
                                           [](const model::Command& c) { return !c.invocations.empty(); });
  if (has_invocations) {
    m_project.sites.push_back(std::move(site));
  }
}

void ScanContext::add_deploy_config(const std::string& relative) {
  auto& configs = m_project.deploy_configs;
  if (std::find(configs.begin(), configs.end(), relative) == configs.end()) {
    configs.push_back(relative);
  }
}

int json_key_line(std::string_view text, std::string_view key, int from_line) {
  const std::string quoted = "\"" + std::string(key) + "\"";
  int line = 1;
  std::size_t pos = 0;
  while (line < from_line && pos < text.size()) {
    const std::size_t nl = text.find('\n', pos);
    if (nl == std::string_view::npos) {
      return 0;
    }
    pos = nl + 1;
    ++line;
  }
  for (std::size_t found = text.find(quoted, pos); found != std::string_view::npos;
       found = text.find(quoted, found + 1)) {
    std::size_t after = found + quoted.size();
    while (after < text.size() &&
           (text[after] == ' ' || text[after] == '\t' || text[after] == '\r' || text[after] == '\n')) {
      ++after;
    }
    if (after < text.size() && text[after] == ':') {
      return line + static_cast<int>(std::count(text.begin() + static_cast<std::ptrdiff_t>(pos),
                                                text.begin() + static_cast<std::ptrdiff_t>(found), '\n'));
    }
  }
  return 0;
}

std::optional<nlohmann::json> parse_json_noting(ScanContext& context, const std::string& file,
                                                const std::string& text) {
  nlohmann::json json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_discarded()) {
    return json;
  }
  ErrorLocator locator;
  nlohmann::json::sax_parse(text, &locator);
  const core::LineIndex lines(text);
  core::SourceLocation where = lines.locate(file, locator.position > 0 ? locator.position - 1 : 0);
  context.note("malformed JSON: " + short_json_error(locator.message), where);
  return std::nullopt;
}

std::optional<JsonFile> read_json_object(ScanContext& context, const std::string& file) {
  std::optional<std::string> text = context.read(file);
  if (!text) {
    return std::nullopt;
  }
  std::optional<nlohmann::json> json = parse_json_noting(context, file, *text);
  if (!json || !json->is_object()) {
    return std::nullopt;
  }
  return JsonFile{std::move(*text), std::move(*json)};
}

namespace {

// `file` parsed by `parse`, each of its problems noted as "malformed <format>".
template <typename Document>
std::optional<Document> read_parsed(ScanContext& context, const std::string& file, std::string_view format,
                                    Document (*parse)(std::string_view)) {
  const std::optional<std::string> text = context.read(file);
  if (!text) {
    return std::nullopt;
  }
  Document doc = parse(*text);
  for (const auto& problem : doc.problems) {
    context.note("malformed " + std::string(format) + ": " + problem.message, {file, problem.line, 0});
  }
  return doc;
}

} // namespace

std::optional<yaml::Document> read_yaml(ScanContext& context, const std::string& file) {
  return read_parsed(context, file, "YAML", &yaml::parse);
}

std::optional<toml::Document> read_toml(ScanContext& context, const std::string& file) {
  return read_parsed(context, file, "TOML", &toml::parse);
}

} // namespace scan

namespace {

std::vector<std::string> package_dirs(const model::Project& project) {
  std::vector<std::string> dirs;
  for (const model::Package& package : project.packages) {
    dirs.push_back(package.dir);
  }
  return dirs;
}

} // namespace

void scan_project(model::Project& project, CodeScan code,
                  std::shared_ptr<scan::SourceReadAhead>* read_ahead) {
  if (project.scanned) {
    return; // discovery scanned it already: a second scan would list everything twice
  }
  scan::ScanContext context(project);
  scan::Walked walked = scan::walk(project.root);
  const std::vector<std::string>& files = walked.files;
  project.folder_listing = std::move(walked.listing);
  std::vector<std::string> later; // what a deferred scan will read (a test's own files aside)
  if (code == CodeScan::deferred) {
    std::copy_if(files.begin(), files.end(), std::back_inserter(later), [](const std::string& file) {
      return scan::query_source_file(file) && !scan::test_file(file);
    });
    if (read_ahead != nullptr) {
      *read_ahead = std::make_shared<scan::SourceReadAhead>(
          std::filesystem::absolute(project.root).lexically_normal(), later);
    }
  }

  // Packages first: every other reader maps directories onto them. Each
  // file's kind judged once (a monorepo has tens of thousands).
  std::vector<scan::FileKind> kinds(files.size());
  for (std::size_t i = 0; i < files.size(); ++i) {
    kinds[i] = scan::kind_of(files[i]);
    if (kinds[i] == scan::FileKind::package_json) {
      scan::scan_package_json(context, files[i]);
    } else if (kinds[i] == scan::FileKind::pnpm_workspace) {
      scan::scan_pnpm_workspace(context, files[i]);
    }
  }
  context.set_package_dirs(package_dirs(project));
  scan::assign_package_managers(context, files);

  for (std::size_t i = 0; i < files.size(); ++i) {
    scan::dispatch(context, kinds[i], files[i]);
  }
  scan::load_referenced_scripts(context, files);
  scan::scan_programs(context);
  if (code == CodeScan::deferred) {
    // The language server counts them as pending and scans few enough at once.
    project.deferred_query_files = std::move(later);
  } else {
    const core::StageTimer timer(core::Stage::typescript_scan);
    scan::scan_query_calls(context, files);
  }
  project.scanned = true;
}

void scan_deferred_query_calls(model::Project& project, const std::function<void()>& indexed,
                               scan::SourceReadAhead* read_ahead) {
  if (!project.deferred_query_files) {
    return;
  }
  const std::vector<std::string> files = std::move(*project.deferred_query_files);
  project.deferred_query_files.reset();
  scan::ScanContext context(project);
  context.set_package_dirs(package_dirs(project));
  const core::StageTimer timer(core::Stage::typescript_scan);
  scan::scan_query_calls(context, files, indexed, read_ahead);
}

} // namespace pgadvise::loaders
