#include "rules/project/reach/push_reach.hpp"

#include "rules/project/reach/invocation_targets.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgadvise::rules::reach {

using namespace model; // NOLINT(google-build-using-namespace): the walk reads the project model throughout

namespace {

constexpr int k_max_depth = 24;
constexpr std::size_t k_max_reaches = 1000;
constexpr std::size_t k_max_suffixes = 64; // distinct pushes below one node

// What lies below one node: the pushes it reaches, each with the steps from
// the node down to the push. Computed once per node and shared by every
// caller, so the search costs what the scripts cost, not what the paths do.
struct Suffix {
  std::vector<ChainStep> steps;
  std::vector<std::string> env;
  std::vector<Guard> guards;
  std::vector<const Script*> scripts; // scripts below the node, in order
  bool force = false;
  std::string config;
  std::string push_text;
  std::string target;
  const Package* package = nullptr;
  const Script* push_script = nullptr;
  core::SourceLocation edit_location;
  std::string edit_text;
  bool edit_is_script_call = false;
  bool edit_at_caller = false; // the node only pushes: its caller's call is the edit
};

bool same_guard(const Guard& a, const Guard& b) {
  return a.variable == b.variable && a.values == b.values && a.negated == b.negated && a.text == b.text &&
         a.location.file == b.location.file && a.location.line == b.location.line;
}

// An invocation's guards, located at its command when the parser knew no line.
void add_guards(std::vector<Guard>& guards, const std::vector<Guard>& more, const core::SourceLocation& at) {
  for (Guard guard : more) {
    if (!guard.location.known()) {
      guard.location = at;
    }
    if (std::none_of(guards.begin(), guards.end(),
                     [&](const Guard& have) { return same_guard(have, guard); })) {
      guards.push_back(std::move(guard));
    }
  }
}

bool same_guards(const std::vector<Guard>& a, const std::vector<Guard>& b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), same_guard);
}

void add_env(std::vector<std::string>& env, const std::vector<std::string>& more) {
  for (const std::string& var : more) {
    if (std::find(env.begin(), env.end(), var) == env.end()) {
      env.push_back(var);
    }
  }
}

class Walker {
public:
  Walker(const Project& project, const ReachTarget& target, std::vector<ScanNote>* notes)
      : m_project(project), m_target(target), m_notes(notes) {}

  std::vector<PushReach> run() {
    for (const ExecutionSite& site : m_project.sites) {
      PushReach start;
      start.root = RootKind::site;
      start.site = &site;
      if (site.kind == SiteKind::package_script) {
        visit_site_script(site, start);
      } else {
        emit(start, suffixes_of(site.commands, Node{NodeKind::site, &site, site.label, nullptr, nullptr}, 0));
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
          for (const auto& [package, script] : scripts_run_by(m_project, inv)) {
            m_referenced.insert(script);
          }
        } else if (inv.kind == InvocationKind::run_file || inv.kind == InvocationKind::run_program) {
          if (const CommandFile* file = file_run_by(m_project, inv)) {
            m_referenced.insert(file);
          }
        } else if (inv.kind == InvocationKind::make_target) {
          if (const CommandFile* target = target_run_by(m_project, inv)) {
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
  enum class State { running, done };
  struct Memo {
    State state = State::running;
    std::vector<Suffix> suffixes;
  };

  const Project& m_project;
  const ReachTarget& m_target;
  std::vector<ScanNote>* m_notes;
  std::vector<PushReach> m_out;
  std::set<const void*> m_referenced;
  std::map<const void*, Memo> m_memo;
  bool m_noted_depth = false;

  static bool is_dockerfile_keyword(std::string_view label) {
    return label == "RUN" || label == "CMD" || label == "ENTRYPOINT";
  }

  // The step a node contributes for the invocation that leads on.
  [[nodiscard]] ChainStep step_for(const Node& node, const Command& command, const Invocation& inv) const {
    switch (node.kind) {
    case NodeKind::site:
      if (inv.kind == InvocationKind::run_file || m_target.matches(inv)) {
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
    emit(start,
         node_suffixes(Node{NodeKind::script, script, site.label, script, package}, {script->command}, 0));
  }

  // A root's reaches: the root's own facts, then each suffix below it.
  void emit(const PushReach& start, const std::vector<Suffix>& suffixes) {
    for (const Suffix& suffix : suffixes) {
      if (m_out.size() >= k_max_reaches) {
        return;
      }
      PushReach reach = start;
      reach.steps.insert(reach.steps.end(), suffix.steps.begin(), suffix.steps.end());
      add_env(reach.env, suffix.env);
      add_guards(reach.guards, suffix.guards, {});
      for (const Script* script : suffix.scripts) {
        if (std::find(reach.scripts.begin(), reach.scripts.end(), script) == reach.scripts.end()) {
          reach.scripts.push_back(script);
        }
      }
      reach.force = reach.force || suffix.force;
      if (reach.force) {
        reach.steps.back().label += " --force";
      }
      reach.config = suffix.config;
      reach.push_text = suffix.push_text;
      reach.target = suffix.target;
      reach.package = suffix.package;
      reach.push_script = suffix.push_script;
      reach.edit_location = suffix.edit_location;
      reach.edit_text = suffix.edit_text;
      reach.edit_is_script_call = suffix.edit_is_script_call;
      m_out.push_back(std::move(reach));
    }
  }

  // The suffixes of a script, file or target, computed on first sight.
  const std::vector<Suffix>& node_suffixes(const Node& node, const std::vector<Command>& commands,
                                           int depth) {
    static const std::vector<Suffix> k_none;
    auto [it, fresh] = m_memo.try_emplace(node.id);
    if (!fresh) {
      return it->second.state == State::done ? it->second.suffixes : k_none; // running: a cycle, cut
    }
    std::vector<Suffix> found = suffixes_of(commands, node, depth);
    Memo& memo = m_memo[node.id];
    memo.suffixes = std::move(found);
    memo.state = State::done;
    return memo.suffixes;
  }

  // Distinct suffixes only: the same push reached the same way through two branches is one.
  static void keep(std::vector<Suffix>& out, Suffix suffix) {
    for (const Suffix& have : out) {
      if (have.push_text == suffix.push_text && have.force == suffix.force && have.env == suffix.env &&
          same_guards(have.guards, suffix.guards) &&
          have.steps.back().location.file == suffix.steps.back().location.file &&
          have.steps.back().location.line == suffix.steps.back().location.line) {
        return;
      }
    }
    if (out.size() < k_max_suffixes) {
      out.push_back(std::move(suffix));
    }
  }

  std::vector<Suffix> suffixes_of(const std::vector<Command>& commands, const Node& node, int depth) {
    std::vector<Suffix> out;
    for (const Command& command : commands) {
      for (const Invocation& inv : command.invocations) {
        const bool pushes = m_target.matches(inv);
        std::vector<ChainStep> head;
        if (!(pushes && node.kind != NodeKind::site && node.kind != NodeKind::script)) {
          head.push_back(step_for(node, command, inv));
        }
        for (Suffix& below : follow(inv, command, node, depth)) {
          Suffix suffix;
          suffix.steps = head;
          suffix.steps.insert(suffix.steps.end(), below.steps.begin(), below.steps.end());
          suffix.env = inv.env;
          add_env(suffix.env, below.env);
          add_guards(suffix.guards, inv.guards, command.location);
          add_guards(suffix.guards, below.guards, command.location);
          suffix.scripts = std::move(below.scripts);
          suffix.force = below.force || (inv.force && inv.kind == InvocationKind::run_script);
          suffix.config = std::move(below.config);
          suffix.push_text = std::move(below.push_text);
          suffix.target = std::move(below.target);
          suffix.package = below.package;
          suffix.push_script = below.push_script;
          suffix.edit_location = below.edit_location;
          suffix.edit_text = std::move(below.edit_text);
          suffix.edit_is_script_call = below.edit_is_script_call;
          if (below.edit_at_caller) {
            // A script that does nothing but push is replaced where it is called.
            suffix.edit_location = command.location;
            suffix.edit_text = inv.text;
            suffix.edit_is_script_call = true;
          }
          suffix.edit_at_caller = pushes && node.kind == NodeKind::script && node.script != nullptr &&
                                  node.script->command.invocations.size() == 1;
          keep(out, std::move(suffix));
        }
      }
    }
    return out;
  }

  void note_depth(const Command& command) {
    if (m_noted_depth || m_notes == nullptr) {
      return;
    }
    m_noted_depth = true;
    m_notes->push_back({"the search for " + m_target.what + " stopped here: calls nested more than " +
                            std::to_string(k_max_depth) + " deep are not followed",
                        command.location});
  }

  // What one invocation reaches: the push itself, or the suffixes of what it calls.
  std::vector<Suffix> follow(const Invocation& inv, const Command& command, const Node& node, int depth) {
    std::vector<Suffix> out;
    if (m_target.matches(inv)) {
      out.push_back(push_suffix(inv, command, node));
      return out;
    }
    if (inv.kind != InvocationKind::drizzle_push && inv.kind != InvocationKind::drizzle_migrate &&
        inv.kind != InvocationKind::drizzle_generate && inv.kind != InvocationKind::run_program &&
        depth >= k_max_depth) {
      note_depth(command);
      return out;
    }
    switch (inv.kind) {
    case InvocationKind::drizzle_push:
    case InvocationKind::drizzle_migrate:
    case InvocationKind::drizzle_generate: break;
    case InvocationKind::run_program: // node scripts/build.mjs: the commands it runs itself
      if (const CommandFile* file = file_run_by(m_project, inv)) {
        out = node_suffixes(Node{NodeKind::shell_file, file, file->path, nullptr, nullptr}, file->commands,
                            depth + 1);
      }
      break;
    case InvocationKind::run_script:
      for (const auto& [package, script] : scripts_run_by(m_project, inv)) {
        for (const Suffix& below :
             node_suffixes(Node{NodeKind::script, script, "\"" + script->name + "\"", script, package},
                           {script->command}, depth + 1)) {
          Suffix suffix = below;
          suffix.scripts.insert(suffix.scripts.begin(), script);
          out.push_back(std::move(suffix));
        }
      }
      break;
    case InvocationKind::run_file:
      if (const CommandFile* file = file_run_by(m_project, inv)) {
        out = node_suffixes(Node{NodeKind::shell_file, file, file->path, nullptr, nullptr}, file->commands,
                            depth + 1);
      }
      break;
    case InvocationKind::make_target:
      if (const CommandFile* target = target_run_by(m_project, inv)) {
        out = node_suffixes(Node{NodeKind::make_target, target, target->target, nullptr, nullptr},
                            target->commands, depth + 1);
      }
      break;
    }
    return out;
  }

  [[nodiscard]] Suffix push_suffix(const Invocation& inv, const Command& command, const Node& node) const {
    Suffix suffix;
    suffix.force = inv.force;
    suffix.config = inv.config;
    suffix.push_text = inv.text;
    suffix.target = inv.target;
    suffix.steps.push_back({command.location, m_target.label(inv)});
    suffix.package = package_run_in(m_project, inv);
    suffix.push_script = node.script;
    suffix.edit_location = command.location;
    suffix.edit_text = inv.text;
    return suffix;
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
        emit(start,
             node_suffixes(Node{NodeKind::script, &script, "\"" + script.name + "\"", &script, &package},
                           {script.command}, 0));
      }
    }
    for (const CommandFile& file : m_project.command_files) {
      if (m_referenced.count(&file) > 0) {
        continue;
      }
      PushReach start;
      start.root = RootKind::command_file;
      start.root_file = &file;
      const Node node = file.target.empty()
                            ? Node{NodeKind::shell_file, &file, file.path, nullptr, nullptr}
                            : Node{NodeKind::make_target, &file, file.target, nullptr, nullptr};
      emit(start, node_suffixes(node, file.commands, 0));
    }
  }
};

} // namespace

std::vector<PushReach> find_reaches(const Project& project, const ReachTarget& target,
                                    std::vector<ScanNote>* notes) {
  return Walker(project, target, notes).run();
}

std::vector<PushReach> find_push_reaches(const Project& project, std::vector<ScanNote>* notes) {
  const ReachTarget push{[](const Invocation& inv) { return inv.kind == InvocationKind::drizzle_push; },
                         [](const Invocation&) { return std::string("drizzle-kit push"); },
                         "drizzle-kit push"};
  return find_reaches(project, push, notes);
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

} // namespace pgadvise::rules::reach
