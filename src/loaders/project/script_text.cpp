#include "core/text.hpp"
#include "loaders/project/command.hpp"

#include <string>

// A shell script's text as commands, one per logical line: backslash
// continuations joined, comments and heredoc bodies skipped. Each command's
// invocations come from parse_invocations (command.cpp).
namespace pgadvise::loaders {

std::vector<model::Command> parse_script_text(std::string_view text, const std::string& file, int first_line,
                                              ShellState& state) {
  std::vector<model::Command> commands;
  const std::vector<std::string> lines = core::split(text, '\n');
  std::string heredoc_end;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const int line_no = first_line + static_cast<int>(i);
    std::string logical = lines[i];
    if (!heredoc_end.empty()) {
      if (core::trim(logical) == heredoc_end) {
        heredoc_end.clear();
      }
      continue; // heredoc bodies are data, not commands
    }
    while (!logical.empty() && logical.back() == '\\' && i + 1 < lines.size()) {
      logical.pop_back();
      logical += ' ' + lines[++i];
    }
    const std::string_view trimmed = core::trim(logical);
    if (trimmed.empty() || trimmed[0] == '#') {
      continue;
    }
    if (const std::size_t heredoc = trimmed.find("<<"); heredoc != std::string_view::npos) {
      std::string_view marker = core::trim(trimmed.substr(heredoc + 2));
      if (!marker.empty() && marker[0] == '-') {
        marker.remove_prefix(1);
      }
      std::string word;
      for (char c : marker) {
        if (c == ' ' || c == ';' || c == '&' || c == '|' || c == ')') {
          break;
        }
        if (c != '\'' && c != '"') {
          word += c;
        }
      }
      heredoc_end = word;
    }
    model::Command command;
    command.text = std::string(trimmed);
    command.location = core::SourceLocation{file, line_no, 0};
    state.at = command.location;
    command.invocations = parse_invocations(trimmed, state);
    state.at = {};
    if (!command.invocations.empty()) {
      commands.push_back(std::move(command));
    }
  }
  return commands;
}

} // namespace pgadvise::loaders
