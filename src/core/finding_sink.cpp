#include "core/finding_sink.hpp"

#include <algorithm>

namespace pgadvise::core {

FindingSink::FindingSink(FindingSpill& spill, std::size_t chunk)
    : m_spill(&spill), m_chunk(std::max<std::size_t>(chunk, 1)) {}

void FindingSink::stamp_held() {
  for (Finding& finding : m_held) {
    if (m_fix_applicability && finding.fix) {
      finding.fix->applicability = *m_fix_applicability;
    }
    if (m_completion != nullptr) {
      (*m_completion)(finding);
    }
  }
}

void FindingSink::write_held() {
  stamp_held();
  const std::size_t before = m_held.size();
  FindingSpill::Batch batch =
      m_written_hook != nullptr ? m_spill->write(m_held, *m_written_hook) : m_spill->write(m_held);
  m_written += FindingSpill::count(batch);
  m_batch.insert(m_batch.end(), batch.begin(), batch.end());
  if (m_held.size() == before) {
    // The file could not be made or written: the rest stays in memory
    // (after what was written), and no push tries again.
    m_spill = nullptr;
  } else if (m_held.empty()) {
    m_held.reserve(m_chunk); // write() gave the room back; grown once, not by doubling
  }
}

void FindingSink::finish() {
  if (m_spill != nullptr && !m_held.empty() &&
      (m_spill_all || !m_batch.empty() || m_held.size() >= m_chunk)) {
    write_held(); // stamps what it writes
  } else {
    stamp_held();
  }
}

} // namespace pgadvise::core
