#include "loaders/project/command_walker.hpp"

#include "loaders/project/command_runners.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

using model::Invocation;
using model::InvocationKind;

constexpr int k_max_nesting = 8; // sh -c "sh -c ..." is not worth following further

constexpr std::array<std::string_view, 7> k_ts_runners = {"tsx",   "ts-node",   "ts-node-esm", "esno",
                                                          "esrun", "vite-node", "jiti"};

constexpr std::array<std::string_view, 10> k_shells = {
    "sh", "bash", "zsh", "dash", "ash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/env", "busybox"};

} // namespace

bool is_assignment(std::string_view word) {
  const std::size_t eq = word.find('=');
  if (eq == std::string_view::npos || eq == 0) {
    return false;
  }
  return std::all_of(word.begin(), word.begin() + static_cast<std::ptrdiff_t>(eq), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string basename_of(std::string_view word) {
  const std::size_t slash = word.rfind('/');
  return std::string(slash == std::string_view::npos ? word : word.substr(slash + 1));
}

std::string strip_version(std::string_view pkg) {
  const std::size_t at = pkg.rfind('@');
  return std::string(at == std::string_view::npos || at == 0 ? pkg : pkg.substr(0, at));
}

bool program_file(std::string_view word) {
  for (std::string_view ext : {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"}) {
    if (word.size() > ext.size() && word.compare(word.size() - ext.size(), ext.size(), ext) == 0) {
      return word.find('$') == std::string_view::npos;
    }
  }
  return false;
}

bool ts_runner(std::string_view name) {
  return one_of(name, k_ts_runners);
}

CommandWalker::CommandWalker(ShellState& state, std::string text, int nesting,
                             std::vector<model::Guard> guards)
    : m_state(state), m_text(std::move(text)), m_nesting(nesting), m_guards(std::move(guards)) {}

void CommandWalker::analyze(const Words& words, std::vector<Invocation>& out) {
  m_out = &out;
  m_env = m_state.env;
  walk(words, 0);
}

Invocation CommandWalker::make(InvocationKind kind) const {
  Invocation inv;
  inv.kind = kind;
  inv.text = m_text;
  inv.package_dir = m_state.cwd;
  inv.env = m_env;
  inv.guards = m_guards;
  return inv;
}

void CommandWalker::emit(Invocation inv) {
  m_out->push_back(std::move(inv));
}

void CommandWalker::nested(const std::string& command) {
  if (m_nesting >= k_max_nesting) {
    return;
  }
  ShellState inner = m_state;
  inner.env = m_env;
  inner.conditions = ShellConditions{};
  inner.conditions.inherited = m_guards;
  for (Invocation& inv : analyze_command_text(command, inner, m_nesting + 1)) {
    m_out->push_back(std::move(inv));
  }
}

void CommandWalker::change_dir(const Words& words, std::size_t i) {
  if (i + 1 >= words.size() || words[i + 1].find('$') != std::string::npos || words[i + 1] == "-") {
    return;
  }
  m_state.cwd = resolve_dir(words[i + 1]);
}

std::string CommandWalker::resolve_dir(const std::string& dir) const {
  if (!dir.empty() && dir[0] == '/') {
    std::string mapped;
    if (m_state.package_dirs != nullptr && map_absolute_dir(dir, *m_state.package_dirs, mapped)) {
      return mapped;
    }
    return m_state.cwd;
  }
  if (!dir.empty() && dir[0] == '~') {
    return m_state.cwd;
  }
  return join_relative(m_state.cwd, dir);
}

void CommandWalker::walk_in(const std::string& dir, const Words& words, std::size_t j,
                            const std::string& workspace) {
  if (j >= words.size()) {
    return;
  }
  const std::string saved = m_state.cwd;
  m_state.cwd = dir;
  if (strip_version(words[j]) == "drizzle-kit") {
    drizzle(words, j + 1, workspace);
  } else {
    walk(words, j);
  }
  m_state.cwd = saved;
}

void CommandWalker::walk(const Words& words, std::size_t i) {
  while (i < words.size() && is_assignment(words[i])) {
    m_env.push_back(words[i++]);
  }
  if (i >= words.size()) {
    return;
  }
  const std::string name = basename_of(words[i]);
  if (shell_builtin(words, i) || wrapper(words, i, name)) {
    return;
  }
  if (const RunnerReader reader = runner_reader(name); reader != nullptr) {
    reader(*this, words, i + 1);
    return;
  }
  runs(words, i, name);
}

// `export`, `cd`, and the words that only precede a command (`exec`,
// `sudo`, `then`, ...).
bool CommandWalker::shell_builtin(const Words& words, std::size_t i) {
  const std::string& word = words[i];
  if (word == "export") {
    for (std::size_t j = i + 1; j < words.size(); ++j) {
      if (is_assignment(words[j])) {
        m_state.env.push_back(words[j]);
      }
    }
    return true;
  }
  if (word == "cd" || word == "pushd") {
    change_dir(words, i);
    return true;
  }
  if (word == "doppler" || word == "infisical" || word == "op") {
    // `doppler run --config prd -- cmd`: the rest after `--` is the command.
    auto dash = std::find(words.begin() + static_cast<std::ptrdiff_t>(i), words.end(), "--");
    if (dash != words.end()) {
      walk(words, static_cast<std::size_t>(dash - words.begin()) + 1);
    }
    return true;
  }
  if (word == "exec" || word == "time" || word == "nohup" || word == "command" || word == "builtin" ||
      word == "then" || word == "do" || word == "else" || word == "elif" || word == "if" || word == "while" ||
      word == "until" || word == "!" || word == "{" || word == "sudo") {
    std::size_t j = i + 1;
    while (j < words.size() && words[j].rfind('-', 0) == 0 && words[j] != "--") {
      ++j;
    }
    walk(words, j);
    return true;
  }
  return false;
}

// Programs that set up the environment or the process and run the rest:
// `env`, `cross-env`, `tini`, `gosu`, `wait-for-it`.
bool CommandWalker::wrapper(const Words& words, std::size_t i, const std::string& name) {
  if (name == "env" || name == "cross-env" || name == "cross-env-shell") {
    std::size_t j = i + 1;
    while (j < words.size() && (words[j].rfind('-', 0) == 0 || is_assignment(words[j]))) {
      if (is_assignment(words[j])) {
        m_env.push_back(words[j]);
      }
      ++j;
    }
    if (name == "cross-env-shell" && j < words.size()) {
      nested(words[j]);
      return true;
    }
    walk(words, j);
    return true;
  }
  if (name == "tini" || name == "dumb-init" || name == "su-exec" || name == "gosu" || name == "wait-for-it" ||
      name == "wait-for-it.sh" || name == "wait-for" || name == "wait-for.sh") {
    after_double_dash_or_skip(words, i, name == "su-exec" || name == "gosu" ? 2 : 1);
    return true;
  }
  return false;
}

// What runs: a shell, a sourced or executed file, make, drizzle-kit, a node
// or TypeScript program.
void CommandWalker::runs(const Words& words, std::size_t i, const std::string& name) {
  const std::string& word = words[i];
  if (one_of(word, k_shells) || one_of(name, k_shells)) {
    shell(words, i);
  } else if (word == "source" || word == ".") {
    if (i + 1 < words.size()) {
      run_file(words[i + 1], words, i + 2);
    }
  } else if (name == "make" || name == "gmake" || word == "$(MAKE)" || word == "${MAKE}") {
    make_targets(words, i + 1);
  } else if (name == "drizzle-kit") {
    drizzle(words, i + 1);
  } else if (name == "node" && i + 1 < words.size() &&
             words[i + 1].find("drizzle-kit") != std::string::npos) {
    drizzle(words, i + 2);
  } else if (name == "node" || name == "nodejs" || ts_runner(name)) {
    program(words, i + 1);
  } else if (name == "deno" && i + 1 < words.size() && words[i + 1] == "run") {
    program(words, i + 2);
  } else if ((word.size() > 3 && word.compare(word.size() - 3, 3, ".sh") == 0) || word.rfind("./", 0) == 0 ||
             word.rfind("../", 0) == 0 ||
             (word[0] == '/' && word.rfind("/usr/", 0) != 0 && word.rfind("/bin/", 0) != 0)) {
    // A script by its extension, or a program by its path.
    run_file(word, words, i + 1);
  }
}

// `wrapper [options] -- cmd`, or `wrapper ARG... cmd` when there is no `--`.
void CommandWalker::after_double_dash_or_skip(const Words& words, std::size_t i, std::size_t skip) {
  auto dash = std::find(words.begin() + static_cast<std::ptrdiff_t>(i), words.end(), "--");
  if (dash != words.end()) {
    walk(words, static_cast<std::size_t>(dash - words.begin()) + 1);
    return;
  }
  std::size_t j = i + 1;
  while (j < words.size() && words[j].rfind('-', 0) == 0) {
    ++j;
  }
  walk(words, j + skip - 1);
}

void CommandWalker::shell(const Words& words, std::size_t i) {
  std::size_t j = i + 1;
  if (basename_of(words[i]) == "env" && j < words.size()) {
    walk(words, j); // /usr/bin/env bash script.sh
    return;
  }
  while (j < words.size() && words[j].rfind('-', 0) == 0) {
    const std::string& flag = words[j];
    if (flag.find('c') != std::string::npos && flag.rfind("--", 0) != 0) {
      if (j + 1 < words.size()) {
        nested(words[j + 1]);
      }
      return;
    }
    ++j;
  }
  if (j < words.size()) {
    run_file(words[j], words, j + 1);
  }
}

void CommandWalker::run_file(const std::string& path, const Words& words, std::size_t args) {
  if (path.find('$') != std::string::npos || path.empty()) {
    return;
  }
  Invocation inv = make(InvocationKind::run_file);
  inv.target = path[0] == '/' ? path : join_relative(m_state.cwd, path);
  emit(std::move(inv));
  // wait-for-it.sh db:5432 -- npm run start: the command after `--` runs too.
  auto dash =
      std::find(words.begin() + static_cast<std::ptrdiff_t>(std::min(args, words.size())), words.end(), "--");
  if (dash != words.end()) {
    walk(words, static_cast<std::size_t>(dash - words.begin()) + 1);
  }
}

void CommandWalker::program(const Words& words, std::size_t j) {
  for (; j < words.size(); ++j) {
    const std::string& w = words[j];
    if (w == "-e" || w == "--eval" || w == "-p" || w == "--print") {
      return;
    }
    if ((w == "-r" || w == "--require" || w == "--loader" || w == "--import" || w == "--env-file" ||
         w == "--experimental-loader" || w == "--tsconfig") &&
        j + 1 < words.size()) {
      ++j;
      continue;
    }
    if (w.rfind('-', 0) == 0 || w == "watch") {
      continue;
    }
    if (program_file(w)) {
      Invocation inv = make(InvocationKind::run_program);
      inv.target = w[0] == '/' ? w : join_relative(m_state.cwd, w);
      emit(std::move(inv));
    }
    return;
  }
}

void CommandWalker::make_targets(const Words& words, std::size_t j) {
  std::string dir = m_state.cwd;
  std::string file = "Makefile";
  std::vector<std::string> targets;
  for (; j < words.size(); ++j) {
    const std::string& w = words[j];
    if ((w == "-C" || w == "--directory") && j + 1 < words.size()) {
      dir = resolve_dir(words[++j]);
    } else if ((w == "-f" || w == "--file") && j + 1 < words.size()) {
      file = words[++j];
    } else if (w.rfind('-', 0) != 0 && !is_assignment(w)) {
      targets.push_back(w);
    }
  }
  if (targets.empty()) {
    targets.emplace_back(); // the Makefile's default (first) target
  }
  for (const std::string& target : targets) {
    Invocation inv = make(InvocationKind::make_target);
    inv.target = target;
    inv.makefile = join_relative(dir, file);
    emit(std::move(inv));
  }
}

void CommandWalker::drizzle(const Words& words, std::size_t j, const std::string& workspace) {
  std::string sub;
  Invocation inv = make(InvocationKind::drizzle_push);
  inv.workspace = workspace;
  for (; j < words.size(); ++j) {
    const std::string& w = words[j];
    if (w == "--force") {
      inv.force = true;
    } else if (w.rfind("--config=", 0) == 0) {
      inv.config = w.substr(9);
    } else if ((w == "--config" || w == "-c") && j + 1 < words.size()) {
      inv.config = words[++j];
    } else if (sub.empty() && w.rfind('-', 0) != 0) {
      sub = w;
    }
  }
  if (sub.rfind("push", 0) == 0) {
    emit(std::move(inv));
  } else if (sub.rfind("migrate", 0) == 0) {
    inv.kind = InvocationKind::drizzle_migrate;
    emit(std::move(inv));
  } else if (sub.rfind("generate", 0) == 0) {
    inv.kind = InvocationKind::drizzle_generate;
    emit(std::move(inv));
  }
}

} // namespace pgadvise::loaders
