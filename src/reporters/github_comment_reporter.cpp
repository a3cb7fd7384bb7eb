#include "core/text.hpp"
#include "reporters/ci_output.hpp"
#include "reporters/report.hpp"
#include "reporters/run_summary.hpp"

#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <utility>

// The pull request's one comment (`--format github-comment`): a hidden
// marker the Action finds its own earlier comment by, the findings the run
// kept (with --baseline and --changed-since: what the change brings), most
// severe first, each with its place and rule page linked and its fix in a
// code block, many of one shape as one entry as the text report groups
// them; and, past GitHub's limit on a comment's size, a summary of the rest
// and where the full report is. Every entry is whole Markdown (its fences
// closed), so a comment cut between entries is still valid.
namespace pgadvise::reporters {

namespace {

// GitHub refuses a comment body over 65,536 characters; bytes are never
// fewer than characters, so a body of fewer bytes always fits. The rest of
// the margin is for the closing summary.
constexpr std::size_t k_comment_limit = 65536;
constexpr std::size_t k_closing_reserve = 6144;
// One entry's parts are cut to these, so that one huge fix or message
// cannot take the whole comment.
constexpr std::size_t k_block_lines = 40;
constexpr std::size_t k_block_bytes = 6000;
constexpr std::size_t k_message_bytes = 2000;
// The text report's grouping (text_reporter.cpp): more than a handful of
// one rule and severity are one entry; a rule whose findings are each an
// action keeps its first k_action_entries as entries when it has more than
// k_many_actions. A grouped entry names its first few findings.
constexpr std::size_t k_handful = 5;
constexpr std::size_t k_many_actions = 20;
constexpr std::size_t k_action_entries = 10;
constexpr std::size_t k_group_examples = 3;
// The closing summary names this many rules of what was left out.
constexpr std::size_t k_rules_named = 12;

constexpr std::string_view k_marker_name = "pgadvise-comment";

// A key as the marker can carry it: letters, digits and . _ / - (never
// "--", which would end the HTML comment).
std::string marker_key(std::string_view key) {
  std::string out;
  for (const char c : key) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '.' || c == '_' || c == '/';
    const char keep = plain ? c : '-';
    if (keep == '-' && !out.empty() && out.back() == '-') {
      continue;
    }
    out += keep;
  }
  return out;
}

std::string marker(std::string_view key) {
  const std::string clean = marker_key(key);
  return "<!-- " + std::string(k_marker_name) + (clean.empty() ? "" : " key=" + clean) + " -->";
}

// At most `bytes` of `text`, never cutting a UTF-8 sequence.
std::string_view utf8_prefix(std::string_view text, std::size_t bytes) {
  if (text.size() <= bytes) {
    return text;
  }
  std::size_t end = bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0U) == 0x80U) {
    --end;
  }
  return text.substr(0, end);
}

// A URL's path: each byte outside the unreserved set and '/' percent-encoded.
std::string url_path(std::string_view path) {
  constexpr std::string_view k_hex = "0123456789ABCDEF";
  std::string out;
  for (const char c : path) {
    const auto byte = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
        std::string_view("/-._~").find(c) != std::string_view::npos) {
      out += c;
    } else {
      out += '%';
      out += k_hex[byte >> 4U];
      out += k_hex[byte & 0xFU];
    }
  }
  return out;
}

std::string without_slash(std::string_view url) {
  while (!url.empty() && url.back() == '/') {
    url.remove_suffix(1);
  }
  return std::string(url);
}

// Inline code that holds any text: a backtick run in it gets a longer
// delimiter, and line breaks become spaces.
std::string code_span(std::string_view text) {
  std::string one_line(text);
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  std::replace(one_line.begin(), one_line.end(), '\r', ' ');
  std::size_t longest = 0;
  std::size_t run = 0;
  for (const char c : one_line) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = !one_line.empty() && (one_line.front() == '`' || one_line.back() == '`');
  return fence + (pad ? " " : "") + one_line + (pad ? " " : "") + fence;
}

std::string link(std::string_view label, const std::string& url) {
  return url.empty() ? std::string(label) : "[" + std::string(label) + "](" + url + ")";
}

// "db/0001.sql:14", linked to the line at the change's commit when the
// comment knows the repository's URL and the file is inside it.
std::string place_of(const core::Finding& finding, const ReportInput& input) {
  const core::SourceLocation where = primary_location(finding);
  if (!where.known()) {
    const std::string object = qualified_object(finding.object);
    return object.empty() ? std::string() : code_span(object);
  }
  const std::string file = repo_relative(where.file, input.repo_root);
  std::string label = code_span(file + (where.line > 0 ? ":" + std::to_string(where.line) : ""));
  const bool inside = !file.empty() && file.front() != '/';
  if (input.comment.source_url.empty() || !inside) {
    return label;
  }
  return link(label, without_slash(input.comment.source_url) + "/" + url_path(file) +
                         (where.line > 0 ? "#L" + std::to_string(where.line) : ""));
}

std::string rule_link(const std::string& rule, const ReportInput& input) {
  const std::string url = input.comment.rules_url.empty()
                              ? ""
                              : without_slash(input.comment.rules_url) + "/" + url_path(rule) + ".md";
  return link(code_span(rule), url);
}

// A fenced block of at most k_block_lines lines and k_block_bytes bytes,
// saying how much was cut.
std::string block(std::string_view language, std::string_view text) {
  std::vector<std::string> lines = core::split(text, '\n');
  while (!lines.empty() && core::trim(lines.back()).empty()) {
    lines.pop_back();
  }
  std::string body;
  std::size_t shown = 0;
  for (const std::string& line : lines) {
    if (shown == k_block_lines || body.size() + line.size() + 1 > k_block_bytes) {
      break;
    }
    body += (shown == 0 ? "" : "\n") + line;
    ++shown;
  }
  if (shown == 0 && !lines.empty()) { // one line longer than the block: its start
    body = std::string(utf8_prefix(lines.front(), k_block_bytes));
    shown = 1;
  }
  std::string out = fenced(language, body);
  if (shown < lines.size()) {
    out += "\n_" + core::plural(lines.size() - shown, "more line") + " in the full report._\n";
  }
  return out;
}

// A Drizzle fix as a diff: its lines are what the file gains, but for
// "// remove from schema.ts: X", which is X taken out.
std::string diff_block(std::string_view drizzle) {
  constexpr std::string_view k_remove = "// remove from schema.ts: ";
  std::string lines;
  for (const std::string& line : core::split(drizzle, '\n')) {
    const std::string_view text = core::trim(line);
    const bool removed = text.substr(0, k_remove.size()) == k_remove;
    lines += (lines.empty() ? "" : "\n") + std::string(removed ? "-" : "+") +
             (removed ? std::string(text.substr(k_remove.size())) : line);
  }
  return block("diff", lines);
}

// The fix as code blocks: the schema.ts lines as a diff (what the file
// gains), the SQL or commands, a code change's rewrite and the SQL it sends.
std::string fix_of(const core::Finding& finding, const ReportInput& input, std::string_view lead) {
  if (!finding.fix) {
    return {};
  }
  const core::Fix& fix = *finding.fix;
  std::string out =
      "\n" + std::string(lead) + "fix (" + std::string(fix_applicability_text(fix.applicability)) + "):\n\n";
  const std::string file =
      fix.code_file().empty() ? "" : repo_relative_place(fix.code_file().str(), input.repo_root);
  const std::string table =
      fix.code_table().empty() ? "" : " (table " + code_span(fix.code_table().str()) + ")";
  if (fix.kind() == core::FixKind::code) {
    if (!fix.code_text().empty()) {
      out += "The code" + (file.empty() ? "" : " at " + code_span(file)) + table + " becomes:\n\n" +
             block("ts", fix.code_text().str());
    }
    if (!fix.statements().empty()) {
      out += (fix.code_text().empty() ? "" : "\n") + std::string("SQL the new code sends:\n\n") +
             block("sql", fix.statements());
    }
    return out;
  }
  if (!fix.code_text().empty()) {
    out += "In " + (file.empty() ? std::string("the Drizzle schema") : code_span(file)) + table + ":\n\n" +
           diff_block(fix.code_text().str());
    if (!fix.migrate_commands().empty()) {
      out += "\nthen " + code_span(fix.migrate_commands().str()) + "; the migration it makes runs:\n\n";
    } else if (!fix.statements().empty()) {
      out += "\nThe SQL it comes to:\n\n";
    }
  }
  if (!fix.statements().empty()) {
    out += block(fix.statements_are_sql() ? "sql" : "sh", fix.statements());
  }
  return out;
}

std::string message_of(const core::Finding& finding) {
  std::string message = markdown_text(utf8_prefix(finding.message, k_message_bytes));
  if (finding.message.size() > k_message_bytes) {
    message += " (...)";
  }
  std::replace(message.begin(), message.end(), '\n', ' ');
  return message;
}

std::string severity_label(core::Severity severity) {
  return "**" + std::string(core::to_string(severity)) + "**";
}

std::string also_found_by(const core::Finding& finding) {
  if (finding.rule_ids.size() <= 1) {
    return {};
  }
  std::vector<std::string> others;
  for (auto it = finding.rule_ids.begin() + 1; it != finding.rule_ids.end(); ++it) {
    others.push_back(code_span(*it));
  }
  return " (also " + core::join(others, ", ") + ")";
}

std::string single_entry(const core::Finding& finding, const ReportInput& input) {
  const std::string place = place_of(finding, input);
  std::string out = severity_label(finding.severity) + " " + rule_link(finding.rule, input) +
                    also_found_by(finding) + (place.empty() ? "" : " at " + place) + "  \n" +
                    message_of(finding) + "\n";
  out += fix_of(finding, input, "The ");
  return out + "\n";
}

std::string summary_of_rule(const ReportInput& input, const std::string& rule) {
  for (const RuleInfo& info : input.rules) {
    if (info.id == rule) {
      return info.summary;
    }
  }
  return {};
}

// One entry: a finding, or many of one rule and severity (positions in the
// run's list, in its order).
struct Entry {
  std::vector<std::size_t> findings;
  bool rest = false; // an action rule's findings past its first entries
};

std::vector<Entry> entries_of(const core::FindingList& list, const ReportInput& input) {
  std::set<std::string> action_rules;
  for (const RuleInfo& rule : input.rules) {
    if (rule.each_finding_an_action) {
      action_rules.insert(rule.id);
    }
  }
  using Shape = std::pair<std::string, core::Severity>;
  std::map<Shape, std::size_t> shapes;
  for (std::size_t i = 0; i < list.size(); ++i) {
    ++shapes[{list.rule(i), list.severity(i)}];
  }
  // The run's order (core::sort_findings: most severe first, then file
  // order), kept within a severity; said here rather than trusted.
  std::vector<std::size_t> order(list.size());
  for (std::size_t i = 0; i < order.size(); ++i) {
    order[i] = i;
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return list.severity(a) > list.severity(b); });
  std::vector<Entry> entries;
  std::map<Shape, std::size_t> group_at;
  std::map<Shape, std::size_t> own;
  for (const std::size_t i : order) {
    const Shape shape{list.rule(i), list.severity(i)};
    const bool action = action_rules.count(shape.first) != 0;
    const bool group = action ? shapes[shape] > k_many_actions && own[shape]++ >= k_action_entries
                              : shapes[shape] > k_handful;
    if (!group) {
      entries.push_back(Entry{{i}});
    } else if (const auto it = group_at.find(shape); it != group_at.end()) {
      entries[it->second].findings.push_back(i);
    } else {
      group_at.emplace(shape, entries.size());
      entries.push_back(Entry{{i}, action});
    }
  }
  return entries;
}

std::string grouped_entry(const core::FindingList& list, const Entry& entry, const ReportInput& input) {
  const core::FindingList::Held first = list.at(entry.findings.front());
  const std::string summary = summary_of_rule(input, first->rule);
  std::string out = severity_label(first->severity) + " " + rule_link(first->rule, input) + ": " +
                    core::plural(entry.findings.size(), entry.rest ? "more finding" : "finding") +
                    (summary.empty() ? "" : " (" + markdown_text(summary) + ")") + "\n\n";
  const std::size_t named = std::min(entry.findings.size(), k_group_examples);
  for (std::size_t i = 0; i < named; ++i) {
    const core::FindingList::Held finding = list.at(entry.findings[i]);
    const std::string place = place_of(*finding, input);
    out += "- " + (place.empty() ? "" : place + ": ") + message_of(*finding) + "\n";
  }
  if (entry.findings.size() > named) {
    out += "- and " + std::to_string(entry.findings.size() - named) + " more (" +
           code_span("pgadvise lint --rule " + first->rule) + " lists them all)\n";
  }
  out += fix_of(*first, input, "Like the first's ");
  return out + "\n";
}

std::string counts_text(const std::array<std::size_t, 5>& counts) {
  std::vector<std::string> parts;
  for (const core::Severity severity : k_severities_descending) {
    if (const std::size_t n = counts[static_cast<std::size_t>(severity)]; n > 0) {
      parts.push_back(std::to_string(n) + " " + std::string(core::to_string(severity)));
    }
  }
  return core::join(parts, ", ");
}

// What the run left out as not new: "12 accepted in the baseline, 3
// outside the files this change touched".
std::string held_back(const engine::RunReport& run) {
  std::vector<std::string> parts;
  if (run.baselined > 0) {
    parts.push_back(std::to_string(run.baselined) + " accepted in the baseline");
  }
  if (run.unchanged > 0) {
    parts.push_back(std::to_string(run.unchanged) + " outside the files this change touched");
  }
  return core::join(parts, ", ");
}

std::string scope_line(const ReportInput& input) {
  std::vector<std::string> parts;
  if (!input.comment.baseline.empty()) {
    parts.push_back("the baseline " + code_span(input.comment.baseline));
  }
  if (!input.comment.changed_since.empty()) {
    parts.push_back("the files changed since " + code_span(input.comment.changed_since));
  }
  return parts.empty() ? "" : "New against " + core::join(parts, " and ") + ". ";
}

// The closing summary of the entries that did not fit: how many, of which
// severities and rules, and where the full report is.
std::string left_out(const core::FindingList& list, const std::vector<Entry>& entries, std::size_t from,
                     const ReportInput& input) {
  std::array<std::size_t, 5> counts{};
  std::map<std::string, std::size_t> by_rule;
  std::size_t total = 0;
  for (std::size_t e = from; e < entries.size(); ++e) {
    for (const std::size_t i : entries[e].findings) {
      ++counts[static_cast<std::size_t>(list.severity(i))];
      ++by_rule[list.rule(i)];
      ++total;
    }
  }
  std::vector<std::pair<std::string, std::size_t>> rules(by_rule.begin(), by_rule.end());
  std::stable_sort(rules.begin(), rules.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> named;
  for (std::size_t i = 0; i < rules.size() && i < k_rules_named; ++i) {
    named.push_back(code_span(rules[i].first) + " " + std::to_string(rules[i].second));
  }
  if (rules.size() > k_rules_named) {
    named.push_back(core::plural(rules.size() - k_rules_named, "more rule"));
  }
  std::string out = "---\n\n**" + core::plural(total, "more finding") + " not shown** (" +
                    counts_text(counts) + ": " + core::join(named, ", ") +
                    ") to keep this comment under GitHub's 65,536-character limit. The full report: ";
  if (!input.comment.report_url.empty()) {
    out += link("the workflow run", input.comment.report_url) + " (its annotations and summary), or ";
  }
  out += code_span("pgadvise lint") + " on this branch (" + code_span("--format json") +
         " lists every finding).\n";
  return out;
}

} // namespace

void write_github_comment(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  const core::FindingList& list = run.findings;
  std::string head = marker(input.comment.key) + "\n";
  const std::string held = held_back(run);
  // "New" once the run was asked what the change brings (or held some back).
  const bool scoped =
      !input.comment.baseline.empty() || !input.comment.changed_since.empty() || !held.empty();
  const std::string findings = scoped ? "new finding" : "finding";
  if (list.size() == 0) {
    head += "### pgadvise: no " + findings + "s\n\n" + scope_line(input) + "No " + findings + "s" +
            (held.empty() ? "" : "; " + held) + ".\n";
    out << head;
    return;
  }
  std::array<std::size_t, 5> counts{};
  for (std::size_t i = 0; i < list.size(); ++i) {
    ++counts[static_cast<std::size_t>(list.severity(i))];
  }
  head += "### pgadvise: " + core::plural(list.size(), findings) + " (" + counts_text(counts) + ")\n\n" +
          scope_line(input) + (held.empty() ? "" : "Not shown: " + held + ". ") + "Most severe first.\n\n";

  const std::vector<Entry> entries = entries_of(list, input);
  std::string body;
  std::size_t shown = 0;
  for (; shown < entries.size(); ++shown) {
    const Entry& entry = entries[shown];
    const std::string text = entry.findings.size() == 1 && !entry.rest
                                 ? single_entry(*list.at(entry.findings.front()), input)
                                 : grouped_entry(list, entry, input);
    if (head.size() + body.size() + text.size() + k_closing_reserve > k_comment_limit) {
      break;
    }
    body += text;
  }
  out << head << body;
  if (shown < entries.size()) {
    // Twelve rules named and a URL: well inside the reserve.
    out << left_out(list, entries, shown, input);
  }
}

} // namespace pgadvise::reporters
