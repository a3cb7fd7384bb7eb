#include "loaders/project/command.hpp"

#include "core/text.hpp"
#include "loaders/project/shell_words.hpp"

#include <algorithm>
#include <array>

namespace pgadvise::loaders {

namespace {

using model::Invocation;
using model::InvocationKind;

constexpr int k_max_nesting = 8; // sh -c "sh -c ..." is not worth following further

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

// "drizzle-kit@0.20.1" -> "drizzle-kit"; "@scope/x@1" -> "@scope/x".
std::string strip_version(std::string_view pkg) {
  const std::size_t at = pkg.rfind('@');
  return std::string(at == std::string_view::npos || at == 0 ? pkg : pkg.substr(0, at));
}

template <std::size_t N> bool one_of(std::string_view word, const std::array<std::string_view, N>& list) {
  return std::find(list.begin(), list.end(), word) != list.end();
}

constexpr std::array<std::string_view, 38> k_pnpm_builtins = {
    "add",       "install", "i",     "update",       "up",     "upgrade", "remove",  "rm",
    "uninstall", "un",      "link",  "ln",           "unlink", "import",  "rebuild", "rb",
    "prune",     "fetch",   "patch", "patch-commit", "audit",  "list",    "ls",      "outdated",
    "why",       "publish", "pack",  "create",       "init",   "store",   "env",     "setup",
    "config",    "server",  "root",  "bin",          "deploy", "licenses"};
constexpr std::array<std::string_view, 29> k_yarn_builtins = {
    "add",      "install", "remove",      "upgrade", "up",     "init",  "why",     "info",
    "config",   "cache",   "set",         "plugin",  "node",   "pack",  "publish", "link",
    "unlink",   "version", "global",      "create",  "import", "login", "logout",  "audit",
    "outdated", "bin",     "constraints", "npm",     "dedupe"};
constexpr std::array<std::string_view, 24> k_bun_builtins = {
    "install", "i",        "add",     "a",     "remove", "rm",     "update", "link",
    "unlink",  "pm",       "build",   "test",  "init",   "create", "c",      "upgrade",
    "repl",    "outdated", "publish", "patch", "audit",  "info",   "why",    "exec"};
constexpr std::array<std::string_view, 7> k_ts_runners = {"tsx",   "ts-node",   "ts-node-esm", "esno",
                                                          "esrun", "vite-node", "jiti"};

// node/tsx/bun run these as programs.
bool program_file(std::string_view word) {
  for (std::string_view ext : {".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx"}) {
    if (word.size() > ext.size() && word.compare(word.size() - ext.size(), ext.size(), ext) == 0) {
      return word.find('$') == std::string_view::npos;
    }
  }
  return false;
}

constexpr std::array<std::string_view, 10> k_shells = {
    "sh", "bash", "zsh", "dash", "ash", "ksh", "/bin/sh", "/bin/bash", "/usr/bin/env", "busybox"};

std::vector<Invocation> analyze_text(std::string_view command, ShellState& state, int nesting);

class Analyzer {
public:
  Analyzer(ShellState& state, std::string text, int nesting, std::vector<model::Guard> guards = {})
      : m_state(state), m_text(std::move(text)), m_nesting(nesting), m_guards(std::move(guards)) {}

  void analyze(const std::vector<std::string>& words, std::vector<Invocation>& out) {
    m_out = &out;
    m_env = m_state.env;
    walk(words, 0);
  }

private:
  ShellState& m_state;
  std::string m_text;
  int m_nesting;
  std::vector<model::Guard> m_guards; // the conditions the segment runs under
  std::vector<Invocation>* m_out = nullptr;
  std::vector<std::string> m_env;

  [[nodiscard]] Invocation make(InvocationKind kind) const {
    Invocation inv;
    inv.kind = kind;
    inv.text = m_text;
    inv.package_dir = m_state.cwd;
    inv.env = m_env;
    inv.guards = m_guards;
    return inv;
  }

  void emit(Invocation inv) { m_out->push_back(std::move(inv)); }

  // A nested command string (sh -c "...", concurrently "...").
  void nested(const std::string& command) {
    if (m_nesting >= k_max_nesting) {
      return;
    }
    ShellState inner = m_state;
    inner.env = m_env;
    inner.conditions = ShellConditions{};
    inner.conditions.inherited = m_guards;
    for (Invocation& inv : analyze_text(command, inner, m_nesting + 1)) {
      m_out->push_back(std::move(inv));
    }
  }

  void change_dir(const std::vector<std::string>& words, std::size_t i) {
    if (i + 1 >= words.size() || words[i + 1].find('$') != std::string::npos || words[i + 1] == "-") {
      return;
    }
    m_state.cwd = resolve_dir(words[i + 1]);
  }

  [[nodiscard]] std::string resolve_dir(const std::string& dir) const {
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

  void walk(const std::vector<std::string>& words, std::size_t i) {
    while (i < words.size() && is_assignment(words[i])) {
      m_env.push_back(words[i++]);
    }
    if (i >= words.size()) {
      return;
    }
    const std::string& word = words[i];
    const std::string name = basename_of(word);
    if (word == "export") {
      for (std::size_t j = i + 1; j < words.size(); ++j) {
        if (is_assignment(words[j])) {
          m_state.env.push_back(words[j]);
        }
      }
      return;
    }
    if (word == "cd" || word == "pushd") {
      change_dir(words, i);
      return;
    }
    if (word == "doppler" || word == "infisical" || word == "op") {
      // `doppler run --config prd -- cmd`: the rest after `--` is the command.
      auto dash = std::find(words.begin() + static_cast<std::ptrdiff_t>(i), words.end(), "--");
      if (dash != words.end()) {
        walk(words, static_cast<std::size_t>(dash - words.begin()) + 1);
      }
      return;
    }
    if (word == "exec" || word == "time" || word == "nohup" || word == "command" || word == "builtin" ||
        word == "then" || word == "do" || word == "else" || word == "elif" || word == "if" ||
        word == "while" || word == "until" || word == "!" || word == "{" || word == "sudo") {
      std::size_t j = i + 1;
      while (j < words.size() && words[j].rfind('-', 0) == 0 && words[j] != "--") {
        ++j;
      }
      walk(words, j);
      return;
    }
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
        return;
      }
      walk(words, j);
      return;
    }
    if (const Reader reader = reader_for(name); reader != nullptr) {
      (this->*reader)(words, i + 1);
      return;
    }
    if (name == "tini" || name == "dumb-init" || name == "su-exec" || name == "gosu" ||
        name == "wait-for-it" || name == "wait-for-it.sh" || name == "wait-for" || name == "wait-for.sh") {
      after_double_dash_or_skip(words, i, name == "su-exec" || name == "gosu" ? 2 : 1);
      return;
    }
    if (one_of(word, k_shells) || one_of(name, k_shells)) {
      shell(words, i);
      return;
    }
    if (word == "source" || word == ".") {
      if (i + 1 < words.size()) {
        run_file(words[i + 1], words, i + 2);
      }
      return;
    }
    if (name == "make" || name == "gmake" || word == "$(MAKE)" || word == "${MAKE}") {
      make(words, i + 1);
      return;
    }
    if (name == "drizzle-kit") {
      drizzle(words, i + 1);
      return;
    }
    if (name == "node" && i + 1 < words.size() && words[i + 1].find("drizzle-kit") != std::string::npos) {
      drizzle(words, i + 2);
      return;
    }
    if (name == "node" || name == "nodejs" || one_of(name, k_ts_runners)) {
      program(words, i + 1);
      return;
    }
    if (name == "deno" && i + 1 < words.size() && words[i + 1] == "run") {
      program(words, i + 2);
      return;
    }
    if (word.size() > 3 && word.compare(word.size() - 3, 3, ".sh") == 0) {
      run_file(word, words, i + 1);
      return;
    }
    if (word.rfind("./", 0) == 0 || word.rfind("../", 0) == 0 ||
        (word[0] == '/' && word.rfind("/usr/", 0) != 0 && word.rfind("/bin/", 0) != 0)) {
      run_file(word, words, i + 1);
    }
  }

  // What reads the words after a program that has its own reader: package
  // managers and runners, dotenv, npm-run-all, concurrently. Null for others.
  using Reader = void (Analyzer::*)(const std::vector<std::string>&, std::size_t);
  static Reader reader_for(std::string_view name) {
    struct Named {
      std::string_view name;
      Reader reader;
    };
    static constexpr std::array k_readers = {
        Named{"dotenv", &Analyzer::dotenv},
        Named{"dotenv-cli", &Analyzer::dotenv},
        Named{"dotenvx", &Analyzer::dotenv},
        Named{"npx", &Analyzer::npx},
        Named{"bunx", &Analyzer::npx},
        Named{"pnpx", &Analyzer::npx},
        Named{"npm", &Analyzer::npm},
        Named{"pnpm", &Analyzer::pnpm},
        Named{"yarn", &Analyzer::yarn},
        Named{"bun", &Analyzer::bun},
        Named{"turbo", &Analyzer::turbo},
        Named{"npm-run-all", &Analyzer::run_all},
        Named{"npm-run-all2", &Analyzer::run_all},
        Named{"run-s", &Analyzer::run_all},
        Named{"run-p", &Analyzer::run_all},
        Named{"concurrently", &Analyzer::concurrently},
    };
    for (const Named& each : k_readers) {
      if (each.name == name) {
        return each.reader;
      }
    }
    return nullptr;
  }

  // `wrapper [options] -- cmd`, or `wrapper ARG... cmd` when there is no `--`.
  void after_double_dash_or_skip(const std::vector<std::string>& words, std::size_t i, std::size_t skip) {
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

  void dotenv(const std::vector<std::string>& words, std::size_t j) {
    while (j < words.size() && words[j] != "--") {
      const std::string& w = words[j];
      if ((w == "-e" || w == "-f") && j + 1 < words.size()) {
        m_env.push_back("dotenv:" + words[++j]);
      } else if (w == "-c" && j + 1 < words.size() && words[j + 1].rfind('-', 0) != 0) {
        m_env.push_back("dotenv:.env." + words[++j]);
      } else if (w == "-v" && j + 1 < words.size()) {
        m_env.push_back(words[++j]);
      } else if (w == "run") {
        // dotenvx run -f .env.production -- cmd
      } else if (w.rfind('-', 0) != 0) {
        walk(words, j); // dotenv without `--`: the command starts here
        return;
      }
      ++j;
    }
    walk(words, j + 1);
  }

  void shell(const std::vector<std::string>& words, std::size_t i) {
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

  void run_file(const std::string& path, const std::vector<std::string>& words, std::size_t args) {
    if (path.find('$') != std::string::npos || path.empty()) {
      return;
    }
    Invocation inv = make(InvocationKind::run_file);
    inv.target = path[0] == '/' ? path : join_relative(m_state.cwd, path);
    emit(std::move(inv));
    // wait-for-it.sh db:5432 -- npm run start: the command after `--` runs too.
    auto dash = std::find(words.begin() + static_cast<std::ptrdiff_t>(std::min(args, words.size())),
                          words.end(), "--");
    if (dash != words.end()) {
      walk(words, static_cast<std::size_t>(dash - words.begin()) + 1);
    }
  }

  // `node [options] FILE`, `tsx watch FILE`: FILE runs.
  void program(const std::vector<std::string>& words, std::size_t j) {
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

  void npx(const std::vector<std::string>& words, std::size_t j) {
    while (j < words.size() && words[j].rfind('-', 0) == 0) {
      if ((words[j] == "-p" || words[j] == "--package") && j + 1 < words.size()) {
        ++j;
      }
      ++j;
    }
    if (j >= words.size()) {
      return;
    }
    const std::string pkg = strip_version(words[j]);
    if (pkg == "drizzle-kit") {
      drizzle(words, j + 1);
    } else if (one_of(std::string_view(pkg), k_ts_runners)) {
      program(words, j + 1);
    } else if (pkg == "dotenv" || pkg == "dotenv-cli" || pkg == "@dotenvx/dotenvx" || pkg == "dotenvx") {
      dotenv(words, j + 1);
    } else if (pkg == "cross-env" || pkg == "turbo" || pkg == "npm-run-all" || pkg == "run-s" ||
               pkg == "run-p" || pkg == "concurrently" || pkg == "cross-env-shell") {
      std::vector<std::string> rest(words.begin() + static_cast<std::ptrdiff_t>(j), words.end());
      rest[0] = pkg;
      walk(rest, 0);
    }
  }

  static bool takes_value(std::string_view option) {
    return option == "--prefix" || option == "-w" || option == "--workspace" || option == "--loglevel" ||
           option == "-C" || option == "--dir" || option == "--filter" || option == "-F" ||
           option == "--cwd" || option == "--userconfig" || option == "--reporter";
  }

  // Reads package-manager options (before or after the subcommand) into the invocation.
  void read_option(const std::vector<std::string>& words, std::size_t& j, Invocation& inv) {
    const std::string& w = words[j];
    const std::size_t eq = w.find('=');
    const std::string option = w.substr(0, eq);
    std::string value;
    if (eq != std::string::npos) {
      value = w.substr(eq + 1);
    } else if (takes_value(option) && j + 1 < words.size()) {
      value = words[++j];
    }
    if (option == "--prefix" || option == "-C" || option == "--dir" || option == "--cwd") {
      inv.package_dir = resolve_dir(value);
    } else if (option == "-w" || option == "--workspace" || option == "--filter" || option == "-F") {
      inv.workspace = value;
    } else if (option == "--workspaces" || option == "-ws" || option == "-r" || option == "--recursive") {
      inv.workspace = "*";
    }
  }

  // Reads the options from `j` on into `inv`; returns where the first word
  // that is not an option stands.
  std::size_t read_options(const std::vector<std::string>& words, std::size_t j, Invocation& inv) {
    while (j < words.size() && words[j].rfind('-', 0) == 0) {
      read_option(words, j, inv);
      ++j;
    }
    return j;
  }

  // Script arguments: --force passes through to drizzle-kit.
  static void read_script_args(const std::vector<std::string>& words, std::size_t j, Invocation& inv,
                               bool need_double_dash) {
    bool passed = !need_double_dash;
    for (; j < words.size(); ++j) {
      if (words[j] == "--") {
        passed = true;
      } else if (passed && words[j] == "--force") {
        inv.force = true;
      }
    }
  }

  void run_script(const std::string& script, Invocation inv, const std::vector<std::string>& words,
                  std::size_t args, bool need_double_dash) {
    if (script.empty() || script.find('$') != std::string::npos) {
      return;
    }
    inv.kind = InvocationKind::run_script;
    inv.target = script;
    // Options after the script name but before `--` still belong to npm.
    for (std::size_t k = args; k < words.size() && words[k] != "--"; ++k) {
      if (words[k].rfind('-', 0) == 0 && need_double_dash) {
        read_option(words, k, inv);
      }
    }
    read_script_args(words, args, inv, need_double_dash);
    emit(std::move(inv));
  }

  void npm(const std::vector<std::string>& words, std::size_t j) {
    Invocation inv = make(InvocationKind::run_script);
    j = read_options(words, j, inv);
    if (j >= words.size()) {
      return;
    }
    const std::string& sub = words[j];
    if (sub == "run" || sub == "run-script" || sub == "rum" || sub == "urn") {
      const std::size_t k = read_options(words, j + 1, inv);
      if (k < words.size()) {
        run_script(words[k], inv, words, k + 1, true);
      }
    } else if (sub == "start" || sub == "test" || sub == "t" || sub == "tst" || sub == "restart" ||
               sub == "stop") {
      run_script(sub == "t" || sub == "tst" ? "test" : sub, inv, words, j + 1, true);
    } else if (sub == "exec" || sub == "x") {
      std::size_t k = j + 1;
      while (k < words.size() && words[k].rfind('-', 0) == 0) {
        if (words[k] == "--") {
          ++k;
          break;
        }
        read_option(words, k, inv);
        ++k;
      }
      exec_in(inv, words, k);
    }
  }

  // `pnpm exec X`, `npm exec X`, `yarn exec X`: X runs in the selected package.
  void exec_in(const Invocation& context, const std::vector<std::string>& words, std::size_t k) {
    if (k >= words.size()) {
      return;
    }
    const std::string saved = m_state.cwd;
    m_state.cwd = context.package_dir;
    const std::string pkg = strip_version(words[k]);
    if (pkg == "drizzle-kit") {
      drizzle(words, k + 1, context.workspace);
    } else {
      walk(words, k);
    }
    m_state.cwd = saved;
  }

  void pnpm(const std::vector<std::string>& words, std::size_t j) {
    Invocation inv = make(InvocationKind::run_script);
    while (j < words.size() && words[j].rfind('-', 0) == 0) {
      if (words[j] == "-w" || words[j] == "--workspace-root") {
        inv.package_dir.clear(); // pnpm's -w is the workspace root, not npm's --workspace
      } else {
        read_option(words, j, inv);
      }
      ++j;
    }
    if (j >= words.size()) {
      return;
    }
    const std::string& sub = words[j];
    if (sub == "run" || sub == "run-script") {
      const std::size_t k = read_options(words, j + 1, inv);
      if (k < words.size()) {
        run_script(words[k], inv, words, k + 1, false);
      }
    } else if (sub == "exec") {
      exec_in(inv, words, j + 1);
    } else if (sub == "dlx") {
      npx(words, j + 1);
    } else if (sub == "start" || sub == "test" || sub == "t") {
      run_script(sub == "t" ? "test" : sub, inv, words, j + 1, false);
    } else if (!one_of(sub, k_pnpm_builtins)) {
      direct(sub, inv, words, j);
    }
  }

  // `pnpm X` / `yarn X` / `bun X`: a binary (drizzle-kit, turbo) or a script.
  void direct(const std::string& sub, const Invocation& inv, const std::vector<std::string>& words,
              std::size_t j) {
    if (sub == "drizzle-kit") {
      exec_in(inv, words, j);
    } else if (sub == "turbo" || sub == "dotenv" || sub == "cross-env" || sub == "run-s" ||
               sub == "npm-run-all" || sub == "node" || one_of(std::string_view(sub), k_ts_runners)) {
      walk(words, j);
    } else {
      run_script(sub, inv, words, j + 1, false);
    }
  }

  void yarn(const std::vector<std::string>& words, std::size_t j) {
    Invocation inv = make(InvocationKind::run_script);
    j = read_options(words, j, inv);
    if (j >= words.size()) {
      return;
    }
    const std::string& sub = words[j];
    if (sub == "run") {
      if (j + 1 < words.size()) {
        run_script(words[j + 1], inv, words, j + 2, false);
      }
    } else if (sub == "workspace" && j + 2 < words.size()) {
      inv.workspace = words[j + 1];
      const std::string& next = words[j + 2];
      if (next == "run" && j + 3 < words.size()) {
        run_script(words[j + 3], inv, words, j + 4, false);
      } else if (next == "exec" || next == "drizzle-kit") {
        exec_in(inv, words, next == "exec" ? j + 3 : j + 2);
      } else {
        run_script(next, inv, words, j + 3, false);
      }
    } else if (sub == "workspaces") {
      inv.workspace = "*";
      auto run = std::find(words.begin() + static_cast<std::ptrdiff_t>(j), words.end(), "run");
      if (run != words.end() && run + 1 != words.end()) {
        const auto k = static_cast<std::size_t>(run - words.begin());
        run_script(words[k + 1], inv, words, k + 2, false);
      }
    } else if (sub == "dlx") {
      npx(words, j + 1);
    } else if (sub == "exec") {
      exec_in(inv, words, j + 1);
    } else if (sub == "start" || sub == "test") {
      run_script(sub, inv, words, j + 1, false);
    } else if (!one_of(sub, k_yarn_builtins)) {
      direct(sub, inv, words, j);
    }
  }

  void bun(const std::vector<std::string>& words, std::size_t j) {
    Invocation inv = make(InvocationKind::run_script);
    j = read_options(words, j, inv);
    if (j >= words.size()) {
      return;
    }
    const std::string& sub = words[j];
    if (sub == "run") {
      const std::size_t k = read_options(words, j + 1, inv);
      if (k < words.size()) {
        if (words[k] == "drizzle-kit") {
          exec_in(inv, words, k);
        } else if (program_file(words[k])) {
          program(words, k);
        } else {
          run_script(words[k], inv, words, k + 1, false);
        }
      }
    } else if (sub == "x") {
      npx(words, j + 1);
    } else if (program_file(sub)) {
      program(words, j);
    } else if (!one_of(sub, k_bun_builtins) && sub.find('.') == std::string::npos) {
      direct(sub, inv, words, j);
    }
  }

  void turbo(const std::vector<std::string>& words, std::size_t j) {
    Invocation inv = make(InvocationKind::run_script);
    inv.workspace = "*";
    std::vector<std::string> tasks;
    for (; j < words.size() && words[j] != "--"; ++j) {
      const std::string& w = words[j];
      if (w.rfind('-', 0) == 0) {
        if (w.rfind("--filter", 0) == 0 || w == "-F") {
          read_option(words, j, inv);
        } else if (w.find('=') == std::string::npos && j + 1 < words.size() &&
                   (w == "--concurrency" || w == "--cache-dir" || w == "--env-mode" ||
                    w == "--output-logs")) {
          ++j;
        }
      } else if (w != "run") {
        tasks.push_back(w);
      }
    }
    for (const std::string& task : tasks) {
      run_script(task, inv, words, j, false);
    }
  }

  void make(const std::vector<std::string>& words, std::size_t j) {
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

  void drizzle(const std::vector<std::string>& words, std::size_t j, const std::string& workspace = {}) {
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

  void run_all(const std::vector<std::string>& words, std::size_t j) {
    Invocation inv = make(InvocationKind::run_script);
    for (; j < words.size() && words[j] != "--"; ++j) {
      const std::string& w = words[j];
      if (w.rfind('-', 0) == 0) {
        if ((w == "--max-parallel" || w == "--npm-path") && j + 1 < words.size()) {
          ++j;
        }
        continue;
      }
      Invocation each = inv;
      each.target = w;
      read_script_args(words, j + 1, each, true);
      emit(std::move(each));
    }
  }

  void concurrently(const std::vector<std::string>& words, std::size_t j) {
    for (; j < words.size(); ++j) {
      const std::string& w = words[j];
      if (w.rfind('-', 0) == 0) {
        if (w.find('=') == std::string::npos && j + 1 < words.size() &&
            (w == "-n" || w == "--names" || w == "-c" || w == "--prefix-colors" || w == "-p" ||
             w == "--prefix")) {
          ++j;
        }
        continue;
      }
      if (w.rfind("npm:", 0) == 0 || w.rfind("pnpm:", 0) == 0 || w.rfind("yarn:", 0) == 0 ||
          w.rfind("bun:", 0) == 0) {
        Invocation inv = make(InvocationKind::run_script);
        inv.target = w.substr(w.find(':') + 1);
        emit(std::move(inv));
      } else {
        nested(w);
      }
    }
  }
};

std::vector<Invocation> analyze_text(std::string_view command, ShellState& state, int nesting) {
  std::vector<Invocation> out;
  for (const Segment& segment : split_segments(command)) {
    ShellStep step = read_step(state.conditions, segment.words, segment.op, state.at);
    if (step.command.empty()) {
      continue;
    }
    // Keywords (`then`, `else`, `case ... in`) are not part of the command as shown.
    const bool whole = step.command.size() == segment.words.size();
    std::string text =
        whole ? std::string(core::trim(command.substr(segment.begin, segment.end - segment.begin)))
              : core::join(step.command, " ");
    Analyzer analyzer(state, std::move(text), nesting, std::move(step.guards));
    analyzer.analyze(step.command, out);
  }
  state.conditions.chain.clear();
  return out;
}

} // namespace

std::vector<model::Invocation> parse_invocations(std::string_view command, ShellState& state) {
  return analyze_text(command, state, 0);
}

std::vector<model::Invocation> parse_invocations(const std::vector<std::string>& argv, ShellState& state) {
  std::vector<model::Invocation> out;
  if (argv.empty()) {
    return out;
  }
  Analyzer analyzer(state, core::join(argv, " "), 0);
  analyzer.analyze(argv, out);
  return out;
}

} // namespace pgadvise::loaders
