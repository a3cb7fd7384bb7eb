#pragma once

#include "loaders/project/command.hpp"

#include <array>
#include <string>
#include <string_view>
#include <vector>

// One simple command's words read as what they run (loaders/project/command):
// the shell level here (assignments, `cd`, `export`, wrappers such as `env`,
// `exec`, `sudo`, `tini`, shells, sourced and executed files, `make`, node
// programs, drizzle-kit); the programs that run other commands or package
// scripts read their words in command_runners and call back in.
namespace pgadvise::loaders {

using Words = std::vector<std::string>;

// A command line's simple commands, each read by a CommandWalker; `nesting`
// counts the command strings around it (sh -c "...").
std::vector<model::Invocation> analyze_command_text(std::string_view command, ShellState& state, int nesting);

bool is_assignment(std::string_view word); // KEY=VALUE
std::string basename_of(std::string_view word);
// "drizzle-kit@0.20.1" -> "drizzle-kit"; "@scope/x@1" -> "@scope/x".
std::string strip_version(std::string_view pkg);
// A file node, tsx or bun runs as a program (.js, .ts, ...).
bool program_file(std::string_view word);
// tsx, ts-node and the like: they run a TypeScript file.
bool ts_runner(std::string_view name);

template <std::size_t N> bool one_of(std::string_view word, const std::array<std::string_view, N>& list) {
  for (std::string_view each : list) {
    if (each == word) {
      return true;
    }
  }
  return false;
}

class CommandWalker {
public:
  CommandWalker(ShellState& state, std::string text, int nesting, std::vector<model::Guard> guards = {});

  // The invocations of `words`, one simple command, into `out`.
  void analyze(const Words& words, std::vector<model::Invocation>& out);

  // For the readers of command_runners:
  void walk(const Words& words, std::size_t i); // the command that starts at words[i]
  void nested(const std::string& command);      // a command string: sh -c "...", concurrently "..."
  [[nodiscard]] model::Invocation make(model::InvocationKind kind) const;
  void emit(model::Invocation inv);
  [[nodiscard]] std::string resolve_dir(const std::string& dir) const;
  void add_env(std::string assignment) { m_env.push_back(std::move(assignment)); }
  // words[j] on, with `dir` as the working directory: `pnpm exec X`.
  void walk_in(const std::string& dir, const Words& words, std::size_t j, const std::string& workspace);
  void program(const Words& words, std::size_t j); // `node [options] FILE`, `tsx watch FILE`
  void drizzle(const Words& words, std::size_t j, const std::string& workspace = {});

private:
  ShellState& m_state;
  std::string m_text;
  int m_nesting;
  std::vector<model::Guard> m_guards; // the conditions the segment runs under
  std::vector<model::Invocation>* m_out = nullptr;
  std::vector<std::string> m_env;

  bool shell_builtin(const Words& words, std::size_t i);
  bool wrapper(const Words& words, std::size_t i, const std::string& name);
  void runs(const Words& words, std::size_t i, const std::string& name);
  void change_dir(const Words& words, std::size_t i);
  void after_double_dash_or_skip(const Words& words, std::size_t i, std::size_t skip);
  void shell(const Words& words, std::size_t i);
  void run_file(const std::string& path, const Words& words, std::size_t args);
  void make_targets(const Words& words, std::size_t j);
};

} // namespace pgadvise::loaders
