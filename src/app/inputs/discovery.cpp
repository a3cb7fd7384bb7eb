#include "app/inputs/discovery.hpp"

#include "app/inputs/discovery_files.hpp"
#include "app/inputs/drizzle_configs.hpp"
#include "core/file.hpp"
#include "core/text.hpp"
#include "loaders/drizzle_kit/config.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/identifiers.hpp"
#include "loaders/project/scan.hpp"
#include "loaders/project/shell_words.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <utility>

namespace pgadvise::app {

namespace fs = std::filesystem;
// Discovery drives the schema loaders of every family.
using namespace loaders;         // NOLINT(google-build-using-namespace)
using namespace discovery_files; // NOLINT(google-build-using-namespace)

namespace {

// Where projects keep migrations when no drizzle.config says, in order.
constexpr std::array<std::string_view, 4> k_candidate_dirs = {"drizzle", "migrations", "db/migrations",
                                                              "src/db/migrations"};
// Where Drizzle projects keep their schema when drizzle.config names none
// (files, or folders of files), in order; the first that exists is used.
constexpr std::array<std::string_view, 8> k_conventional_schemas = {
    "src/db/schema.ts", "src/db/schema", "src/schema.ts", "src/schema",
    "db/schema.ts",     "db/schema",     "schema.ts",     "src/lib/db/schema.ts"};

class Discovery {
public:
  Discovery(loaders::CodeScan code, bool read_code_ahead)
      : m_code(code), m_read_code_ahead(read_code_ahead) {}

  std::optional<core::Error> add(const fs::path& input) {
    std::error_code ec;
    const fs::file_status status = fs::status(input, ec);
    if (!fs::exists(status) && input.string().find_first_of("*?{") != std::string::npos) {
      return add_schema_glob(input);
    }
    if (!fs::exists(status)) {
      return core::Error("no such file or directory", {input.string(), 0, 0});
    }
    if (fs::is_directory(status)) {
      add_directory(input);
      return std::nullopt;
    }
    if (!fs::is_regular_file(status)) {
      return core::Error("not a regular file or directory", {input.string(), 0, 0});
    }
    // A file named on the command line that cannot be opened (permissions)
    // is a usage mistake like a missing one: exit 2, not a finding.
    if (std::FILE* file = std::fopen(input.c_str(), "rb"); file != nullptr) {
      std::fclose(file);
    } else {
      return core::Error(std::strerror(errno), {input.string(), 0, 0});
    }
    return add_file(input);
  }

  SchemaSources finish() && {
    // A drizzle-kit journal is drizzle-kit's own output: the project uses
    // Drizzle even when its package.json is elsewhere.
    if (m_journal_seen) {
      m_sources.project.uses_drizzle = true;
    }
    model::Project& project = m_sources.project;
    if (m_scan && !project.root.empty() && absolute_normal(project.root) == m_scan->root) {
      project.scanned = true;
      project.packages = std::move(m_scan->packages);
      project.sites = std::move(m_scan->sites);
      project.command_files = std::move(m_scan->command_files);
      project.programs = std::move(m_scan->programs);
      project.deploy_configs = std::move(m_scan->deploy_configs);
      project.scan_notes = std::move(m_scan->scan_notes);
      project.query_calls = std::move(m_scan->query_calls);
      project.query_files_searched = m_scan->query_files_searched;
      project.drizzle_relations = std::move(m_scan->drizzle_relations);
      project.deferred_query_files = std::move(m_scan->deferred_query_files);
      project.folder_listing = std::move(m_scan->folder_listing);
      m_sources.code_read_ahead = std::move(m_read_ahead);
    }
    return std::move(m_sources);
  }

private:
  std::optional<core::Error> add_file(const fs::path& file) {
    const std::string name = file.filename().string();
    const std::string lower = core::to_lower(name);
    // A file named on the command line names only itself: its folder may
    // hold other checkouts, so it is not scanned as a project.
    if (has_suffix(lower, ".sql")) {
      m_sources.sql_files.push_back(file);
      m_sources.notes.push_back("SQL file " + display_path(file) + " given explicitly");
      return std::nullopt;
    }
    if (has_suffix(lower, "_snapshot.json") || lower == "snapshot.json") {
      m_sources.snapshot = file;
      m_sources.notes.push_back("drizzle-kit snapshot " + display_path(file) + " given explicitly");
      return std::nullopt;
    }
    if (name == "_journal.json") {
      add_migrations_dir(absolute_normal(file).parent_path().parent_path(),
                         "its journal was given explicitly");
      return std::nullopt;
    }
    if (looks_like_config_name(name)) {
      if (!m_configs.accept(file)) {
        return std::nullopt;
      }
      add_project(file.parent_path().empty() ? fs::path(".") : file.parent_path(), file);
      return std::nullopt;
    }
    if (is_schema_source_name(lower)) {
      add_schema_files({file}, "given explicitly");
      return std::nullopt;
    }
    if (name == "package.json") {
      add_directory(file.parent_path().empty() ? fs::path(".") : file.parent_path());
      return std::nullopt;
    }
    return core::Error(
        "not something pgadvise reads (expected a project directory, a migrations folder, "
        "a .sql file, a drizzle-kit *_snapshot.json, a drizzle config or a Drizzle schema .ts file)",
        {file.string(), 0, 0});
  }

  void add_directory(const fs::path& dir) {
    if (!m_scan) {
      // Where the project runs drizzle-kit (CI, containers, scripts) decides
      // where its config's paths resolve; lint reuses this scan. A folder
      // with no config of its own is searched for nested ones meanwhile.
      if (!find_drizzle_config(dir)) {
        m_configs.walk_ahead(dir);
      }
      m_scan.emplace();
      m_scan->root = absolute_normal(dir);
      scan_project(*m_scan, m_code, m_read_code_ahead ? &m_read_ahead : nullptr);
      m_configs.set_scanned_runs(scanned_kit_runs(*m_scan));
    }
    std::optional<fs::path> own = find_drizzle_config(dir);
    if (own && !m_configs.accept(*own)) {
      own.reset();
    }
    if (!own) {
      const std::vector<fs::path> configs = m_configs.postgres_configs(dir);
      if (!configs.empty()) {
        add_nested_configs(dir, configs);
        return;
      }
    }
    if (is_project_dir(dir)) {
      add_project(dir, own);
    } else if (is_migrations_dir(dir)) {
      add_migrations_dir(dir, "given explicitly");
      adopt_enclosing_project(dir);
    } else if (std::vector<fs::path> schema = schema_folder_files(dir); !schema.empty()) {
      add_schema_files(schema, "the Drizzle schema files in " + shown_dir(dir) + ", given explicitly");
    } else {
      add_project(dir, std::nullopt);
    }
  }

  // Schema files named on the command line (a file, a folder of them, a glob).
  void add_schema_files(const std::vector<fs::path>& files, const std::string& how) {
    for (const fs::path& file : files) {
      if (std::find(m_sources.schema_ts.begin(), m_sources.schema_ts.end(), file) ==
          m_sources.schema_ts.end()) {
        m_sources.schema_ts.push_back(file);
      }
    }
    m_sources.notes.push_back("Drizzle schema " + describe_files(files) + " (" + how + ")");
  }

  std::optional<core::Error> add_schema_glob(const fs::path& pattern) {
    std::vector<fs::path> files = expand_schema_paths(".", {pattern.generic_string()});
    if (files.empty()) {
      return core::Error("no such file or directory (a glob that matches no .ts or .js file)",
                         {pattern.string(), 0, 0});
    }
    add_schema_files(files, "matched by " + pattern.generic_string());
    return std::nullopt;
  }

  static bool is_schema_source_name(const std::string& lower) {
    if (has_suffix(lower, ".d.ts")) {
      return false;
    }
    for (const char* ext : {".ts", ".mts", ".cts", ".js", ".mjs", ".cjs"}) {
      if (has_suffix(lower, ext)) {
        return true;
      }
    }
    return false;
  }

  // A folder given on the command line that holds Drizzle schema files (it
  // is neither a project nor a migrations folder): those files.
  static std::vector<fs::path> schema_folder_files(const fs::path& dir) {
    std::vector<fs::path> files = expand_schema_paths(dir, {"."});
    const bool drizzle = std::any_of(files.begin(), files.end(), [](const fs::path& file) {
      const auto text = core::read_file(file);
      return text && text->find("drizzle-orm") != std::string::npos;
    });
    return drizzle ? files : std::vector<fs::path>{};
  }

  // Project facts (Drizzle config, dependencies) for a migrations folder or
  // file given on its own: from the nearest enclosing project, if any.
  void adopt_enclosing_project(const fs::path& start) {
    if (m_have_project) {
      return;
    }
    fs::path dir = absolute_normal(start.empty() ? fs::path(".") : start);
    for (int level = 0; level <= k_max_parent_levels; ++level) {
      if (is_project_dir(dir)) {
        std::optional<fs::path> config = find_drizzle_config(dir);
        if (config && !m_configs.accept(*config)) {
          config.reset();
        }
        fill_project(dir, config);
        return;
      }
      if (fs::exists(dir / ".git") || dir == dir.parent_path()) {
        break; // the repository's root bounds the project
      }
      dir = dir.parent_path();
    }
    m_have_project = true;
    m_sources.project.root = absolute_normal(start.empty() ? fs::path(".") : start);
  }

  void fill_project(const fs::path& root, const std::optional<fs::path>& config_file) {
    fill_project_config(root, config_file);
    find_schema_files(root);
    m_sources.project.drizzle_schema_paths =
        root_relative(m_sources.project, m_schema_base, m_sources.project.drizzle_schema_paths);
  }

  // The config's `schema` entries as paths from the project root, like
  // `drizzle_out`: a config in packages/db says './src/schema/index.ts',
  // which is packages/db/src/schema/index.ts to everything that joins it to
  // the root (a Drizzle fix's "in <file>" for a table no schema file holds).
  static std::vector<std::string> root_relative(const model::Project& project, const fs::path& base,
                                                const std::vector<std::string>& entries) {
    if (base.empty()) {
      return entries;
    }
    std::vector<std::string> out;
    for (const std::string& entry : entries) {
      out.push_back(relative_out(project.root, base, entry));
    }
    return out;
  }

  // The Drizzle schema files: the config's `schema` entries, else the first
  // conventional place that holds one (Drizzle projects only).
  void find_schema_files(const fs::path& root) {
    const model::Project& project = m_sources.project;
    if (!project.drizzle_schema_paths.empty()) {
      const std::string config_name = display_path(project.drizzle_config);
      m_sources.schema_ts = expand_schema_paths(m_schema_base.empty() ? root : m_schema_base,
                                                project.drizzle_schema_paths, &m_sources.notes);
      if (!m_sources.schema_ts.empty()) {
        m_sources.notes.push_back("Drizzle schema " + describe_files(m_sources.schema_ts) +
                                  " (the `schema` of " + config_name + ")");
      }
      return;
    }
    if (!project.uses_drizzle) {
      return;
    }
    for (std::string_view candidate : k_conventional_schemas) {
      std::vector<fs::path> files = expand_schema_paths(root, {std::string(candidate)});
      if (!files.empty()) {
        m_sources.schema_ts = std::move(files);
        m_sources.notes.push_back("Drizzle schema " + describe_files(m_sources.schema_ts) + " (found in " +
                                  shown_dir(root) + ", no `schema` in a drizzle.config)");
        return;
      }
    }
  }

  static std::string describe_files(const std::vector<fs::path>& files) {
    if (files.size() == 1) {
      return display_path(files.front());
    }
    return display_path(files.front()) + " and " + std::to_string(files.size() - 1) + " more file" +
           (files.size() == 2 ? "" : "s");
  }

  void fill_project_config(const fs::path& root, const std::optional<fs::path>& config_file) {
    m_have_project = true;
    model::Project& project = m_sources.project;
    project.root = absolute_normal(root);
    if (is_file(root / "package.json") &&
        package_uses_drizzle(root / "package.json", m_sources.notes, &m_sources.drizzle_kit_1,
                             &m_sources.drizzle_object_config)) {
      project.uses_drizzle = true;
    }
    if (!config_file) {
      return;
    }
    auto config = read_drizzle_config(*config_file);
    if (!config) {
      m_sources.notes.push_back(config.error().to_string());
      return;
    }
    project.uses_drizzle = true;
    project.drizzle_config = absolute_normal(*config_file);
    m_schema_base = m_configs.base(*config_file, *config);
    project.drizzle_out = relative_out(project.root, m_schema_base, drizzle_out_dir(*config));
    project.drizzle_schema_paths = config->schema;
    project.casing = config->casing;
    for (const std::string& key : config->unresolved) {
      m_sources.notes.push_back(display_path(*config_file) + ": `" + key +
                                "` is not a string literal, so pgadvise could not read it" +
                                (key == "out" ? "; assuming drizzle-kit's default ./drizzle" : ""));
    }
  }

  void add_project(const fs::path& root, const std::optional<fs::path>& config_file) {
    if (!m_have_project) {
      fill_project(root, config_file);
    }
    if (config_file) {
      auto config = read_drizzle_config(*config_file);
      const std::string out = config ? drizzle_out_dir(*config) : std::string(k_drizzle_default_out);
      const fs::path base = config ? m_configs.choose_base(*config_file, *config).base : root;
      const fs::path out_dir = (base / out).lexically_normal();
      const std::string config_name = display_path(*config_file);
      if (is_migrations_dir(out_dir) && add_migrations_dir(out_dir, "the `out` folder of " + config_name)) {
        return;
      }
      m_sources.notes.push_back(config_name + ": its `out` folder " + shown_dir(out_dir) +
                                " holds no migrations; looking elsewhere");
    }
    for (std::string_view candidate : k_candidate_dirs) {
      const fs::path dir = root / candidate;
      if (is_migrations_dir(dir) && add_migrations_dir(dir, "found in " + shown_dir(root))) {
        return;
      }
    }
    const MigrationMarkers markers = find_migration_markers(root);
    std::vector<fs::path> journals = markers.journals;
    journals.erase(std::remove_if(journals.begin(), journals.end(),
                                  [&](const fs::path& journal) {
                                    return !m_configs.postgres_migrations(
                                        journal.parent_path().parent_path());
                                  }),
                   journals.end());
    if (!journals.empty()) {
      add_migrations_dir(journals.front().parent_path().parent_path(),
                         "found by its meta/_journal.json under " + shown_dir(root));
      for (std::size_t i = 1; i < journals.size(); ++i) {
        m_sources.notes.push_back("also found " + display_path(journals[i]) +
                                  "; pass its folder to pgadvise to lint that one");
      }
      return;
    }
    if (add_prisma_migrations(root, markers.prisma_locks)) {
      return;
    }
    m_sources.notes.push_back(
        "looked in " + shown_dir(root) +
        " for drizzle.config.{ts,js,mjs,cjs,json}, drizzle/, migrations/, db/migrations/, "
        "src/db/migrations/, **/meta/_journal.json and **/migration_lock.toml: none found");
  }

  // Prisma Migrate's folder (migration_lock.toml beside NAME/migration.sql),
  // the first of PostgreSQL's; another database's is named and skipped.
  bool add_prisma_migrations(const fs::path& root, const std::vector<fs::path>& locks) {
    bool added = false;
    for (const fs::path& lock : locks) {
      const fs::path dir = lock.parent_path();
      const std::string provider = prisma_provider(lock);
      if (provider != "postgresql" && provider != "postgres") {
        m_sources.notes.push_back(
            "skipped Prisma's migrations in " + shown_dir(dir) + ": " + display_path(lock) + " names " +
            (provider.empty() ? std::string("no provider") : "provider " + provider) + ", not PostgreSQL");
      } else if (!added) {
        added = add_migrations_dir(dir, "Prisma Migrate's, found by its migration_lock.toml under " +
                                            shown_dir(root));
      } else {
        m_sources.notes.push_back("also found " + display_path(lock) +
                                  "; pass its folder to pgadvise to lint that one");
      }
    }
    return added;
  }

  // A repository whose drizzle.config sits in a subfolder (server/,
  // packages/db/): the project is the whole tree, so its scripts, CI and
  // containers are all read and located from where pgadvise was pointed;
  // the schema is the first config's. Each further config is a database of
  // its own, listed in `databases` for a run of its own.
  void add_nested_configs(const fs::path& root, const std::vector<fs::path>& configs) {
    if (!m_have_project) {
      m_have_project = true;
      m_sources.project.root = absolute_normal(root);
    }
    model::Project& project = m_sources.project;
    project.uses_drizzle = true;
    m_sources.databases = configs;
    const fs::path& config_file = configs.front();
    fs::path config_dir = config_file.parent_path();
    const std::string config_name = display_path(config_file);
    m_sources.notes.push_back("Drizzle config " + config_name + " (found under " + shown_dir(root) + ")");
    auto config = read_drizzle_config(config_file);
    const std::string out = config ? drizzle_out_dir(*config) : std::string(k_drizzle_default_out);
    if (config) {
      config_dir = m_configs.base(config_file, *config);
      project.drizzle_config = absolute_normal(config_file);
      project.drizzle_schema_paths = root_relative(project, config_dir, config->schema);
      project.casing = config->casing;
      project.drizzle_out = relative_out(project.root, config_dir, out);
      m_sources.schema_ts = expand_schema_paths(config_dir, config->schema, &m_sources.notes);
      if (!m_sources.schema_ts.empty()) {
        m_sources.notes.push_back("Drizzle schema " + describe_files(m_sources.schema_ts) +
                                  " (the `schema` of " + config_name + ")");
      }
    } else {
      m_sources.notes.push_back(config.error().to_string());
    }
    const fs::path out_dir = (config_dir / out).lexically_normal();
    if (is_migrations_dir(out_dir)) {
      add_migrations_dir(out_dir, "the `out` folder of " + config_name);
    } else {
      m_sources.notes.push_back(config_name + ": its `out` folder " + shown_dir(out_dir) +
                                " holds no migrations (a push-only project)");
    }
    for (std::size_t i = 1; i < configs.size(); ++i) {
      m_sources.notes.push_back("another database: " + display_path(configs[i]) + " (linted on its own)");
    }
    // A Prisma database beside the Drizzle ones (trigger.dev's main one) is
    // named, not linted with them.
    for (const fs::path& lock : m_configs.prisma_locks()) {
      if (const std::string provider = prisma_provider(lock);
          provider == "postgresql" || provider == "postgres") {
        m_sources.notes.push_back("also found Prisma Migrate's migrations in " +
                                  shown_dir(lock.parent_path()) +
                                  ", not linted with the Drizzle configs: `pgadvise lint " +
                                  shown_dir(lock.parent_path()) + "` lints them");
      }
    }
  }

  // False when the folder is another dialect's (skipped, with a note).
  bool add_migrations_dir(const fs::path& dir, const std::string& how) {
    if (!m_configs.postgres_migrations(dir)) {
      return false;
    }
    if (m_sources.migrations_dir) {
      if (absolute_normal(*m_sources.migrations_dir) != absolute_normal(dir)) {
        m_sources.notes.push_back("ignored " + shown_dir(dir) +
                                  ": pgadvise replays one migrations folder per run (" +
                                  shown_dir(*m_sources.migrations_dir) + " is used)");
      }
      return true;
    }
    m_sources.migrations_dir = dir;
    const std::size_t count = count_sql_files(dir);
    m_sources.notes.push_back("migrations folder " + shown_dir(dir) + " (" + how + "): " +
                              std::to_string(count) + (count == 1 ? " SQL migration" : " SQL migrations"));
    if (!m_sources.snapshot) {
      m_sources.snapshot = newest_snapshot(dir / "meta");
    }
    if (!is_file(dir / "meta" / "_journal.json") && newest_folder_snapshot(dir)) {
      m_sources.drizzle_kit_1 = true; // drizzle-kit 1.0's layout
      m_journal_seen = true;          // drizzle-kit's own output, like a journal
      if (!m_sources.snapshot) {
        m_sources.snapshot = newest_folder_snapshot(dir);
      }
    }
    if (is_file(dir / "meta" / "_journal.json")) {
      m_journal_seen = true;
    }
    return true;
  }

  SchemaSources m_sources;
  loaders::CodeScan m_code;
  bool m_read_code_ahead = false;
  std::optional<model::Project> m_scan;                         // the scan of the first folder given
  std::shared_ptr<loaders::scan::SourceReadAhead> m_read_ahead; // its sources being read
  fs::path m_schema_base;                    // where the project's config resolves `schema`
  DrizzleConfigs m_configs{m_sources.notes}; // which configs are read, and where each runs
  bool m_have_project = false;
  bool m_journal_seen = false;
};

} // namespace

core::Result<SchemaSources> discover(const std::vector<fs::path>& paths, loaders::CodeScan code,
                                     bool read_code_ahead) {
  Discovery discovery(code, read_code_ahead);
  const std::vector<fs::path> inputs = paths.empty() ? std::vector<fs::path>{"."} : paths;
  for (const fs::path& path : inputs) {
    if (auto error = discovery.add(path)) {
      return *error;
    }
  }
  return std::move(discovery).finish();
}

bool looks_like_project(const fs::path& dir) {
  if (is_project_dir(dir) || is_migrations_dir(dir)) {
    return true;
  }
  return std::any_of(k_candidate_dirs.begin(), k_candidate_dirs.end(),
                     [&](std::string_view candidate) { return is_migrations_dir(dir / candidate); });
}

namespace {

// Locations relative to project.root made relative to where pgadvise runs:
// each distinct file's new path made once (a monorepo's 30,000 query-call
// locations name a few thousand files; building each path anew took 40 ms).
class Relocation {
public:
  explicit Relocation(std::string prefix) : m_prefix(std::move(prefix)) {}

  void operator()(core::SourceLocation& location) {
    if (!location.known() || location.file.str().starts_with('/')) {
      return;
    }
    const auto [done, added] = m_done.try_emplace(&location.file.str());
    if (added) {
      done->second = (fs::path(m_prefix) / location.file.str()).lexically_normal().generic_string();
    }
    location.file = done->second;
  }

private:
  std::string m_prefix;
  std::unordered_map<const std::string*, core::FilePath> m_done; // by the pooled path (FilePath)
};

// Each item's `location` prefixed (commands, name hints, variables, notes,
// relations).
template <typename Items> void prefix_locations(Items& items, Relocation& prefix) {
  for (auto& item : items) {
    prefix(item.location);
  }
}

void prefix_context(model::SiteContext& context, Relocation& prefix) {
  prefix(context.environment_location);
  prefix(context.branches_location);
  prefix_locations(context.names, prefix);
  prefix_locations(context.env, prefix);
}

// A query call's own place, its loop's, the call it was reached through,
// and each step of its chain.
void prefix_query_call(model::QueryCall& call, Relocation& prefix) {
  prefix(call.location);
  prefix(call.loop_location);
  prefix(call.via_location);
  for (model::QueryCallStep& step : call.chain) {
    prefix(step.call);
    prefix(step.declaration);
  }
}

} // namespace

namespace {

// What a location relative to project.root needs in front to read from
// where pgadvise runs; empty when nothing.
std::string relocation_prefix(const model::Project& project) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec || project.root.empty()) {
    return {};
  }
  std::string prefix =
      absolute_normal(project.root).lexically_relative(absolute_normal(cwd)).generic_string();
  return prefix == "." ? std::string() : prefix;
}

void relocate_code(model::Project& project, Relocation& prefix) {
  for (model::QueryCall& call : project.query_calls) {
    prefix_query_call(call, prefix);
  }
  prefix_locations(project.drizzle_relations, prefix);
}

} // namespace

void relocate_project(model::Project& project) {
  const std::string relative = relocation_prefix(project);
  if (relative.empty()) {
    return;
  }
  Relocation prefix(relative);
  for (model::Package& package : project.packages) {
    for (model::Script& script : package.scripts) {
      prefix(script.command.location);
    }
  }
  for (model::ExecutionSite& site : project.sites) {
    prefix_locations(site.commands, prefix);
    prefix_context(site.context, prefix);
  }
  for (model::CommandFile& file : project.command_files) {
    prefix(file.location);
    prefix_locations(file.commands, prefix);
  }
  prefix_locations(project.scan_notes, prefix);
  relocate_code(project, prefix);
}

void scan_deferred_code(model::Project& project, const std::function<void()>& indexed,
                        loaders::scan::SourceReadAhead* read_ahead) {
  if (!project.deferred_query_files) {
    return;
  }
  loaders::scan_deferred_query_calls(project, indexed, read_ahead);
  if (std::string prefix = relocation_prefix(project); !prefix.empty()) {
    Relocation relocation(std::move(prefix));
    relocate_code(project, relocation);
  }
}

} // namespace pgadvise::app
