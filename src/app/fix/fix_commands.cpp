#include "app/fix/fix_commands.hpp"

#include "core/file.hpp"
#include "core/text_edit.hpp"

#include <algorithm>
#include <cctype>

namespace pgadvise::app {

namespace {

// The offset of `text` on line `line` (1-based) of `source`, else its only
// occurrence in the file.
std::optional<std::size_t> find_on_line(const std::string& source, int line, const std::string& text) {
  std::size_t start = 0;
  for (int l = 1; l < line && start != std::string::npos; ++l) {
    start = source.find('\n', start);
    start = start == std::string::npos ? start : start + 1;
  }
  if (start != std::string::npos && line > 0) {
    const std::size_t end = source.find('\n', start);
    const auto found = source.find(text, start);
    if (found != std::string::npos && (end == std::string::npos || found < end)) {
      return found;
    }
  }
  const auto first = source.find(text);
  if (first != std::string::npos && source.find(text, first + 1) == std::string::npos) {
    return first;
  }
  return std::nullopt;
}

} // namespace

std::optional<CommandEdit> command_edit_for(const core::ShellChange& fix) {
  const std::string_view ddl = fix.commands;
  const std::string_view in = "# 2. In ";
  const auto at = ddl.find(in);
  const auto replace = ddl.find(", replace `", at);
  const auto with = ddl.find("` with:\n", replace);
  if (at == std::string_view::npos || replace == std::string_view::npos || with == std::string_view::npos) {
    return std::nullopt;
  }
  CommandEdit edit;
  std::string location(ddl.substr(at + in.size(), replace - at - in.size()));
  // FILE:LINE or FILE:LINE:COLUMN
  for (int part = 0; part < 2; ++part) {
    const auto colon = location.rfind(':');
    if (colon == std::string::npos) {
      break;
    }
    const std::string tail = location.substr(colon + 1);
    if (tail.empty() || !std::all_of(tail.begin(), tail.end(), [](char c) { return std::isdigit(c) != 0; })) {
      break;
    }
    edit.line = std::stoi(tail);
    location.resize(colon);
  }
  edit.file = location;
  const std::size_t from_start = replace + std::string_view(", replace `").size();
  edit.from = std::string(ddl.substr(from_start, with - from_start));
  const std::size_t to_start = with + std::string_view("` with:\n").size();
  edit.to = std::string(ddl.substr(to_start, ddl.find('\n', to_start) - to_start));
  if (edit.file.empty() || edit.from.empty() || edit.to.empty()) {
    return std::nullopt;
  }
  return edit;
}

std::vector<FileChange> plan_command_edits(const std::map<std::string, std::vector<CommandEdit>>& edits,
                                           std::vector<std::string>& notes) {
  std::vector<FileChange> out;
  for (const auto& [file, file_edits] : edits) {
    auto text = core::read_file(file);
    if (!text) {
      notes.push_back(text.error().to_string());
      continue;
    }
    std::vector<core::TextEdit> text_edits;
    for (const CommandEdit& edit : file_edits) {
      if (const auto at = find_on_line(*text, edit.line, edit.from)) {
        if (std::none_of(text_edits.begin(), text_edits.end(),
                         [&](const core::TextEdit& e) { return e.offset == *at; })) {
          text_edits.push_back({*at, edit.from.size(), edit.to});
        }
      } else if (text->find(edit.to) == std::string::npos) {
        notes.push_back(file + ":" + std::to_string(edit.line) + ": `" + edit.from +
                        "` is not there to replace");
      }
    }
    auto after = core::apply_edits(*text, text_edits);
    if (after && *after != *text) {
      out.push_back({file, fix_label(file), *text, std::move(*after), false});
    }
  }
  return out;
}

} // namespace pgadvise::app
