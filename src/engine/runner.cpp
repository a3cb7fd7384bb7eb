#include "engine/runner.hpp"

#include "core/finding_sink.hpp"
#include "core/finding_spill.hpp"
#include "core/parallel.hpp"
#include "engine/builtin_diagnostics.hpp"
#include "engine/rule.hpp"
#include "engine/table_memo.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>
#include <thread>

#if defined(__GLIBC__)
#include <fcntl.h>
#include <malloc.h>
#include <unistd.h>
#endif

namespace pgadvise::engine {

namespace {

bool contains(const std::vector<std::string>& list, std::string_view id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

bool enabled(std::string_view id, const core::Settings& settings) {
  if (contains(settings.disabled, id)) {
    return false;
  }
  return settings.only_rules.empty() || contains(settings.only_rules, id);
}

// Why a rule cannot run on this input, or empty when it can.
std::string missing_input(const RuleMeta& meta, const RunInput& input) {
  for (Input needed : meta.inputs) {
    switch (needed) {
    case Input::catalog:
      if (input.catalog == nullptr || input.catalog->empty()) {
        return "no schema found";
      }
      break;
    case Input::project:
      if (input.project == nullptr) {
        return "no project directory";
      }
      break;
    case Input::workload:
      if (input.workload == nullptr || input.workload->empty()) {
        return "no query workload (--log, --pgss)";
      }
      break;
    case Input::plans:
      if (input.live_analysis == nullptr) {
        return "no query plans (--db)";
      }
      break;
    case Input::live:
      if (input.catalog == nullptr || input.catalog->source != model::SchemaSource::live) {
        return "needs a live database (--db)";
      }
      break;
    case Input::other_schemas:
      if (input.other_schemas == nullptr || input.other_schemas->empty()) {
        return "no second schema source (a drizzle-kit snapshot or Drizzle schema besides the SQL)";
      }
      break;
    }
  }
  return {};
}

RuleContext make_context(const Rule& rule, const RunInput& input, const core::Settings& settings) {
  const RuleMeta& meta = rule.meta();
  std::map<std::string, std::string> values;
  for (const RuleOption& option : meta.options) {
    values[option.name] = option.default_value;
  }
  if (auto it = settings.rule_options.find(meta.id); it != settings.rule_options.end()) {
    for (const auto& [name, value] : it->second) {
      values[name] = value;
    }
  }
  RuleContext context;
  context.catalog = input.catalog;
  context.project = input.project;
  context.workload = input.workload;
  context.other_schemas = input.other_schemas;
  context.files_catalog = input.files_catalog != nullptr ? input.files_catalog : input.catalog;
  context.live_analysis = input.live_analysis;
  context.options = RuleOptions(std::move(values));
  context.severity = meta.default_severity;
  return context;
}

// Why a directive's id silenced nothing worth saying, or empty when it may
// have: a rule that did not run (disabled, or its input absent) could have
// matched, so only ids of rules that ran, built-in diagnostics and unknown
// ids are reported.
std::string unused_reason(const std::string& id, const RunReport& report,
                          const std::vector<const Rule*>& rules) {
  if (id == "all" || find_builtin(id) != nullptr || contains(report.rules_run, id)) {
    return "suppresses nothing here";
  }
  const bool known =
      std::any_of(rules.begin(), rules.end(), [&](const Rule* r) { return r->meta().id == id; });
  return known ? std::string() : "names no rule";
}

// unused-suppression: one finding per directive id that silenced nothing.
std::vector<core::Finding> unused_suppressions(const core::Suppressions& suppressions,
                                               const core::SuppressionUse& use, const RunReport& report,
                                               const std::vector<const Rule*>& rules) {
  std::vector<core::Finding> out;
  const auto& entries = suppressions.entries();
  for (std::size_t e = 0; e < entries.size(); ++e) {
    const core::Suppression& s = entries[e];
    for (std::size_t r = 0; r < s.rules.size(); ++r) {
      const std::string why = use.used(e, r) ? std::string() : unused_reason(s.rules[r], report, rules);
      if (why.empty()) {
        continue;
      }
      const std::string directive = s.whole_file ? "pgadvise-ignore-file" : "pgadvise-ignore";
      core::Finding finding;
      finding.rule = std::string(k_unused_suppression);
      finding.severity = core::Severity::low;
      finding.message = "`" + directive + " " + s.rules[r] + "` " + why;
      finding.help = core::SharedText::fixed(
          why == "names no rule" ? "Correct the rule id (see `pgadvise rules`) or remove the comment."
                                 : "Remove the id from the comment: the problem it silenced is gone.");
      finding.location = {s.file, s.directive_line > 0 ? s.directive_line : s.first_line, 0};
      finding.evidence.push_back(
          {core::Evidence::Kind::comment, directive + " " + s.rules[r], finding.location});
      finding.compute_fingerprint(s.file + "|" + directive + "|" + s.rules[r]);
      out.push_back(std::move(finding));
    }
  }
  return out;
}

// The rules that are enabled and whose inputs are there; the others are
// listed in report.skipped with why.
std::vector<const Rule*> select_runnable(const RunInput& input, const core::Settings& settings,
                                         const std::vector<const Rule*>& rules, RunReport& report) {
  std::vector<const Rule*> runnable;
  for (const Rule* rule : rules) {
    const std::string& id = rule->meta().id;
    if (!enabled(id, settings)) {
      report.skipped.push_back(id + ": disabled");
      continue;
    }
    if (std::string why = missing_input(rule->meta(), input); !why.empty()) {
      report.skipped.push_back(id + ": " + why);
      continue;
    }
    runnable.push_back(rule);
    report.rules_run.push_back(id);
  }
  return runnable;
}

// A finding's texts are built by concatenation, which leaves a string up to
// twice the room it needs; 450,000 findings of a 100,000-table schema are
// held until the report is written, so each gives its spare room back.
void trim_room(core::Finding& finding) {
  finding.message.shrink_to_fit();
  finding.fingerprint.shrink_to_fit();
  for (core::Evidence& evidence : finding.evidence) {
    evidence.detail.shrink_to_fit();
  }
  if (!finding.fix) {
    return;
  }
  switch (finding.fix->kind()) { // the Drizzle texts (RareText) are exactly sized already
  case core::FixKind::sql: finding.fix->sql().ddl.shrink_to_fit(); break;
  case core::FixKind::shell: finding.fix->shell().commands.shrink_to_fit(); break;
  case core::FixKind::code: finding.fix->code().sends.shrink_to_fit(); break;
  }
}

#if defined(__GLIBC__)
// The process's resident set in bytes (Linux: /proc/self/statm); 0 when
// it cannot be read.
std::size_t resident_bytes() {
  const int fd = ::open("/proc/self/statm", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return 0;
  }
  std::array<char, 128> text{};
  const ssize_t got = ::read(fd, text.data(), text.size() - 1);
  ::close(fd);
  if (got <= 0) {
    return 0;
  }
  // "size resident shared ...", in pages.
  const std::string_view fields(text.data(), static_cast<std::size_t>(got));
  const std::size_t space = fields.find(' ');
  std::size_t pages = 0;
  for (std::size_t i = space + 1; space != std::string_view::npos && i < fields.size(); ++i) {
    if (fields[i] < '0' || fields[i] > '9') {
      break;
    }
    pages = pages * 10 + static_cast<std::size_t>(fields[i] - '0');
  }
  return pages * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}
#endif

// Gives the heap's free pages back to the system, in every malloc arena
// (glibc; elsewhere nothing), once the rules ran and the caller dropped
// what only they read. The rules' second worker allocates in an arena of
// its own (its findings until written, a rule's lookup tables), where
// what it freed stays resident: the main thread, which reads the findings
// back, sorts and writes them, cannot reuse it. At 100,000 tables, with
// glibc's default arenas (src/main.cpp), that was 15 to 30 MB of the peak.
// A folder of projects runs the rules once per database: malloc_trim walks
// every free chunk and gives its pages back each time, given before or not
// (a TLB flush each), so it is done again only once the resident set grew
// by 32 MB since the last trim: a folder of 20 real apps spent a quarter of
// its rules' time trimming. The resident set is read from /proc (one small
// read): asking glibc how much of its heap is free (mallinfo2) walks every
// free chunk of every arena too, and took that folder 0.45 s of CPU.
// Nor is a run trimmed while its resident set is under 192 MB, three
// quarters of the 256 MB a run keeps under: there the pages are not short,
// and the trim was the longest serial step after a real monorepo's rules
// (sim, 131 MB: 42-48 ms of its 1.2 s, its peak reached before).
void release_free_heap() {
#if defined(__GLIBC__)
  constexpr std::size_t k_grown = std::size_t{32} << 20U;
  constexpr std::size_t k_floor = std::size_t{192} << 20U;
  static std::atomic<std::size_t> trimmed_resident{0}; // the resident set after the last trim
  const std::size_t before = resident_bytes();
  if (before > 0 && before < k_floor) {
    return;
  }
  if (before > 0 && trimmed_resident > 0 && before < trimmed_resident + k_grown) {
    return;
  }
  malloc_trim(0);
  trimmed_resident = std::max<std::size_t>(resident_bytes(), 1);
#endif
}

using Admit = std::function<bool(core::Finding&)>;

// The loaders' diagnostics, then each rule's findings (what it spilled,
// then what it held), those `admit` lets in. When no rule spilled, a
// vector; else a list of records over the spill file (core::FindingList),
// each spilled finding read back once here and then only when a pass or a
// writer needs it whole: at 100,000 tables 450,000 findings are never all
// held as objects.
core::FindingList gather(const RunInput& input, std::vector<std::vector<core::Finding>>& parts,
                         const std::vector<core::FindingSpill::Batch>& spilled,
                         const std::shared_ptr<core::FindingSpill>& spill, const Admit& admit) {
  const bool any_spilled =
      std::any_of(spilled.begin(), spilled.end(), [](const auto& batch) { return !batch.empty(); });
  core::FindingList all = any_spilled ? core::FindingList::stored(spill) : core::FindingList();
  const auto add = [&](core::Finding&& finding) {
    if (admit(finding)) {
      all.push_back(std::move(finding));
    }
  };
  // Reserved once: growing a vector of findings moves every finding again,
  // and growing 450,000 records by doubling holds both copies at once.
  std::size_t total = input.diagnostics.size();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    total += parts[i].size() + core::FindingSpill::count(spilled[i]);
  }
  all.reserve(total);
  for (core::Finding finding : input.diagnostics) {
    add(std::move(finding));
  }
  for (std::size_t i = 0; i < parts.size(); ++i) {
    all.add_spilled(spilled[i], admit); // what was written comes first: the rest, if any, was not
    for (core::Finding& finding : parts[i]) {
      add(std::move(finding));
    }
    std::vector<core::Finding>().swap(parts[i]);
  }
  return all;
}

// A per-table rule (RuleMeta::per_table) over a catalog of this many
// tables or more is split among the workers: at 10,000 tables
// unindexed-foreign-key alone (25,000 findings) took 160 ms on one worker
// while the other had done the rest of the rules.
constexpr std::size_t k_split_from_tables = 2000;

// One call of a rule's check(): the whole of it, or a slice of the tables;
// or, for tables as they were in the last run, its findings there copied
// (RunInput::table_memo).
struct Task {
  const Rule* rule = nullptr;
  RuleContext::TableSlice tables;
  bool copy = false;
};

// `run` of tables, split among the workers when long.
void split_run(const RuleContext::TableSlice& run, std::vector<RuleContext::TableSlice>& slices) {
  const std::size_t workers = std::max(1U, std::thread::hardware_concurrency());
  const std::size_t parts = std::max<std::size_t>(1, std::min(run.count / k_split_from_tables, workers));
  for (std::size_t i = 0; i < parts; ++i) {
    const std::size_t first = run.count * i / parts;
    slices.push_back({run.first + first, run.count * (i + 1) / parts - first});
  }
}

// The runs of neighbouring tables whose flag in `flags` is `value`.
std::vector<RuleContext::TableSlice> runs_of(const std::vector<bool>& flags, bool value) {
  std::vector<RuleContext::TableSlice> runs;
  for (std::size_t i = 0; i < flags.size(); ++i) {
    if (flags[i] != value) {
      continue;
    }
    if (!runs.empty() && runs.back().first + runs.back().count == i) {
      ++runs.back().count;
    } else {
      runs.push_back({i, 1});
    }
  }
  return runs;
}

// The slices a per-table rule's calls judge: the runs of checked tables
// (RunInput::checked_tables, when `checked`), or every table; a long run
// split among the workers. Empty when no table is checked.
std::vector<RuleContext::TableSlice> table_slices(const RunInput& input, bool checked) {
  const std::size_t tables = input.catalog != nullptr ? input.catalog->tables.size() : 0;
  const std::vector<RuleContext::TableSlice> runs = !checked || input.checked_tables.size() != tables
                                                        ? std::vector<RuleContext::TableSlice>{{0, tables}}
                                                        : runs_of(input.checked_tables, true);
  std::vector<RuleContext::TableSlice> slices;
  for (const RuleContext::TableSlice& run : runs) {
    split_run(run, slices);
  }
  return slices;
}

// A per-table rule's calls when the memo holds its findings: a copy for
// each run of tables as they were (`reused`), a judgement of the others.
void plan_memo_tasks(const Rule* rule, const std::vector<bool>& reused, std::vector<Task>& tasks) {
  for (std::size_t i = 0; i < reused.size();) {
    std::size_t end = i;
    while (end < reused.size() && reused[end] == reused[i]) {
      ++end;
    }
    const RuleContext::TableSlice run{i, end - i};
    if (reused[i]) {
      tasks.push_back({rule, run, true});
    } else {
      std::vector<RuleContext::TableSlice> slices;
      split_run(run, slices);
      for (const RuleContext::TableSlice& slice : slices) {
        tasks.push_back({rule, slice});
      }
    }
    i = end;
  }
}

// The calls the rules make, in registry order; a split rule's slices in
// the tables' order, so that its findings come back as one call gives them.
// A convention rule judges every table even so: its findings in applied
// migrations become one summary over all of them (app/scope/lens), placed
// at the first.
std::vector<Task> plan_tasks(const RunInput& input, const std::vector<const Rule*>& runnable,
                             const std::vector<bool>& reused) {
  const std::vector<RuleContext::TableSlice> all = table_slices(input, false);
  const std::vector<RuleContext::TableSlice> checked = table_slices(input, true);
  std::vector<Task> tasks;
  for (const Rule* rule : runnable) {
    if (rule->meta().per_table && !reused.empty() &&
        input.table_memo->findings_of(rule->meta().id) != nullptr) {
      plan_memo_tasks(rule, reused, tasks);
      continue;
    }
    const bool scoped = !input.checked_tables.empty() && rule->meta().lens != Lens::convention;
    const std::vector<RuleContext::TableSlice>& slices = scoped ? checked : all;
    if (!rule->meta().per_table || (!scoped && all.size() == 1)) {
      tasks.push_back({rule, {}});
      continue;
    }
    for (const RuleContext::TableSlice& slice : slices) {
      tasks.push_back({rule, slice});
    }
  }
  return tasks;
}

// The loaders' diagnostics, then every rule's findings. check() is const
// and stateless: the rules run concurrently and are merged in registry
// order, so output does not depend on scheduling. A few workers (one per
// core) take the rules in turn: a thread per rule (47) reserved a stack and
// often a malloc arena each, which under a memory limit (ulimit -v, a
// container) failed a run now and then with "Resource temporarily
// unavailable" on a loaded machine. A rule with many findings writes them
// to a file with no name (core::FindingSpill) a chunk at a time while it
// runs (core::FindingSink), and the list is read back from it once: at
// 100,000 tables the three big rules (250,000 and twice 100,000 findings)
// hold a chunk each instead of all their findings, and the findings come
// back exactly sized, made on one thread.
core::FindingList check_all(const RunInput& input, const core::Settings& settings,
                            const std::vector<const Rule*>& runnable, const Admit& admit,
                            const FindingCompletion& complete) {
  TableMemo* memo = input.table_memo;
  const bool recording = memo != nullptr && TableMemo::records(input);
  std::vector<std::size_t> moved;
  const std::vector<bool> reused = recording ? memo->reusable(input, settings, &moved) : std::vector<bool>();
  const std::vector<Task> tasks = plan_tasks(input, runnable, reused);
  std::vector<std::vector<core::Finding>> parts(tasks.size());
  std::vector<core::FindingSpill::Batch> spilled(tasks.size());
  // The report reads from it until written.
  const std::shared_ptr<core::FindingSpill> spill =
      reused.empty() ? std::make_shared<core::FindingSpill>() : memo->spill_for_next_run();
  std::optional<TableMemoRecording> recorded;
  if (recording) {
    recorded.emplace(*input.catalog, tasks.size());
  }
  core::parallel_for(tasks.size(), [&](std::size_t i) {
    const Rule& rule = *tasks[i].rule;
    if (tasks[i].copy) {
      spilled[i] = recorded->copy(i, *memo, rule.meta().id, tasks[i].tables.first, tasks[i].tables.count,
                                  *spill, parts[i], moved);
      return;
    }
    core::FindingSink sink(*spill, input.spill_from);
    core::FindingSpill::Written written;
    if (recording && rule.meta().per_table) {
      written = recorded->written(i, tasks[i].tables.first); // every finding into the file, where noted
      sink.set_written(&written);
      sink.spill_all();
    }
    if (complete) {
      sink.set_completion(&complete);
    }
    if (rule.meta().has_fix) {
      sink.set_fix_applicability(rule.meta().fix_applicability.value_or(core::FixApplicability::unsafe));
    }
    RuleContext context = make_context(rule, input, settings);
    context.tables = tasks[i].tables;
    rule.check(context, sink);
    sink.finish();
    spilled[i] = sink.written(); // read back exactly sized: no room to trim
    parts[i] = std::move(sink.held());
    if (recorded && !parts[i].empty()) {
      recorded->spoil(i); // the file failed: these are not in it
    }
    std::for_each(parts[i].begin(), parts[i].end(), trim_room);
  }); // a rule's exception reaches the caller
  if (recorded) {
    std::vector<std::string_view> rule_of_task(tasks.size());
    for (std::size_t i = 0; i < tasks.size(); ++i) {
      if (tasks[i].rule->meta().per_table) {
        rule_of_task[i] = tasks[i].rule->meta().id;
      }
    }
    memo->keep(input, settings, spill, recorded->finish(rule_of_task),
               static_cast<std::size_t>(std::count(reused.begin(), reused.end(), true)));
  } else if (memo != nullptr) {
    memo->clear();
  }
  if (input.after_rules) {
    input.after_rules();
  }
  release_free_heap();
  return gather(input, parts, spilled, spill, admit);
}

// Whether a finding goes into the report: --rule/--disable, the
// suppressions (their use recorded), --min-severity; severity overrides
// and the fingerprint applied on the way. Counts what it holds back.
class Admission {
public:
  Admission(const RunInput& input, const core::Settings& settings, RunReport& report)
      : m_input(input), m_settings(settings), m_report(report) {}

  bool admit(core::Finding& finding) {
    if (!enabled(finding.rule, m_settings)) {
      return false; // loader diagnostics obey --rule/--disable too
    }
    if (auto it = m_settings.severity_overrides.find(finding.rule);
        it != m_settings.severity_overrides.end()) {
      finding.severity = it->second;
    }
    if (m_input.suppressions.suppresses(finding, m_use)) {
      ++m_report.suppressed;
      return false;
    }
    if (finding.severity < m_settings.min_severity) {
      ++m_report.hidden;
      return false;
    }
    if (finding.fingerprint.empty()) {
      finding.compute_fingerprint();
    }
    return true;
  }

  [[nodiscard]] const core::SuppressionUse& use() const { return m_use; }

private:
  const RunInput& m_input;
  const core::Settings& m_settings;
  RunReport& m_report;
  core::SuppressionUse m_use;
};

} // namespace

RunReport run(const RunInput& input, const core::Settings& settings, const std::vector<const Rule*>& rules,
              const FindingCompletion& complete) {
  RunReport report;
  const std::vector<const Rule*> runnable = select_runnable(input, settings, rules, report);
  Admission admission(input, settings, report);
  report.findings = check_all(
      input, settings, runnable, [&](core::Finding& finding) { return admission.admit(finding); }, complete);
  // After every other finding met the suppressions: only then is a directive known to be unused.
  for (core::Finding& finding : unused_suppressions(input.suppressions, admission.use(), report, rules)) {
    if (admission.admit(finding)) {
      report.findings.push_back(std::move(finding));
    }
  }
  report.findings.sort();
  return report;
}

int exit_code_for(const RunReport& report, const core::Settings& settings) {
  if (!settings.fail_on) {
    return 0;
  }
  for (std::size_t i = 0; i < report.findings.size(); ++i) {
    if (report.findings.severity(i) >= *settings.fail_on) {
      return 1;
    }
  }
  return 0;
}

} // namespace pgadvise::engine
