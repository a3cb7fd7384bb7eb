#include "core/format.hpp"
#include "core/text.hpp"
#include "reporters/ansi.hpp"
#include "reporters/ci_output.hpp"
#include "reporters/migration_commands.hpp"
#include "reporters/report.hpp"
#include "reporters/run_summary.hpp"
#include "reporters/terminal_text.hpp"
#include "reporters/text_entries.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_set>
#include <utility>

// The report for people, in two levels. By default it leads with what to
// do: critical and high entries first, then by impact and file order (see
// "The default (compact) layout" below), one line each -- location,
// severity, rule, message -- and the fix in a line or two; many findings of
// one shape as one entry; each rule's help and safety note once, in a
// closing section; then a summary of the actions. With --verbose, every
// finding, grouped by file and ordered by line, carries its help, all its
// evidence and its whole fix.
namespace pgadvise::reporters {

namespace {

// Fits an 100-column terminal; DDL is never wrapped so it can be pasted.
constexpr std::size_t k_width = 100;
constexpr std::string_view k_detail_indent = "    ";
constexpr std::string_view k_block_indent = "        ";

struct FileGroup {
  std::string file; // empty: findings without a file
  std::vector<const core::Finding*> findings;
};

bool by_position(const core::Finding* a, const core::Finding* b) {
  return std::make_tuple(a->location.line, a->location.column, -static_cast<int>(a->severity), a->rule,
                         a->object.to_string(), a->fingerprint) <
         std::make_tuple(b->location.line, b->location.column, -static_cast<int>(b->severity), b->rule,
                         b->object.to_string(), b->fingerprint);
}

std::vector<FileGroup> group_by_file(const std::vector<core::Finding>& findings) {
  std::map<std::string, std::vector<const core::Finding*>> by_file;
  for (const core::Finding& finding : findings) {
    by_file[finding.location.file.str()].push_back(&finding);
  }
  std::vector<FileGroup> groups;
  for (auto& [file, list] : by_file) {
    if (!file.empty()) { // without a file there is no position: the rank order stays
      std::stable_sort(list.begin(), list.end(), by_position);
    }
    groups.push_back(FileGroup{file, std::move(list)});
  }
  // std::map put the empty file name first; it belongs last.
  if (!groups.empty() && groups.front().file.empty()) {
    std::rotate(groups.begin(), groups.begin() + 1, groups.end());
  }
  return groups;
}

// Text after a label, wrapped with a hanging indent under the text.
void write_labelled(std::ostream& out, std::string_view label, std::string_view text) {
  const std::string lead = std::string(k_detail_indent) + std::string(label) + " ";
  out << lead << wrap(sanitize_for_terminal(text), k_width, lead.size(), std::string(lead.size(), ' '))
      << "\n";
}

// Lines kept as they are (DDL, Drizzle code), each indented.
void write_block(std::ostream& out, std::string_view label, std::string_view text) {
  out << k_detail_indent << label << "\n";
  for (const std::string& line : core::split(sanitize_for_terminal(text), '\n')) {
    out << k_block_indent << line << "\n";
  }
}

void write_header(std::ostream& out, const ReportInput& input, const Ansi& ansi) {
  std::string schema = input.schema_description;
  if (schema.empty()) {
    schema = input.schema_source.empty() ? "none" : input.schema_source;
  }
  out << ansi.bold("Schema:") << " " << wrap(sanitize_for_terminal(schema), k_width, 8, "        ") << "\n";
  if (!input.verbose) {
    return;
  }
  if (!input.inputs.empty()) {
    out << "Inputs: " << wrap(sanitize_for_terminal(core::join(input.inputs, ", ")), k_width, 8, "        ")
        << "\n";
  }
  for (const std::string& note : input.notes) {
    out << "  note: " << wrap(sanitize_for_terminal(note), k_width, 8, "        ") << "\n";
  }
}

std::string where_of(const core::Finding& finding) {
  if (finding.location.known()) {
    return finding.location.to_string();
  }
  const std::string object = finding.object.to_string();
  return object.empty() ? "-" : object;
}

void write_evidence(std::ostream& out, const core::Evidence& evidence) {
  std::string head = "evidence (" + std::string(core::to_string(evidence.kind)) + ")";
  if (evidence.location.known()) {
    head += " " + evidence.location.to_string();
  }
  out << k_detail_indent << sanitize_for_terminal(head) << "\n";
  if (!evidence.detail.empty()) {
    out << k_block_indent
        << wrap(sanitize_for_terminal(evidence.detail), k_width, k_block_indent.size(), k_block_indent)
        << "\n";
  }
}

void write_fix(std::ostream& out, const core::Fix& fix) {
  if (!fix.statements().empty()) {
    write_block(out, fix.statements_are_sql() ? "fix (SQL):" : "fix (shell):", fix.statements());
  }
  if (!fix.code_text().empty()) {
    write_block(out, "fix (Drizzle):", fix.code_text());
  }
  if (!fix.code_file().empty()) {
    std::string where = fix.code_file();
    if (!fix.code_table().empty()) {
      where += ", table `" + fix.code_table() + "`";
    }
    write_labelled(out, "in:", where);
  }
  if (!fix.migrate_commands().empty()) {
    write_block(out, "then run:", fix.migrate_commands());
  }
  if (!fix.safety_note.empty()) {
    write_labelled(out, "safety:", fix.safety_note);
  }
  write_labelled(out, "applies:", std::string(fix_applicability_text(fix.applicability)));
}

void write_finding(std::ostream& out, const core::Finding& finding, const Ansi& ansi) {
  const std::string where = sanitize_for_terminal(where_of(finding));
  const std::string_view severity = core::to_string(finding.severity);
  const std::string rule = sanitize_for_terminal(finding.rule);
  const std::string message = sanitize_for_terminal(finding.message);
  const std::size_t used = display_width(where) + 2 + severity.size() + 2 + display_width(rule) + 2;
  out << where << "  " << ansi.severity(finding.severity, severity) << "  " << rule;
  const std::size_t first_word = display_width(message.substr(0, message.find_first_of(" \n")));
  if (used + first_word <= k_width) {
    out << "  " << wrap(message, k_width, used, k_detail_indent) << "\n";
  } else {
    // A long path left no room: the whole message goes below, indented.
    out << "\n" << k_detail_indent << wrap(message, k_width, k_detail_indent.size(), k_detail_indent) << "\n";
  }
  if (finding.rule_ids.size() > 1) {
    write_labelled(out, "found by:", core::join(finding.rule_ids, ", "));
  }
  if (!finding.help.empty()) {
    write_labelled(out, "help:", finding.help);
  }
  for (const core::Evidence& evidence : finding.evidence) {
    write_evidence(out, evidence);
  }
  if (finding.fix) {
    write_fix(out, *finding.fix);
  }
}

void write_groups(std::ostream& out, const std::vector<FileGroup>& groups, const Ansi& ansi) {
  for (const FileGroup& group : groups) {
    const std::string title =
        group.file.empty() ? std::string("without a file location") : sanitize_for_terminal(group.file);
    out << "\n"
        << ansi.bold("== " + title) << " (" << core::plural(group.findings.size(), "finding") << ")\n";
    for (const core::Finding* finding : group.findings) {
      out << "\n";
      write_finding(out, *finding, ansi);
    }
  }
}

void write_rules_run(std::ostream& out, const engine::RunReport& run) {
  const std::string lead = "Rules run (" + std::to_string(run.rules_run.size()) + "): ";
  out << "\n" << lead << wrap(core::join(run.rules_run, ", "), k_width, lead.size(), k_detail_indent) << "\n";
  if (run.skipped.empty()) {
    return;
  }
  out << "Skipped rules:\n";
  for (const std::string& entry : run.skipped) {
    out << k_detail_indent
        << wrap(sanitize_for_terminal(entry), k_width, k_detail_indent.size(), k_block_indent) << "\n";
  }
}

std::string summary_line(const engine::RunReport& run, const Ansi& ansi) {
  const SeverityCounts counts = count_by_severity(run.findings);
  std::vector<std::string> extras;
  if (run.suppressed > 0) {
    extras.push_back(std::to_string(run.suppressed) + " suppressed");
  }
  if (run.hidden > 0) {
    extras.push_back(std::to_string(run.hidden) + " hidden below --min-severity");
  }
  const std::string tail = extras.empty() ? "" : "(" + core::join(extras, ", ") + ")";
  if (counts.total == 0) {
    return "No findings" + (tail.empty() ? "" : " " + tail) + ".";
  }
  std::vector<std::string> plain;
  std::vector<std::string> painted;
  for (core::Severity severity : k_severities_descending) {
    if (const std::size_t n = counts.of(severity); n > 0) {
      plain.push_back(std::to_string(n) + " " + std::string(core::to_string(severity)));
      painted.push_back(ansi.severity(severity, plain.back()));
    }
  }
  const std::string head = core::plural(counts.total, "finding") + ": ";
  if (tail.empty()) {
    return head + core::join(painted, ", ");
  }
  // Measured without escape codes: they take no columns.
  const bool fits = head.size() + core::join(plain, ", ").size() + 1 + tail.size() <= k_width;
  return head + core::join(painted, ", ") + (fits ? " " : "\n" + std::string(k_detail_indent)) + tail;
}

// ---- The default (compact) layout ----
//
// It leads with what to do: entries by severity (every critical and high one
// before any other), then by measured or estimated impact (workload time a
// verified index saves, then the table's rows), then file order. Many
// findings of one rule and severity are one entry (the count, the first few,
// the fix pattern, how to see all); each unindexed foreign key and each N+1
// loop stays its own entry, since each is an action (the loops' fixes differ
// by their code), and the foreign keys' CREATE INDEX also come as one block.
// Up to a point: past k_many_actions of one rule and severity, the first
// k_action_entries stay entries and the rest are one, so that 20,000
// unindexed foreign keys cannot bury a critical finding of another kind.

// The foreign keys' block names this many statements at most.
constexpr std::size_t k_block_statements = 100;
// How many of a grouped entry's findings it names.
constexpr std::size_t k_group_examples = 3;
constexpr std::string_view k_fix_indent = "      ";

// One line of untrusted text: controls made visible, line breaks joined.
std::string one_line(std::string_view text) {
  std::string out = sanitize_for_terminal(text);
  std::replace(out.begin(), out.end(), '\n', ' ');
  return out;
}

bool starts_with_word(std::string_view line, std::string_view word) {
  if (line.size() < word.size() || core::to_lower(line.substr(0, word.size())) != word) {
    return false;
  }
  return line.size() == word.size() || line[word.size()] == ' ' || line[word.size()] == ';';
}

// Lines that set the stage rather than do the work: a transaction's edges,
// session settings, comments.
bool is_preamble(std::string_view line) {
  const std::string_view text = core::trim(line);
  return text.empty() || text.rfind("--", 0) == 0 || starts_with_word(text, "begin") ||
         starts_with_word(text, "commit") || starts_with_word(text, "set") || starts_with_word(text, "reset");
}

// The line of a fix that does the work (ALTER TABLE ... TYPE bigint, never
// BEGIN; or a SET) and how many lines the fix has. SQL (a schema change's,
// or the statements a code change sends) has a preamble to skip; commands
// and TypeScript are read from their first line.
std::pair<std::string, std::size_t> work_line(std::string_view text, bool sql) {
  const std::vector<std::string> lines = core::split(sanitize_for_terminal(text), '\n');
  if (lines.empty()) {
    return {std::string(), 0};
  }
  if (sql) {
    for (const std::string& line : lines) {
      if (!is_preamble(line)) {
        return {std::string(core::trim(line)), lines.size()};
      }
    }
  }
  return {lines.front(), lines.size()};
}

std::string counted(std::size_t count, std::string_view one, std::string_view many) {
  return std::to_string(count) + " " + std::string(count == 1 ? one : many);
}

std::string more_lines(std::size_t lines) {
  return lines > 1 ? "  (+" + core::plural(lines - 1, "more line") + ", see -v)" : std::string();
}

std::string summary_of_rule(const ReportInput& input, const std::string& rule) {
  for (const RuleInfo& info : input.rules) {
    if (info.id == rule) {
      return info.summary;
    }
  }
  return rule;
}

void write_compact_fix(std::ostream& out, const core::Finding& finding, std::string_view lead) {
  const core::Fix& fix = *finding.fix;
  if (!fix.statements().empty()) {
    const auto [line, count] = work_line(fix.statements(), fix.statements_are_sql());
    // "fix (safe)", "fix (unsafe: --unsafe-fixes, saves about 2 s)": what `pgadvise fix` does with it.
    std::string label = std::string(fix.statements_are_sql() ? "fix (" : "run (") +
                        std::string(core::to_string(fix.applicability)) +
                        (fix.applicability == core::FixApplicability::unsafe ? ": --unsafe-fixes" : "");
    if (finding.saving_ms > 0) {
      label += ", saves about " + core::human_duration_ms(finding.saving_ms);
    }
    label += ")";
    out << k_fix_indent << lead << label << ": " << line << more_lines(count) << "\n";
  }
  if (!fix.code_text().empty()) {
    const auto [line, count] = work_line(fix.code_text(), false);
    out << k_fix_indent << lead << "drizzle: " << line;
    if (!fix.code_file().empty()) {
      out << "  in " << one_line(fix.code_file());
      if (!fix.code_table().empty()) {
        out << " (" << one_line(fix.code_table()) << ")";
      }
    }
    out << more_lines(count) << "\n";
  }
}

void write_single(std::ostream& out, const core::Finding& finding, const Ansi& ansi) {
  out << "  " << one_line(where_of(finding)) << "  "
      << ansi.severity(finding.severity, core::to_string(finding.severity)) << "  " << one_line(finding.rule)
      << "  " << one_line(finding.message);
  if (finding.rule_ids.size() > 1) {
    const std::vector<std::string> others(finding.rule_ids.begin() + 1, finding.rule_ids.end());
    out << ansi.dim(" (also " + one_line(core::join(others, ", ")) + ")");
  }
  out << "\n";
  if (finding.fix) {
    write_compact_fix(out, finding, "");
  }
}

std::string_view section_title(core::Severity severity) {
  return severity >= core::Severity::high ? "Do first" : "Then";
}

// What the closing section says about one rule: the help of its findings
// (once when they share it) and its safety note.
struct RuleNotes {
  std::string rule;
  std::size_t findings = 0;
  std::optional<std::string> help; // the first
  bool helps_differ = false;
  std::string help_example;                      // where the first help came from
  std::optional<std::string> safety;             // the first
  std::unordered_set<std::string> seen_safety{}; // distinct, the first's included
};

void add_note(std::vector<RuleNotes>& notes, const core::Finding& finding) {
  auto it =
      std::find_if(notes.begin(), notes.end(), [&](const RuleNotes& n) { return n.rule == finding.rule; });
  if (it == notes.end()) {
    notes.push_back(RuleNotes{finding.rule, 0, {}, false, {}, {}, {}});
    it = notes.end() - 1;
  }
  ++it->findings;
  if (!finding.help.empty()) {
    if (!it->help) {
      it->help = std::string(finding.help.view());
      it->help_example = where_of(finding);
    } else if (*it->help != finding.help.view()) {
      it->helps_differ = true;
    }
  }
  if (finding.fix && !finding.fix->safety_note.empty()) {
    if (it->seen_safety.emplace(finding.fix->safety_note.view()).second && !it->safety) {
      it->safety = std::string(finding.fix->safety_note.view());
    }
  }
}

void write_rule_notes(std::ostream& out, const std::vector<RuleNotes>& notes, const Ansi& ansi) {
  if (notes.empty()) {
    return;
  }
  out << "\n"
      << ansi.bold("Rules") << " (help and safety once per rule; -v shows them under each finding, "
      << "`pgadvise rules show RULE` the whole page)\n";
  std::map<std::string, std::string> safety_shown; // note -> the rule it was shown under
  for (const RuleNotes& rule : notes) {
    out << ansi.bold(one_line(rule.rule)) << " (" << core::plural(rule.findings, "finding") << ")\n";
    if (rule.help) {
      // Helps name their finding's objects: when they differ, say whose this is.
      write_labelled(out,
                     "help:", rule.helps_differ ? "(" + rule.help_example + ") " + *rule.help : *rule.help);
    }
    // Safety notes that name their table say the same thing for each: the
    // first one, and how many more -v shows.
    if (!rule.safety) {
      continue;
    }
    const std::string& note = *rule.safety;
    if (const auto shown = safety_shown.find(note); shown != safety_shown.end()) {
      write_labelled(out, "safety:", "as for " + shown->second + " above");
    } else {
      safety_shown.emplace(note, rule.rule);
      write_labelled(out, "safety:", note);
    }
    if (rule.seen_safety.size() > 1) {
      write_labelled(out, "       ",
                     "(" + counted(rule.seen_safety.size() - 1, "more note", "more notes") +
                         " like it, one per table: -v)");
    }
  }
}

// What the entries ask the user to do, counted by kind of fix: a grouped
// entry is one action (one fix pattern, applied where it lists).
struct Actions {
  std::size_t create = 0;
  std::size_t create_measured = 0;
  double saving_ms = 0;
  std::size_t drop = 0;
  std::size_t convert = 0;
  std::size_t other = 0;
  // Grouped entries by rule, in report order: one pattern a rule, even when
  // its findings are grouped once per severity.
  std::vector<std::pair<std::string, std::size_t>> patterns;
  std::vector<std::string> commands; // the project's generate + migrate commands, distinct
  [[nodiscard]] std::size_t total() const { return create + drop + convert + other + patterns.size(); }
};

void add_unique(std::vector<std::string>& list, std::string_view value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) {
    list.emplace_back(value);
  }
}

// The generate + migrate commands of every finding, not only of each
// entry's first: a folder of projects groups its databases' findings.
void add_commands(Actions& actions, const core::Finding& finding) {
  if (finding.fix && !finding.fix->migrate_commands().empty()) {
    add_unique(actions.commands, finding.fix->migrate_commands());
  }
}

// Counts what `entry`, whose first finding is `finding`, asks to do.
void add_action(Actions& actions, const Entry& entry, const core::Finding& finding) {
  if (!finding.fix) {
    return;
  }
  if (entry.grouped()) {
    auto same = std::find_if(actions.patterns.begin(), actions.patterns.end(),
                             [&](const auto& pattern) { return pattern.first == finding.rule; });
    if (same == actions.patterns.end()) {
      actions.patterns.emplace_back(finding.rule, entry.findings.size());
    } else {
      same->second += entry.findings.size();
    }
    return;
  }
  const std::string ddl = work_line(finding.fix->statements(), finding.fix->statements_are_sql()).first;
  if (finding.fix->kind() == core::FixKind::sql &&
      (ddl.rfind("CREATE INDEX", 0) == 0 || ddl.rfind("CREATE UNIQUE INDEX", 0) == 0)) {
    ++actions.create;
    if (finding.saving_ms > 0) {
      ++actions.create_measured;
      actions.saving_ms += finding.saving_ms;
    }
  } else if (finding.fix->kind() == core::FixKind::sql && ddl.rfind("DROP INDEX", 0) == 0) {
    ++actions.drop;
  } else if (finding.fix->kind() == core::FixKind::sql && ddl.find("ALTER COLUMN") != std::string::npos &&
             ddl.find(" TYPE ") != std::string::npos) {
    ++actions.convert;
  } else {
    ++actions.other;
  }
}

Actions actions_of(const core::FindingList& list, const std::vector<Entry>& entries) {
  Actions actions;
  for (const Entry& entry : entries) {
    add_action(actions, entry, *list.at(entry.findings.front()));
    for (const std::size_t i : entry.findings) {
      add_commands(actions, *list.at(i));
    }
  }
  return actions;
}

// What the sections after the entries say, gathered while the entries are
// written: each finding is read back once (at 100,000 tables the list is
// records over the spill file).
struct Closing {
  std::vector<RuleNotes> notes;
  std::string fk_statements; // the foreign keys' CREATE INDEX lines, indented
  std::size_t fk_count = 0;
  std::string fk_database; // of the last statement, in a project of several databases
  Actions actions;
};

// The CREATE INDEX of every unindexed foreign key (the findings that are an
// action of their own and whose fix creates an index), to run in one go.
void add_fk_statements(Closing& closing, const core::Finding& finding,
                       const std::set<std::string>& own_entries) {
  if (own_entries.count(finding.rule) == 0 || !finding.fix || finding.fix->kind() != core::FixKind::sql ||
      finding.fix->statements().empty()) {
    return;
  }
  for (const std::string& line : core::split(sanitize_for_terminal(finding.fix->statements()), '\n')) {
    if (!is_preamble(line) && core::trim(line).rfind("CREATE INDEX", 0) == 0) {
      // Each database's statements under its drizzle.config's name: one
      // folder of projects is several databases to run them in.
      for (const core::Evidence& evidence : finding.evidence) {
        if (evidence.kind == core::Evidence::Kind::database && evidence.detail != closing.fk_database &&
            closing.fk_count < k_block_statements) {
          closing.fk_database = evidence.detail;
          closing.fk_statements += "  -- " + one_line(evidence.detail) + "\n";
        }
      }
      if (++closing.fk_count <= k_block_statements) {
        closing.fk_statements += "  " + line + "\n";
      }
    }
  }
}

void write_fk_block(std::ostream& out, const Closing& closing, const Ansi& ansi) {
  if (closing.fk_count < 2) {
    return;
  }
  out << "\n"
      << ansi.bold("The " + std::to_string(closing.fk_count) + " foreign-key indexes in one block")
      << " (psql, outside a transaction: CONCURRENTLY cannot run inside one):\n"
      << closing.fk_statements;
  if (closing.fk_count > k_block_statements) {
    out << "  -- and " << closing.fk_count - k_block_statements
        << " more: --rule unindexed-foreign-key lists them all, --format json gives each fix\n";
  }
}

// A grouped entry's first lines: the count, the rule, its first few findings.
void write_group_line(std::ostream& out, const Entry& entry, std::size_t i, const core::Finding& finding,
                      const ReportInput& input, const Ansi& ansi) {
  if (i == 0) {
    out << "  " << core::plural(entry.findings.size(), entry.rest ? "more finding" : "finding") << "  "
        << ansi.severity(finding.severity, core::to_string(finding.severity)) << "  "
        << one_line(finding.rule) << "  " << one_line(summary_of_rule(input, finding.rule)) << "\n";
  }
  if (i < k_group_examples) {
    out << k_fix_indent << (i == 0 ? "first: " : "       ") << one_line(where_of(finding)) << "  "
        << one_line(finding.message) << "\n";
  }
}

Closing write_entries(std::ostream& out, const core::FindingList& list, const std::vector<Entry>& entries,
                      const ReportInput& input, const Ansi& ansi) {
  const std::set<std::string> own_entries = action_rules(input);
  Closing closing;
  std::string_view section;
  for (const Entry& entry : entries) {
    const std::string_view title = section_title(entry.severity);
    if (title != section) {
      section = title;
      const std::size_t count =
          static_cast<std::size_t>(std::count_if(entries.begin(), entries.end(), [&](const Entry& e) {
            return section_title(e.severity) == title;
          }));
      out << "\n"
          << ansi.bold(std::string(title) + ": " +
                       (title == "Do first" ? "critical and high" : "medium and below"))
          << " (" << counted(count, "entry", "entries") << ")\n";
    }
    std::optional<core::Finding> first;
    for (std::size_t i = 0; i < entry.findings.size(); ++i) {
      const core::FindingList::Held finding = list.at(entry.findings[i]);
      if (i == 0) {
        add_action(closing.actions, entry, *finding);
      }
      add_commands(closing.actions, *finding);
      if (!entry.grouped()) {
        write_single(out, *finding, ansi);
      } else {
        write_group_line(out, entry, i, *finding, input, ansi);
        if (i == 0) {
          first = *finding;
        }
      }
      add_note(closing.notes, *finding);
      add_fk_statements(closing, *finding, own_entries);
    }
    if (first) {
      if (first->fix) {
        write_compact_fix(out, *first, "like the first, ");
      }
      out << k_fix_indent << "all " << entry.findings.size() << ": -v, or --rule " << one_line(first->rule)
          << "\n";
    }
  }
  return closing;
}

void write_actions(std::ostream& out, const ReportInput& input, const Actions& actions, const Ansi& ansi) {
  std::vector<std::string> parts;
  if (actions.create > 0) {
    std::string part = "create " + counted(actions.create, "index", "indexes");
    if (actions.create_measured > 0) {
      part += " (saving about " + core::human_duration_ms(actions.saving_ms) +
              " of workload time, measured for " + std::to_string(actions.create_measured) + ")";
    }
    parts.push_back(part);
  }
  if (actions.drop > 0) {
    parts.push_back("drop " + counted(actions.drop, "index", "indexes"));
  }
  if (actions.convert > 0) {
    parts.push_back("convert " + counted(actions.convert, "column", "columns"));
  }
  if (actions.other > 0) {
    parts.push_back(counted(actions.other, "other fix", "other fixes"));
  }
  if (!actions.patterns.empty()) {
    std::vector<std::string> named;
    for (const auto& [rule, count] : actions.patterns) {
      named.push_back(rule + " (" + std::to_string(count) + ")");
    }
    parts.push_back(counted(actions.patterns.size(), "fix pattern", "fix patterns") + " for many places (" +
                    core::join(named, ", ") + ")");
  }
  if (parts.empty()) {
    return;
  }
  const std::string lead = "To do: ";
  out << ansi.bold("To do:") << " "
      << wrap(counted(actions.total(), "action", "actions") + ": " + core::join(parts, ", "), k_width,
              lead.size(), k_detail_indent)
      << "\n";
  if (!input.migration_file.empty()) {
    out << k_detail_indent << "the proposed indexes are in one migration: " << one_line(input.migration_file)
        << " (--emit-migration)\n";
  }
  if (const std::optional<std::string> grouped = grouped_commands(actions.commands)) {
    out << k_detail_indent << wrap(one_line(*grouped), k_width, k_detail_indent.size(), "        ") << "\n";
    return;
  }
  for (const std::string& commands : actions.commands) {
    out << k_detail_indent << "after editing the Drizzle schema, run: " << one_line(commands) << "\n";
  }
}

} // namespace

void write_text(std::ostream& out, const ReportInput& input) {
  static const engine::RunReport k_empty;
  const engine::RunReport& run = input.run != nullptr ? *input.run : k_empty;
  const Ansi ansi(input.color);
  write_header(out, input, ansi);
  if (input.verbose) {
    write_groups(out, group_by_file(run.findings), ansi);
    write_rules_run(out, run);
    out << "\n";
    write_actions(out, input, actions_of(run.findings, entries_of(run.findings, input, true)), ansi);
  } else {
    for (const std::string& note : header_notes(input)) {
      out << k_detail_indent
          << "note: " << wrap(sanitize_for_terminal(note), k_width, 10, std::string(10, ' ')) << "\n";
    }
    const std::vector<Entry> entries = entries_of(run.findings, input, input.expand_groups);
    const Closing closing = write_entries(out, run.findings, entries, input, ansi);
    write_fk_block(out, closing, ansi);
    write_rule_notes(out, closing.notes, ansi);
    out << "\n";
    write_actions(out, input, closing.actions, ansi);
  }
  out << summary_line(run, ansi) << "\n";
}

} // namespace pgadvise::reporters
