#include "app/discovery.hpp"

#include "core/file.hpp"
#include "core/text.hpp"
#include "loaders/drizzle_kit/config.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/identifiers.hpp"
#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <set>
#include <utility>

namespace pgadvise::app {

namespace fs = std::filesystem;
// Discovery drives the schema loaders of every family.
using namespace loaders; // NOLINT(google-build-using-namespace)

namespace {

// Where projects keep migrations when no drizzle.config says, in order.
constexpr std::array<std::string_view, 4> k_candidate_dirs = {"drizzle", "migrations", "db/migrations",
                                                              "src/db/migrations"};
// Never searched for **/meta/_journal.json: dependencies and build output.
constexpr std::array<std::string_view, 4> k_skipped_dirs = {"node_modules", ".git", "dist", "build"};
// Bounds on the **/meta/_journal.json search, so a huge tree cannot hang it.
constexpr int k_max_search_depth = 8;
constexpr std::size_t k_max_search_entries = 200000;
// How far up from a migrations folder or file to look for its project.
constexpr int k_max_parent_levels = 6;
// Where Drizzle projects keep their schema when drizzle.config names none
// (files, or folders of files), in order; the first that exists is used.
constexpr std::array<std::string_view, 8> k_conventional_schemas = {
    "src/db/schema.ts", "src/db/schema", "src/schema.ts", "src/schema",
    "db/schema.ts",     "db/schema",     "schema.ts",     "src/lib/db/schema.ts"};

bool has_suffix(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_file(const fs::path& path) {
  std::error_code ec;
  return fs::is_regular_file(path, ec);
}

bool is_dir(const fs::path& path) {
  std::error_code ec;
  return fs::is_directory(path, ec);
}

// Migration files directly in `dir`, or drizzle-kit 1.x's <tag>/migration.sql.
std::size_t count_sql_files(const fs::path& dir) {
  std::size_t count = 0;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    const bool sql_file = it->is_regular_file(type_ec) && it->path().extension() == ".sql";
    if (sql_file || (it->is_directory(type_ec) && is_file(it->path() / "migration.sql"))) {
      ++count;
    }
  }
  return count;
}

// SQL migrations, a drizzle-kit journal, or at least a snapshot.
bool is_migrations_dir(const fs::path& dir) {
  return is_dir(dir) && (count_sql_files(dir) > 0 || is_file(dir / "meta" / "_journal.json") ||
                         newest_snapshot(dir / "meta").has_value());
}

bool is_project_dir(const fs::path& dir) {
  return is_file(dir / "package.json") || find_drizzle_config(dir).has_value();
}

std::string shown_dir(const fs::path& dir) {
  std::string out = display_path(dir);
  return out.empty() || out.back() == '/' ? out : out + "/";
}

fs::path absolute_normal(const fs::path& path) {
  std::error_code ec;
  fs::path out = fs::absolute(path, ec);
  return (ec ? path : out).lexically_normal();
}

// Whether package.json names drizzle-orm or drizzle-kit in any dependency list.
bool package_uses_drizzle(const fs::path& package_json, std::vector<std::string>& notes) {
  const auto content = core::read_file(package_json);
  if (!content) {
    return false;
  }
  const nlohmann::json package = nlohmann::json::parse(*content, nullptr, /*allow_exceptions=*/false);
  if (!package.is_object()) {
    notes.push_back(display_path(package_json) + " is not valid JSON; its dependencies were not read");
    return false;
  }
  for (const char* field : {"dependencies", "devDependencies", "peerDependencies", "optionalDependencies"}) {
    const auto deps = package.find(field);
    if (deps != package.end() && deps->is_object() &&
        (deps->contains("drizzle-orm") || deps->contains("drizzle-kit"))) {
      return true;
    }
  }
  return false;
}

// Calls `visit` with every directory below root (not root itself), skipping
// dependencies and build output (and dot-folders when asked); bounded in depth
// and entries, so a huge tree is cut rather than walked for minutes.
template <typename Visit> void walk_directories(const fs::path& root, bool skip_dot_folders, Visit visit) {
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec);
  std::size_t visited = 0;
  for (const fs::recursive_directory_iterator end; !ec && it != end && visited < k_max_search_entries;
       it.increment(ec), ++visited) {
    std::error_code type_ec;
    if (!it->is_directory(type_ec)) {
      continue;
    }
    const std::string name = it->path().filename().string();
    const bool skipped =
        std::find(k_skipped_dirs.begin(), k_skipped_dirs.end(), name) != k_skipped_dirs.end() ||
        (skip_dot_folders && name.size() > 1 && name[0] == '.');
    if (skipped || it.depth() >= k_max_search_depth) {
      it.disable_recursion_pending();
      continue;
    }
    visit(it->path(), name);
  }
}

// Every meta/_journal.json under root (sorted).
std::vector<fs::path> find_journals(const fs::path& root) {
  std::vector<fs::path> found;
  walk_directories(root, false, [&](const fs::path& dir, const std::string& name) {
    if (name == "meta" && is_file(dir / "_journal.json")) {
      found.push_back(dir / "_journal.json");
    }
  });
  std::sort(found.begin(), found.end());
  return found;
}

// Every drizzle.config.* below root (not root's own), sorted.
std::vector<fs::path> find_nested_configs(const fs::path& root) {
  std::vector<fs::path> found;
  walk_directories(root, true, [&](const fs::path& dir, const std::string& /*name*/) {
    if (auto config = find_drizzle_config(dir)) {
      found.push_back(*config);
    }
  });
  std::sort(found.begin(), found.end());
  return found;
}

class Discovery {
public:
  std::optional<core::Error> add(const fs::path& input) {
    std::error_code ec;
    const fs::file_status status = fs::status(input, ec);
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
    return std::move(m_sources);
  }

private:
  std::optional<core::Error> add_file(const fs::path& file) {
    const std::string name = file.filename().string();
    const std::string lower = core::to_lower(name);
    if (has_suffix(lower, ".sql")) {
      m_sources.sql_files.push_back(file);
      m_sources.notes.push_back("SQL file " + display_path(file) + " given explicitly");
      adopt_enclosing_project(file.parent_path());
      return std::nullopt;
    }
    if (has_suffix(lower, "_snapshot.json") || lower == "snapshot.json") {
      m_sources.snapshot = file;
      m_sources.notes.push_back("drizzle-kit snapshot " + display_path(file) + " given explicitly");
      adopt_enclosing_project(file.parent_path());
      return std::nullopt;
    }
    if (name == "_journal.json") {
      add_migrations_dir(absolute_normal(file).parent_path().parent_path(),
                         "its journal was given explicitly");
      return std::nullopt;
    }
    if (name.rfind("drizzle.config.", 0) == 0) {
      add_project(file.parent_path().empty() ? fs::path(".") : file.parent_path(), file);
      return std::nullopt;
    }
    if (name == "package.json") {
      add_directory(file.parent_path().empty() ? fs::path(".") : file.parent_path());
      return std::nullopt;
    }
    return core::Error("not something pgadvise reads (expected a project directory, a migrations folder, "
                       "a .sql file or a drizzle-kit *_snapshot.json)",
                       {file.string(), 0, 0});
  }

  void add_directory(const fs::path& dir) {
    if (!find_drizzle_config(dir)) {
      const std::vector<fs::path> nested = find_nested_configs(dir);
      if (!nested.empty()) {
        add_nested_configs(dir, nested);
        return;
      }
    }
    if (is_project_dir(dir)) {
      add_project(dir, find_drizzle_config(dir));
    } else if (is_migrations_dir(dir)) {
      add_migrations_dir(dir, "given explicitly");
      adopt_enclosing_project(dir);
    } else {
      add_project(dir, std::nullopt);
    }
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
        fill_project(dir, find_drizzle_config(dir));
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
  }

  // The Drizzle schema files: the config's `schema` entries, else the first
  // conventional place that holds one (Drizzle projects only).
  void find_schema_files(const fs::path& root) {
    const model::Project& project = m_sources.project;
    if (!project.drizzle_schema_paths.empty()) {
      const std::string config_name = display_path(project.drizzle_config);
      m_sources.schema_ts = expand_schema_paths(root, project.drizzle_schema_paths, &m_sources.notes);
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
    if (is_file(root / "package.json") && package_uses_drizzle(root / "package.json", m_sources.notes)) {
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
    project.drizzle_out = drizzle_out_dir(*config);
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
      const fs::path out_dir = (root / out).lexically_normal();
      const std::string config_name = display_path(*config_file);
      if (is_migrations_dir(out_dir)) {
        add_migrations_dir(out_dir, "the `out` folder of " + config_name);
        return;
      }
      m_sources.notes.push_back(config_name + ": its `out` folder " + shown_dir(out_dir) +
                                " holds no migrations; looking elsewhere");
    }
    for (std::string_view candidate : k_candidate_dirs) {
      const fs::path dir = root / candidate;
      if (is_migrations_dir(dir)) {
        add_migrations_dir(dir, "found in " + shown_dir(root));
        return;
      }
    }
    const std::vector<fs::path> journals = find_journals(root);
    if (!journals.empty()) {
      add_migrations_dir(journals.front().parent_path().parent_path(),
                         "found by its meta/_journal.json under " + shown_dir(root));
      for (std::size_t i = 1; i < journals.size(); ++i) {
        m_sources.notes.push_back("also found " + display_path(journals[i]) +
                                  "; pass its folder to pgadvise to lint that one");
      }
      return;
    }
    m_sources.notes.push_back(
        "looked in " + shown_dir(root) +
        " for drizzle.config.{ts,js,mjs,cjs,json}, drizzle/, migrations/, db/migrations/, "
        "src/db/migrations/ and **/meta/_journal.json: none found");
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
    const fs::path config_dir = config_file.parent_path();
    const std::string config_name = display_path(config_file);
    m_sources.notes.push_back("Drizzle config " + config_name + " (found under " + shown_dir(root) + ")");
    auto config = read_drizzle_config(config_file);
    const std::string out = config ? drizzle_out_dir(*config) : std::string(k_drizzle_default_out);
    if (config) {
      project.drizzle_config = absolute_normal(config_file);
      project.drizzle_schema_paths = config->schema;
      project.casing = config->casing;
      const fs::path relative = (absolute_normal(config_dir) / out).lexically_relative(project.root);
      project.drizzle_out = relative.empty() ? out : relative.generic_string();
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
  }

  void add_migrations_dir(const fs::path& dir, const std::string& how) {
    if (m_sources.migrations_dir) {
      if (absolute_normal(*m_sources.migrations_dir) != absolute_normal(dir)) {
        m_sources.notes.push_back("ignored " + shown_dir(dir) +
                                  ": pgadvise replays one migrations folder per run (" +
                                  shown_dir(*m_sources.migrations_dir) + " is used)");
      }
      return;
    }
    m_sources.migrations_dir = dir;
    const std::size_t count = count_sql_files(dir);
    m_sources.notes.push_back("migrations folder " + shown_dir(dir) + " (" + how + "): " +
                              std::to_string(count) + (count == 1 ? " SQL migration" : " SQL migrations"));
    if (!m_sources.snapshot) {
      m_sources.snapshot = newest_snapshot(dir / "meta");
    }
    if (is_file(dir / "meta" / "_journal.json")) {
      m_journal_seen = true;
    }
  }

  SchemaSources m_sources;
  bool m_have_project = false;
  bool m_journal_seen = false;
};

std::string plural(std::size_t count, const std::string& word) {
  return std::to_string(count) + " " + word + (count == 1 ? "" : "s");
}

} // namespace

core::Result<SchemaSources> discover(const std::vector<fs::path>& paths) {
  Discovery discovery;
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

void prefix_location(core::SourceLocation& location, const std::string& prefix) {
  if (location.known() && fs::path(location.file).is_relative()) {
    location.file = (fs::path(prefix) / location.file).lexically_normal().generic_string();
  }
}

void prefix_commands(std::vector<model::Command>& commands, const std::string& prefix) {
  for (model::Command& command : commands) {
    prefix_location(command.location, prefix);
  }
}

} // namespace

void relocate_project(model::Project& project) {
  std::error_code ec;
  const fs::path cwd = fs::current_path(ec);
  if (ec || project.root.empty()) {
    return;
  }
  const std::string prefix =
      absolute_normal(project.root).lexically_relative(absolute_normal(cwd)).generic_string();
  if (prefix.empty() || prefix == ".") {
    return;
  }
  for (model::Package& package : project.packages) {
    for (model::Script& script : package.scripts) {
      prefix_location(script.command.location, prefix);
    }
  }
  for (model::ExecutionSite& site : project.sites) {
    prefix_commands(site.commands, prefix);
    model::SiteContext& context = site.context;
    prefix_location(context.environment_location, prefix);
    prefix_location(context.branches_location, prefix);
    for (model::NameHint& hint : context.names) {
      prefix_location(hint.location, prefix);
    }
    for (model::EnvVar& var : context.env) {
      prefix_location(var.location, prefix);
    }
  }
  for (model::CommandFile& file : project.command_files) {
    prefix_location(file.location, prefix);
    prefix_commands(file.commands, prefix);
  }
  for (model::ScanNote& note : project.scan_notes) {
    prefix_location(note.location, prefix);
  }
}

namespace {

// The journal's first entry when it has a snapshot but no SQL file
// (drizzle-kit pull's baseline, or *.sql kept out of git): the replay starts
// from that snapshot instead of an empty schema.
struct Baseline {
  std::string tag;
  fs::path snapshot;
  fs::path journal;
};

std::optional<Baseline> find_baseline(const fs::path& dir) {
  const fs::path journal = dir / "meta" / "_journal.json";
  const auto text = core::read_file(journal);
  if (!text) {
    return std::nullopt;
  }
  const nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("entries") || !parsed["entries"].is_array() ||
      parsed["entries"].empty() || !parsed["entries"][0].is_object()) {
    return std::nullopt;
  }
  const nlohmann::json& first = parsed["entries"][0];
  const std::string tag = first.value("tag", std::string{});
  if (tag.empty() || is_file(dir / (tag + ".sql")) || is_file(dir / tag / "migration.sql")) {
    return std::nullopt;
  }
  const std::size_t digits = tag.find_first_not_of("0123456789");
  const std::string prefix = tag.substr(0, digits == std::string::npos ? tag.size() : digits);
  const fs::path snapshot = dir / "meta" / (prefix + "_snapshot.json");
  if (prefix.empty() || !is_file(snapshot)) {
    return std::nullopt;
  }
  return Baseline{tag, snapshot, journal};
}

// Starts `load` from the baseline's snapshot, saying so once.
void start_from_baseline(const Baseline& baseline, SchemaLoad& load) {
  auto snapshot = load_drizzle_snapshot(baseline.snapshot);
  if (!snapshot) {
    load.notes.push_back("cannot start from the baseline snapshot: " + snapshot.error().to_string());
    return;
  }
  load.catalog = std::move(snapshot->catalog);
  load.diagnostics.push_back(make_diagnostic(
      k_replay_warning, core::Severity::low,
      "the journal's first migration \"" + baseline.tag +
          "\" has no SQL file; the replay starts from its snapshot " + display_path(baseline.snapshot),
      {display_path(baseline.journal), 0, 0},
      "A baseline made by drizzle-kit pull, or SQL files kept out of the repository: commit the SQL so "
      "the history can be replayed from an empty database."));
}

// The SQL replay of the migrations folder and the explicit .sql files into
// `load`; false when there is no SQL.
bool load_sql(const SchemaSources& sources, SchemaLoad& load) {
  std::vector<fs::path> files;
  std::string description;
  if (sources.migrations_dir && count_sql_files(*sources.migrations_dir) > 0) {
    auto order = migration_order(*sources.migrations_dir, &load.notes);
    if (order) {
      files = std::move(*order);
      const bool journal = is_file(*sources.migrations_dir / "meta" / "_journal.json");
      description = "SQL replay of " + shown_dir(*sources.migrations_dir) + " (" +
                    plural(files.size(), "migration") + (journal ? ", journal order)" : ", file name order)");
    } else {
      load.notes.push_back(order.error().to_string());
    }
  }
  if (!sources.sql_files.empty()) {
    const std::string extra = sources.sql_files.size() == 1 ? display_path(sources.sql_files.front())
                                                            : plural(sources.sql_files.size(), "SQL file");
    description = description.empty() ? "SQL replay of " + extra : description + " and " + extra;
    files.insert(files.end(), sources.sql_files.begin(), sources.sql_files.end());
  }
  if (files.empty()) {
    return false;
  }
  if (sources.migrations_dir) {
    if (const auto baseline = find_baseline(*sources.migrations_dir)) {
      start_from_baseline(*baseline, load);
    }
  }
  replay_sql_files(files, load);
  load.catalog.source = model::SchemaSource::sql_replay;
  load.catalog.source_description = description;
  std::string note = "schema source: " + description;
  if (sources.snapshot) {
    note += "; snapshot " + display_path(*sources.snapshot) +
            " not used because SQL migrations are present (snapshot-drift compares it)";
  }
  load.notes.push_back(std::move(note));
  return true;
}

// The newest snapshot as the schema into `load`; false when there is none
// or it cannot be used (a located parse-error then says why).
bool load_snapshot(const SchemaSources& sources, SchemaLoad& load) {
  if (!sources.snapshot) {
    return false;
  }
  auto snapshot = load_drizzle_snapshot(*sources.snapshot);
  if (!snapshot) {
    load.notes.push_back("cannot use drizzle-kit snapshot: " + snapshot.error().to_string());
    load.diagnostics.push_back(make_diagnostic(k_parse_error, core::Severity::high, snapshot.error().message,
                                               snapshot.error().location));
    return false;
  }
  SchemaLoad out = std::move(*snapshot);
  out.notes.insert(out.notes.begin(), load.notes.begin(), load.notes.end());
  out.diagnostics.insert(out.diagnostics.begin(), load.diagnostics.begin(), load.diagnostics.end());
  out.notes.push_back("schema source: " + out.catalog.source_description + " (no SQL migrations found)");
  load = std::move(out);
  return true;
}

// Copies what the Drizzle schema knows -- variable and property names, where
// each table is declared -- onto a catalog built from SQL or a snapshot,
// matching tables, columns and indexes by name.
void adopt_drizzle_names(model::Catalog& catalog, const model::Catalog& drizzle) {
  for (model::Table& table : catalog.tables) {
    const model::Table* declared = drizzle.find_table(table.schema, table.name);
    if (declared == nullptr) {
      continue;
    }
    if (table.property.empty()) {
      table.property = declared->property;
    }
    table.drizzle_location = declared->drizzle_location;
    table.drizzle_config_param = declared->drizzle_config_param;
    for (model::Column& column : table.columns) {
      const model::Column* match = declared->find_column(column.name);
      if (match != nullptr && column.property.empty()) {
        column.property = match->property;
      }
    }
    for (model::Index& index : table.indexes) {
      const model::Index* match = declared->find_index(index.name);
      if (match != nullptr && index.property.empty()) {
        index.property = match->property;
      }
    }
  }
}

std::size_t count_unresolved(const SchemaLoad& load) {
  return static_cast<std::size_t>(
      std::count_if(load.diagnostics.begin(), load.diagnostics.end(), [](const core::Finding& finding) {
        return finding.message.rfind(k_schema_ts_unresolved, 0) == 0;
      }));
}

} // namespace

SchemaLoad load_schema(const SchemaSources& sources) {
  std::optional<SchemaLoad> drizzle;
  if (!sources.schema_ts.empty()) {
    drizzle = load_drizzle_schema(sources.schema_ts, sources.project.casing);
    truncate_identifiers(drizzle->catalog); // as the database would keep its names
  }
  SchemaLoad load;
  if (load_sql(sources, load)) {
    // The snapshot is not the schema, but snapshot-drift compares it.
    if (sources.snapshot) {
      if (auto snapshot = load_drizzle_snapshot(*sources.snapshot)) {
        load.other_schemas.push_back(std::move(snapshot->catalog));
      } else {
        load.notes.push_back("cannot compare with drizzle-kit snapshot: " + snapshot.error().to_string());
      }
    }
  } else if (!load_snapshot(sources, load) && !drizzle) {
    // Nothing to load: the discovery notes say where pgadvise looked.
    load.notes.insert(load.notes.end(), sources.notes.begin(), sources.notes.end());
    load.notes.push_back("no schema source: no SQL migrations, .sql files, drizzle-kit snapshot or Drizzle "
                         "schema file were found");
    return load;
  }

  if (!drizzle) {
    return load;
  }
  if (load.catalog.source == model::SchemaSource::none) {
    // A push-only project: schema.ts is the schema, every finding located in it.
    SchemaLoad out = std::move(*drizzle);
    out.notes.insert(out.notes.begin(), load.notes.begin(), load.notes.end());
    out.diagnostics.insert(out.diagnostics.begin(), load.diagnostics.begin(), load.diagnostics.end());
    out.notes.push_back("schema source: " + out.catalog.source_description +
                        " (no SQL migrations or drizzle-kit snapshot found)");
    return out;
  }
  adopt_drizzle_names(load.catalog, drizzle->catalog);
  // Its pgadvise-ignore comments still silence findings located in it.
  load.suppressions.merge(drizzle->suppressions);
  const std::size_t unresolved = count_unresolved(*drizzle);
  load.notes.push_back(
      drizzle->catalog.source_description +
      " read for Drizzle property names and compared by snapshot-drift" +
      (unresolved == 0 ? std::string{} : "; " + plural(unresolved, "construct") + " it could not resolve"));
  load.other_schemas.push_back(std::move(drizzle->catalog));
  return load;
}

} // namespace pgadvise::app
