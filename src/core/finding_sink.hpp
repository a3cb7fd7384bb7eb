#pragma once

#include "core/finding.hpp"
#include "core/finding_spill.hpp"

#include <cstddef>
#include <functional>
#include <optional>
#include <utility>
#include <vector>

namespace pgadvise::core {

// Where a rule puts its findings (engine::Rule::check's `out`). Given a
// FindingSpill, it writes them to it a chunk at a time while the rule runs,
// so a rule of 250,000 findings never holds more than a chunk of them; the
// chunks are written in the order the findings were made, and what is still
// held comes after them (a rule with fewer than a chunk keeps them all and
// pays for no file). Without a spill it keeps every finding (tests, callers
// that want the list).
//
// A rule sees the part of a vector's interface it needs: push_back,
// emplace_back, back(), size(), empty(). The last finding pushed is never
// written before the next one comes, so back() may amend it; a rule that
// needs to read or reorder its earlier findings keeps them in a vector of
// its own and pushes them when they are final.
class FindingSink {
public:
  // The chunk the runner writes: a rule with fewer findings never opens the file.
  static constexpr std::size_t k_chunk = 4096;

  FindingSink() = default;
  // `chunk`: how many findings are held before they are written (at least 1).
  explicit FindingSink(FindingSpill& spill, std::size_t chunk = k_chunk);

  void push_back(const Finding& finding) {
    make_room();
    m_held.push_back(finding);
  }
  void push_back(Finding&& finding) {
    make_room();
    m_held.push_back(std::move(finding));
  }
  template <class... Args> Finding& emplace_back(Args&&... args) {
    make_room();
    return m_held.emplace_back(std::forward<Args>(args)...);
  }

  // The last finding pushed (the sink must not be empty).
  [[nodiscard]] Finding& back() { return m_held.back(); }
  [[nodiscard]] const Finding& back() const { return m_held.back(); }
  // Every finding pushed so far, written or held.
  [[nodiscard]] std::size_t size() const { return m_written + m_held.size(); }
  [[nodiscard]] bool empty() const { return size() == 0; }

  // Every fix the rule's findings carry gets `applicability` (its
  // RuleMeta's), set as they are written or when the rule is done: a
  // finding may be given its fix after it was pushed (back()).
  void set_fix_applicability(FixApplicability applicability) { m_fix_applicability = applicability; }
  // Each finding is given to `completion` (when set) at the same time, on
  // the rule's thread, before it may be written to the spill file.
  void set_completion(const std::function<void(Finding&)>* completion) { m_completion = completion; }
  // Each finding written to the spill is told to `written` (when set) with
  // where its encoding went (engine::TableMemo keeps that); and with
  // spill_all(), finish() writes what is held however little it is.
  void set_written(const FindingSpill::Written* written) { m_written_hook = written; }
  void spill_all() { m_spill_all = true; }

  // After the rule: when anything was written, or a whole chunk is held,
  // what is held is written too (a file read back gives findings exactly
  // sized). Where the file could not be written, the rest stays held.
  void finish();
  // The chunks written, in order, then the findings still held.
  [[nodiscard]] const FindingSpill::Batch& written() const { return m_batch; }
  [[nodiscard]] std::vector<Finding>& held() { return m_held; }

private:
  // Writes what is held once a chunk of it is (before the next push, so the
  // last finding pushed stays in memory).
  void make_room() {
    if (m_spill != nullptr && m_held.size() >= m_chunk) {
      write_held();
    }
  }
  void write_held();
  void stamp_held();

  FindingSpill* m_spill = nullptr;
  std::size_t m_chunk = 0;
  std::vector<Finding> m_held;
  FindingSpill::Batch m_batch;
  std::size_t m_written = 0;
  std::optional<FixApplicability> m_fix_applicability;
  const std::function<void(Finding&)>* m_completion = nullptr;
  const FindingSpill::Written* m_written_hook = nullptr;
  bool m_spill_all = false;
};

} // namespace pgadvise::core
