#pragma once

#include "core/source_location.hpp"
#include "model/project_graph.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

// The conditions commands run under: shell `if`/`elif`/`else`, `case`,
// `test`/`[`/`[[`, `&&`/`||` guards and `|| exit` early returns, and the
// GitHub Actions / GitLab CI expressions on jobs and steps. Each becomes a
// model::Guard on one variable, or an unreadable guard (empty variable)
// when pgadvise cannot tell.
namespace pgadvise::loaders {

// `$X`, `${X}`, `${X:-dev}`, `${{ inputs.x }}`, `env.X`, `github.event.inputs.x`
// -> "X" / "inputs.x"; empty when the word is not one variable.
std::string variable_of(std::string_view word);

// `[ "$X" = dev ]`, `[[ $X != prod* ]]`, `test "$X" = dev`, `! [ ... ]`: the
// guard the test is (unreadable when it tests something else); nullopt when
// the words are not a test command.
std::optional<model::Guard> parse_test(const std::vector<std::string>& words, const core::SourceLocation& at);

// The guard that holds when `guard` does not: one variable's test flips;
// an unreadable one stays unreadable.
model::Guard negate(const model::Guard& guard);

// A GitHub Actions `if:` or GitLab `rules: if:` expression (with or
// without `${{ }}`): one guard per `&&` conjunct; `||` of comparisons of one
// variable becomes one guard with several values. Anything else is one
// unreadable guard.
std::vector<model::Guard> parse_ci_expression(std::string_view expression, const core::SourceLocation& at);

// The shell's open blocks as a script is read line by line.
struct ShellConditions {
  struct Frame {
    bool is_case = false;
    bool in_condition = false;           // if/elif: between the keyword and `then`
    bool in_patterns = false;            // case: reading `a|b)` patterns
    std::vector<model::Guard> earlier;   // if: conditions of the branches before this one
    std::vector<model::Guard> condition; // if: this branch's condition (conjuncts)
    bool else_branch = false;            // if: in `else`
    std::string variable;                // case: the word tested
    std::string case_text;               // case: `case "$ENV" in`
    std::vector<std::string> seen;       // case: patterns of earlier branches
    std::vector<std::string> patterns;   // case: this branch's patterns
    core::SourceLocation location;       // case: where this branch's patterns are
  };
  std::vector<Frame> frames;
  std::vector<model::Guard> after_exit; // `[ ... ] || exit 0` earlier in the script
  std::vector<model::Guard> inherited;  // the guards of the command that started this shell (sh -c)
  std::vector<model::Guard> chain;      // `test && ` / `test || ` before the next command on the line
  std::string last_op;                  // the operator after the previous command
  bool after_failure = false;           // `cmd ||`: the next command runs when cmd fails
  std::size_t overflow = 0;             // blocks opened past the nesting bound, not followed

  // The guards a command on the current line runs under.
  [[nodiscard]] std::vector<model::Guard> active() const;
};

// One simple command read in its blocks: the words left to run (keywords,
// tests and case patterns removed; may be empty) and the guards they run under.
struct ShellStep {
  std::vector<std::string> command;
  std::vector<model::Guard> guards;
};
// `op` is what ended the command (see Segment::op); `at` is its line.
ShellStep read_step(ShellConditions& conditions, const std::vector<std::string>& words, std::string_view op,
                    const core::SourceLocation& at);

} // namespace pgadvise::loaders
