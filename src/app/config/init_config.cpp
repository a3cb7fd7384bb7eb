#include "app/config/init_config.hpp"

#include "app/config/config.hpp"
#include "app/inputs/discovery.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace pgadvise::app {

namespace fs = std::filesystem;

namespace {

// `path` relative to `dir`, as the config file writes it.
std::string relative_to(const fs::path& path, const fs::path& dir) {
  std::error_code ec;
  const fs::path rel = fs::relative(path, dir, ec);
  return ec || rel.empty() ? path.generic_string() : rel.generic_string();
}

std::string toml_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

std::string toml_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    out += (i == 0 ? "" : ", ") + toml_string(items[i]);
  }
  return out + "]";
}

// Server logs a project keeps next to its code: *.log and *.csv/.json logs
// under log/ or logs/.
std::vector<std::string> find_logs(const fs::path& dir) {
  std::vector<std::string> out;
  for (const char* folder : {"log", "logs"}) {
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir / folder, ec)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file(ec) && (ext == ".log" || ext == ".gz" || ext == ".csv" || ext == ".json")) {
        out.push_back(relative_to(entry.path(), dir));
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace

std::string init_config_text(const fs::path& dir) {
  std::vector<std::string> paths;
  std::string found = "no schema found here yet: set paths to your migrations folder";
  if (auto sources = discover({dir})) {
    if (sources->migrations_dir) {
      paths.push_back(relative_to(*sources->migrations_dir, dir));
      found = "SQL migrations in " + paths.back();
    } else if (sources->snapshot) {
      paths.push_back(relative_to(sources->snapshot->parent_path().parent_path(), dir));
      found = "drizzle-kit snapshots in " + paths.back();
    } else if (!sources->schema_ts.empty()) {
      found = "a Drizzle schema (" + relative_to(sources->schema_ts.front(), dir) + ")";
    }
  }
  const std::vector<std::string> logs = find_logs(dir);

  std::ostringstream out;
  out << "# pgadvise configuration: `pgadvise lint --help` and `pgadvise rules` say more.\n"
      << "# Command-line flags override what is set here. Paths are relative to this file.\n"
      << "# Found: " << found << ".\n\n"
      << "# Exit 1 when a finding is at or above this severity (critical, high, medium, low, info, none).\n"
      << "fail_on = \"high\"\n"
      << "# Hide findings below this severity.\n"
      << "min_severity = \"low\"\n"
      << "# Findings recorded by `pgadvise baseline` are not reported (the file is read when it exists).\n"
      << "baseline = \".pgadvise-baseline.json\"\n"
      << "# Findings located in files matching these globs are dropped (** crosses folders).\n"
      << "ignore = []\n\n"
      << "[inputs]\n"
      << "# What `pgadvise lint` reads when given no paths (default: this folder, searched).\n"
      << (paths.empty() ? "# paths = [\"drizzle\"]\n" : "paths = " + toml_list(paths) + "\n")
      << "# Server logs to read queries from (stderr, csvlog, jsonlog, .gz).\n"
      << (logs.empty() ? "# logs = [\"logs/postgresql.log\"]\n" : "logs = " + toml_list(logs) + "\n")
      << "# The server's log_line_prefix, when detection from the first lines is not enough.\n"
      << "# log_line_prefix = \"%m [%p] \"\n"
      << "# The NAME of an environment variable holding the database URL for live checks\n"
      << "# (never the URL itself: it would hold a password).\n"
      << "# database_env = \"DATABASE_URL\"\n\n"
      << "# Which names count as which environment when pgadvise looks for `drizzle-kit push`\n"
      << "# in scripts and CI (added to the built-in names).\n"
      << "[environments]\n"
      << "# production = [\"prod\", \"production\"]\n"
      << "# staging = [\"staging\", \"preview\"]\n"
      << "# development = [\"dev\", \"local\"]\n\n"
      << "# Per rule: enabled, severity and the rule's options (`pgadvise rules show ID`).\n"
      << "# [rules.unindexed-foreign-key]\n"
      << "# severity = \"high\"\n"
      << "# [rules.select-star]\n"
      << "# enabled = false\n";
  return out.str();
}

core::Result<fs::path> write_init_config(const fs::path& dir, bool force) {
  const fs::path file = dir / k_config_name;
  std::error_code ec;
  if (fs::exists(file, ec) && !force) {
    return core::Error(file.string() + " already exists; `pgadvise init --force` replaces it");
  }
  const std::string text = init_config_text(dir);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  out << text;
  out.flush();
  if (!out) {
    return core::Error("cannot write " + file.string());
  }
  return file;
}

} // namespace pgadvise::app
