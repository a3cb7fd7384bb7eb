// Dockerfiles (RUN / CMD / ENTRYPOINT, shell and exec forms, multi-stage)
// and docker-compose files (command / entrypoint).
#include "core/text.hpp"
#include "loaders/project/context.hpp"
#include "loaders/project/yaml.hpp"

#include <algorithm>

namespace pgadvise::loaders::scan {

namespace {

struct Instruction {
  std::string keyword; // upper case
  std::string args;
  int line = 0;
  std::string heredoc; // RUN <<EOF body
  int heredoc_line = 0;
};

std::vector<Instruction> read_instructions(const std::string& text) {
  std::vector<Instruction> out;
  const std::vector<std::string> lines = core::split(text, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    std::string_view first = core::trim(lines[i]);
    if (first.empty() || first[0] == '#') {
      continue;
    }
    Instruction ins;
    ins.line = static_cast<int>(i) + 1;
    std::string logical(first);
    while (!logical.empty() && logical.back() == '\\' && i + 1 < lines.size()) {
      logical.pop_back();
      // Docker drops comment lines inside a continued instruction.
      while (i + 1 < lines.size() && core::trim(lines[i + 1]).rfind('#', 0) == 0) {
        ++i;
      }
      if (i + 1 < lines.size()) {
        logical += ' ' + std::string(core::trim(lines[++i]));
      }
    }
    const std::size_t space = logical.find_first_of(" \t");
    ins.keyword = core::to_lower(logical.substr(0, space));
    std::transform(ins.keyword.begin(), ins.keyword.end(), ins.keyword.begin(),
                   [](char c) { return static_cast<char>(c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c); });
    ins.args = space == std::string::npos ? std::string{} : std::string(core::trim(logical.substr(space)));
    if (ins.keyword == "RUN" && ins.args.rfind("<<", 0) == 0) {
      std::string marker = ins.args.substr(ins.args[2] == '-' ? 3 : 2);
      marker = marker.substr(0, marker.find_first_of(" \t"));
      marker.erase(std::remove(marker.begin(), marker.end(), '"'), marker.end());
      marker.erase(std::remove(marker.begin(), marker.end(), '\''), marker.end());
      ins.heredoc_line = static_cast<int>(i) + 2;
      while (i + 1 < lines.size() && core::trim(lines[i + 1]) != marker) {
        ins.heredoc += lines[++i] + "\n";
      }
      ++i;
    }
    out.push_back(std::move(ins));
  }
  return out;
}

// Splits `A=1 B="x y"` / `A 1` (ENV) into name/value pairs.
std::vector<std::pair<std::string, std::string>> env_pairs(const std::string& args) {
  std::vector<std::string> words;
  std::string word;
  char quote = 0;
  for (char c : args) {
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else {
        word += c;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == ' ' || c == '\t') {
      if (!word.empty()) {
        words.push_back(word);
        word.clear();
      }
    } else {
      word += c;
    }
  }
  if (!word.empty()) {
    words.push_back(word);
  }
  std::vector<std::pair<std::string, std::string>> pairs;
  if (!words.empty() && words[0].find('=') == std::string::npos) {
    std::vector<std::string> rest(words.begin() + 1, words.end());
    pairs.emplace_back(words[0], core::join(rest, " "));
    return pairs;
  }
  for (const std::string& w : words) {
    const std::size_t eq = w.find('=');
    if (eq != std::string::npos) {
      pairs.emplace_back(w.substr(0, eq), w.substr(eq + 1));
    }
  }
  return pairs;
}

// The exec form's argv, or nullopt for the shell form.
std::optional<std::vector<std::string>> exec_form(const std::string& args) {
  if (args.empty() || args[0] != '[') {
    return std::nullopt;
  }
  const nlohmann::json json = nlohmann::json::parse(args, nullptr, false);
  if (json.is_discarded() || !json.is_array()) {
    return std::nullopt;
  }
  std::vector<std::string> argv;
  for (const auto& item : json) {
    if (!item.is_string()) {
      return std::nullopt;
    }
    argv.push_back(item.get<std::string>());
  }
  return argv;
}

model::Command command_of(const std::string& file, int line, const std::string& text,
                          const std::vector<std::string>* argv, ShellState& state) {
  model::Command command;
  command.location = {file, line, 0};
  if (argv != nullptr) {
    command.text = core::join(*argv, " ");
    command.invocations = parse_invocations(*argv, state);
  } else {
    command.text = text;
    command.invocations = parse_invocations(text, state);
  }
  return command;
}

std::string yaml_text(const yaml::Node& node) {
  if (node.is_scalar()) {
    return node.scalar;
  }
  std::vector<std::string> parts;
  for (const yaml::Node& item : node.items) {
    parts.push_back(item.scalar);
  }
  return core::join(parts, " ");
}

} // namespace

void scan_dockerfile(ScanContext& context, const std::string& file) {
  const std::optional<std::string> text = context.read(file);
  if (!text) {
    return;
  }
  context.add_deploy_config(file);
  const std::vector<Instruction> instructions = read_instructions(*text);
  const auto stages = std::count_if(instructions.begin(), instructions.end(),
                                    [](const Instruction& ins) { return ins.keyword == "FROM"; });
  long stage = 0;
  std::string stage_name;
  std::vector<model::EnvVar> env;
  const std::string dir = parent_dir(file);
  std::string cwd = dir;
  for (const Instruction& ins : instructions) {
    if (ins.keyword == "FROM") {
      ++stage;
      env.clear();
      cwd = dir;
      const std::vector<std::string> words = core::split(ins.args, ' ');
      stage_name.clear();
      for (std::size_t i = 0; i + 1 < words.size(); ++i) {
        if (core::to_lower(words[i]) == "as") {
          stage_name = words[i + 1];
        }
      }
      continue;
    }
    if (ins.keyword == "ENV") {
      for (const auto& [name, value] : env_pairs(ins.args)) {
        env.push_back({name, value, {file, ins.line, 0}, {}});
      }
      continue;
    }
    if (ins.keyword == "WORKDIR") {
      std::string mapped;
      if (!ins.args.empty() && ins.args[0] == '/') {
        if (map_absolute_dir(ins.args, context.package_dirs(), mapped)) {
          cwd = mapped;
        }
      } else if (ins.args.find('$') == std::string::npos) {
        cwd = join_relative(cwd, ins.args);
      }
      continue;
    }
    if (ins.keyword != "RUN" && ins.keyword != "CMD" && ins.keyword != "ENTRYPOINT") {
      continue;
    }
    model::ExecutionSite site;
    site.kind = model::SiteKind::dockerfile;
    site.file = file;
    site.label = ins.keyword;
    site.context.final_stage = stage == stages;
    if (!stage_name.empty()) {
      site.context.names.push_back({"stage", stage_name, {file, ins.line, 0}});
    }
    site.context.names.push_back({"file", file_name(file), {file, 1, 0}});
    site.context.env = env;
    ShellState state = context.shell(cwd);
    for (const model::EnvVar& var : env) {
      state.env.push_back(var.name + "=" + var.value);
    }
    if (!ins.heredoc.empty()) {
      site.commands = parse_script_text(ins.heredoc, file, ins.heredoc_line, state);
    } else {
      const auto argv = exec_form(ins.args);
      site.commands.push_back(command_of(file, ins.line, ins.args, argv ? &*argv : nullptr, state));
    }
    context.add_site(std::move(site));
  }
}

void scan_compose(ScanContext& context, const std::string& file) {
  const std::optional<yaml::Document> doc = read_yaml(context, file);
  if (!doc) {
    return;
  }
  const yaml::Node* services = doc->root.get("services");
  if (services == nullptr || !services->is_map()) {
    return;
  }
  const std::string dir = parent_dir(file);
  for (const yaml::Entry& service : services->entries) {
    const yaml::Node& spec = service.value;
    std::string cwd = dir;
    if (const yaml::Node* build = spec.get("build")) {
      const std::string context_dir = build->is_scalar() ? build->scalar : build->get_scalar("context");
      if (!context_dir.empty() && context_dir.find('$') == std::string::npos && context_dir[0] != '/') {
        cwd = join_relative(dir, context_dir);
      }
    }
    std::string mapped;
    const std::string working_dir = spec.get_scalar("working_dir");
    if (!working_dir.empty() && map_absolute_dir(working_dir, context.package_dirs(), mapped)) {
      cwd = mapped;
    }
    std::vector<model::EnvVar> env;
    if (const yaml::Node* environment = spec.get("environment")) {
      for (const yaml::Entry& var : environment->entries) {
        env.push_back({var.key, var.value.scalar, {file, var.line, 0}, {}});
      }
      for (const yaml::Node& item : environment->items) {
        const std::size_t eq = item.scalar.find('=');
        env.push_back({item.scalar.substr(0, eq),
                       eq == std::string::npos ? std::string{} : item.scalar.substr(eq + 1),
                       {file, item.line, 0},
                       {}});
      }
    }
    if (const yaml::Node* env_file = spec.get("env_file")) {
      if (env_file->is_scalar()) {
        env.push_back({"env_file", env_file->scalar, {file, env_file->line, 0}, {}});
      }
      for (const yaml::Node& item : env_file->items) {
        env.push_back(
            {"env_file", item.is_scalar() ? item.scalar : item.get_scalar("path"), {file, item.line, 0}, {}});
      }
    }
    for (const char* key : {"entrypoint", "command"}) {
      const yaml::Node* node = spec.get(key);
      if (node == nullptr || (!node->is_scalar() && !node->is_seq())) {
        continue;
      }
      model::ExecutionSite site;
      site.kind = model::SiteKind::compose;
      site.file = file;
      site.label = "service \"" + service.key + "\" " + key;
      site.context.names.push_back({"service", service.key, {file, service.line, 0}});
      site.context.names.push_back({"file", file_name(file), {file, 1, 0}});
      site.context.env = env;
      ShellState state = context.shell(cwd);
      std::vector<std::string> argv;
      for (const yaml::Node& item : node->items) {
        argv.push_back(item.scalar);
      }
      site.commands.push_back(
          command_of(file, node->line, yaml_text(*node), node->is_seq() ? &argv : nullptr, state));
      context.add_site(std::move(site));
    }
  }
}

} // namespace pgadvise::loaders::scan
