#include "app/lsp/lsp_code_actions.hpp"

#include "app/lsp/lsp_diagnostics.hpp"
#include "app/lsp/lsp_json.hpp"
#include "core/text.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <string_view>
#include <utility>

namespace pgadvise::app::lsp {

namespace fs = std::filesystem;
using json = nlohmann::json;

json workspace_edit(const std::vector<FileChange>& files, const EditOptions& options,
                    const Documents& documents) {
  json document_changes = json::array();
  json changes = json::object();
  for (const FileChange& change : files) {
    const fs::path path(file_key(change.path));
    const std::string uri = path_to_uri(path);
    json edits = json::array();
    if (change.created) {
      if (!options.document_changes) {
        return nullptr; // a new file needs documentChanges
      }
      document_changes.push_back({{"kind", "create"}, {"uri", uri}, {"options", {{"ignoreIfExists", true}}}});
      edits.push_back({{"range", to_json(Range{})}, {"newText", change.after}});
    } else {
      const LineMap lines(change.before);
      for (const core::TextEdit& edit : line_edits(change.before, change.after)) {
        edits.push_back(
            {{"range", to_json(Range{lines.position(edit.offset, options.encoding),
                                     lines.position(edit.offset + edit.length, options.encoding)})},
             {"newText", edit.text}});
      }
    }
    json version = nullptr;
    if (const Document* open = documents.find_path(path)) {
      version = open->version;
    }
    document_changes.push_back({{"textDocument", {{"uri", uri}, {"version", version}}}, {"edits", edits}});
    changes[uri] = std::move(edits);
  }
  if (options.document_changes) {
    return {{"documentChanges", std::move(document_changes)}};
  }
  return {{"changes", std::move(changes)}};
}

namespace {

// The comment a file type's suppressions are written in, or empty when lint
// reads none there (core/suppression: SQL and Drizzle schema files).
std::string_view ignore_comment_prefix(const fs::path& path) {
  const std::string ext = path.extension().string();
  if (ext == ".sql") {
    return "-- ";
  }
  if (ext == ".ts" || ext == ".mts" || ext == ".cts" || ext == ".js" || ext == ".mjs") {
    return "// ";
  }
  return {};
}

// Where a SQL statement holding `offset` begins: after the last `;` before
// it (outside quotes and comments), past blanks and comments.
std::size_t sql_statement_start(std::string_view text, std::size_t offset) {
  std::size_t statement = 0;
  std::size_t i = 0;
  while (i < offset && i < text.size()) {
    const char c = text[i];
    if (c == '-' && i + 1 < text.size() && text[i + 1] == '-') {
      const std::size_t end = text.find('\n', i);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (c == '/' && i + 1 < text.size() && text[i + 1] == '*') {
      const std::size_t end = text.find("*/", i + 2);
      i = end == std::string_view::npos ? text.size() : end + 2;
    } else if (c == '\'' || c == '"') {
      const std::size_t end = text.find(c, i + 1);
      i = end == std::string_view::npos ? text.size() : end + 1;
    } else if (c == ';') {
      statement = ++i;
    } else {
      ++i;
    }
  }
  // Past blanks and comments to the statement's first token.
  std::size_t j = statement;
  while (j < offset && j < text.size()) {
    const char c = text[j];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++j;
    } else if (c == '-' && j + 1 < text.size() && text[j + 1] == '-') {
      const std::size_t end = text.find('\n', j);
      j = end == std::string_view::npos ? text.size() : end + 1;
    } else {
      break;
    }
  }
  return std::min(j, offset);
}

// The edits of `findings`' fixes as one quick fix, or null when fix's plan
// has none for them (or the client cannot take them). `files`: the files
// it edits, as fix labels them.
json fix_edit(const Analysis& analysis, const std::vector<core::Finding>& findings,
              const EditOptions& options, const Documents& documents,
              std::vector<std::string>* files = nullptr) {
  const FixPlan plan = plan_analysis_fixes(analysis, findings);
  if (plan.files.empty()) {
    return nullptr;
  }
  if (files != nullptr) {
    for (const FileChange& change : plan.files) {
      files->push_back(change.label.empty() ? fix_label(change.path) : change.label);
    }
  }
  return workspace_edit(plan.files, options, documents);
}

// What a quick fix does, for its title: the Drizzle line, else the SQL's
// first line past its comments, else the files a script fix edits ("edit
// server/docker-entrypoint.sh").
std::string fix_summary(const core::Fix& fix, const std::vector<std::string>& files) {
  if (!fix.code_text().empty()) {
    return first_line(fix.code_text().str());
  }
  if (fix.statements_are_sql()) {
    std::string_view ddl = fix.statements();
    while (!ddl.empty()) {
      const std::size_t end = ddl.find('\n');
      const std::string_view line = core::trim(ddl.substr(0, end));
      if (!line.empty() && !line.starts_with("--")) {
        return first_line(line);
      }
      ddl.remove_prefix(end == std::string_view::npos ? ddl.size() : end + 1);
    }
  }
  return "edit " + core::join(files, ", ");
}

// The suppression comment lint honours, on its own line before the
// statement (SQL) or the declaration's line (TypeScript), in the file lint
// locates the finding in (a migration, for a finding a schema file shows of
// a table it declares). Null where lint reads no such comment.
json ignore_action(const core::Finding& finding, const fs::path& file, const json& diagnostic,
                   const EditOptions& options, const Documents& documents,
                   std::set<std::pair<std::string, int>>& offered) {
  if (!finding.location.known()) {
    return nullptr;
  }
  const fs::path own(file_key(finding.location.file.str()));
  const std::string_view prefix = ignore_comment_prefix(own);
  if (prefix.empty()) {
    return nullptr;
  }
  const std::string own_text = documents.text_of(own);
  const LineMap own_lines(own_text);
  std::size_t at = finding_bytes(finding.location, own_lines).first;
  if (own.extension() == ".sql") {
    at = sql_statement_start(own_text, at);
  }
  const int line = own_lines.position(at, PositionEncoding::utf8).line;
  if (!offered.insert({finding.rule + "\n" + own.string(), line}).second) {
    return nullptr;
  }
  const std::string_view line_text = own_lines.line_text(line);
  const std::size_t blank = line_text.find_first_not_of(" \t");
  const std::string indent(line_text.substr(0, blank == std::string_view::npos ? line_text.size() : blank));
  const std::size_t start = own_lines.line_start(line);
  FileChange comment;
  comment.path = own;
  comment.label = fix_label(own);
  comment.before = own_text;
  comment.after = own_text.substr(0, start) + indent + std::string(prefix) + "pgadvise-ignore " +
                  finding.rule + "\n" + own_text.substr(start);
  return {{"title", "Ignore " + finding.rule + (own == file ? " here" : " in " + comment.label) +
                        " (pgadvise-ignore comment)"},
          {"kind", "quickfix"},
          {"diagnostics", json::array({diagnostic})},
          {"edit", workspace_edit({comment}, options, documents)}};
}

} // namespace

json code_actions(const Analysis& analysis, const fs::path& file, const Range& wanted,
                  const EditOptions& options, const Documents& documents) {
  json actions = json::array();
  if (!analysis.run) {
    return actions;
  }
  const std::string text = documents.text_of(file);
  const LineMap lines(text);
  const std::vector<PlacedFinding>& here = analysis.findings_in(file);
  std::set<std::string> fix_all_offered;
  std::set<std::pair<std::string, int>> ignore_offered;
  for (const PlacedFinding& placed : here) {
    const core::Finding& finding = *placed.finding;
    // The findings on the lines asked about (an editor asks with the cursor,
    // anywhere on the line, or a selection).
    const Range range = finding_range(placed.at, lines, options.encoding);
    if (range.start.line > wanted.end.line || wanted.start.line > range.end.line) {
      continue;
    }
    const json diagnostic = diagnostic_of(placed, lines, options.encoding);
    if (finding.fix) {
      std::vector<std::string> files;
      if (json edit = fix_edit(analysis, {finding}, options, documents, &files); !edit.is_null()) {
        // Preferred (applied by an editor's "fix all auto-fixable") only
        // when `pgadvise fix` calls it safe.
        actions.push_back({{"title", "Fix " + finding.rule + ": " + fix_summary(*finding.fix, files)},
                           {"kind", "quickfix"},
                           {"diagnostics", json::array({diagnostic})},
                           {"isPreferred", finding.fix->applicability == core::FixApplicability::safe},
                           {"edit", std::move(edit)}});
      }
      // Every finding of the rule in this file at once.
      if (fix_all_offered.insert(finding.rule).second) {
        std::vector<core::Finding> same;
        std::set<const core::Finding*> taken;
        for (const PlacedFinding& other : here) {
          if (other.finding->rule == finding.rule && other.finding->fix &&
              taken.insert(other.finding).second) {
            same.push_back(*other.finding);
          }
        }
        if (same.size() > 1) {
          if (json edit = fix_edit(analysis, same, options, documents); !edit.is_null()) {
            actions.push_back({{"title", "Fix all " + finding.rule + " findings in this file (" +
                                             std::to_string(same.size()) + ")"},
                               {"kind", "quickfix"},
                               {"edit", std::move(edit)}});
          }
        }
      }
    }
    if (json ignore = ignore_action(finding, file, diagnostic, options, documents, ignore_offered);
        !ignore.is_null()) {
      actions.push_back(std::move(ignore));
    }
  }
  return actions;
}

} // namespace pgadvise::app::lsp
