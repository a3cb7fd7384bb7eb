#pragma once

#include "core/result.hpp"
#include "core/severity.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::app {

// One `[rules.<id>]` table of .pgadvise.toml.
struct RuleConfig {
  std::optional<bool> enabled;
  std::optional<core::Severity> severity;     // nullopt: the rule's default
  std::map<std::string, std::string> options; // the rule's options, as text
};

// What .pgadvise.toml says. Paths in it are relative to the file's
// directory and stored resolved. The database is named by an environment
// variable, never written in the file (it would hold a password).
struct Config {
  std::filesystem::path file; // where it was read from
  std::filesystem::path dir;  // its directory: what relative paths and ignore globs start from
  std::vector<std::string> paths;
  std::vector<std::string> logs;
  std::string log_line_prefix;
  std::string database_env;
  std::optional<core::FailOn> fail_on;
  std::optional<core::Severity> min_severity;
  std::string baseline;
  bool all_migrations = false;     // change rules judge every migration (lint --all-migrations)
  std::vector<std::string> ignore; // globs, relative to dir: findings located there are dropped
  // Environment names for push detection: production, staging, development.
  std::map<std::string, std::vector<std::string>> environments;
  std::map<std::string, RuleConfig> rules;
};

inline constexpr std::string_view k_config_name = ".pgadvise.toml";

// Reads and checks one config file: a syntax error, an unknown key, a value
// of the wrong type, an unknown rule, option or severity is an Error at the
// key's file:line naming its key path (`rules.unindexed-foreign-key.severty`).
core::Result<Config> load_config(const std::filesystem::path& file);

// The nearest .pgadvise.toml from `start` upward, stopping at the git root
// (a directory holding .git) or the filesystem root; nullopt when none.
std::optional<std::filesystem::path> find_config(const std::filesystem::path& start);

// Whether `file` (a finding's location, relative to the working directory)
// is matched by one of the config's ignore globs (`*` within a path
// segment, `**` across segments, `?` one character).
bool ignored_by(const Config& config, const std::string& file);
bool glob_match(std::string_view pattern, std::string_view path);

} // namespace pgadvise::app
