// Hosting platforms' config: Procfile, vercel.json, netlify.toml, fly.toml,
// render.yaml, railway.json and railway.toml.
#include "core/text.hpp"
#include "loaders/project/context.hpp"
#include "loaders/project/toml.hpp"
#include "loaders/project/yaml.hpp"

namespace pgadvise::loaders::scan {

namespace {

model::ExecutionSite platform_site(model::SiteKind kind, const std::string& file, const std::string& platform,
                                   std::string label) {
  model::ExecutionSite site;
  site.kind = kind;
  site.file = file;
  site.label = std::move(label);
  site.context.platform = platform;
  site.context.names.push_back({"file", file_name(file), {file, 1, 0}});
  return site;
}

model::Command one_command(ScanContext& context, const std::string& text, const std::string& file, int line,
                           const std::string& cwd) {
  model::Command command;
  command.text = text;
  command.location = {file, line, 0};
  ShellState state = context.shell(cwd);
  command.invocations = parse_invocations(text, state);
  return command;
}

void add_toml_command(ScanContext& context, const std::string& file, const std::string& platform,
                      const toml::Value& value, std::string label, const std::string& cwd,
                      std::vector<model::NameHint> names = {}, std::vector<model::EnvVar> env = {}) {
  model::ExecutionSite site = platform_site(model::SiteKind::platform, file, platform, std::move(label));
  for (model::NameHint& hint : names) {
    site.context.names.insert(site.context.names.begin(), std::move(hint));
  }
  site.context.env = std::move(env);
  if (value.is_array) {
    for (const std::string& item : value.array) {
      site.commands.push_back(one_command(context, item, file, value.line, cwd));
    }
  } else {
    site.commands.push_back(one_command(context, value.text, file, value.line, cwd));
  }
  context.add_site(std::move(site));
}

std::vector<model::EnvVar> toml_env(const toml::Document& doc, std::string_view table,
                                    const std::string& file) {
  std::vector<model::EnvVar> env;
  for (const toml::Value& value : doc.values) {
    if (value.table == table) {
      env.push_back({value.key, value.text, {file, value.line, 0}, {}});
    }
  }
  return env;
}

} // namespace

void scan_procfile(ScanContext& context, const std::string& file) {
  const std::optional<std::string> text = context.read(file);
  if (!text) {
    return;
  }
  context.add_deploy_config(file);
  const std::vector<std::string> lines = core::split(*text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view line = core::trim(lines[i]);
    if (line.empty() || line[0] == '#') {
      continue;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      context.note("Procfile line is not `process: command`", {file, static_cast<int>(i) + 1, 0});
      continue;
    }
    const std::string process(core::trim(line.substr(0, colon)));
    model::ExecutionSite site = platform_site(model::SiteKind::procfile, file, "heroku", process);
    site.commands.push_back(one_command(context, std::string(core::trim(line.substr(colon + 1))), file,
                                        static_cast<int>(i) + 1, parent_dir(file)));
    context.add_site(std::move(site));
  }
}

void scan_vercel(ScanContext& context, const std::string& file) {
  const std::optional<JsonFile> config = read_json_object(context, file);
  if (!config) {
    return;
  }
  context.add_deploy_config(file);
  for (const char* key : {"buildCommand", "installCommand", "devCommand"}) {
    auto it = config->json.find(key);
    if (it == config->json.end() || !it->is_string()) {
      continue;
    }
    model::ExecutionSite site = platform_site(model::SiteKind::platform, file, "vercel", key);
    site.commands.push_back(one_command(context, it->get<std::string>(), file,
                                        json_key_line(config->text, key), parent_dir(file)));
    context.add_site(std::move(site));
  }
}

void scan_netlify(ScanContext& context, const std::string& file) {
  const std::optional<toml::Document> doc = read_toml(context, file);
  if (!doc) {
    return;
  }
  context.add_deploy_config(file);
  std::string base = parent_dir(file);
  if (const toml::Value* value = doc->find("build", "base")) {
    base = join_relative(base, value->text);
  }
  const std::vector<model::EnvVar> env = toml_env(*doc, "build.environment", file);
  for (const toml::Value& value : doc->values) {
    if (value.key != "command") {
      continue;
    }
    if (value.table == "build") {
      add_toml_command(context, file, "netlify", value, "build command", base, {}, env);
    } else if (value.table.rfind("context.", 0) == 0) {
      const std::string name = value.table.substr(8);
      add_toml_command(context, file, "netlify", value, "context \"" + name + "\" command", base,
                       {{"context", name, {file, value.line, 0}}}, env);
    }
  }
}

void scan_fly(ScanContext& context, const std::string& file) {
  const std::optional<toml::Document> doc = read_toml(context, file);
  if (!doc) {
    return;
  }
  context.add_deploy_config(file);
  const std::vector<model::EnvVar> env = toml_env(*doc, "env", file);
  for (const toml::Value& value : doc->values) {
    if (value.table == "deploy" && value.key == "release_command") {
      add_toml_command(context, file, "fly", value, "release_command", parent_dir(file), {}, env);
    } else if (value.table == "processes") {
      add_toml_command(context, file, "fly", value, "process \"" + value.key + "\"", parent_dir(file),
                       {{"process", value.key, {file, value.line, 0}}}, env);
    } else if (value.table == "experimental" && (value.key == "cmd" || value.key == "entrypoint")) {
      add_toml_command(context, file, "fly", value, value.key, parent_dir(file), {}, env);
    }
  }
}

void scan_render(ScanContext& context, const std::string& file) {
  const std::optional<yaml::Document> doc = read_yaml(context, file);
  if (!doc) {
    return;
  }
  context.add_deploy_config(file);
  const yaml::Node* services = doc->root.get("services");
  if (services == nullptr) {
    return;
  }
  for (const yaml::Node& service : services->items) {
    const std::string name = service.get_scalar("name");
    const std::string root_dir = service.get_scalar("rootDir");
    const std::string cwd = join_relative(parent_dir(file), root_dir);
    std::vector<model::EnvVar> env;
    if (const yaml::Node* vars = service.get("envVars")) {
      for (const yaml::Node& var : vars->items) {
        env.push_back({var.get_scalar("key"), var.get_scalar("value"), {file, var.line, 0}, {}});
      }
    }
    for (const char* key : {"buildCommand", "preDeployCommand", "startCommand"}) {
      const yaml::Node* node = service.get(key);
      if (node == nullptr || !node->is_scalar()) {
        continue;
      }
      model::ExecutionSite site =
          platform_site(model::SiteKind::platform, file, "render", "service \"" + name + "\" " + key);
      if (!name.empty()) {
        site.context.names.insert(site.context.names.begin(), {"service", name, {file, service.line, 0}});
      }
      site.context.env = env;
      site.commands.push_back(one_command(context, node->scalar, file, node->line, cwd));
      context.add_site(std::move(site));
    }
  }
}

void scan_railway_json(ScanContext& context, const std::string& file) {
  const std::optional<JsonFile> config = read_json_object(context, file);
  if (!config) {
    return;
  }
  context.add_deploy_config(file);
  const std::pair<const char*, const char*> keys[] = {
      {"build", "buildCommand"}, {"deploy", "preDeployCommand"}, {"deploy", "startCommand"}};
  for (const auto& [table, key] : keys) {
    auto section = config->json.find(table);
    if (section == config->json.end() || !section->is_object() || !section->contains(key)) {
      continue;
    }
    const nlohmann::json& value = (*section)[key];
    const int line = json_key_line(config->text, key, std::max(1, json_key_line(config->text, table)));
    model::ExecutionSite site = platform_site(model::SiteKind::platform, file, "railway", key);
    if (value.is_string()) {
      site.commands.push_back(one_command(context, value.get<std::string>(), file, line, parent_dir(file)));
    } else if (value.is_array()) {
      for (const auto& item : value) {
        if (item.is_string()) {
          site.commands.push_back(
              one_command(context, item.get<std::string>(), file, line, parent_dir(file)));
        }
      }
    }
    context.add_site(std::move(site));
  }
}

void scan_railway_toml(ScanContext& context, const std::string& file) {
  const std::optional<toml::Document> doc = read_toml(context, file);
  if (!doc) {
    return;
  }
  context.add_deploy_config(file);
  for (const toml::Value& value : doc->values) {
    if ((value.table == "build" && value.key == "buildCommand") ||
        (value.table == "deploy" && (value.key == "startCommand" || value.key == "preDeployCommand"))) {
      add_toml_command(context, file, "railway", value, value.key, parent_dir(file));
    }
  }
}

} // namespace pgadvise::loaders::scan
