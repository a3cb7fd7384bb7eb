// Shell scripts and Makefile targets: commands other places run.
#include "core/text.hpp"
#include "loaders/project/context.hpp"

namespace pgadvise::loaders::scan {

namespace {

// `name other: deps` (not a variable assignment), or nothing.
std::vector<std::string> rule_targets(std::string_view line, std::string& inline_recipe,
                                      std::vector<std::string>& prerequisites) {
  const std::size_t colon = line.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return {};
  }
  const std::size_t eq = line.find('=');
  if (eq != std::string_view::npos && eq < colon + 2) {
    return {}; // X := y, X ::= y
  }
  if (eq != std::string_view::npos && eq < colon) {
    return {};
  }
  std::string_view after = line.substr(colon + 1);
  if (const std::size_t semi = after.find(';'); semi != std::string_view::npos) {
    inline_recipe = std::string(core::trim(after.substr(semi + 1)));
    after = after.substr(0, semi);
  }
  for (const std::string& word : core::split(core::trim(after), ' ')) {
    if (!word.empty() && word != "|" && word.find('$') == std::string::npos &&
        word.find('%') == std::string::npos) {
      prerequisites.push_back(word);
    }
  }
  std::vector<std::string> targets;
  for (const std::string& word : core::split(line.substr(0, colon), ' ')) {
    if (!word.empty() && word[0] != '.' && word.find('$') == std::string::npos &&
        word.find('%') == std::string::npos) {
      targets.push_back(word);
    }
  }
  return targets;
}

// Make passes `$$` to the shell as `$` and runs lines prefixed @ - + quietly.
std::string recipe_text(std::string_view line) {
  std::string_view text = core::trim(line);
  while (!text.empty() && (text[0] == '@' || text[0] == '-' || text[0] == '+')) {
    text.remove_prefix(1);
  }
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    out += text[i];
    if (text[i] == '$' && i + 1 < text.size() && text[i + 1] == '$') {
      ++i;
    }
  }
  return out;
}

} // namespace

void scan_makefile(ScanContext& context, const std::string& file) {
  const std::optional<std::string> text = context.read(file);
  if (!text) {
    return;
  }
  const std::string dir = parent_dir(file);
  const std::vector<std::string> lines = core::split(*text, '\n');
  std::vector<model::CommandFile> current;
  const auto flush = [&] {
    for (model::CommandFile& target : current) {
      context.project().command_files.push_back(std::move(target));
    }
    current.clear();
  };
  const auto add_recipe = [&](const std::string& recipe, int line_no) {
    for (model::CommandFile& target : current) {
      ShellState state = context.shell(dir); // every recipe line runs in its own shell
      for (model::Command& command : parse_script_text(recipe, file, line_no, state)) {
        target.commands.push_back(std::move(command));
      }
    }
  };
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_no = static_cast<int>(i) + 1;
    std::string line = lines[i];
    if (!line.empty() && line.back() == '\r') {
      line.pop_back();
    }
    if (!line.empty() && line[0] == '\t') {
      while (!line.empty() && line.back() == '\\' && i + 1 < lines.size()) {
        line.pop_back();
        line += ' ' + std::string(core::trim(lines[++i]));
      }
      if (!current.empty()) {
        add_recipe(recipe_text(line), line_no);
      }
      continue;
    }
    const std::string_view trimmed = core::trim(line);
    if (trimmed.empty() || trimmed[0] == '#') {
      continue;
    }
    flush();
    std::string inline_recipe;
    std::vector<std::string> prerequisites;
    for (const std::string& name : rule_targets(trimmed, inline_recipe, prerequisites)) {
      model::CommandFile target;
      target.path = file;
      target.target = name;
      target.location = {file, line_no, 0};
      // Prerequisites run before the recipe: `deploy: db-push` reaches db-push.
      for (const std::string& prerequisite : prerequisites) {
        model::Command command;
        command.text = name + ": " + prerequisite;
        command.location = target.location;
        model::Invocation inv;
        inv.kind = model::InvocationKind::make_target;
        inv.text = prerequisite;
        inv.target = prerequisite;
        inv.makefile = file;
        inv.package_dir = dir;
        command.invocations.push_back(std::move(inv));
        target.commands.push_back(std::move(command));
      }
      current.push_back(std::move(target));
    }
    if (!inline_recipe.empty()) {
      add_recipe(recipe_text(inline_recipe), line_no);
    }
  }
  flush();
}

void scan_shell_file(ScanContext& context, const std::string& file) {
  const std::optional<std::string> text = context.read(file);
  if (!text || text->find('\0') != std::string::npos) {
    return;
  }
  model::CommandFile script;
  script.path = file;
  script.location = {file, 1, 0};
  ShellState state = context.shell(parent_dir(file));
  script.commands = parse_script_text(*text, file, 1, state);
  context.project().command_files.push_back(std::move(script));
}

} // namespace pgadvise::loaders::scan
