#include "loaders/sql/replay_parse_ahead.hpp"

#include <algorithm>
#include <exception>

namespace pgadvise::loaders::replay {

namespace {

std::string_view statement_of(std::string_view text, const TextSpan& span) {
  const std::size_t offset = std::min(span.offset, text.size());
  return text.substr(offset, std::min(span.length, text.size() - offset));
}

} // namespace

ParseAhead::ParseAhead(std::string_view text, const std::vector<TextSpan>& spans)
    : m_text(text), m_spans(spans), m_slots(k_window) {
  m_worker = std::thread([this] { run(); });
}

ParseAhead::~ParseAhead() {
  {
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_stop = true;
  }
  m_changed.notify_all();
  m_worker.join();
}

void ParseAhead::run() {
  for (std::size_t i = 0; i < m_spans.size(); ++i) {
    {
      std::unique_lock<std::mutex> lock(m_mutex);
      m_changed.wait(lock, [&] { return m_stop || i < m_consumed + k_window; });
      if (m_stop) {
        return;
      }
    }
    pg::TreeParse parsed;
    try {
      parsed = pg::parse_tree(statement_of(m_text, m_spans[i]));
    } catch (const std::exception& error) { // out of memory: the replay reports it as a bad statement
      parsed.error = pg::ParseError{error.what(), 0};
    }
    {
      const std::lock_guard<std::mutex> lock(m_mutex);
      m_slots[i % k_window] = std::move(parsed);
      m_produced = i + 1;
    }
    m_changed.notify_all();
  }
}

pg::TreeParse ParseAhead::take(std::size_t index) {
  std::optional<pg::TreeParse> out;
  std::vector<std::optional<pg::TreeParse>> dropped; // freed outside the lock
  {
    std::unique_lock<std::mutex> lock(m_mutex);
    while (m_consumed <= index && m_consumed < m_spans.size()) {
      m_changed.wait(lock, [&] { return m_produced > m_consumed; });
      std::optional<pg::TreeParse> slot;
      slot.swap(m_slots[m_consumed % k_window]);
      if (m_consumed == index) {
        out = std::move(slot);
      } else {
        dropped.push_back(std::move(slot));
      }
      ++m_consumed;
      // The worker may be waiting for room: a jump of more than the window
      // must wake it here, before this loop waits for its next tree.
      m_changed.notify_all();
    }
  }
  m_changed.notify_all();
  if (!out) {
    // Out of range, or asked twice: parse here.
    return index < m_spans.size() ? pg::parse_tree(statement_of(m_text, m_spans[index])) : pg::TreeParse{};
  }
  return std::move(*out);
}

} // namespace pgadvise::loaders::replay
