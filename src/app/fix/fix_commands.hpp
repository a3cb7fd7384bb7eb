#pragma once

#include "app/fix/file_change.hpp"
#include "core/finding.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

// `pgadvise fix` for drizzle-push-in-production: the package.json script,
// CI step or Dockerfile command its fix names, changed from `drizzle-kit
// push` to `migrate`.
namespace pgadvise::app {

// drizzle-push-in-production's fix names the line and the text to replace:
// "# 2. In FILE:LINE, replace `TEXT` with:\nREPLACEMENT\n".
struct CommandEdit {
  std::string file;
  int line = 0;
  std::string from;
  std::string to;
};

// The edit a finding's fix names; nullopt when it names none.
std::optional<CommandEdit> command_edit_for(const core::ShellChange& fix);

// The changed files, by file; `notes` names a text no longer there to replace.
std::vector<FileChange> plan_command_edits(const std::map<std::string, std::vector<CommandEdit>>& edits,
                                           std::vector<std::string>& notes);

} // namespace pgadvise::app
