#include "app/fix/fix_suggestions.hpp"

#include "core/text.hpp"
#include "core/text_edit.hpp"
#include "reporters/ci_output.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

namespace pgadvise::app {

namespace fs = std::filesystem;

namespace {

// One change of a file: `removed` lines from `old_start` (1-based; for an
// insertion, the line it follows, 0 at the top) become `added`.
struct Hunk {
  std::size_t old_start = 0;
  std::vector<std::string> removed;
  std::vector<std::string> added;
};

// "@@ -12,3 +12,4 @@" -> 12 (and 3): diff -u's numbering, which names an
// empty range by the line before it.
std::size_t old_start_of(std::string_view header) {
  const std::size_t minus = header.find('-');
  std::size_t at = minus + 1;
  std::size_t n = 0;
  while (at < header.size() && std::isdigit(static_cast<unsigned char>(header[at])) != 0) {
    n = n * 10 + static_cast<std::size_t>(header[at] - '0');
    ++at;
  }
  return n;
}

std::string without_break(std::string_view line) {
  if (!line.empty() && line.back() == '\n') {
    line.remove_suffix(1);
  }
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  return std::string(line);
}

// The changes from `before` to `after`, each alone (no context lines).
std::vector<Hunk> hunks_of(const std::string& before, const std::string& after) {
  std::vector<Hunk> hunks;
  const std::string diff = core::unified_diff("f", before, after, false, 0);
  std::size_t start = 0;
  while (start < diff.size()) {
    const std::size_t end = std::min(diff.find('\n', start), diff.size());
    const std::string_view line(diff.data() + start, end - start);
    start = end + 1;
    if (line.rfind("@@ ", 0) == 0) {
      hunks.push_back(Hunk{old_start_of(line), {}, {}});
    } else if (!hunks.empty() && line.rfind("---", 0) != 0 && line.rfind("+++", 0) != 0) {
      if (line.rfind('-', 0) == 0) {
        hunks.back().removed.push_back(without_break(line.substr(1)));
      } else if (line.rfind('+', 0) == 0) {
        hunks.back().added.push_back(without_break(line.substr(1)));
      }
    }
  }
  return hunks;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines = core::split(text, '\n');
  if (!lines.empty() && lines.back().empty() && !text.empty() && text.back() == '\n') {
    lines.pop_back();
  }
  for (std::string& line : lines) {
    line = without_break(line);
  }
  return lines;
}

// For each line of a file (0-based), whether it is part of an import
// statement (`import { a,\n b } from "x";` spans lines).
std::vector<bool> import_lines(const std::vector<std::string>& lines) {
  std::vector<bool> out(lines.size(), false);
  bool inside = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view text = core::trim(lines[i]);
    if (!inside && (text.rfind("import ", 0) == 0 || text.rfind("import{", 0) == 0)) {
      inside = true;
    }
    if (inside) {
      out[i] = true;
      const bool ends = text.find("from \"") != std::string_view::npos ||
                        text.find("from '") != std::string_view::npos || text.rfind("import \"", 0) == 0 ||
                        text.rfind("import '", 0) == 0;
      inside = !ends;
    }
  }
  return out;
}

// A line that says enough to tell one finding's change from another's:
// not a bracket, a comma or a callback's head (`(t) => [`).
bool telling(std::string_view line) {
  return std::count_if(line.begin(), line.end(),
                       [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; }) >= 8;
}

// The telling lines one finding's solo plan adds and removes in a file.
struct Marks {
  std::set<std::string> added;
  std::set<std::string> removed;
};

Marks marks_of(const FileChange& change) {
  Marks marks;
  for (const Hunk& hunk : hunks_of(change.before, change.after)) {
    for (const std::string& line : hunk.added) {
      if (telling(line)) {
        marks.added.emplace(core::trim(line));
      }
    }
    for (const std::string& line : hunk.removed) {
      if (telling(line)) {
        marks.removed.emplace(core::trim(line));
      }
    }
  }
  return marks;
}

std::string path_key(const fs::path& path) {
  std::error_code ec;
  const fs::path absolute = fs::weakly_canonical(fs::absolute(path, ec), ec);
  return ec ? path.lexically_normal().string() : absolute.string();
}

std::string relative_to(const fs::path& path, const fs::path& root) {
  const fs::path relative = fs::path(path_key(path)).lexically_relative(path_key(root));
  if (relative.empty() || *relative.begin() == "..") {
    return path.generic_string();
  }
  return relative.generic_string();
}

bool answers(const Hunk& hunk, const Marks& marks) {
  const auto in = [](const std::vector<std::string>& lines, const std::set<std::string>& set) {
    return std::any_of(lines.begin(), lines.end(),
                       [&](const std::string& line) { return set.count(std::string(core::trim(line))) > 0; });
  };
  return in(hunk.added, marks.added) || in(hunk.removed, marks.removed);
}

} // namespace

std::vector<Suggestion> fix_suggestions(const FixPlan& plan, const std::vector<core::Finding>& applied,
                                        const std::function<FixPlan(const core::Finding&)>& solo,
                                        const fs::path& repo_root) {
  // What each finding alone changes, by file.
  std::vector<std::map<std::string, Marks>> finding_marks(applied.size());
  for (std::size_t i = 0; i < applied.size(); ++i) {
    for (const FileChange& change : solo(applied[i]).files) {
      if (!change.created && change.summary.empty()) {
        finding_marks[i].emplace(path_key(change.path), marks_of(change));
      }
    }
  }
  std::vector<Suggestion> out;
  for (const FileChange& change : plan.files) {
    if (change.created || !change.summary.empty()) {
      continue;
    }
    const std::vector<std::string> before = lines_of(change.before);
    const std::vector<bool> imports = import_lines(before);
    const std::string file = path_key(change.path);
    for (Hunk& hunk : hunks_of(change.before, change.after)) {
      Suggestion suggestion;
      suggestion.path = relative_to(change.path, repo_root);
      if (!hunk.removed.empty()) {
        suggestion.start_line = hunk.old_start;
        suggestion.line = hunk.old_start + hunk.removed.size() - 1;
        suggestion.original = hunk.removed;
        suggestion.replacement = hunk.added;
      } else if (hunk.old_start > 0 && hunk.old_start <= before.size()) {
        // An insertion: on the line before it, kept as the suggestion's first.
        suggestion.start_line = suggestion.line = hunk.old_start;
        suggestion.original = {before[hunk.old_start - 1]};
        suggestion.replacement = suggestion.original;
        suggestion.replacement.insert(suggestion.replacement.end(), hunk.added.begin(), hunk.added.end());
      } else if (!before.empty()) {
        // At the top of the file: on its first line, kept as the suggestion's last.
        suggestion.start_line = suggestion.line = 1;
        suggestion.original = {before.front()};
        suggestion.replacement = hunk.added;
        suggestion.replacement.push_back(before.front());
      } else {
        continue;
      }
      suggestion.required = true;
      for (std::size_t l = suggestion.start_line; l <= suggestion.line; ++l) {
        suggestion.required = suggestion.required && l - 1 < imports.size() && imports[l - 1];
      }
      for (std::size_t i = 0; i < applied.size(); ++i) {
        const auto marks = finding_marks[i].find(file);
        if (marks != finding_marks[i].end() && answers(hunk, marks->second)) {
          suggestion.findings.push_back(&applied[i]);
        }
      }
      out.push_back(std::move(suggestion));
    }
  }
  return out;
}

namespace {

core::FixApplicability applicability_of(const Suggestion& suggestion) {
  core::FixApplicability most = core::FixApplicability::safe;
  for (const core::Finding* finding : suggestion.findings) {
    if (finding->fix && finding->fix->applicability == core::FixApplicability::unsafe) {
      most = core::FixApplicability::unsafe;
    }
  }
  return most;
}

// One line of the finding's message, at most this long.
constexpr std::size_t k_message_bytes = 300;

std::string short_message(const core::Finding& finding) {
  std::string message = finding.message.substr(0, finding.message.find('\n'));
  if (message.size() > k_message_bytes) {
    std::size_t end = k_message_bytes;
    while (end > 0 && (static_cast<unsigned char>(message[end]) & 0xC0U) == 0x80U) {
      --end;
    }
    message = message.substr(0, end) + " (...)";
  }
  return reporters::markdown_text(message);
}

} // namespace

std::string suggestion_body(const Suggestion& suggestion) {
  const core::FixApplicability applicability = applicability_of(suggestion);
  std::string out =
      "**pgadvise fix** (" +
      std::string(applicability == core::FixApplicability::safe ? "safe"
                                                                : "unsafe: it rewrites or drops something") +
      ")";
  if (suggestion.findings.empty()) {
    out += "\n";
  } else if (suggestion.findings.size() == 1) {
    const core::Finding& finding = *suggestion.findings.front();
    out += ": `" + finding.rule + "`: " + short_message(finding) + "\n";
  } else {
    out += ", for " + core::plural(suggestion.findings.size(), "finding") + ":\n\n";
    for (const core::Finding* finding : suggestion.findings) {
      out += "- `" + finding->rule + "`: " + short_message(*finding) + "\n";
    }
  }
  if (suggestion.required) {
    out += "\nThe import the other suggestions in this file need: commit them together (\"Add "
           "suggestion to batch\").\n";
  }
  const std::string text = core::join(suggestion.replacement, "\n");
  const std::string fence = reporters::fence_for(text);
  return out + "\n" + fence + "suggestion\n" + text + (text.empty() ? "" : "\n") + fence + "\n";
}

std::string suggestions_json(const std::vector<Suggestion>& suggestions) {
  nlohmann::json list = nlohmann::json::array();
  for (const Suggestion& suggestion : suggestions) {
    std::vector<std::string> rules;
    for (const core::Finding* finding : suggestion.findings) {
      if (std::find(rules.begin(), rules.end(), finding->rule) == rules.end()) {
        rules.push_back(finding->rule);
      }
    }
    list.push_back({{"path", suggestion.path},
                    {"start_line", suggestion.start_line},
                    {"line", suggestion.line},
                    {"original", suggestion.original},
                    {"replacement", suggestion.replacement},
                    {"required", suggestion.required},
                    {"rules", rules},
                    {"applicability", std::string(core::to_string(applicability_of(suggestion)))},
                    {"body", suggestion_body(suggestion)}});
  }
  return nlohmann::json{{"version", 1}, {"suggestions", list}}.dump(2) + "\n";
}

} // namespace pgadvise::app
