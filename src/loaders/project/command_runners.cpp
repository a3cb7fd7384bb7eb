#include "loaders/project/command_runners.hpp"

#include <algorithm>

namespace pgadvise::loaders {

namespace {

using model::Invocation;
using model::InvocationKind;

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

void dotenv(CommandWalker& walker, const Words& words, std::size_t j) {
  while (j < words.size() && words[j] != "--") {
    const std::string& w = words[j];
    if ((w == "-e" || w == "-f") && j + 1 < words.size()) {
      walker.add_env("dotenv:" + words[++j]);
    } else if (w == "-c" && j + 1 < words.size() && words[j + 1].rfind('-', 0) != 0) {
      walker.add_env("dotenv:.env." + words[++j]);
    } else if (w == "-v" && j + 1 < words.size()) {
      walker.add_env(words[++j]);
    } else if (w == "run") {
      // dotenvx run -f .env.production -- cmd
    } else if (w.rfind('-', 0) != 0) {
      walker.walk(words, j); // dotenv without `--`: the command starts here
      return;
    }
    ++j;
  }
  walker.walk(words, j + 1);
}

void npx(CommandWalker& walker, const Words& words, std::size_t j) {
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
    walker.drizzle(words, j + 1);
  } else if (ts_runner(pkg)) {
    walker.program(words, j + 1);
  } else if (pkg == "dotenv" || pkg == "dotenv-cli" || pkg == "@dotenvx/dotenvx" || pkg == "dotenvx") {
    dotenv(walker, words, j + 1);
  } else if (pkg == "cross-env" || pkg == "turbo" || pkg == "npm-run-all" || pkg == "run-s" ||
             pkg == "run-p" || pkg == "concurrently" || pkg == "cross-env-shell") {
    Words rest(words.begin() + static_cast<std::ptrdiff_t>(j), words.end());
    rest[0] = pkg;
    walker.walk(rest, 0);
  }
}

bool takes_value(std::string_view option) {
  return option == "--prefix" || option == "-w" || option == "--workspace" || option == "--loglevel" ||
         option == "-C" || option == "--dir" || option == "--filter" || option == "-F" || option == "--cwd" ||
         option == "--userconfig" || option == "--reporter";
}

// Reads a package-manager option (before or after the subcommand) into the invocation.
void read_option(const CommandWalker& walker, const Words& words, std::size_t& j, Invocation& inv) {
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
    inv.package_dir = walker.resolve_dir(value);
  } else if (option == "-w" || option == "--workspace" || option == "--filter" || option == "-F") {
    inv.workspace = value;
  } else if (option == "--workspaces" || option == "-ws" || option == "-r" || option == "--recursive") {
    inv.workspace = "*";
  }
}

// Reads the options from `j` on into `inv`; returns where the first word
// that is not an option stands.
std::size_t read_options(const CommandWalker& walker, const Words& words, std::size_t j, Invocation& inv) {
  while (j < words.size() && words[j].rfind('-', 0) == 0) {
    read_option(walker, words, j, inv);
    ++j;
  }
  return j;
}

// Script arguments: --force passes through to drizzle-kit.
void read_script_args(const Words& words, std::size_t j, Invocation& inv, bool need_double_dash) {
  bool passed = !need_double_dash;
  for (; j < words.size(); ++j) {
    if (words[j] == "--") {
      passed = true;
    } else if (passed && words[j] == "--force") {
      inv.force = true;
    }
  }
}

void run_script(CommandWalker& walker, const std::string& script, Invocation inv, const Words& words,
                std::size_t args, bool need_double_dash) {
  if (script.empty() || script.find('$') != std::string::npos) {
    return;
  }
  inv.kind = InvocationKind::run_script;
  inv.target = script;
  // Options after the script name but before `--` still belong to npm.
  for (std::size_t k = args; k < words.size() && words[k] != "--"; ++k) {
    if (words[k].rfind('-', 0) == 0 && need_double_dash) {
      read_option(walker, words, k, inv);
    }
  }
  read_script_args(words, args, inv, need_double_dash);
  walker.emit(std::move(inv));
}

// `<manager> run [options] SCRIPT`: the script, when named.
void run_named_script(CommandWalker& walker, Invocation& inv, const Words& words, std::size_t j,
                      bool need_double_dash) {
  const std::size_t k = read_options(walker, words, j, inv);
  if (k < words.size()) {
    run_script(walker, words[k], inv, words, k + 1, need_double_dash);
  }
}

// `pnpm exec X`, `npm exec X`, `yarn exec X`: X runs in the selected package.
void exec_in(CommandWalker& walker, const Invocation& context, const Words& words, std::size_t k) {
  walker.walk_in(context.package_dir, words, k, context.workspace);
}

// `pnpm X` / `yarn X` / `bun X`: a binary (drizzle-kit, turbo) or a script.
void direct(CommandWalker& walker, const std::string& sub, const Invocation& inv, const Words& words,
            std::size_t j) {
  if (sub == "drizzle-kit") {
    exec_in(walker, inv, words, j);
  } else if (sub == "turbo" || sub == "dotenv" || sub == "cross-env" || sub == "run-s" ||
             sub == "npm-run-all" || sub == "node" || ts_runner(sub)) {
    walker.walk(words, j);
  } else {
    run_script(walker, sub, inv, words, j + 1, false);
  }
}

// A package manager's subcommand at `j`, with the options before it read into `inv`.
using Subcommand = void (*)(CommandWalker& walker, Invocation& inv, const Words& words, std::size_t j);

// `<manager> [options] SUBCOMMAND ...`: the options before the subcommand
// belong to the run-script invocation it makes.
void package_manager(CommandWalker& walker, const Words& words, std::size_t j, Subcommand subcommand) {
  Invocation inv = walker.make(InvocationKind::run_script);
  j = read_options(walker, words, j, inv);
  if (j < words.size()) {
    subcommand(walker, inv, words, j);
  }
}

void npm_subcommand(CommandWalker& walker, Invocation& inv, const Words& words, std::size_t j) {
  const std::string& sub = words[j];
  if (sub == "run" || sub == "run-script" || sub == "rum" || sub == "urn") {
    run_named_script(walker, inv, words, j + 1, true);
  } else if (sub == "start" || sub == "test" || sub == "t" || sub == "tst" || sub == "restart" ||
             sub == "stop") {
    run_script(walker, sub == "t" || sub == "tst" ? "test" : sub, inv, words, j + 1, true);
  } else if (sub == "exec" || sub == "x") {
    std::size_t k = j + 1;
    while (k < words.size() && words[k].rfind('-', 0) == 0) {
      if (words[k] == "--") {
        ++k;
        break;
      }
      read_option(walker, words, k, inv);
      ++k;
    }
    exec_in(walker, inv, words, k);
  }
}

void pnpm(CommandWalker& walker, const Words& words, std::size_t j) {
  Invocation inv = walker.make(InvocationKind::run_script);
  while (j < words.size() && words[j].rfind('-', 0) == 0) {
    if (words[j] == "-w" || words[j] == "--workspace-root") {
      inv.package_dir.clear(); // pnpm's -w is the workspace root, not npm's --workspace
    } else {
      read_option(walker, words, j, inv);
    }
    ++j;
  }
  if (j >= words.size()) {
    return;
  }
  const std::string& sub = words[j];
  if (sub == "run" || sub == "run-script") {
    run_named_script(walker, inv, words, j + 1, false);
  } else if (sub == "exec") {
    exec_in(walker, inv, words, j + 1);
  } else if (sub == "dlx") {
    npx(walker, words, j + 1);
  } else if (sub == "start" || sub == "test" || sub == "t") {
    run_script(walker, sub == "t" ? "test" : sub, inv, words, j + 1, false);
  } else if (!one_of(sub, k_pnpm_builtins)) {
    direct(walker, sub, inv, words, j);
  }
}

// `yarn workspace NAME ...` and `yarn workspaces ... run SCRIPT`.
void yarn_workspace(CommandWalker& walker, Invocation& inv, const Words& words, std::size_t j) {
  if (words[j] == "workspaces") {
    inv.workspace = "*";
    auto run = std::find(words.begin() + static_cast<std::ptrdiff_t>(j), words.end(), "run");
    if (run != words.end() && run + 1 != words.end()) {
      const auto k = static_cast<std::size_t>(run - words.begin());
      run_script(walker, words[k + 1], inv, words, k + 2, false);
    }
    return;
  }
  inv.workspace = words[j + 1];
  const std::string& next = words[j + 2];
  if (next == "run" && j + 3 < words.size()) {
    run_script(walker, words[j + 3], inv, words, j + 4, false);
  } else if (next == "exec" || next == "drizzle-kit") {
    exec_in(walker, inv, words, next == "exec" ? j + 3 : j + 2);
  } else {
    run_script(walker, next, inv, words, j + 3, false);
  }
}

void yarn_subcommand(CommandWalker& walker, Invocation& inv, const Words& words, std::size_t j) {
  const std::string& sub = words[j];
  if (sub == "run") {
    if (j + 1 < words.size()) {
      run_script(walker, words[j + 1], inv, words, j + 2, false);
    }
  } else if ((sub == "workspace" && j + 2 < words.size()) || sub == "workspaces") {
    yarn_workspace(walker, inv, words, j);
  } else if (sub == "dlx") {
    npx(walker, words, j + 1);
  } else if (sub == "exec") {
    exec_in(walker, inv, words, j + 1);
  } else if (sub == "start" || sub == "test") {
    run_script(walker, sub, inv, words, j + 1, false);
  } else if (!one_of(sub, k_yarn_builtins)) {
    direct(walker, sub, inv, words, j);
  }
}

void bun_subcommand(CommandWalker& walker, Invocation& inv, const Words& words, std::size_t j) {
  const std::string& sub = words[j];
  if (sub == "run") {
    const std::size_t k = read_options(walker, words, j + 1, inv);
    if (k < words.size() && words[k] == "drizzle-kit") {
      exec_in(walker, inv, words, k);
    } else if (k < words.size() && program_file(words[k])) {
      walker.program(words, k);
    } else if (k < words.size()) {
      run_script(walker, words[k], inv, words, k + 1, false);
    }
  } else if (sub == "x") {
    npx(walker, words, j + 1);
  } else if (program_file(sub)) {
    walker.program(words, j);
  } else if (!one_of(sub, k_bun_builtins) && sub.find('.') == std::string::npos) {
    direct(walker, sub, inv, words, j);
  }
}

void npm(CommandWalker& walker, const Words& words, std::size_t j) {
  package_manager(walker, words, j, &npm_subcommand);
}

void yarn(CommandWalker& walker, const Words& words, std::size_t j) {
  package_manager(walker, words, j, &yarn_subcommand);
}

void bun(CommandWalker& walker, const Words& words, std::size_t j) {
  package_manager(walker, words, j, &bun_subcommand);
}

void turbo(CommandWalker& walker, const Words& words, std::size_t j) {
  Invocation inv = walker.make(InvocationKind::run_script);
  inv.workspace = "*";
  std::vector<std::string> tasks;
  for (; j < words.size() && words[j] != "--"; ++j) {
    const std::string& w = words[j];
    if (w.rfind('-', 0) == 0) {
      if (w.rfind("--filter", 0) == 0 || w == "-F") {
        read_option(walker, words, j, inv);
      } else if (w.find('=') == std::string::npos && j + 1 < words.size() &&
                 (w == "--concurrency" || w == "--cache-dir" || w == "--env-mode" || w == "--output-logs")) {
        ++j;
      }
    } else if (w != "run") {
      tasks.push_back(w);
    }
  }
  for (const std::string& task : tasks) {
    run_script(walker, task, inv, words, j, false);
  }
}

void run_all(CommandWalker& walker, const Words& words, std::size_t j) {
  Invocation inv = walker.make(InvocationKind::run_script);
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
    walker.emit(std::move(each));
  }
}

void concurrently(CommandWalker& walker, const Words& words, std::size_t j) {
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
      Invocation inv = walker.make(InvocationKind::run_script);
      inv.target = w.substr(w.find(':') + 1);
      walker.emit(std::move(inv));
    } else {
      walker.nested(w);
    }
  }
}

} // namespace

RunnerReader runner_reader(std::string_view name) {
  struct Named {
    std::string_view name;
    RunnerReader reader;
  };
  static constexpr std::array k_readers = {
      Named{"dotenv", &dotenv},
      Named{"dotenv-cli", &dotenv},
      Named{"dotenvx", &dotenv},
      Named{"npx", &npx},
      Named{"bunx", &npx},
      Named{"pnpx", &npx},
      Named{"npm", &npm},
      Named{"pnpm", &pnpm},
      Named{"yarn", &yarn},
      Named{"bun", &bun},
      Named{"turbo", &turbo},
      Named{"npm-run-all", &run_all},
      Named{"npm-run-all2", &run_all},
      Named{"run-s", &run_all},
      Named{"run-p", &run_all},
      Named{"concurrently", &concurrently},
  };
  for (const Named& each : k_readers) {
    if (each.name == name) {
      return each.reader;
    }
  }
  return nullptr;
}

} // namespace pgadvise::loaders
