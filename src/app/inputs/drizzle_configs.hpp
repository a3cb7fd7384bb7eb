#pragma once

#include "app/inputs/discovery_files.hpp"
#include "loaders/drizzle_kit/config.hpp"

#include <filesystem>
#include <future>
#include <map>
#include <set>
#include <string>
#include <vector>

// Which drizzle configs discovery reads, and where drizzle-kit runs each:
// a config of another dialect (and the migrations folder it writes) is
// skipped with a note, and a config's `out` and `schema` resolve from the
// folder drizzle-kit runs in. Used by discovery.cpp only.
namespace pgadvise::app {

class DrizzleConfigs {
public:
  // Notes (a skipped config, a base chosen among several) go to `notes`.
  explicit DrizzleConfigs(std::vector<std::string>& notes) : m_notes(notes) {}

  // The drizzle-kit runs with --config the project scanner found (CI,
  // containers, scripts): candidates for where a config runs.
  void set_scanned_runs(std::vector<discovery_files::KitRun> runs) { m_scanned_runs = std::move(runs); }

  // Whether a config is for PostgreSQL; another dialect's is skipped, saying so.
  bool accept(const std::filesystem::path& config_file);

  // Every PostgreSQL drizzle config below `dir`: drizzle.config.* files, and
  // any file a package.json script passes to drizzle-kit by --config (which
  // may have any name: configs/postgresql.config.ts). Configs of another
  // dialect are skipped with a note.
  std::vector<std::filesystem::path> postgres_configs(const std::filesystem::path& dir);
  // The Prisma migration_lock.toml files the last postgres_configs walk saw.
  [[nodiscard]] const std::vector<std::filesystem::path>& prisma_locks() const { return m_prisma_locks; }
  // Starts the walk below `dir` that postgres_configs(dir) will take, on a
  // thread of its own, while the caller goes on (the project scan's own
  // walk): both walks wait on the file system, one core each.
  void walk_ahead(const std::filesystem::path& dir);

  // The folder drizzle-kit runs in for `config_file`, from which it resolves
  // `out`, `schema` and `migrations`: each folder whose package.json scripts
  // run drizzle-kit with --config naming this file, then the config's own
  // folder (where drizzle-kit finds it without --config). The first whose
  // `out` holds migrations wins, else the first whose `schema` exists, else
  // the first.
  struct Base {
    std::filesystem::path base;
    std::string why;
    bool several = false; // more than one folder was possible
  };
  [[nodiscard]] Base choose_base(const std::filesystem::path& config_file,
                                 const loaders::DrizzleConfig& config) const;
  // The base for `config_file`, saying which and why when it mattered.
  std::filesystem::path base(const std::filesystem::path& config_file, const loaders::DrizzleConfig& config);

  // Whether a migrations folder is PostgreSQL's: not the `out` of a config
  // of another dialect, and no journal or snapshot naming another dialect.
  bool postgres_migrations(const std::filesystem::path& dir);

private:
  std::vector<std::string>& m_notes;
  std::vector<discovery_files::KitRun> m_scanned_runs;
  std::vector<std::filesystem::path> m_prisma_locks;
  std::set<std::filesystem::path> m_skipped_outs; // `out` folders of configs of another dialect
  std::map<std::filesystem::path, bool> m_judged; // config -> whether it is PostgreSQL's
  std::filesystem::path m_ahead_dir;              // walk_ahead's folder
  std::future<discovery_files::NestedFiles> m_ahead;
};

// A config's `out` folder as the project records it: relative to its root.
std::string relative_out(const std::filesystem::path& root, const std::filesystem::path& base,
                         const std::string& out);

} // namespace pgadvise::app
