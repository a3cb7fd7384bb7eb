#include "loaders/project/command.hpp"

#include "core/text.hpp"
#include "loaders/project/command_walker.hpp"
#include "loaders/project/shell_words.hpp"

namespace pgadvise::loaders {

std::vector<model::Invocation> analyze_command_text(std::string_view command, ShellState& state,
                                                    int nesting) {
  std::vector<model::Invocation> out;
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
    CommandWalker walker(state, std::move(text), nesting, std::move(step.guards));
    walker.analyze(step.command, out);
  }
  state.conditions.chain.clear();
  return out;
}

std::vector<model::Invocation> parse_invocations(std::string_view command, ShellState& state) {
  return analyze_command_text(command, state, 0);
}

std::vector<model::Invocation> parse_invocations(const std::vector<std::string>& argv, ShellState& state) {
  std::vector<model::Invocation> out;
  if (argv.empty()) {
    return out;
  }
  CommandWalker walker(state, core::join(argv, " "), 0);
  walker.analyze(argv, out);
  return out;
}

} // namespace pgadvise::loaders
