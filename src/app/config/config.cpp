#include "app/config/config.hpp"

#include "app/config/rule_settings.hpp"
#include "core/severity.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <sstream>
#include <toml++/toml.h>

namespace pgadvise::app {

namespace fs = std::filesystem;

namespace {

// Builds errors located in the config file.
class Checker {
public:
  explicit Checker(fs::path file) : m_file(std::move(file)) {}

  [[nodiscard]] core::Error error(const toml::source_region& where, const std::string& message) const {
    return core::Error(
        message, {m_file.string(), static_cast<int>(where.begin.line), static_cast<int>(where.begin.column)});
  }
  [[nodiscard]] core::Error unknown_key(const toml::key& key, const std::string& path,
                                        std::string_view expected) const {
    return error(key.source(), "unknown key '" + path + "' (expected " + std::string(expected) + ")");
  }
  [[nodiscard]] core::Error wrong_type(const toml::node& node, const std::string& path,
                                       std::string_view expected) const {
    return error(node.source(), "'" + path + "' must be " + std::string(expected));
  }

private:
  fs::path m_file;
};

std::string join_path(const std::string& prefix, std::string_view key) {
  return prefix.empty() ? std::string(key) : prefix + "." + std::string(key);
}

std::optional<core::Error> read_string(const Checker& check, const toml::node& node, const std::string& path,
                                       std::string& out) {
  if (!node.is_string()) {
    return check.wrong_type(node, path, "a string");
  }
  out = node.as_string()->get();
  return std::nullopt;
}

std::optional<core::Error> read_bool(const Checker& check, const toml::node& node, const std::string& path,
                                     bool& out) {
  if (!node.is_boolean()) {
    return check.wrong_type(node, path, "true or false");
  }
  out = node.as_boolean()->get();
  return std::nullopt;
}

std::optional<core::Error> read_strings(const Checker& check, const toml::node& node, const std::string& path,
                                        std::vector<std::string>& out) {
  const toml::array* array = node.as_array();
  if (array == nullptr) {
    return check.wrong_type(node, path, "an array of strings");
  }
  for (const toml::node& item : *array) {
    if (!item.is_string()) {
      return check.wrong_type(item, path, "an array of strings");
    }
    out.push_back(item.as_string()->get());
  }
  return std::nullopt;
}

std::optional<core::Error> read_severity(const Checker& check, const toml::node& node,
                                         const std::string& path, std::optional<core::Severity>& out) {
  std::string text;
  if (auto e = read_string(check, node, path, text)) {
    return e;
  }
  if ((out = core::parse_severity(text))) {
    return std::nullopt;
  }
  return check.error(node.source(),
                     "'" + path + "': unknown severity '" + text + "' (critical, high, medium, low, info)");
}

std::optional<core::Error> read_fail_on(const Checker& check, const toml::node& node, const std::string& path,
                                        std::optional<core::FailOn>& out) {
  std::string text;
  if (auto e = read_string(check, node, path, text)) {
    return e;
  }
  if ((out = core::parse_fail_on(text))) {
    return std::nullopt;
  }
  return check.error(node.source(), "'" + path + "': unknown severity '" + text +
                                        "' (critical, high, medium, low, info, none)");
}

std::string resolve(const fs::path& dir, const std::string& path) {
  const fs::path p(path);
  return p.is_absolute() ? p.string() : (dir / p).lexically_normal().string();
}

// A rule option's value as the text --option would give.
std::optional<std::string> option_text(const toml::node& node) {
  if (const auto* s = node.as_string()) {
    return s->get();
  }
  if (const auto* b = node.as_boolean()) {
    return b->get() ? "true" : "false";
  }
  if (const auto* i = node.as_integer()) {
    return std::to_string(i->get());
  }
  if (const auto* f = node.as_floating_point()) {
    std::ostringstream text;
    text << f->get();
    return text.str();
  }
  return std::nullopt;
}

std::optional<core::Error> read_rule(const Checker& check, const toml::key& id, const toml::node& node,
                                     RuleConfig& out) {
  const std::string path = "rules." + std::string(id.str());
  if (!known_rule_id(id.str())) {
    return check.error(id.source(), "'" + path + "': no rule named '" + std::string(id.str()) +
                                        "' (see `pgadvise rules`)");
  }
  const toml::table* table = node.as_table();
  if (table == nullptr) {
    return check.wrong_type(node, path, "a table (enabled, severity, options)");
  }
  for (const auto& [key, value] : *table) {
    const std::string key_path = join_path(path, key.str());
    if (key.str() == "enabled") {
      if (!value.is_boolean()) {
        return check.wrong_type(value, key_path, "true or false");
      }
      out.enabled = value.as_boolean()->get();
    } else if (key.str() == "severity") {
      if (auto e = read_severity(check, value, key_path, out.severity)) {
        return e;
      }
    } else {
      const std::string_view name = key.str();
      if (!rule_has_option(id.str(), name)) {
        std::vector<std::string> names = {"enabled", "severity"};
        for (std::string& option : rule_option_names(id.str())) {
          names.push_back(std::move(option));
        }
        return check.unknown_key(key, key_path, core::join(names, ", "));
      }
      auto text = option_text(value);
      if (!text) {
        return check.wrong_type(value, key_path, "a string, number or boolean");
      }
      out.options[std::string(key.str())] = *text;
    }
  }
  return std::nullopt;
}

std::optional<core::Error> read_inputs(const Checker& check, const toml::table& table, Config& config) {
  for (const auto& [key, value] : table) {
    const std::string path = join_path("inputs", key.str());
    std::optional<core::Error> e;
    if (key.str() == "paths") {
      e = read_strings(check, value, path, config.paths);
    } else if (key.str() == "logs") {
      e = read_strings(check, value, path, config.logs);
    } else if (key.str() == "log_line_prefix") {
      e = read_string(check, value, path, config.log_line_prefix);
    } else if (key.str() == "database_env") {
      e = read_string(check, value, path, config.database_env);
      if (!e && (config.database_env.find("://") != std::string::npos ||
                 config.database_env.find('=') != std::string::npos)) {
        e = check.error(value.source(),
                        "'inputs.database_env' names an environment variable (DATABASE_URL), "
                        "never the connection string itself: it would put a password in the file");
      }
    } else {
      e = check.unknown_key(key, path, "paths, logs, log_line_prefix, database_env");
    }
    if (e) {
      return e;
    }
  }
  return std::nullopt;
}

std::optional<core::Error> read_environments(const Checker& check, const toml::table& table, Config& config) {
  for (const auto& [key, value] : table) {
    const std::string name(key.str());
    if (name != "production" && name != "staging" && name != "development") {
      return check.unknown_key(key, "environments." + name, "production, staging, development");
    }
    if (auto e = read_strings(check, value, "environments." + name, config.environments[name])) {
      return e;
    }
  }
  return std::nullopt;
}

std::optional<core::Error> read_top(const Checker& check, const toml::table& root, Config& config) {
  for (const auto& [key, value] : root) {
    const std::string name(key.str());
    std::optional<core::Error> e;
    if (name == "fail_on") {
      e = read_fail_on(check, value, name, config.fail_on);
    } else if (name == "min_severity") {
      e = read_severity(check, value, name, config.min_severity);
    } else if (name == "baseline") {
      e = read_string(check, value, name, config.baseline);
    } else if (name == "all_migrations") {
      e = read_bool(check, value, name, config.all_migrations);
    } else if (name == "ignore") {
      e = read_strings(check, value, name, config.ignore);
    } else if (name == "inputs" || name == "environments" || name == "rules") {
      const toml::table* table = value.as_table();
      if (table == nullptr) {
        return check.wrong_type(value, name, "a table");
      }
      if (name == "inputs") {
        e = read_inputs(check, *table, config);
      } else if (name == "environments") {
        e = read_environments(check, *table, config);
      } else {
        for (const auto& [id, rule] : *table) {
          if ((e = read_rule(check, id, rule, config.rules[std::string(id.str())]))) {
            break;
          }
        }
      }
    } else {
      e = check.unknown_key(
          key, name,
          "fail_on, min_severity, baseline, all_migrations, ignore, [inputs], [environments], [rules.<id>]");
    }
    if (e) {
      return e;
    }
  }
  return std::nullopt;
}

} // namespace

core::Result<Config> load_config(const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec)) {
    return core::Error("config file not found", {file.string(), 0, 0});
  }
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    return core::Error(std::string(e.description()), {file.string(), static_cast<int>(e.source().begin.line),
                                                      static_cast<int>(e.source().begin.column)});
  }
  Config config;
  config.file = file;
  config.dir = file.parent_path().empty() ? fs::path(".") : file.parent_path();
  const Checker check(file);
  if (auto e = read_top(check, root, config)) {
    return *e;
  }
  for (std::string& path : config.paths) {
    path = resolve(config.dir, path);
  }
  for (std::string& log : config.logs) {
    log = log == "-" ? log : resolve(config.dir, log);
  }
  if (!config.baseline.empty()) {
    config.baseline = resolve(config.dir, config.baseline);
  }
  return config;
}

std::optional<fs::path> find_config(const fs::path& start) {
  std::error_code ec;
  fs::path dir = fs::absolute(start, ec).lexically_normal();
  while (true) {
    if (fs::is_regular_file(dir / k_config_name, ec)) {
      return dir / k_config_name;
    }
    if (fs::exists(dir / ".git", ec) || !dir.has_parent_path() || dir.parent_path() == dir) {
      return std::nullopt;
    }
    dir = dir.parent_path();
  }
}

bool glob_match(std::string_view pattern, std::string_view path) {
  if (pattern.empty()) {
    return path.empty();
  }
  if (pattern.substr(0, 2) == "**") {
    std::string_view rest = pattern.substr(2);
    if (!rest.empty() && rest.front() == '/') {
      rest.remove_prefix(1); // `**/x` also matches `x`
      if (glob_match(rest, path)) {
        return true;
      }
    }
    for (std::size_t i = 0; i <= path.size(); ++i) {
      if (glob_match(rest, path.substr(i))) {
        return true;
      }
    }
    return false;
  }
  if (pattern.front() == '*') {
    for (std::size_t i = 0; i <= path.size(); ++i) {
      if (glob_match(pattern.substr(1), path.substr(i))) {
        return true;
      }
      if (i < path.size() && path[i] == '/') {
        return false;
      }
    }
    return false;
  }
  if (path.empty()) {
    return false;
  }
  if (pattern.front() == '?' ? path.front() != '/' : pattern.front() == path.front()) {
    return glob_match(pattern.substr(1), path.substr(1));
  }
  return false;
}

bool ignored_by(const Config& config, const std::string& file) {
  if (file.empty() || config.ignore.empty()) {
    return false;
  }
  std::error_code ec;
  const fs::path absolute = fs::absolute(file, ec).lexically_normal();
  const fs::path base = fs::absolute(config.dir, ec).lexically_normal();
  const std::string relative = absolute.lexically_relative(base).generic_string();
  return std::any_of(config.ignore.begin(), config.ignore.end(),
                     [&](const std::string& glob) { return glob_match(glob, relative); });
}

} // namespace pgadvise::app
