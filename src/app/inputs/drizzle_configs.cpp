#include "app/inputs/drizzle_configs.hpp"

#include "loaders/schema_ts/schema_ts.hpp"
#include "loaders/sql/migrations.hpp"

#include <algorithm>
#include <set>
#include <system_error>

namespace pgadvise::app {

namespace fs = std::filesystem;
using loaders::display_path;
using loaders::drizzle_out_dir;
using loaders::DrizzleConfig;
using loaders::expand_schema_paths;
using loaders::read_drizzle_config;
using namespace discovery_files; // NOLINT(google-build-using-namespace)

std::vector<fs::path> DrizzleConfigs::postgres_configs(const fs::path& dir) {
  NestedFiles nested;
  if (m_ahead.valid() && dir == m_ahead_dir) {
    nested = m_ahead.get();
  } else {
    nested = find_nested_files(dir);
  }
  std::vector<fs::path> found = std::move(nested.configs);
  m_prisma_locks = std::move(nested.prisma_locks);
  std::vector<fs::path> manifests;
  if (is_file(dir / "package.json")) {
    manifests.push_back(dir / "package.json");
  }
  manifests.insert(manifests.end(), nested.manifests.begin(), nested.manifests.end());
  const fs::path dir_abs = absolute_normal(dir);
  std::vector<KitRun> runs = m_scanned_runs;
  for (const fs::path& manifest : manifests) {
    const std::vector<KitRun> more = read_kit_runs(manifest);
    runs.insert(runs.end(), more.begin(), more.end());
  }
  for (const KitRun& run : runs) {
    const fs::path relative = run.config.lexically_relative(dir_abs);
    if (relative.empty() || *relative.begin() == ".." || !is_file(run.config)) {
      continue;
    }
    found.push_back((dir / relative).lexically_normal());
  }
  std::sort(found.begin(), found.end());
  std::vector<fs::path> out;
  std::set<fs::path> seen;
  for (const fs::path& config : found) {
    if (seen.insert(absolute_normal(config)).second && accept(config)) {
      out.push_back(config);
    }
  }
  return out;
}

void DrizzleConfigs::walk_ahead(const fs::path& dir) {
  try {
    m_ahead = std::async(std::launch::async, [dir] { return find_nested_files(dir); });
    m_ahead_dir = dir;
  } catch (const std::system_error&) {
    // no thread to be had: postgres_configs walks itself
  }
}

bool DrizzleConfigs::accept(const fs::path& config_file) {
  const auto judged = m_judged.find(absolute_normal(config_file));
  if (judged != m_judged.end()) {
    return judged->second;
  }
  auto config = read_drizzle_config(config_file);
  const bool postgres = !config || is_postgres_dialect(config->dialect);
  m_judged.emplace(absolute_normal(config_file), postgres);
  if (postgres) {
    return true;
  }
  m_notes.push_back("skipped " + display_path(config_file) + ": its dialect is " + config->dialect +
                    ", and pgadvise reads PostgreSQL only");
  m_skipped_outs.insert(absolute_normal(choose_base(config_file, *config).base / drizzle_out_dir(*config)));
  return false;
}

DrizzleConfigs::Base DrizzleConfigs::choose_base(const fs::path& config_file,
                                                 const DrizzleConfig& config) const {
  const fs::path own = config_file.parent_path().empty() ? fs::path(".") : config_file.parent_path();
  const fs::path own_abs = absolute_normal(own);
  const fs::path config_abs = absolute_normal(config_file);
  std::vector<Base> candidates;
  const auto consider = [&](const KitRun& run) {
    if (run.config != config_abs) {
      return;
    }
    fs::path base = (own / run.run_dir.lexically_relative(own_abs)).lexically_normal();
    if (base.empty()) {
      base = ".";
    }
    candidates.push_back({base, run.where + " runs drizzle-kit there with --config", false});
  };
  fs::path up = own_abs;
  for (int level = 0; level <= k_max_parent_levels; ++level) {
    if (is_file(up / "package.json")) {
      for (const KitRun& run : read_kit_runs(up / "package.json")) {
        consider(run);
      }
    }
    if (fs::exists(up / ".git") || up == up.parent_path()) {
      break;
    }
    up = up.parent_path();
  }
  for (const KitRun& run : m_scanned_runs) {
    consider(run);
  }
  candidates.push_back(
      {own, "drizzle-kit run without --config resolves it from the config's own folder", false});
  const std::string out = drizzle_out_dir(config);
  const bool several = std::any_of(candidates.begin(), candidates.end(), [&](const Base& candidate) {
    return absolute_normal(candidate.base) != own_abs;
  });
  for (const Base& candidate : candidates) {
    if (is_migrations_dir(candidate.base / out)) {
      return {candidate.base, candidate.why + "; its `out` " + out + " holds the migrations there", several};
    }
  }
  for (const Base& candidate : candidates) {
    if (!expand_schema_paths(candidate.base, config.schema).empty()) {
      return {candidate.base, candidate.why + "; its `schema` is there", several};
    }
  }
  return {candidates.front().base, candidates.front().why, several};
}

fs::path DrizzleConfigs::base(const fs::path& config_file, const DrizzleConfig& config) {
  Base chosen = choose_base(config_file, config);
  if (chosen.several) {
    m_notes.push_back(display_path(config_file) + ": `out` and `schema` resolved from " +
                      shown_dir(chosen.base) + " (" + chosen.why + ")");
  }
  return chosen.base;
}

bool DrizzleConfigs::postgres_migrations(const fs::path& dir) {
  if (m_skipped_outs.count(absolute_normal(dir)) != 0) {
    return false;
  }
  const std::string dialect = migrations_dialect(dir);
  if (is_postgres_dialect(dialect)) {
    return true;
  }
  m_notes.push_back("skipped " + shown_dir(dir) + ": drizzle-kit generated it for " + dialect +
                    ", and pgadvise reads PostgreSQL only");
  return false;
}

std::string relative_out(const fs::path& root, const fs::path& base, const std::string& out) {
  const fs::path relative =
      (absolute_normal(base) / out).lexically_normal().lexically_relative(absolute_normal(root));
  return relative.empty() ? out : relative.generic_string();
}

} // namespace pgadvise::app
