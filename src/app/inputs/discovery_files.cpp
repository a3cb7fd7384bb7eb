#include "app/inputs/discovery_files.hpp"

#include "core/file.hpp"
#include "core/tree_walk.hpp"
#include "loaders/drizzle_kit/config.hpp"
#include "loaders/drizzle_kit/snapshot.hpp"
#include "loaders/identifiers.hpp"
#include "loaders/project/shell_words.hpp"
#include "loaders/sql/migrations.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

namespace pgadvise::app::discovery_files {

namespace fs = std::filesystem;
// These helpers read what the loaders of every family find on disk.
using namespace loaders; // NOLINT(google-build-using-namespace)

namespace {

// Never searched for **/meta/_journal.json: dependencies and build output.
constexpr std::array<std::string_view, 4> k_skipped_dirs = {"node_modules", ".git", "dist", "build"};
// Bounds on the **/meta/_journal.json search, so a huge tree cannot hang it.
constexpr int k_max_search_depth = 8;
constexpr std::size_t k_max_search_entries = 200000;

bool is_drizzle_kit_word(const std::string& word) {
  return word == "drizzle-kit" || has_suffix(word, "/drizzle-kit") || word.rfind("drizzle-kit@", 0) == 0;
}

// The "dialect" a drizzle-kit journal or snapshot records; "" when none.
std::string json_dialect(const fs::path& file) {
  const auto text = core::read_file(file);
  if (!text) {
    return {};
  }
  const nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!parsed.is_object() || !parsed.contains("dialect") || !parsed["dialect"].is_string()) {
    return {};
  }
  return parsed["dialect"].get<std::string>();
}

} // namespace

std::optional<fs::path> newest_folder_snapshot(const fs::path& dir) {
  std::optional<fs::path> newest;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path snapshot = it->path() / "snapshot.json";
    if (is_file(snapshot) && (!newest || snapshot > *newest)) {
      newest = snapshot;
    }
  }
  return newest;
}

bool has_suffix(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

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

bool is_migrations_dir(const fs::path& dir) {
  return is_dir(dir) && (count_sql_files(dir) > 0 || is_file(dir / "meta" / "_journal.json") ||
                         newest_snapshot(dir / "meta").has_value());
}

bool is_project_dir(const fs::path& dir) {
  return is_file(dir / "package.json") || find_drizzle_config(dir).has_value();
}

bool has_own_project_markers(const fs::path& dir) {
  if (is_project_dir(dir) || is_file(dir / "meta" / "_journal.json") || newest_snapshot(dir / "meta") ||
      newest_folder_snapshot(dir)) {
    return true;
  }
  for (const char* candidate : {"drizzle", "migrations", "db/migrations", "src/db/migrations"}) {
    if (is_migrations_dir(dir / candidate)) {
      return true;
    }
  }
  return false;
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

namespace {

// drizzle-orm 0.x below 0.36 by its range's lowest version (`^0.33.0`,
// `~0.35.2`, `0.30.10`); false for 0.36 on, 1.x, and ranges it cannot read
// (`latest`, `workspace:*`, `catalog:`).
bool before_array_config(const std::string& range) {
  const std::size_t digit = range.find_first_of("0123456789");
  if (digit == std::string::npos || range.find_first_not_of("^~>=v ") != digit ||
      range.compare(digit, 2, "0.") != 0) {
    return false;
  }
  int minor = 0;
  std::size_t i = digit + 2;
  for (; i < range.size() && std::isdigit(static_cast<unsigned char>(range[i])) != 0 && minor < 1000; ++i) {
    minor = minor * 10 + (range[i] - '0');
  }
  return i > digit + 2 && minor < 36;
}

} // namespace

bool package_uses_drizzle(const fs::path& package_json, std::vector<std::string>& notes, bool* kit_1,
                          bool* object_config) {
  const auto content = core::read_file(package_json);
  if (!content) {
    return false;
  }
  const nlohmann::json package = nlohmann::json::parse(*content, nullptr, /*allow_exceptions=*/false);
  if (!package.is_object()) {
    notes.push_back(display_path(package_json) + " is not valid JSON; its dependencies were not read");
    return false;
  }
  bool uses = false;
  for (const char* field : {"dependencies", "devDependencies", "peerDependencies", "optionalDependencies"}) {
    const auto deps = package.find(field);
    if (deps == package.end() || !deps->is_object()) {
      continue;
    }
    for (const char* name : {"drizzle-orm", "drizzle-kit"}) {
      const auto version = deps->find(name);
      if (version == deps->end()) {
        continue;
      }
      uses = true;
      // "1.0.0-rc.5", "^1.0.0-beta.2": drizzle 1.x names constraints its own way.
      const std::string text = version->is_string() ? version->get<std::string>() : std::string{};
      const std::size_t digit = text.find_first_of("0123456789");
      if (kit_1 != nullptr && digit != std::string::npos && text.find_first_not_of("^~>=v ") == digit &&
          text[digit] != '0' && (digit + 1 == text.size() || text[digit + 1] == '.')) {
        *kit_1 = true;
      }
      if (object_config != nullptr && std::string_view(name) == "drizzle-orm" && before_array_config(text)) {
        *object_config = true;
      }
    }
  }
  return uses;
}

namespace {

bool skipped_dir(const core::TreeEntry& entry, bool skip_dot_folders) {
  return std::find(k_skipped_dirs.begin(), k_skipped_dirs.end(), entry.name) != k_skipped_dirs.end() ||
         (skip_dot_folders && entry.name.size() > 1 && entry.name[0] == '.') ||
         entry.depth >= k_max_search_depth;
}

} // namespace

MigrationMarkers find_migration_markers(const fs::path& root) {
  MigrationMarkers found;
  core::walk_tree(root, k_max_search_entries, [&](const core::TreeEntry& entry) {
    if (entry.kind == core::TreeEntryKind::file) {
      if (entry.name == "migration_lock.toml") {
        found.prisma_locks.push_back(root / entry.path);
      }
      return false;
    }
    if (skipped_dir(entry, false)) {
      return false;
    }
    if (entry.name == "meta" && is_file(root / entry.path / "_journal.json")) {
      found.journals.push_back(root / entry.path / "_journal.json");
    }
    return true;
  });
  std::sort(found.journals.begin(), found.journals.end());
  std::sort(found.prisma_locks.begin(), found.prisma_locks.end());
  return found;
}

std::string prisma_provider(const fs::path& lock) {
  const auto text = core::read_file(lock);
  if (!text) {
    return {};
  }
  // `provider = "postgresql"`, the one key Prisma writes there.
  static const std::regex k_provider(R"re((?:^|\n)[ \t]*provider[ \t]*=[ \t]*"([^"]*)")re");
  std::smatch match;
  return std::regex_search(*text, match, k_provider) ? match[1].str() : std::string();
}

// The walk's file entries say what each folder holds: no call per folder
// and name (seven config names and package.json in each of a monorepo's
// thousands of folders took 70 ms). A linked folder, seen but not walked
// into, is asked.
NestedFiles find_nested_files(const fs::path& root) {
  const std::vector<std::string>& names = drizzle_config_names();
  std::map<std::string, std::size_t, std::less<>> config_of; // folder -> its first config name
  NestedFiles out;
  const auto add_config = [&](std::string_view folder, std::size_t name) {
    const auto [kept, added] = config_of.try_emplace(std::string(folder), name);
    kept->second = std::min(kept->second, name);
  };
  core::walk_tree(root, k_max_search_entries, [&](const core::TreeEntry& entry) {
    if (entry.kind == core::TreeEntryKind::directory) {
      return !skipped_dir(entry, true);
    }
    if (entry.kind == core::TreeEntryKind::linked_directory) {
      if (!skipped_dir(entry, true)) {
        const fs::path dir = root / entry.path;
        if (const std::optional<fs::path> config = find_drizzle_config(dir)) {
          add_config(entry.path,
                     static_cast<std::size_t>(
                         std::find(names.begin(), names.end(), config->filename().string()) - names.begin()));
        }
        if (is_file(dir / "package.json")) {
          out.manifests.push_back(dir / "package.json");
        }
      }
      return false;
    }
    if (entry.depth == 0) {
      return false; // root's own
    }
    const std::string_view folder = entry.path.substr(0, entry.path.size() - entry.name.size() - 1);
    if (entry.name == "package.json") {
      out.manifests.push_back(root / entry.path);
    } else if (entry.name == "migration_lock.toml") {
      out.prisma_locks.push_back(root / entry.path);
    } else if (const auto name = std::find(names.begin(), names.end(), entry.name); name != names.end()) {
      add_config(folder, static_cast<std::size_t>(name - names.begin()));
    }
    return false;
  });
  for (const auto& [folder, name] : config_of) {
    out.configs.push_back(root / folder / names[name]);
  }
  std::sort(out.configs.begin(), out.configs.end());
  return out;
}

std::vector<KitRun> read_kit_runs(const fs::path& package_json) {
  std::vector<KitRun> runs;
  const auto content = core::read_file(package_json);
  if (!content) {
    return runs;
  }
  const nlohmann::json package = nlohmann::json::parse(*content, nullptr, /*allow_exceptions=*/false);
  if (!package.is_object() || !package.contains("scripts") || !package["scripts"].is_object()) {
    return runs;
  }
  const fs::path package_dir = absolute_normal(package_json).parent_path();
  for (const auto& [name, body] : package["scripts"].items()) {
    if (!body.is_string()) {
      continue;
    }
    fs::path cwd = package_dir;
    for (const Segment& segment : split_segments(body.get<std::string>())) {
      const std::vector<std::string>& words = segment.words;
      if (words.size() == 2 && words[0] == "cd") {
        cwd = (cwd / words[1]).lexically_normal();
        continue;
      }
      const auto kit = std::find_if(words.begin(), words.end(), is_drizzle_kit_word);
      for (auto it = kit; it != words.end(); ++it) {
        std::string config;
        if (it->rfind("--config=", 0) == 0) {
          config = it->substr(9);
        } else if ((*it == "--config" || *it == "-c") && it + 1 != words.end()) {
          config = *(it + 1);
        }
        if (!config.empty()) {
          runs.push_back({cwd, (cwd / config).lexically_normal(),
                          "the script \"" + name + "\" of " + display_path(package_json)});
          break;
        }
      }
    }
  }
  return runs;
}

std::vector<KitRun> scanned_kit_runs(const model::Project& project) {
  std::vector<KitRun> runs;
  const auto add = [&](const model::Command& command, const std::string& where) {
    for (const model::Invocation& inv : command.invocations) {
      const bool kit = inv.kind == model::InvocationKind::drizzle_push ||
                       inv.kind == model::InvocationKind::drizzle_migrate ||
                       inv.kind == model::InvocationKind::drizzle_generate;
      if (kit && !inv.config.empty()) {
        const fs::path run_dir = (project.root / inv.package_dir).lexically_normal();
        runs.push_back({run_dir, (run_dir / inv.config).lexically_normal(), where});
      }
    }
  };
  for (const model::ExecutionSite& site : project.sites) {
    for (const model::Command& command : site.commands) {
      add(command, std::string(model::to_string(site.kind)) + " " + site.label + " in " + site.file);
    }
  }
  for (const model::CommandFile& file : project.command_files) {
    for (const model::Command& command : file.commands) {
      add(command, file.target.empty() ? file.path : "make " + file.target + " in " + file.path);
    }
  }
  return runs;
}

bool is_postgres_dialect(std::string_view dialect) {
  return dialect.empty() || dialect == "postgresql" || dialect == "postgres" || dialect == "pg";
}

std::string migrations_dialect(const fs::path& dir) {
  if (is_file(dir / "meta" / "_journal.json")) {
    if (std::string dialect = json_dialect(dir / "meta" / "_journal.json"); !dialect.empty()) {
      return dialect;
    }
  }
  if (auto snapshot = newest_snapshot(dir / "meta")) {
    return json_dialect(*snapshot);
  }
  if (auto snapshot = newest_folder_snapshot(dir)) {
    return json_dialect(*snapshot);
  }
  return {};
}

bool looks_like_config_name(const std::string& name) {
  if (name.rfind("drizzle.config.", 0) == 0) {
    return true;
  }
  for (const char* ext :
       {".config.ts", ".config.mts", ".config.cts", ".config.js", ".config.mjs", ".config.cjs"}) {
    if (has_suffix(name, ext)) {
      return true;
    }
  }
  return false;
}

void walk_directories(const fs::path& root, bool skip_dot_folders, const DirectoryVisit& visit) {
  core::walk_tree(root, k_max_search_entries, [&](const core::TreeEntry& entry) {
    if (entry.kind == core::TreeEntryKind::file) {
      return false;
    }
    if (skipped_dir(entry, skip_dot_folders)) {
      return false;
    }
    visit(root / entry.path, std::string(entry.name));
    return true;
  });
}

} // namespace pgadvise::app::discovery_files
