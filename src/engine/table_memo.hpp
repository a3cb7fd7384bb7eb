#pragma once

#include "core/finding.hpp"
#include "core/finding_spill.hpp"
#include "core/settings.hpp"
#include "model/catalog.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace pgadvise::engine {

struct RunInput;

// What the per-table rules (RuleMeta::per_table) found on each table in the
// last run of a driver that runs them again and again over much the same
// catalog: the language server, after each keystroke in schema.ts, where
// 10,000 tables took a quarter of the keystroke to judge again. A table as
// it was (every field, model::Table's ==), with the tables its foreign keys
// join it to, is not judged again: its findings are copied, as encoded,
// from the last run's spill file to the new one. Every table is judged again
// when anything else the rules read differs: the settings, the driver's
// context (RunInput::table_memo_context), the catalog's enums, domains or
// source, the tables' names in order, an edited table's index names (a
// proposed index's name avoids every other), or a partition's edit.
//
// The driver keeps the catalog of the run that filled the memo alive until
// the next run given it is done (the two are compared), and clears the memo
// when it cannot.
class TableMemo {
public:
  // Forgets everything: the next run judges every table.
  void clear();
  // The catalog the findings were found in; null when the memo is empty.
  [[nodiscard]] const model::Catalog* catalog() const { return m_catalog; }
  // How many of the last run's tables were copied, not judged (for logs and tests).
  [[nodiscard]] std::size_t tables_reused() const { return m_reused; }

  // The runner's side (engine/runner.cpp).

  // One finding's encoding in a spill file.
  struct Range {
    std::uint64_t offset = 0;
    std::uint32_t size = 0;
  };
  // A rule's findings by table: table t's are ranges[first[t]] up to ranges[first[t + 1]].
  struct RuleFindings {
    std::vector<std::uint32_t> first;
    std::vector<Range> ranges;
  };

  // Whether a run over `input` may record its findings here (every table
  // judged or copied, no workload or plans, which some per-table rules read).
  [[nodiscard]] static bool records(const RunInput& input);
  // For each table of `input.catalog`, whether its findings here are what
  // the rules would find now; empty when none are (every table judged).
  // A table whose schema.ts declaration only moved (a line added above it)
  // is one of them, its findings' Drizzle fix to name its new line: in
  // `moved`, its index (a copy rewrites those findings, TableMemoRecording::copy).
  [[nodiscard]] std::vector<bool> reusable(const RunInput& input, const core::Settings& settings,
                                           std::vector<std::size_t>* moved = nullptr) const;
  // The findings a rule found, by table; null when it has none kept.
  [[nodiscard]] const RuleFindings* findings_of(std::string_view rule) const;
  [[nodiscard]] const std::shared_ptr<core::FindingSpill>& spill() const { return m_spill; }
  // The spill file a run that copies from the memo writes to: the last
  // run's own, where the copied findings already are (nothing to copy),
  // while that file is under four times what they take plus 64 MB (it
  // grows by each run's new findings); else a new one, into which they are
  // copied.
  [[nodiscard]] std::shared_ptr<core::FindingSpill> spill_for_next_run() const;
  // Holds a run's findings from now on, in place of the last run's.
  void keep(const RunInput& input, const core::Settings& settings, std::shared_ptr<core::FindingSpill> spill,
            std::map<std::string, RuleFindings, std::less<>> rules, std::size_t reused);

private:
  const model::Catalog* m_catalog = nullptr;
  core::Settings m_settings;
  std::string m_context;
  std::shared_ptr<core::FindingSpill> m_spill;
  std::map<std::string, RuleFindings, std::less<>> m_rules;
  std::uint64_t m_bytes = 0; // what m_rules' findings take in the file
  std::size_t m_reused = 0;
};

// A per-table rule's findings, recorded as its tasks write them: each
// finding attributed to the table it is about, which must come in the
// tables' order (a rule that reports otherwise is judged whole next time).
class TableMemoRecording {
public:
  TableMemoRecording(const model::Catalog& catalog, std::size_t tasks);

  // What task `task` (judging `first`.. of the catalog's tables) hands its
  // sink to be told where each finding went.
  [[nodiscard]] core::FindingSpill::Written written(std::size_t task, std::size_t first);
  // Copies the findings `memo` holds for tables [first, first + count) of
  // `rule` into `spill`, as task `task`'s; the chunks written. Findings it
  // could not write there (the file failed) are decoded into `held`. When
  // `spill` is the memo's own file, the chunks are where they are.
  // The findings of a table in `moved` (sorted) are written anew, their
  // Drizzle fix naming the table's new line.
  core::FindingSpill::Batch copy(std::size_t task, const TableMemo& memo, std::string_view rule,
                                 std::size_t first, std::size_t count, core::FindingSpill& spill,
                                 std::vector<core::Finding>& held,
                                 const std::vector<std::size_t>& moved = {});
  // A task's findings not all recorded (some stayed held): its rule is not kept.
  void spoil(std::size_t task) { m_tasks[task].clean = false; }
  // The rules' findings by table, from their tasks (in the catalog's
  // order): `rule_of_task[i]` is task i's rule id, empty for a task of a
  // rule not recorded.
  [[nodiscard]] std::map<std::string, TableMemo::RuleFindings, std::less<>>
  finish(const std::vector<std::string_view>& rule_of_task) const;

private:
  // Byte-copies the memo's findings [from, to) of a rule, the first of them table `table`'s.
  void copy_ranges(std::size_t task, const TableMemo& memo, const TableMemo::RuleFindings& kept,
                   std::size_t from, std::size_t to, std::size_t table, core::FindingSpill& spill,
                   std::vector<core::Finding>& held, core::FindingSpill::Batch& batch);
  // Writes the memo's findings of moved tables [first, end) anew, their Drizzle fix at their new lines.
  void rewrite_moved(std::size_t task, const TableMemo& memo, const TableMemo::RuleFindings& kept,
                     std::size_t first, std::size_t end, core::FindingSpill& spill,
                     std::vector<core::Finding>& held, core::FindingSpill::Batch& batch);

  struct Entry {
    std::uint32_t table = 0;
    TableMemo::Range range;
  };
  struct Task {
    std::vector<Entry> entries;
    bool clean = true;
  };
  const model::Catalog& m_catalog;
  std::vector<Task> m_tasks;
};

} // namespace pgadvise::engine
