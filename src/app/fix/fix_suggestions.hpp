#pragma once

#include "app/fix/fix_plan.hpp"
#include "core/finding.hpp"

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

// `pgadvise fix --suggestions FILE`: the plan's changed lines as GitHub
// ```suggestion review comments a reviewer commits with one click. Each
// is anchored on lines of the file as it is (a pure insertion on the line
// before it, which the suggestion repeats), carries those lines so that the
// poster (.github/actions/pgadvise/post-comment.js) can find them in the
// pull request's diff whatever commit the job checked out, and names the
// findings it answers. Nothing is written but FILE.
namespace pgadvise::app {

struct Suggestion {
  std::string path;                     // relative to the repository root, '/'-separated
  std::size_t start_line = 0;           // 1-based, first line replaced, in the file as it is
  std::size_t line = 0;                 // last line replaced
  std::vector<std::string> original;    // those lines, without their line breaks
  std::vector<std::string> replacement; // what they become (empty: removed)
  // An import's change the file's other suggestions need to compile: the
  // poster posts a file's suggestions only when it can post this one too.
  bool required = false;
  std::vector<const core::Finding*> findings; // the findings it answers (of `applied`)
};

// The suggestions of a plan's changed files (new files have no line to
// comment on). `solo` plans one finding alone: what each finding changes,
// which names the findings of a change that several combine into.
std::vector<Suggestion> fix_suggestions(const FixPlan& plan, const std::vector<core::Finding>& applied,
                                        const std::function<FixPlan(const core::Finding&)>& solo,
                                        const std::filesystem::path& repo_root);

// The Markdown a suggestion's review comment says: what it answers, then
// the ```suggestion block (a longer fence when the lines hold backticks).
std::string suggestion_body(const Suggestion& suggestion);

// The file post-comment.js reads: {"version": 1, "suggestions": [{path,
// start_line, line, original, replacement, required, rules, applicability,
// body}]}.
std::string suggestions_json(const std::vector<Suggestion>& suggestions);

} // namespace pgadvise::app
