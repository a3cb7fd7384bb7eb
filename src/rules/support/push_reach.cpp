#include "rules/support/push_reach.hpp"

#include <algorithm>
#include <set>

namespace pgadvise::rules {

using namespace model; // NOLINT(google-build-using-namespace): the walk reads the project model throughout

namespace {

constexpr int k_max_depth = 24;
constexpr std::size_t k_max_reaches = 1000;

std::string parent_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? std::string{} : std::string(path.substr(0, slash));
}

std::string base_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return std::string(slash == std::string_view::npos ? path : path.substr(slash + 1));
}

// `*` matches any run of characters (npm-run-all patterns, workspace globs).
bool glob_match(std::string_view pattern, std::string_view text) {
  if (pattern.empty()) {
    return text.empty();
  }
  if (pattern[0] == '*') {
    for (std::size_t i = 0; i <= text.size(); ++i) {
      if (glob_match(pattern.substr(1), text.substr(i))) {
        return true;
      }
    }
    return false;
  }
  return !text.empty() && pattern[0] == text[0] && glob_match(pattern.substr(1), text.substr(1));
}

// `./apps/api`, `api...`, `^api`, `{apps/api}` -> what a selector names.
std::string clean_selector(std::string selector) {
  while (!selector.empty() && (selector[0] == '^' || selector[0] == '{' || selector[0] == '!')) {
    selector.erase(0, 1);
  }
  while (!selector.empty() && (selector.back() == '.' || selector.back() == '}' || selector.back() == '/')) {
    selector.pop_back();
  }
  if (selector.rfind("./", 0) == 0) {
    selector.erase(0, 2);
  }
  return selector;
}

struct Call {
  core::SourceLocation location;
  std::string text;
};

class Walker {
public:
  explicit Walker(const Project& project) : m_project(project) {}

  std::vector<PushReach> run() {
    for (const ExecutionSite& site : m_project.sites) {
      PushReach start;
      start.root = RootKind::site;
      start.site = &site;
      if (site.kind == SiteKind::package_script) {
        visit_site_script(site, start);
      } else {
        visit_commands(site.commands, Node{NodeKind::site, &site, site.label, nullptr, nullptr}, start, {},
                       0);
      }
    }
    find_orphans();
    return std::move(m_out);
  }

  // Every script, file and target some invocation reaches (whether or not it pushes).
  void mark_referenced(const std::vector<Command>& commands) {
    for (const Command& command : commands) {
      for (const Invocation& inv : command.invocations) {
        if (inv.kind == InvocationKind::run_script) {
          for (const auto& [package, script] : resolve_scripts(inv)) {
            m_referenced.insert(script);
          }
        } else if (inv.kind == InvocationKind::run_file) {
          if (const CommandFile* file = resolve_file(inv)) {
            m_referenced.insert(file);
          }
        } else if (inv.kind == InvocationKind::make_target) {
          if (const CommandFile* target = resolve_target(inv)) {
            m_referenced.insert(target);
          }
        }
      }
    }
  }

private:
  enum class NodeKind { site, script, shell_file, make_target };
  struct Node {
    NodeKind kind;
    const void* id;
    std::string label;
    const Script* script;
    const Package* package;
  };

  const Project& m_project;
  std::vector<PushReach> m_out;
  std::set<const void*> m_referenced;

  static bool is_dockerfile_keyword(std::string_view label) {
    return label == "RUN" || label == "CMD" || label == "ENTRYPOINT";
  }

  // The step a node contributes for the invocation that leads on.
  static ChainStep step_for(const Node& node, const Command& command, const Invocation& inv) {
    switch (node.kind) {
    case NodeKind::site:
      if (inv.kind == InvocationKind::run_file || inv.kind == InvocationKind::drizzle_push) {
        return {command.location, node.label};
      }
      return {command.location, node.label + (is_dockerfile_keyword(node.label) ? " " : ": ") + inv.text};
    case NodeKind::script: return {command.location, node.label};
    case NodeKind::shell_file: return {command.location, inv.text};
    case NodeKind::make_target: return {command.location, node.label + ": " + inv.text};
    }
    return {command.location, inv.text};
  }

  void visit_site_script(const ExecutionSite& site, PushReach& start) {
    const Package* package = nullptr;
    const Script* script = nullptr;
    for (const Package& candidate : m_project.packages) {
      if (candidate.manifest == site.file) {
        package = &candidate;
        script = candidate.find_script(site.label.substr(1, site.label.size() - 2));
      }
    }
    if (script == nullptr) {
      return;
    }
    start.scripts.push_back(script);
    visit_commands({script->command}, Node{NodeKind::script, script, site.label, script, package}, start, {},
                   0);
  }

  void visit_commands(const std::vector<Command>& commands, const Node& node, const PushReach& path,
                      const Call& caller, int depth) {
    if (depth > k_max_depth || m_out.size() >= k_max_reaches) {
      return;
    }
    for (const Command& command : commands) {
      for (const Invocation& inv : command.invocations) {
        PushReach next = path;
        const bool pushes = inv.kind == InvocationKind::drizzle_push;
        if (!(pushes && node.kind != NodeKind::site && node.kind != NodeKind::script)) {
          next.steps.push_back(step_for(node, command, inv));
        }
        for (const std::string& var : inv.env) {
          if (std::find(next.env.begin(), next.env.end(), var) == next.env.end()) {
            next.env.push_back(var);
          }
        }
        follow(inv, command, node, next, caller, depth);
      }
    }
  }

  bool on_path(const PushReach& path, const void* id) const {
    return std::find(path.scripts.begin(), path.scripts.end(), id) != path.scripts.end() ||
           std::find(m_visiting.begin(), m_visiting.end(), id) != m_visiting.end();
  }

  std::vector<const void*> m_visiting; // files and targets on the current path

  void follow(const Invocation& inv, const Command& command, const Node& node, PushReach& next,
              const Call& caller, int depth) {
    const Call here{command.location, inv.text};
    switch (inv.kind) {
    case InvocationKind::drizzle_push: emit_push(inv, command, node, next, caller); return;
    case InvocationKind::drizzle_migrate: return;
    case InvocationKind::run_script:
      for (const auto& [package, script] : resolve_scripts(inv)) {
        if (on_path(next, script)) {
          continue;
        }
        PushReach deeper = next;
        deeper.force = deeper.force || inv.force;
        deeper.scripts.push_back(script);
        visit_commands({script->command},
                       Node{NodeKind::script, script, "\"" + script->name + "\"", script, package}, deeper,
                       here, depth + 1);
      }
      return;
    case InvocationKind::run_file:
      if (const CommandFile* file = resolve_file(inv); file != nullptr && !on_path(next, file)) {
        m_visiting.push_back(file);
        visit_commands(file->commands, Node{NodeKind::shell_file, file, file->path, nullptr, nullptr}, next,
                       here, depth + 1);
        m_visiting.pop_back();
      }
      return;
    case InvocationKind::make_target:
      if (const CommandFile* target = resolve_target(inv); target != nullptr && !on_path(next, target)) {
        m_visiting.push_back(target);
        visit_commands(target->commands,
                       Node{NodeKind::make_target, target, target->target, nullptr, nullptr}, next, here,
                       depth + 1);
        m_visiting.pop_back();
      }
      return;
    }
  }

  void emit_push(const Invocation& inv, const Command& command, const Node& node, PushReach& reach,
                 const Call& caller) {
    reach.force = reach.force || inv.force;
    reach.config = inv.config;
    reach.push_text = inv.text;
    std::string label = "drizzle-kit push";
    if (reach.force) {
      label += " --force";
    }
    reach.steps.push_back({command.location, label});
    reach.package = package_for_invocation(inv);
    reach.push_script = node.script;
    // A script that does nothing but push is replaced where it is called.
    const bool push_only = node.kind == NodeKind::script && node.script != nullptr &&
                           node.script->command.invocations.size() == 1 && caller.location.known();
    if (push_only) {
      reach.edit_location = caller.location;
      reach.edit_text = caller.text;
      reach.edit_is_script_call = true;
    } else {
      reach.edit_location = command.location;
      reach.edit_text = inv.text;
    }
    m_out.push_back(std::move(reach));
  }

  const Package* package_for_invocation(const Invocation& inv) const {
    if (!inv.workspace.empty() && inv.workspace != "*") {
      for (const Package& package : m_project.packages) {
        if (selects(inv.workspace, package)) {
          return &package;
        }
      }
    }
    return package_for_dir(m_project, inv.package_dir);
  }

  static bool selects(const std::string& selector, const Package& package) {
    const std::string wanted = clean_selector(selector);
    return !wanted.empty() && (package.name == wanted || package.dir == wanted ||
                               glob_match(wanted, package.name) || glob_match(wanted, package.dir));
  }

  std::vector<std::pair<const Package*, const Script*>> resolve_scripts(const Invocation& inv) const {
    std::vector<const Package*> packages;
    if (inv.workspace == "*") {
      for (const Package& package : m_project.packages) {
        if (!package.dir.empty()) {
          packages.push_back(&package);
        }
      }
    } else if (!inv.workspace.empty()) {
      for (const Package& package : m_project.packages) {
        if (selects(inv.workspace, package)) {
          packages.push_back(&package);
        }
      }
    } else if (const Package* package = package_for_dir(m_project, inv.package_dir)) {
      packages.push_back(package);
    }
    std::vector<std::pair<const Package*, const Script*>> out;
    for (const Package* package : packages) {
      const bool hooks = package->package_manager == "npm" || package->package_manager == "yarn";
      for (const Script& script : package->scripts) {
        const bool named = inv.target.find('*') != std::string::npos ? glob_match(inv.target, script.name)
                                                                     : script.name == inv.target;
        // npm and yarn run preX and postX around X.
        const bool hook = hooks && inv.target.find('*') == std::string::npos &&
                          (script.name == "pre" + inv.target || script.name == "post" + inv.target);
        if (named || hook) {
          out.emplace_back(package, &script);
        }
      }
    }
    return out;
  }

  const CommandFile* resolve_file(const Invocation& inv) const {
    const std::vector<CommandFile>& files = m_project.command_files;
    for (const CommandFile& file : files) {
      if (file.target.empty() && file.path == inv.target) {
        return &file;
      }
    }
    // Container paths (/app/docker-entrypoint.sh) and files copied elsewhere: match the name,
    // preferring the directory the command runs in.
    const std::string name = base_of(inv.target);
    const CommandFile* only = nullptr;
    int count = 0;
    for (const CommandFile& file : files) {
      if (!file.target.empty() || base_of(file.path) != name) {
        continue;
      }
      if (parent_of(file.path) == inv.package_dir) {
        return &file;
      }
      only = &file;
      ++count;
    }
    return count == 1 ? only : nullptr;
  }

  const CommandFile* resolve_target(const Invocation& inv) const {
    const std::string dir = parent_of(inv.makefile);
    for (const CommandFile& file : m_project.command_files) {
      if (file.target.empty() || parent_of(file.path) != dir) {
        continue;
      }
      const bool same_file = file.path == inv.makefile || base_of(inv.makefile) == "Makefile";
      if (same_file && (inv.target.empty() || file.target == inv.target)) {
        return &file; // an empty target is the file's first (default) target
      }
    }
    return nullptr;
  }

  // Scripts, shell files and targets that push but that nothing runs: someone runs them by hand.
  void find_orphans() {
    for (const ExecutionSite& site : m_project.sites) {
      mark_referenced(site.commands);
    }
    for (const Package& package : m_project.packages) {
      for (const Script& script : package.scripts) {
        mark_referenced({script.command});
      }
    }
    for (const CommandFile& file : m_project.command_files) {
      mark_referenced(file.commands);
    }
    std::set<const Script*> site_scripts;
    for (const ExecutionSite& site : m_project.sites) {
      if (site.kind != SiteKind::package_script) {
        continue;
      }
      for (const Package& package : m_project.packages) {
        if (package.manifest == site.file) {
          site_scripts.insert(package.find_script(site.label.substr(1, site.label.size() - 2)));
        }
      }
    }
    for (const Package& package : m_project.packages) {
      for (const Script& script : package.scripts) {
        if (m_referenced.count(&script) > 0 || site_scripts.count(&script) > 0) {
          continue;
        }
        PushReach start;
        start.root = RootKind::script;
        start.root_package = &package;
        start.root_script = &script;
        start.scripts.push_back(&script);
        visit_commands({script.command},
                       Node{NodeKind::script, &script, "\"" + script.name + "\"", &script, &package}, start,
                       {}, 0);
      }
    }
    for (const CommandFile& file : m_project.command_files) {
      if (m_referenced.count(&file) > 0) {
        continue;
      }
      PushReach start;
      start.root = RootKind::command_file;
      start.root_file = &file;
      m_visiting.push_back(&file);
      if (file.target.empty()) {
        visit_commands(file.commands, Node{NodeKind::shell_file, &file, file.path, nullptr, nullptr}, start,
                       {}, 0);
      } else {
        visit_commands(file.commands, Node{NodeKind::make_target, &file, file.target, nullptr, nullptr},
                       start, {}, 0);
      }
      m_visiting.pop_back();
    }
  }
};

} // namespace

std::vector<PushReach> find_push_reaches(const Project& project) {
  return Walker(project).run();
}

std::string render_chain(const std::vector<ChainStep>& steps) {
  std::string out;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    if (i > 0) {
      out += " -> ";
    }
    const ChainStep& step = steps[i];
    const bool same_place = i > 0 && steps[i - 1].location.file == step.location.file &&
                            steps[i - 1].location.line == step.location.line;
    if (step.location.known() && !same_place) {
      out += step.location.file;
      if (step.location.line > 0) {
        out += ":" + std::to_string(step.location.line);
      }
      out += ' ';
    }
    out += step.label;
  }
  return out;
}

} // namespace pgadvise::rules
